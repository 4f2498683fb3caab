/** The fleet view as JSON (CLI `-o json` and `GET /api/fleet`): quantities as canonical strings, times ISO. */
import { formatQuantity } from '../quantity.js';
import type { FleetView, ResourceFigures } from './fleet-view.js';

function figuresToJson(row: ResourceFigures): Record<string, string> {
  return {
    resource: row.resource,
    allocatable: formatQuantity(row.allocatable),
    requested: formatQuantity(row.requested),
    free: formatQuantity(row.free),
    plannable: formatQuantity(row.plannable),
  };
}

export function fleetViewToJson(view: FleetView): Record<string, unknown> {
  return {
    clusters: view.clusters.map((cluster) => ({
      cluster: cluster.cluster,
      snapshotId: cluster.snapshotId,
      takenAt: cluster.takenAt.toISOString(),
      nodes: cluster.nodes,
      resources: cluster.resources.map(figuresToJson),
    })),
    models: view.models.map((model) => ({ model: model.model, ...figuresToJson(model), clusters: model.clusters, nodes: model.nodes })),
    totals: view.totals.map((total) => ({ ...figuresToJson(total), clusters: total.clusters })),
  };
}
