/**
 * `GET /api/teams?plan=latest|ID&snapshot=latest|ID`: the team tree of a plan with, per team and resource, the quota
 * in force and the use in the snapshot (default: the latest), and the plan's quota.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { RouteDeps } from '../deps.js';
import { findPlanSummary, snapshotOf } from '../lookups.js';
import { viewResponse } from '../view-cache.js';
import { loadPlan } from '../planning.js';
import { teamTree } from '../team-view.js';
import { clusterName, planRef, snapshotRef, validate } from '../validate.js';
import { snapshotToJson } from './snapshots.js';

const teamsQuery = z.object({ plan: planRef.default('latest'), snapshot: snapshotRef.default('latest'), cluster: clusterName.optional() });

export function teamRoutes(deps: RouteDeps): Hono {
  return new Hono().get('/', validate('query', teamsQuery), async (c) => {
    const query = c.req.valid('query');
    const stored = await findPlanSummary(deps.store, query.plan, query.cluster === undefined ? {} : { cluster: query.cluster });
    const snapshot = await snapshotOf(deps.store, query.snapshot, stored.cluster);
    const body = await deps.views.json(`teams:${stored.id}:${snapshot.id}`, async () => ({
      plan: { id: stored.id, cycle: stored.cycle, createdAt: stored.createdAt.toISOString() },
      snapshot: snapshotToJson(snapshot),
      teams: teamTree((await loadPlan(deps.store, String(stored.id))).plan, await deps.inventory(snapshot.id)),
    }));
    return viewResponse(c, body);
  });
}
