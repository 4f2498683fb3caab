/** `GET /api/capacity?snapshot=latest|ID[&cluster=C]`: the Capacity page's numbers for one snapshot. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { RouteDeps } from '../app.js';
import { capacityView } from '../capacity-view.js';
import { findSnapshot } from '../lookups.js';
import { viewResponse } from '../view-cache.js';
import { clusterName, snapshotRef, validate } from '../validate.js';
import { snapshotToJson } from './snapshots.js';

export const snapshotQuery = z.object({ snapshot: snapshotRef.default('latest'), cluster: clusterName.optional() });

export function capacityRoutes(deps: RouteDeps): Hono {
  return new Hono().get('/', validate('query', snapshotQuery), (c) => {
    const query = c.req.valid('query');
    const snapshot = findSnapshot(deps.store, query.snapshot, query.cluster);
    const body = deps.views.json(`capacity:${snapshot.id}`, () => ({ snapshot: snapshotToJson(snapshot), ...capacityView(deps.inventory(snapshot.id)) }));
    return viewResponse(c, body);
  });
}
