/**
 * Plans: `GET /api/plans` (list), `GET /api/plans/:ref` (`latest` or an id: the plan with today's quota and use per
 * team), `GET /api/plans/:ref/manifests.yaml` and `/pr-body.md` (the same files `quotaplan emit` writes), and
 * `POST /api/plans` (plan with the what-if body's changes and store it; needs a writer). The list says of each plan
 * whether it is a draft, a cycle's plan or approved (plan-status.ts); a saved plan is a draft until a cycle takes it.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { buildManifests } from '../../emit/manifests.js';
import { ValidationError } from '../../errors.js';
import { renderPrBody } from '../../emit/pr-body.js';
import { toMultiDocument } from '../../emit/tree.js';
import { planToJson } from '../../plan/plan-json.js';
import type { RouteDeps } from '../deps.js';
import { guardOptions } from '../deps.js';
import { requireWriter, type GuardVariables } from '../guard.js';
import { loadPlan, planRequest, planRequestSchema, quotaChangesOf, snapshotOfPlan, teamSpecsJson } from '../planning.js';
import { parseTeamsFile } from '../../plan/teams-file.js';
import { cyclePlans, planStatuses, type PlanStatusJson } from '../plan-status.js';
import { planRows } from '../team-view.js';
import { findPlanSummary } from '../lookups.js';
import { viewResponse } from '../view-cache.js';
import { clusterName, planRef, validate } from '../validate.js';
import { snapshotToJson } from './snapshots.js';

const refParam = z.object({ ref: planRef });
const clusterQuery = z.object({ cluster: clusterName.optional() });

export function planRoutes(deps: RouteDeps): Hono<{ Variables: GuardVariables }> {
  const { store } = deps;
  const routes = new Hono<{ Variables: GuardVariables }>();

  routes.get('/', validate('query', clusterQuery), async (c) => {
    const { cluster } = c.req.valid('query');
    const plans = await store.listPlans(cluster === undefined ? {} : { cluster });
    const clusters = [...new Set(plans.map((p) => p.cluster))];
    const cycles = (await Promise.all(clusters.map((name) => store.listCycles({ cluster: name })))).flat();
    const statuses = planStatuses(plans, cycles);
    return c.json({
      plans: plans.map((p) => ({
        id: p.id,
        cluster: p.cluster,
        cycle: p.cycle,
        snapshotId: p.snapshotId,
        createdAt: p.createdAt.toISOString(),
        status: statuses.get(p.id) as PlanStatusJson,
      })),
      // Only meaningful for one cluster: the plans of several are listed without it.
      ...(clusters.length === 1 ? cyclePlans(cycles) : { approved: null, current: null }),
    });
  });

  routes.get('/:ref', validate('param', refParam), validate('query', clusterQuery), async (c) => {
    const { cluster } = c.req.valid('query');
    const summary = await findPlanSummary(store, c.req.valid('param').ref, cluster === undefined ? {} : { cluster });
    const snapshot = await snapshotOfPlan(store, summary);
    // A plan made from an unstored dump is shown against the cluster's latest snapshot, so the key names both.
    const body = await deps.views.json(`plan:${summary.id}:${snapshot.id}`, async () => {
      const loaded = await loadPlan(store, String(summary.id));
      return {
        id: loaded.stored.id,
        cluster: loaded.stored.cluster,
        cycle: loaded.stored.cycle,
        snapshotId: loaded.stored.snapshotId,
        createdAt: loaded.stored.createdAt.toISOString(),
        snapshot: snapshotToJson(snapshot),
        teamsYaml: loaded.stored.teamsYaml,
        teamSpecs: teamSpecsJson(parseTeamsFile(loaded.stored.teamsYaml, `teams file of plan ${loaded.stored.id}`)),
        plan: planToJson(loaded.plan),
        rows: planRows(loaded.plan, await deps.inventory(snapshot.id)),
      };
    });
    return viewResponse(c, body);
  });

  routes.get('/:ref/manifests.yaml', validate('param', refParam), validate('query', clusterQuery), async (c) => {
    const loaded = await loadPlan(store, c.req.valid('param').ref, c.req.valid('query').cluster);
    const inventory = await deps.inventory((await snapshotOfPlan(store, loaded.stored)).id);
    const changes = quotaChangesOf(loaded, inventory);
    return c.body(toMultiDocument(buildManifests({ changes, plan: loaded.plan, inventory, mode: 'full' })), 200, {
      'Content-Type': 'application/yaml; charset=utf-8',
      'Content-Disposition': `attachment; filename="plan-${loaded.stored.id}.yaml"`,
    });
  });

  routes.get('/:ref/pr-body.md', validate('param', refParam), validate('query', clusterQuery), async (c) => {
    const loaded = await loadPlan(store, c.req.valid('param').ref, c.req.valid('query').cluster);
    const inventory = await deps.inventory((await snapshotOfPlan(store, loaded.stored)).id);
    const changes = quotaChangesOf(loaded, inventory);
    return c.body(renderPrBody(changes, inventory.dra === undefined ? {} : { dra: inventory.dra, capacity: inventory }), 200, {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': `attachment; filename="plan-${loaded.stored.id}-pr-body.md"`,
    });
  });

  routes.post('/', requireWriter(guardOptions(deps)), validate('json', planRequestSchema), async (c) => {
    const request = c.req.valid('json');
    if (request.nodes.length > 0) {
      // A stored plan is its teams file on a stored snapshot: hypothetical nodes are in neither, so the plan could
      // not be reproduced, and its quotas would not fit the cluster the manifests go to.
      throw new ValidationError('hypothetical nodes are for what-if only: a saved plan must fit the snapshot it is planned on', {
        field: 'nodes',
      });
    }
    const result = await planRequest(store, request, deps.inventory);
    const stored = await store.savePlan({
      cluster: result.cluster,
      cycle: result.plan.cycle,
      snapshotId: result.snapshot.id,
      teamsYaml: result.teamsYaml,
      plan: result.json,
      createdAt: deps.clock(),
    });
    deps.log?.(`quotaplan serve: plan ${stored.id} saved by ${c.get('actor')}`);
    return c.json(
      { id: stored.id, cluster: stored.cluster, cycle: stored.cycle, snapshotId: stored.snapshotId, createdAt: stored.createdAt.toISOString(), savedBy: c.get('actor') },
      201,
    );
  });

  return routes;
}
