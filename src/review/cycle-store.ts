/**
 * The review's imperative shell: reads what a review needs from the store and runs the lifecycle's checks and the
 * store's writes in one write transaction (`store.write`), so a check and the change it allows see the same data.
 * The only file of src/review that uses the store; it reads no clock (the time of a change is passed in) and the
 * figures themselves are computed by the pure buildReview().
 */
import { parseDocument } from 'yaml';
import { ConflictError, ValidationError } from '../errors.js';
import type { Plan } from '../plan/plan.js';
import { planFromJson } from '../plan/plan-json.js';
import type { Cycle, Store, StoreReads, StoreTransaction } from '../store/store.js';
import { gpuEquivalentsOf, mixedGpuEquivalents, totalGpuEquivalentsOf } from './gpu-equivalents.js';
import { checkApprove, checkSetPlan, checkStart, checkSubmit, cyclesInOrder, quarterWindow } from './lifecycle.js';
import type { TimeWindow } from './figures.js';
import type { MeasuredInput } from './measured.js';
import { draReviewOf } from './dra-review.js';
import { buildReview, reviewWindow, type Review } from './review.js';
import { DEFAULT_RULES, type ReviewRules } from './rules.js';
import { quotasInForce } from '../inventory/schedulers/in-force.js';

export interface CycleRef {
  cluster?: string | undefined;
  /** A cycle name, or `latest`. */
  cycle: string;
}

async function loadPlanOf(store: StoreReads, planId: number): Promise<Plan> {
  const stored = await store.getPlan(planId);
  return planFromJson(stored.plan, `stored plan ${stored.id}`);
}

/**
 * The cycle a review is about. `latest` is the most recent approved cycle that has begun by the latest snapshot
 * (else the most recent begun cycle with a plan): the one whose quotas were in force and whose use there is to
 * review. The newest cycle is usually the draft of the next quarter, which the review proposes changes to.
 */
export async function reviewedCycle(store: StoreReads, ref: CycleRef): Promise<Cycle> {
  const cluster = await store.resolveCluster(ref.cluster);
  if (ref.cycle !== 'latest') return store.getCycle({ cluster, name: ref.cycle });
  const lastSnapshot = (await store.listSnapshots({ cluster })).at(-1);
  const candidates = cyclesInOrder(await store.listCycles({ cluster })).filter(
    (cycle) => cycle.planId !== null && (lastSnapshot === undefined || (cycle.startsAt ?? cycle.createdAt).getTime() <= lastSnapshot.takenAt.getTime()),
  );
  const found = candidates.filter((cycle) => cycle.state === 'approved').at(-1) ?? candidates.at(-1);
  if (found === undefined) {
    throw new ValidationError(
      `cluster ${cluster} has no cycle with a plan that has begun: nothing to review yet. A review compares use over a cycle ` +
        'with its quotas: start one on a stored plan (quotaplan cycle start --cycle NAME --plan ID; a started one gets its plan with ' +
        'quotaplan cycle plan --cycle NAME --plan ID), collect while it runs, then review it',
      { field: 'cycle', value: 'latest' },
    );
  }
  return found;
}

/** Reads measured GPU use over the review window (src/commands/prometheus-options.ts); absent: none was asked for. */
export type MeasureUse = (window: TimeWindow | null) => Promise<MeasuredInput>;

export async function loadReview(store: Store, ref: CycleRef, rules: ReviewRules = DEFAULT_RULES, measure?: MeasureUse): Promise<Review> {
  const cycle = await reviewedCycle(store, ref);
  if (cycle.planId === null) {
    throw new ConflictError(`cycle ${cycle.name} has no plan: there is no quota to review use against (set one with quotaplan cycle plan)`);
  }
  const ordered = cyclesInOrder(await store.listCycles({ cluster: cycle.cluster }));
  const position = ordered.findIndex((c) => c.id === cycle.id);
  const previousCycle = ordered.slice(0, position).reverse().find((c) => c.planId !== null) ?? null;
  const nextCycle = ordered[position + 1] ?? null;

  const all = await store.listSnapshots({ cluster: cycle.cluster });
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
  const inventory = lastInCycle === undefined ? null : await store.loadInventory(lastInCycle.id);
  const gpuInput = { nodes: inventory?.nodes ?? [], dra: inventory?.dra };

  // Measured use is read over the window the snapshots cover, so that its figures sit beside theirs.
  const measured = measure === undefined ? undefined : await measure(reviewWindow(cycle, inRange.map((s) => s.takenAt)));
  return buildReview({
    ...(measured === undefined ? {} : { measured }),
    cluster: cycle.cluster,
    cycle,
    events: await store.listCycleEvents(cycle.id),
    planId: cycle.planId,
    plan: await loadPlanOf(store, cycle.planId),
    previous:
      previousCycle === null
        ? null
        : { cycle: previousCycle, planId: previousCycle.planId as number, plan: await loadPlanOf(store, previousCycle.planId as number) },
    next:
      nextCycle === null
        ? null
        : {
            cycle: nextCycle,
            events: await store.listCycleEvents(nextCycle.id),
            planId: nextCycle.planId,
            plan: nextCycle.planId === null ? null : await loadPlanOf(store, nextCycle.planId),
          },
    snapshots: inRange.map((s) => ({ id: s.id, takenAt: s.takenAt })),
    usage: range === null ? [] : await store.namespaceUsageSeries(range),
    capacity: range === null ? [] : await store.capacitySeries(range),
    // GPU sizes from the cycle's last snapshot: the node shapes a review describes.
    gpuEquivalents: gpuEquivalentsOf(gpuInput),
    totalGpuEquivalents: totalGpuEquivalentsOf(gpuInput),
    mixedGpuEquivalents: mixedGpuEquivalents(gpuInput),
    dra: inventory === null ? null : draReviewOf(inventory),
    rules,
    // The quotas in force as the cycle ends (or at its last snapshot so far): what the plan was enforced by.
    ...(inventory === null || lastInCycle === undefined ? {} : { quotasInForce: { snapshotId: lastInCycle.id, takenAt: lastInCycle.takenAt, rows: quotasInForce(inventory) } }),
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
export function startCycle(store: Store, input: StartCycleInput): Promise<StartedCycle> {
  const quarter = quarterWindow(input.name);
  const startsAt = input.startsAt ?? quarter?.startsAt;
  const endsAt = input.endsAt ?? quarter?.endsAt;
  if (startsAt === undefined || endsAt === undefined) {
    return Promise.reject(
      new ValidationError(`cycle ${input.name} is not a calendar quarter (YYYY-Qn): pass --starts and --ends`, { field: 'cycle', value: input.name }),
    );
  }
  if (endsAt.getTime() <= startsAt.getTime()) {
    return Promise.reject(
      new ValidationError(`cycle ${input.name} ends (${endsAt.toISOString()}) before it starts (${startsAt.toISOString()})`, { field: 'ends', value: endsAt.toISOString() }),
    );
  }
  return store.write(async (tx): Promise<StartedCycle> => {
    // A named cluster need not exist yet (createCycle adds it), as for a plan.
    const cluster = input.cluster ?? (await tx.resolveCluster());
    const existing = await tx.listCycles({ cluster });
    const basedOn = checkStart(existing, input.name);
    if (input.planId !== undefined) {
      const plan = await tx.getPlan(input.planId);
      if (plan.cycle !== input.name) throw new ConflictError(`plan ${plan.id} was made for cycle ${plan.cycle}, not ${input.name}`);
    }
    const cycle = await tx.createCycle({ cluster, name: input.name, createdAt: input.at, startsAt, endsAt, planId: input.planId ?? null, actor: input.actor });
    if (basedOn === null) return { cycle, basedOn: null };
    const teamsYaml = basedOn.planId === null ? null : renamedTeamsYaml((await tx.getPlan(basedOn.planId)).teamsYaml, input.name);
    return { cycle, basedOn: { cycle: basedOn.name, planId: basedOn.planId, teamsYaml } };
  });
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
export function setPlanOfCycle(store: Store, input: CycleActionInput & { planId: number }): Promise<Cycle> {
  return store.write((tx) => setPlanIn(tx, input));
}

async function setPlanIn(tx: StoreTransaction, input: CycleActionInput & { planId: number }): Promise<Cycle> {
  const cycle = await tx.getCycle({ cluster: await tx.resolveCluster(input.cluster), name: input.cycle });
  const plan = await tx.getPlan(input.planId);
  checkSetPlan(cycle, plan);
  await tx.setCyclePlan({ cycleId: cycle.id, planId: plan.id });
  const note = `plan ${cycle.planId ?? '(none)'} -> ${plan.id}${input.note ? `: ${input.note}` : ''}`;
  return tx.setCycleState({ cycleId: cycle.id, state: cycle.state, at: input.at, actor: input.actor, note });
}

/** draft -> in-review; `planId` sets the plan first. */
export function submitCycle(store: Store, input: CycleActionInput & { planId?: number | undefined }): Promise<Cycle> {
  return store.write(async (tx): Promise<Cycle> => {
    if (input.planId !== undefined) await setPlanIn(tx, { ...input, planId: input.planId, note: null });
    const cycle = await tx.getCycle({ cluster: await tx.resolveCluster(input.cluster), name: input.cycle });
    checkSubmit(cycle);
    return tx.setCycleState({ cycleId: cycle.id, state: 'in-review', at: input.at, actor: input.actor, note: input.note ?? null });
  });
}

/** in-review -> approved, by `actor`, with a note; `expectedPlanId` must be the plan under review when given. */
export function approveCycle(store: Store, input: CycleActionInput & { expectedPlanId?: number | undefined }): Promise<Cycle> {
  return store.write(async (tx): Promise<Cycle> => {
    const cycle = await tx.getCycle({ cluster: await tx.resolveCluster(input.cluster), name: input.cycle });
    checkApprove(cycle, { by: input.actor, expectedPlanId: input.expectedPlanId });
    return tx.setCycleState({ cycleId: cycle.id, state: 'approved', at: input.at, actor: input.actor, note: input.note ?? null });
  });
}
