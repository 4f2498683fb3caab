/** `GET /api/fleet`: the Fleet page's numbers, the newest snapshot of every cluster (src/fleet/fleet-view.ts). */
import { Hono } from 'hono';
import type { RouteDeps } from '../deps.js';
import { fleetViewToJson } from '../../fleet/fleet-json.js';
import type { ClusterPart } from '../../fleet/fleet-view.js';
import { readClusterPart, readFleetView } from '../../fleet/read-fleet.js';
import { viewResponse } from '../view-cache.js';

export function fleetRoutes(deps: RouteDeps): Hono {
  // Each cluster's part by snapshot id: a collection in one cluster reads that cluster's inventory alone. Only the
  // parts of the newest snapshots are kept.
  let parts = new Map<number, ClusterPart>();
  return new Hono().get('/', async (c) => {
    const snapshots = await deps.store.newestSnapshots();
    // Stored snapshots never change: the newest snapshot of each cluster names the view.
    const key = `fleet:${snapshots.map((snapshot) => snapshot.id).join(',')}`;
    const body = await deps.views.json(key, async () => {
      const kept = new Map<number, ClusterPart>();
      const view = await readFleetView(snapshots, async (snapshot) => {
        const part = parts.get(snapshot.id) ?? (await readClusterPart(deps.store, snapshot));
        kept.set(snapshot.id, part);
        return part;
      });
      parts = kept;
      return fleetViewToJson(view);
    });
    return viewResponse(c, body);
  });
}
