/**
 * What-if: `POST /api/what-if` plans the request's changes without storing anything (open to readers: it changes
 * nothing); `GET /api/what-if/shapes` lists the node shapes hypothetical nodes can copy.
 */
import { Hono } from 'hono';
import { planToJson } from '../../plan/plan-json.js';
import type { RouteDeps } from '../deps.js';
import { snapshotOf } from '../lookups.js';
import { planRequest, planRequestSchema } from '../planning.js';
import { validate } from '../validate.js';
import { nodeShapes } from '../what-if.js';
import { snapshotQuery } from './capacity.js';

export function whatIfRoutes(deps: RouteDeps): Hono {
  const routes = new Hono();
  routes.get('/shapes', validate('query', snapshotQuery), async (c) => {
    const query = c.req.valid('query');
    const snapshot = await snapshotOf(deps.store, query.snapshot, query.cluster);
    return c.json({ snapshotId: snapshot.id, shapes: nodeShapes(await deps.inventory(snapshot.id)) });
  });
  routes.post('/', validate('json', planRequestSchema), async (c) => {
    const result = await planRequest(deps.store, c.req.valid('json'), deps.inventory);
    return c.json({
      cluster: result.cluster,
      snapshot: result.snapshot,
      basePlanId: result.basePlanId,
      teamsYaml: result.teamsYaml,
      plan: planToJson(result.plan),
      rows: result.rows,
      queuedDemand: result.queuedDemand,
    });
  });
  return routes;
}
