/**
 * Loading what the plan routes work on (a stored plan, its teams file, the inventory it was planned on) and
 * running the pure planner for the what-if and save routes. No HTTP here: routes validate and respond.
 */
import { z } from 'zod';
import { buildQuotaChanges, type QuotaChangeSet } from '../emit/changes.js';
import { targetsFromTeamsFile } from '../emit/inputs.js';
import type { ClusterInventory } from '../inventory/types.js';
import { formatQuantity } from '../quantity.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan } from '../plan/plan.js';
import { planFromJson, planToJson, type PlanJson } from '../plan/plan-json.js';
import { parseTeamsFile, type TeamSpec, type TeamsFile } from '../plan/teams-file.js';
import type { SnapshotSummary, Store, StoredPlan } from '../store/store.js';
import type { InventoryOf } from './inventory-cache.js';
import { planRefOf, snapshotOf } from './lookups.js';
import { drawingNumber, planRows, TeamFigureReader, type PlanRowJson } from './team-view.js';
import { clusterName, planRef, snapshotRef } from './validate.js';
import { applyNodeChanges, applyTeamChanges, nodeChangeSchema, teamChangeSchema } from './what-if.js';
import { snapshotToJson, type SnapshotJson } from './routes/snapshots.js';

/** The body of `POST /api/what-if` and `POST /api/plans`. */
export const planRequestSchema = z.strictObject({
  /** Start from this stored plan's teams file (default: the latest plan)... */
  plan: planRef.optional(),
  /** ...or from this teams file text. */
  teamsYaml: z.string().min(1).max(512 * 1024).optional(),
  /** Plan on this snapshot (default: the base plan's snapshot, else the latest). */
  snapshot: snapshotRef.optional(),
  cluster: clusterName.optional(),
  changes: z.array(teamChangeSchema).max(1000).default([]),
  nodes: z.array(nodeChangeSchema).max(100).default([]),
  /** As `quotaplan plan --strict`: refuse (400) a plan naming a resource or GPU model the cluster has none of. */
  strict: z.boolean().default(false),
  /**
   * `queued`: before `changes`, raise each leaf team's written demand to what its pods request (running and queued)
   * where some of its pods are not scheduled yet and the demand is lower (queuedDemandChanges).
   */
  demandFrom: z.literal('queued').optional(),
}).refine((body) => body.plan === undefined || body.teamsYaml === undefined, {
  message: 'give a stored plan or a teams file, not both',
  path: ['teamsYaml'],
});
export type PlanRequest = z.infer<typeof planRequestSchema>;

/** A stored plan decoded: the plan value and its teams file. */
export interface LoadedPlan {
  stored: StoredPlan;
  plan: Plan;
}

export async function loadPlan(store: Store, ref: string, cluster?: string): Promise<LoadedPlan> {
  const stored = await store.getPlan(planRefOf(ref), cluster === undefined ? {} : { cluster });
  return { stored, plan: planFromJson(stored.plan, `plan ${stored.id}`) };
}

/** The snapshot a stored plan was made on, or the cluster's latest when it was made from an unstored dump. */
export function snapshotOfPlan(store: Store, stored: Pick<StoredPlan, 'snapshotId' | 'cluster'>): Promise<SnapshotSummary> {
  return snapshotOf(store, stored.snapshotId === null ? 'latest' : String(stored.snapshotId), stored.cluster);
}

export function quotaChangesOf(loaded: LoadedPlan, inventory: ClusterInventory): QuotaChangeSet {
  const teams = parseTeamsFile(loaded.stored.teamsYaml, `teams file of plan ${loaded.stored.id}`);
  return buildQuotaChanges({
    plan: loaded.plan,
    teams: targetsFromTeamsFile(teams),
    inventory,
    options: { cluster: loaded.stored.cluster, planId: String(loaded.stored.id) },
  });
}

export interface PlanRowWithBaseline extends Omit<PlanRowJson, 'values'> {
  /** The quota without the what-if changes; null when the team had no such allocation. */
  baseline: string | null;
  values: PlanRowJson['values'] & { baseline: number | null };
}

export interface PlanningResult {
  /** The demands `demandFrom: queued` raised (empty without it). */
  queuedDemand: QueuedDemandChange[];
  cluster: string;
  snapshot: SnapshotJson;
  /** The plan this one started from (null when a teams file was posted). */
  basePlanId: number | null;
  teamsYaml: string;
  plan: Plan;
  json: PlanJson;
  rows: PlanRowWithBaseline[];
}

async function latestPlanOf(store: Store, cluster: string): Promise<Plan | null> {
  if ((await store.listPlans({ cluster })).length === 0) return null;
  return (await loadPlan(store, 'latest', cluster)).plan;
}

/** Applies the request's changes and plans, without storing anything. */
export async function planRequest(store: Store, request: PlanRequest, inventoryOf: InventoryOf): Promise<PlanningResult> {
  const base = request.teamsYaml === undefined ? await loadPlan(store, request.plan ?? 'latest', request.cluster) : null;
  const baseYaml = request.teamsYaml ?? (base as LoadedPlan).stored.teamsYaml;
  const snapshotRefText = request.snapshot ?? (base?.stored.snapshotId != null ? String(base.stored.snapshotId) : 'latest');
  const snapshot = await snapshotOf(store, snapshotRefText, request.cluster ?? base?.stored.cluster);
  const inventory = await inventoryOf(snapshot.id);
  const file = request.teamsYaml === undefined ? `teams file of plan ${base?.stored.id}` : 'teams file';
  // The plan being edited, else (a posted teams file) the cluster's latest plan, as `quotaplan plan` does: the
  // baseline of the Alabama-paradox warning.
  const previous = base?.plan ?? (await latestPlanOf(store, snapshot.cluster));
  // The teams file without the request's changes, planned on the same snapshot: the rows' baseline, and where queued
  // demand finds each team's namespaces.
  const baseTeams = parseTeamsFile(baseYaml, file);
  let baselinePlan: Plan | null = null;
  const baselineOf = (): Plan => (baselinePlan ??= buildPlan({ teams: baseTeams, inventory, previous }));
  const queuedDemand = request.demandFrom === 'queued' ? queuedDemandChanges(baseTeams, baselineOf(), inventory) : [];
  // The page's own edits come after, so an edited demand wins over the queued one.
  const teamsYaml = applyTeamChanges(baseYaml, [...queuedDemand.map(({ team, resource, demand }) => ({ team, resource, demand })), ...request.changes]);
  const teams = parseTeamsFile(teamsYaml, file);
  const changedInventory = applyNodeChanges(inventory, request.nodes);
  const plan = buildPlan({ teams, inventory: changedInventory, previous, strict: request.strict });
  const baseline = request.changes.length === 0 && request.nodes.length === 0 && queuedDemand.length === 0 ? plan : baselineOf();
  const baselineQuota = new Map(baseline.allocations.map((a) => [`${a.team}\u0000${a.resource}\u0000${a.flavor ?? ''}`, a.quota]));
  const rows = planRows(plan, inventory).map((row): PlanRowWithBaseline => {
    const before = baselineQuota.get(`${row.team}\u0000${row.resource}\u0000${row.flavor ?? ''}`);
    return {
      ...row,
      baseline: before === undefined ? null : formatQuantity(before),
      values: { ...row.values, baseline: before === undefined ? null : drawingNumber(before) },
    };
  });
  return {
    queuedDemand,
    cluster: snapshot.cluster,
    snapshot: snapshotToJson(snapshot),
    basePlanId: base?.stored.id ?? null,
    teamsYaml,
    plan,
    json: planToJson(plan),
    rows,
  };
}

/** A demand raised to the team's requests because some of its pods wait to be scheduled. */
export interface QueuedDemandChange {
  team: string;
  resource: string;
  /** The demand written in the teams file. */
  from: string;
  /** What the team's pods request: running plus queued. */
  demand: string;
  /** The queued part of it. */
  queued: string;
}

/**
 * Queued demand as the next plan's demand: for each leaf team and resource (not per flavor: a namespace's requests
 * do not say which model a pod waits for) whose pods include some not bound to a node yet, and whose written demand
 * is lower than what its pods request in all, that request becomes the demand. An unlimited demand stays unlimited
 * (nothing to raise); a demand already above stays (queued pods fit in it). `plan` gives each team's namespaces.
 * Kueue's pending workloads (their pods do not exist yet) are not counted here: a reader of them would add their
 * requests to `queued` per namespace (NamespaceFacts.queued) and this follows.
 */
export function queuedDemandChanges(teams: TeamsFile, plan: Plan, inventory: ClusterInventory): QueuedDemandChange[] {
  const reader = new TeamFigureReader(inventory);
  const namespaces = new Map(plan.teams.map((team) => [team.team, team.namespaces]));
  const out: QueuedDemandChange[] = [];
  const visit = (team: TeamSpec): void => {
    for (const child of team.teams) visit(child);
    if (team.teams.length > 0) return;
    for (const request of team.resources) {
      if (request.flavor !== null || request.demand === null) continue;
      const figures = reader.figures(namespaces.get(team.path) ?? [], request.resource);
      if (figures.queued.nanos === 0n || figures.used.nanos <= request.demand.nanos) continue;
      out.push({
        team: team.path,
        resource: request.resource,
        from: formatQuantity(request.demand),
        demand: formatQuantity(figures.used),
        queued: formatQuantity(figures.queued),
      });
    }
  };
  for (const team of teams.teams) visit(team);
  return out;
}

/** A team of the teams file as the what-if form edits it. */
export interface TeamSpecJson {
  team: string;
  depth: number;
  leaf: boolean;
  weight: string;
  resources: Array<{ resource: string; flavor: string | null; demand: string | null; guarantee: string | null; cap: string | null }>;
}

/** Every team of a teams file, parents before their children, with its weight and bounds as written. */
export function teamSpecsJson(teams: TeamsFile): TeamSpecJson[] {
  const out: TeamSpecJson[] = [];
  const visit = (team: TeamSpec, depth: number): void => {
    out.push({
      team: team.path,
      depth,
      leaf: team.teams.length === 0,
      // Weights are decimals in the file (parseDecimal), so this prints them as written.
      weight: String(Number(team.weight.numerator) / Number(team.weight.denominator)),
      resources: team.resources.map((r) => ({
        resource: r.resource,
        flavor: r.flavor,
        demand: r.demand === null ? null : formatQuantity(r.demand),
        guarantee: r.guarantee === null ? null : formatQuantity(r.guarantee),
        cap: r.cap === null ? null : formatQuantity(r.cap),
      })),
    });
    for (const child of team.teams) visit(child, depth + 1);
  };
  for (const team of teams.teams) visit(team, 0);
  return out;
}
