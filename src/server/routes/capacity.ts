/** `GET /api/capacity?snapshot=latest|ID[&cluster=C]`: the Capacity page's numbers for one snapshot. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { RouteDeps } from '../deps.js';
import { capacityView } from '../capacity-view.js';
import { snapshotOf } from '../lookups.js';
import { viewResponse } from '../view-cache.js';
import { clusterName, snapshotRef, validate } from '../validate.js';
import { snapshotToJson } from './snapshots.js';

export const snapshotQuery = z.object({ snapshot: snapshotRef.default('latest'), cluster: clusterName.optional() });

export function capacityRoutes(deps: RouteDeps): Hono {
  return new Hono().get('/', validate('query', snapshotQuery), async (c) => {
    const query = c.req.valid('query');
    const snapshot = await snapshotOf(deps.store, query.snapshot, query.cluster);
    const body = await deps.views.json(`capacity:${snapshot.id}`, async () => ({ snapshot: snapshotToJson(snapshot), ...capacityView(await deps.inventory(snapshot.id)) }));
    return viewResponse(c, body);
  });
}
