/** The fleet view for people: per cluster, per model across clusters, and the fleet's totals, per resource. */
import { formatQuantity } from '../quantity.js';
import type { FleetView, ResourceFigures } from '../fleet/fleet-view.js';
import { alignColumns } from './columns.js';

const figureCells = (row: ResourceFigures): string[] => [
  row.resource,
  formatQuantity(row.allocatable),
  formatQuantity(row.requested),
  formatQuantity(row.free),
  formatQuantity(row.plannable),
];

const FIGURES = ['RESOURCE', 'ALLOCATABLE', 'REQUESTED', 'FREE', 'PLANNABLE'];

export function fleetTable(view: FleetView): string {
  if (view.clusters.length === 0) return 'no snapshots\n';
  const clusters: string[][] = [['CLUSTER', 'SNAPSHOT', 'TAKEN AT', 'NODES', ...FIGURES]];
  for (const cluster of view.clusters) {
    const head = [cluster.cluster, String(cluster.snapshotId), cluster.takenAt.toISOString(), String(cluster.nodes)];
    if (cluster.resources.length === 0) clusters.push([...head, '-', '', '', '', '']);
    cluster.resources.forEach((row, i) => clusters.push([...(i === 0 ? head : ['', '', '', '']), ...figureCells(row)]));
  }
  const models: string[][] = [['MODEL', ...FIGURES, 'NODES', 'CLUSTERS']];
  for (const model of view.models) models.push([model.model, ...figureCells(model), String(model.nodes), model.clusters.join(',')]);
  const totals: string[][] = [[...FIGURES, 'CLUSTERS']];
  for (const total of view.totals) totals.push([...figureCells(total), String(total.clusters)]);
  return `CLUSTERS (newest snapshot of each)\n${alignColumns(clusters)}\nMODELS\n${alignColumns(models)}\nFLEET\n${alignColumns(totals)}`;
}
