/**
 * The review's imperative shell: reads what a review needs from the store and runs the lifecycle's checks and the
 * store's writes in one transaction. The only file of src/review that touches the store; it reads no clock (the
 * time of a change is passed in) and the figures themselves are computed by the pure buildReview().
 */
import { parseDocument } from 'yaml';
import { ConflictError, ValidationError } from '../errors.js';
import type { Plan } from '../plan/plan.js';
import { planFromJson } from '../plan/plan-json.js';
import { requireCluster, soleCluster } from '../store/clusters.js';
import { createCycle, getCycle, listCycleEvents, listCycles, setCyclePlan, setCycleState, type Cycle } from '../store/cycles.js';
import type { Store } from '../store/open.js';
import { getPlan } from '../store/plans.js';
import { capacitySeries, namespaceUsageSeries } from '../store/series.js';
import { listSnapshots, loadInventory } from '../store/snapshots.js';
import { gpuEquivalentsOf, mixedGpuEquivalents } from './gpu-equivalents.js';
import { checkApprove, checkSetPlan, checkStart, checkSubmit, cyclesInOrder, quarterWindow } from './lifecycle.js';
import { buildReview, type Review } from './review.js';
import { DEFAULT_RULES, type ReviewRules } from './rules.js';

export interface CycleRef {
  cluster?: string | undefined;
  /** A cycle name, or `latest`. */
  cycle: string;
}

function clusterOf(store: Store, cluster: string | undefined): string {
  return cluster === undefined ? soleCluster(store.db).name : requireCluster(store.db, cluster).name;
}

function loadPlanOf(store: Store, planId: number): Plan {
  const stored = getPlan(store, planId);
  return planFromJson(stored.plan, `stored plan ${stored.id}`);
}

/**
 * The cycle a review is about. `latest` is the most recent approved cycle that has begun by the latest snapshot
 * (else the most recent begun cycle with a plan): the one whose quotas were in force and whose use there is to
 * review. The newest cycle is usually the draft of the next quarter, which the review proposes changes to.
 */
export function reviewedCycle(store: Store, ref: CycleRef): Cycle {
  const cluster = clusterOf(store, ref.cluster);
  if (ref.cycle !== 'latest') return getCycle(store, { cluster, name: ref.cycle });
  const lastSnapshot = listSnapshots(store, { cluster }).at(-1);
  const candidates = cyclesInOrder(listCycles(store, { cluster })).filter(
    (cycle) => cycle.planId !== null && (lastSnapshot === undefined || (cycle.startsAt ?? cycle.createdAt).getTime() <= lastSnapshot.takenAt.getTime()),
  );
  const found = candidates.filter((cycle) => cycle.state === 'approved').at(-1) ?? candidates.at(-1);
  if (found === undefined) {
    throw new ValidationError(`cluster ${cluster} has no cycle with a plan that has begun: nothing to review`, { field: 'cycle', value: 'latest' });
  }
  return found;
}

export function loadReview(store: Store, ref: CycleRef, rules: ReviewRules = DEFAULT_RULES): Review {
  const cycle = reviewedCycle(store, ref);
  if (cycle.planId === null) {
    throw new ConflictError(`cycle ${cycle.name} has no plan: there is no quota to review use against (set one with quotaplan cycle plan)`);
  }
  const ordered = cyclesInOrder(listCycles(store, { cluster: cycle.cluster }));
  const position = ordered.findIndex((c) => c.id === cycle.id);
  const previousCycle = ordered.slice(0, position).reverse().find((c) => c.planId !== null) ?? null;
  const nextCycle = ordered[position + 1] ?? null;

  const all = listSnapshots(store, { cluster: cycle.cluster });
  const start = (cycle.startsAt ?? cycle.createdAt).getTime();
  const end = cycle.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;
  // The last snapshot at or before the start holds into the window; the first at or after the end closes it.
  const before = all.filter((s) => s.takenAt.getTime() <= start).at(-1);
  const after = all.find((s) => s.takenAt.getTime() >= end);
  const inRange = all.filter(
    (s) => s.takenAt.getTime() >= (before?.takenAt.getTime() ?? start) && s.takenAt.getTime() <= (after?.takenAt.getTime() ?? end),
  );
  const range = inRange.length === 0 ? null : { cluster: cycle.cluster, from: (inRange[0] as (typeof inRange)[0]).takenAt, to: (inRange.at(-1) as (typeof inRange)[0]).takenAt };
  const lastInCycle = inRange.filter((s) => s.takenAt.getTime() < end).at(-1) ?? inRange.at(-1);
  const nodes = lastInCycle === undefined ? [] : loadInventory(store, lastInCycle.id).nodes;

  return buildReview({
    cluster: cycle.cluster,
    cycle,
    events: listCycleEvents(store, cycle.id),
    planId: cycle.planId,
    plan: loadPlanOf(store, cycle.planId),
    previous: previousCycle === null ? null : { cycle: previousCycle, planId: previousCycle.planId as number, plan: loadPlanOf(store, previousCycle.planId as number) },
    next:
      nextCycle === null
        ? null
        : { cycle: nextCycle, events: listCycleEvents(store, nextCycle.id), planId: nextCycle.planId, plan: nextCycle.planId === null ? null : loadPlanOf(store, nextCycle.planId) },
    snapshots: inRange.map((s) => ({ id: s.id, takenAt: s.takenAt })),
    usage: range === null ? [] : namespaceUsageSeries(store, range),
    capacity: range === null ? [] : capacitySeries(store, range),
    // GPU sizes from the cycle's last snapshot: the node shapes a review describes.
    gpuEquivalents: gpuEquivalentsOf(nodes),
    mixedGpuEquivalents: mixedGpuEquivalents(nodes),
    rules,
  });
}

export interface StartCycleInput {
  cluster?: string | undefined;
  name: string;
  at: Date;
  actor: string | null;
  planId?: number | undefined;
  startsAt?: Date | undefined;
  endsAt?: Date | undefined;
}

export interface StartedCycle {
  cycle: Cycle;
  /** The approved cycle this one starts from, and its teams file with `cycle:` set to the new name. */
  basedOn: { cycle: string; planId: number | null; teamsYaml: string | null } | null;
}

/** A new draft cycle, from the latest approved one; its window defaults to the calendar quarter its name names. */
export function startCycle(store: Store, input: StartCycleInput): StartedCycle {
  const cluster = input.cluster ?? soleCluster(store.db).name;
  const quarter = quarterWindow(input.name);
  const startsAt = input.startsAt ?? quarter?.startsAt;
  const endsAt = input.endsAt ?? quarter?.endsAt;
  if (startsAt === undefined || endsAt === undefined) {
    throw new ValidationError(`cycle ${input.name} is not a calendar quarter (YYYY-Qn): pass --starts and --ends`, { field: 'cycle', value: input.name });
  }
  if (endsAt.getTime() <= startsAt.getTime()) {
    throw new ValidationError(`cycle ${input.name} ends (${endsAt.toISOString()}) before it starts (${startsAt.toISOString()})`, { field: 'ends', value: endsAt.toISOString() });
  }
  return store.sqlite.transaction((): StartedCycle => {
    const existing = listCycles(store, { cluster });
    const basedOn = checkStart(existing, input.name);
    if (input.planId !== undefined) {
      const plan = getPlan(store, input.planId);
      if (plan.cycle !== input.name) throw new ConflictError(`plan ${plan.id} was made for cycle ${plan.cycle}, not ${input.name}`);
    }
    const cycle = createCycle(store, { cluster, name: input.name, createdAt: input.at, startsAt, endsAt, planId: input.planId ?? null, actor: input.actor });
    if (basedOn === null) return { cycle, basedOn: null };
    const teamsYaml = basedOn.planId === null ? null : renamedTeamsYaml(getPlan(store, basedOn.planId).teamsYaml, input.name);
    return { cycle, basedOn: { cycle: basedOn.name, planId: basedOn.planId, teamsYaml } };
  })();
}

/** The approved teams file as the next cycle's starting point: the same text with `cycle:` renamed. */
export function renamedTeamsYaml(teamsYaml: string, cycle: string): string {
  const document = parseDocument(teamsYaml);
  document.set('cycle', cycle);
  return document.toString();
}

export interface CycleActionInput {
  cluster?: string | undefined;
  cycle: string;
  at: Date;
  actor: string;
  note?: string | null | undefined;
}

/** Points a draft or in-review cycle at another plan, recording the change as an event. */
export function setPlanOfCycle(store: Store, input: CycleActionInput & { planId: number }): Cycle {
  return store.sqlite.transaction((): Cycle => {
    const cycle = getCycle(store, { cluster: clusterOf(store, input.cluster), name: input.cycle });
    const plan = getPlan(store, input.planId);
    checkSetPlan(cycle, plan);
    setCyclePlan(store, { cycleId: cycle.id, planId: plan.id });
    const note = `plan ${cycle.planId ?? '(none)'} -> ${plan.id}${input.note ? `: ${input.note}` : ''}`;
    return setCycleState(store, { cycleId: cycle.id, state: cycle.state, at: input.at, actor: input.actor, note });
  })();
}

/** draft -> in-review; `planId` sets the plan first. */
export function submitCycle(store: Store, input: CycleActionInput & { planId?: number | undefined }): Cycle {
  return store.sqlite.transaction((): Cycle => {
    if (input.planId !== undefined) setPlanOfCycle(store, { ...input, planId: input.planId, note: null });
    const cycle = getCycle(store, { cluster: clusterOf(store, input.cluster), name: input.cycle });
    checkSubmit(cycle);
    return setCycleState(store, { cycleId: cycle.id, state: 'in-review', at: input.at, actor: input.actor, note: input.note ?? null });
  })();
}

/** in-review -> approved, by `actor`, with a note; `expectedPlanId` must be the plan under review when given. */
export function approveCycle(store: Store, input: CycleActionInput & { expectedPlanId?: number | undefined }): Cycle {
  return store.sqlite.transaction((): Cycle => {
    const cycle = getCycle(store, { cluster: clusterOf(store, input.cluster), name: input.cycle });
    checkApprove(cycle, { by: input.actor, expectedPlanId: input.expectedPlanId });
    return setCycleState(store, { cycleId: cycle.id, state: 'approved', at: input.at, actor: input.actor, note: input.note ?? null });
  })();
}
