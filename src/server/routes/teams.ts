/**
 * `GET /api/teams?plan=latest|ID&snapshot=latest|ID`: the team tree of a plan with, per team and resource, the quota
 * in force and the use (and queued part of it) in the snapshot (default: the latest), the plan's quota, and the
 * newest approved cycle's quota with whether it is in force (team-view.ts). Which plan is a draft, a cycle's plan or
 * approved is in `GET /api/plans`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { RouteDeps } from '../deps.js';
import { findPlanSummary, snapshotOf } from '../lookups.js';
import { cyclePlans } from '../plan-status.js';
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
    const { approved } = cyclePlans(await deps.store.listCycles({ cluster: stored.cluster }));
    // An approval changes the body: the approved plan is part of the key (approved plans never change).
    const body = await deps.views.json(`teams:${stored.id}:${snapshot.id}:${approved?.planId ?? '-'}`, async () => ({
      plan: { id: stored.id, cycle: stored.cycle, createdAt: stored.createdAt.toISOString() },
      approved,
      snapshot: snapshotToJson(snapshot),
      teams: teamTree(
        (await loadPlan(deps.store, String(stored.id))).plan,
        await deps.inventory(snapshot.id),
        approved === null ? null : (await loadPlan(deps.store, String(approved.planId))).plan,
      ),
    }));
    return viewResponse(c, body);
  });
}
