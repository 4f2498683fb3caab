// Fleet: accelerator capacity and use of every cluster's newest snapshot, per cluster, per model and in total.
import { getJson } from '../lib/api.js';
import { el } from '../lib/dom.js';
import { dateTime, plural } from '../lib/format.js';
import { tableBlock } from '../lib/table.js';

const FIGURES = [
  { key: 'resource', label: 'Resource' },
  { key: 'allocatable', label: 'Allocatable', numeric: true },
  { key: 'requested', label: 'Requested', numeric: true },
  { key: 'free', label: 'Free', numeric: true },
  { key: 'plannable', label: 'Plannable', numeric: true },
];

export async function render(root) {
  const data = await getJson('/api/fleet');
  root.append(el('h1', {}, 'Fleet'));
  if (data.clusters.length === 0) {
    root.append(el('p', { class: 'muted' }, 'No cluster has a snapshot yet.'));
    return;
  }
  const clusterRows = data.clusters.flatMap((cluster) =>
    cluster.resources.map((row) => ({ cluster: cluster.cluster, snapshot: cluster.snapshotId, takenAt: dateTime(cluster.takenAt), nodes: cluster.nodes, ...row })),
  );
  root.append(
    el('p', { class: 'muted' }, `${plural(data.clusters.length, 'cluster')}, the newest snapshot of each. Free = allocatable - requested; plannable counts ready, schedulable, non-transitional nodes.`),
    el('h2', {}, 'Fleet totals'),
    tableBlock({ caption: 'Accelerators across the fleet, per resource', columns: [...FIGURES, { key: 'clusters', label: 'Clusters', numeric: true }], rows: data.totals, filename: 'fleet-totals.csv' }),
    el('h2', {}, 'Per model'),
    tableBlock({
      caption: 'Accelerators per model and resource across clusters',
      columns: [
        { key: 'model', label: 'Model' },
        ...FIGURES,
        { key: 'nodes', label: 'Nodes', numeric: true },
        // One cluster name a line: names break at their hyphens otherwise, a line per word on a phone.
        { key: 'clusterList', label: 'Clusters', className: 'names', format: (_, model) => model.clusters.join('\n') },
      ],
      rows: data.models.map((model) => ({ ...model, clusterList: model.clusters.join(', ') })),
      filename: 'fleet-models.csv',
    }),
    el('h2', {}, 'Per cluster'),
    tableBlock({
      caption: 'Accelerators per cluster and resource',
      columns: [
        { key: 'cluster', label: 'Cluster', className: 'names' },
        { key: 'snapshot', label: 'Snapshot', numeric: true },
        { key: 'takenAt', label: 'Taken', className: 'names' },
        { key: 'nodes', label: 'Nodes', numeric: true },
        ...FIGURES,
      ],
      rows: clusterRows,
      filename: 'fleet-clusters.csv',
    }),
  );
}
