/**
 * The quarterly review as one value: how a cycle's quotas were used (from snapshot history), how capacity moved,
 * what the rules propose for the next cycle and what the next cycle's draft plan would do to each team. Pure: the
 * caller reads the store (src/review/cycle-store.ts) and passes everything in; every printer reads this value.
 */
import type { Plan, PlanWarning } from '../plan/plan.js';
import { add, compare, multiply, ZERO, type Rational } from '../rational.js';
import { addQuantities, compareQuantities, formatQuantity, maxQuantity, multiplyQuantity, unitsOf, type Quantity } from '../quantity.js';
import type { Cycle, CycleEvent } from '../store/store.js';
import type { CapacityPoint, NamespaceUsagePoint } from '../store/store.js';
import { formatAmount, formatFixed, formatPercent, quantityInText } from './decimal.js';
import { grantedUnitHours, hoursOf, quantityAsRational, ratioOf, unitsOfNanos, useFigures, type TimeWindow, type UseFigures, type UseSample } from './figures.js';
import { measuredReview, teamGpuHours, type MeasuredInput, type MeasuredReview } from './measured.js';
import type { ReviewRules } from './rules.js';
import type { DraReview } from './dra-review.js';
import { compareText } from '../text-order.js';
import type { QuotaInForce } from '../inventory/schedulers/in-force.js';

export interface ReviewInput {
  cluster: string;
  cycle: Cycle;
  events: CycleEvent[];
  planId: number;
  plan: Plan;
  /** The cycle before (by start), with its plan. */
  previous: { cycle: Cycle; planId: number; plan: Plan } | null;
  /** The cycle after, with its plan when it has one: the proposal under review. */
  next: { cycle: Cycle; events: CycleEvent[]; planId: number | null; plan: Plan | null } | null;
  /** Snapshots in time order: those in the cycle, plus the last one before its start when there is one. */
  snapshots: readonly { id: number; takenAt: Date }[];
  /** Namespace requests at those snapshots. */
  usage: readonly NamespaceUsagePoint[];
  /** Capacity at those snapshots. */
  capacity: readonly CapacityPoint[];
  /** GPUs per unit of each accelerator resource (src/review/gpu-equivalents.ts). */
  gpuEquivalents: Record<string, Rational>;
  /**
   * GPUs per unit in the capacity totals, where each physical GPU counts once (gpu-equivalents.ts
   * totalGpuEquivalentsOf: a DRA GPU counted under two resources weighs in one); `gpuEquivalents` when absent.
   */
  totalGpuEquivalents?: Record<string, Rational>;
  /** Accelerator resources whose GPU-equivalent differs between nodes: their GPU-hours per team are estimates. */
  mixedGpuEquivalents?: readonly string[];
  rules: ReviewRules;
  /** GPU use measured by dcgm-exporter (read from Prometheus); `not-given` when no Prometheus was named. */
  measured?: MeasuredInput;
  /** DRA capacity of the cycle's last snapshot (dra-review.ts); null or absent when it had no DRA object. */
  dra?: DraReview | null;
  /** The quotas in force (ResourceQuotas, schedulers' queues) at the cycle's last snapshot; absent without one. */
  quotasInForce?: QuotasInForce;
}

/** The quotas in force in one snapshot (src/inventory/schedulers/in-force.ts). */
export interface QuotasInForce {
  snapshotId: number;
  takenAt: Date;
  rows: QuotaInForce[];
}

export interface Coverage {
  from: Date;
  to: Date;
  coveredMs: bigint;
  /** Snapshots whose values held for a positive time in the window. */
  snapshots: number;
  /** Length of the whole cycle (null when it has no end). */
  cycleMs: bigint | null;
}

export interface TeamUse {
  team: string;
  leaf: boolean;
  resource: string;
  /** Flavors the quota is split into (empty when not split); use is per resource, so the quota is their sum. */
  flavors: string[];
  quota: Quantity;
  guarantee: Quantity;
  demand: Quantity | null;
  figures: UseFigures | null;
  averageOfQuota: Rational | null;
  peakOfQuota: Rational | null;
  /** Units x hours: what the quota granted over the covered time, and what was requested. */
  grantedUnitHours: Rational;
  usedUnitHours: Rational;
  /** GPUs per unit; null for a resource that is not an accelerator. */
  gpuEquivalent: Rational | null;
  /** The quota and demand of this team and resource in the next cycle's plan; null when there is none. */
  nextQuota: Quantity | null;
  nextDemand: Quantity | null;
}

export type ProposalKind = 'lower-demand' | 'needs-more' | 'over-quota' | 'low-measured-use';

export interface Proposal {
  kind: ProposalKind;
  team: string;
  resource: string;
  demand: Quantity | null;
  /** For `lower-demand`: the demand proposed for the next cycle. */
  proposedDemand: Quantity | null;
  /** The next cycle's draft demand, to see whether it already follows the proposal. */
  nextDemand: Quantity | null;
  reason: string;
}

export type ReviewWarningKind = 'alabama-paradox' | 'use-above-quota' | 'use-above-new-quota';

export interface ReviewWarning {
  kind: ReviewWarningKind;
  team: string | null;
  resource: string | null;
  /** `next-plan`: the draft plan's own warning; `review`: computed here, this cycle's approved plan and use against the draft. */
  source: 'next-plan' | 'review';
  message: string;
}

export interface CapacityChange {
  resource: string;
  gpuEquivalent: Rational | null;
  /** What the previous cycle's, this cycle's and the next cycle's plans divided (plannable, all flavors). */
  previousPlan: Quantity | null;
  thisPlan: Quantity | null;
  nextPlan: Quantity | null;
  /** Plannable at the first and last snapshot of the window. */
  atStart: Quantity | null;
  atEnd: Quantity | null;
}

export interface CapacityTrace {
  resource: string;
  points: { at: Date; plannable: Quantity; requested: Quantity }[];
}

export interface Review {
  cluster: string;
  cycle: Cycle;
  events: CycleEvent[];
  planId: number;
  rules: ReviewRules;
  coverage: Coverage | null;
  /** Snapshots taken in the cycle (from its start, before its end): with coverage null, 0 or 1 of them. */
  snapshotsInCycle: number;
  capacity: CapacityChange[];
  /** Resources whose GPU-equivalent is a capacity-weighted average over nodes that differ (see gpu-equivalents.ts). */
  mixedGpuEquivalents: string[];
  /** GPU-equivalent totals of the capacity rows of accelerator resources. */
  capacityGpus: { previousPlan: Rational | null; thisPlan: Rational; nextPlan: Rational | null; atStart: Rational | null; atEnd: Rational | null };
  /** Plannable and requested over the window, accelerator resources only (the HTML charts). */
  capacityTrace: CapacityTrace[];
  /** Sorted by team, then resource. */
  teams: TeamUse[];
  /** Sorted by team, resource, kind. */
  proposals: Proposal[];
  warnings: ReviewWarning[];
  previous: { cycle: string; planId: number } | null;
  next: { cycle: Cycle; events: CycleEvent[]; planId: number | null } | null;
  /** Measured GPU use per team, or why there is none. */
  measured: MeasuredReview;
  /** DRA devices per DeviceClass and model at the cycle's last snapshot; null without DRA. */
  dra: DraReview | null;
  /** ResourceQuotas and the batch schedulers' quotas in force at the cycle's last snapshot; null without one. */
  quotasInForce: QuotasInForce | null;
}


/**
 * The window reviewed: from the cycle's start (its creation when it records none) to its end, both clipped to the
 * snapshots there are. Null when no snapshot covers any of it.
 */
export function reviewWindow(cycle: Cycle, snapshotTimes: readonly Date[]): TimeWindow | null {
  const first = snapshotTimes[0];
  const last = snapshotTimes[snapshotTimes.length - 1];
  if (first === undefined || last === undefined) return null;
  const start = (cycle.startsAt ?? cycle.createdAt).getTime();
  const from = Math.max(start, first.getTime());
  const to = Math.min(cycle.endsAt?.getTime() ?? last.getTime(), last.getTime());
  return to > from ? { from: new Date(from), to: new Date(to) } : null;
}

interface Quota {
  quota: Quantity;
  guarantee: Quantity;
  demand: Quantity | null;
  flavors: string[];
  leaf: boolean;
}

/** Allocations per team and resource, flavors added up (their use is only known per resource). */
function quotasOf(plan: Plan): Map<string, Quota> {
  const leaves = new Map(plan.teams.map((team) => [team.team, team.leaf]));
  const result = new Map<string, Quota>();
  for (const a of plan.allocations) {
    const key = `${a.team}\u0000${a.resource}`;
    const entry = result.get(key);
    if (entry === undefined) {
      result.set(key, { quota: a.quota, guarantee: a.guarantee, demand: a.demand, flavors: a.flavor === null ? [] : [a.flavor], leaf: leaves.get(a.team) ?? a.terminal });
    } else {
      entry.quota = addQuantities(entry.quota, a.quota);
      entry.guarantee = addQuantities(entry.guarantee, a.guarantee);
      entry.demand = entry.demand === null || a.demand === null ? null : addQuantities(entry.demand, a.demand);
      if (a.flavor !== null) entry.flavors.push(a.flavor);
    }
  }
  return result;
}

function poolTotals(plan: Plan): Map<string, Quantity> {
  const totals = new Map<string, Quantity>();
  for (const pool of plan.pools) {
    const current = totals.get(pool.resource);
    totals.set(pool.resource, current === undefined ? pool.capacity : addQuantities(current, pool.capacity));
  }
  return totals;
}

/**
 * Per team, per resource, the requests of the team's namespaces at each snapshot (index = position in
 * `snapshots`). Matched by snapshot id, so two snapshots taken at the same instant are not added together.
 */
function teamSamples(input: ReviewInput): Map<string, Map<string, Quantity[]>> {
  const index = new Map(input.snapshots.map((snapshot, i) => [snapshot.id, i]));
  const perNamespace = new Map<string, NamespaceUsagePoint[]>();
  for (const point of input.usage) {
    const list = perNamespace.get(point.namespace) ?? [];
    list.push(point);
    perNamespace.set(point.namespace, list);
  }
  const result = new Map<string, Map<string, Quantity[]>>();
  for (const team of input.plan.teams) {
    const resources = new Map<string, Quantity[]>();
    for (const namespace of team.namespaces) {
      for (const point of perNamespace.get(namespace) ?? []) {
        const at = index.get(point.snapshotId);
        if (at === undefined) continue;
        for (const [resource, value] of Object.entries(point.requests)) {
          let series = resources.get(resource);
          if (series === undefined) resources.set(resource, (series = []));
          const current = series[at];
          series[at] = current === undefined ? value : addQuantities(current, value);
        }
      }
    }
    result.set(team.team, resources);
  }
  return result;
}

const ZERO_QUANTITY: Quantity = Object.freeze({ nanos: 0n, format: 'DecimalSI' as const });

export function buildReview(input: ReviewInput): Review {
  const snapshotTimes = input.snapshots.map((snapshot) => snapshot.takenAt);
  const window = reviewWindow(input.cycle, snapshotTimes);
  const quotas = quotasOf(input.plan);
  const nextQuotas = input.next?.plan ? quotasOf(input.next.plan) : null;
  const samples = teamSamples(input);
  const teams: TeamUse[] = [];
  let coverage: Coverage | null = null;
  const cycleMs =
    input.cycle.startsAt !== null && input.cycle.endsAt !== null ? BigInt(input.cycle.endsAt.getTime() - input.cycle.startsAt.getTime()) : null;

  for (const key of [...quotas.keys()].sort(compareText)) {
    const [team, resource] = key.split('\u0000') as [string, string];
    const quota = quotas.get(key) as Quota;
    const series = samples.get(team)?.get(resource) ?? [];
    const useSamples: UseSample[] = snapshotTimes.map((at, i) => ({ at, value: series[i] ?? ZERO_QUANTITY }));
    const figures = window === null ? null : useFigures(useSamples, window, { limit: quota.quota });
    if (figures !== null && coverage === null && window !== null) {
      coverage = { from: window.from, to: window.to, coveredMs: figures.coveredMs, snapshots: figures.samples, cycleMs };
    }
    const quotaUnits = quantityAsRational(quota.quota);
    const next = nextQuotas?.get(key) ?? null;
    teams.push({
      team,
      leaf: quota.leaf,
      resource,
      flavors: [...quota.flavors].sort(compareText),
      quota: quota.quota,
      guarantee: quota.guarantee,
      demand: quota.demand,
      figures,
      averageOfQuota: figures === null ? null : ratioOf(unitsOfNanos(figures.averageNanos), quotaUnits),
      peakOfQuota: figures === null ? null : ratioOf(quantityAsRational(figures.peak), quotaUnits),
      grantedUnitHours: figures === null ? ZERO : grantedUnitHours(quota.quota, figures.coveredMs),
      usedUnitHours: figures === null ? ZERO : figures.unitHours,
      gpuEquivalent: input.gpuEquivalents[resource] ?? null,
      nextQuota: next?.quota ?? null,
      nextDemand: next?.demand ?? null,
    });
  }

  const measured = measuredReview({
    input: input.measured ?? { kind: 'not-given' },
    plan: input.plan,
    gpuHours: teamGpuHours(teams),
    coveredMs: coverage?.coveredMs ?? null,
  });

  return {
    cluster: input.cluster,
    cycle: input.cycle,
    events: input.events,
    planId: input.planId,
    rules: input.rules,
    coverage,
    snapshotsInCycle: snapshotTimes.filter(
      (at) => at.getTime() >= (input.cycle.startsAt ?? input.cycle.createdAt).getTime() && at.getTime() < (input.cycle.endsAt?.getTime() ?? Number.POSITIVE_INFINITY),
    ).length,
    ...capacityOf(input, window),
    mixedGpuEquivalents: [...(input.mixedGpuEquivalents ?? [])].sort(compareText),
    teams,
    proposals: [...proposalsOf(teams, input), ...lowMeasuredUse(teams, measured, input)].sort(
      (a, b) => compareText(a.team, b.team) || compareText(a.resource, b.resource) || PROPOSAL_ORDER[a.kind] - PROPOSAL_ORDER[b.kind],
    ),
    warnings: warningsOf(teams, input),
    previous: input.previous === null ? null : { cycle: input.previous.cycle.name, planId: input.previous.planId },
    next: input.next === null ? null : { cycle: input.next.cycle, events: input.next.events, planId: input.next.planId },
    measured,
    dra: input.dra ?? null,
    quotasInForce: input.quotasInForce ?? null,
  };
}

const PROPOSAL_ORDER: Record<ProposalKind, number> = { 'over-quota': 0, 'needs-more': 1, 'lower-demand': 2, 'low-measured-use': 3 };

/**
 * `low-measured-use`: a leaf team whose GPUs were busy for less than `measuredUse.busyBelow` of what its NVIDIA
 * quotas granted is proposed, per NVIDIA resource, a demand of its quota scaled by that busy share, rounded up to
 * the pool's granularity and never below the guarantee; only when lower than the current demand.
 */
function lowMeasuredUse(teams: readonly TeamUse[], measured: MeasuredReview, input: ReviewInput): Proposal[] {
  if (measured.kind !== 'measured') return [];
  const threshold = input.rules.measuredUse.busyBelow;
  const byTeam = new Map(measured.teams.map((t) => [t.team, t]));
  const proposals: Proposal[] = [];
  for (const row of teams) {
    const team = byTeam.get(row.team);
    if (!row.leaf || team === undefined || team.busyOfGranted === null || !row.resource.startsWith('nvidia.com/') || row.quota.nanos === 0n) continue;
    if (compare(team.busyOfGranted, threshold) >= 0) continue;
    const step = granularityOf(input.plan, row.resource);
    const scaled = multiply(quantityAsRational(row.quota), team.busyOfGranted);
    const units = (scaled.numerator * 1_000_000_000n + scaled.denominator - 1n) / scaled.denominator; // nanounits, rounded up
    const basis: Quantity = { nanos: units, format: row.quota.format };
    const proposed = maxQuantity(ceilTo(basis, step), row.guarantee);
    if (row.demand !== null && compareQuantities(proposed, row.demand) >= 0) continue;
    proposals.push({
      kind: 'low-measured-use',
      team: row.team,
      resource: row.resource,
      demand: row.demand,
      proposedDemand: proposed,
      nextDemand: row.nextDemand,
      reason:
        `measured busy ${formatFixed(team.busyGpuHours, 1)} GPU-hours over ${formatFixed(measured.measuredHours, 1)} h measured against ` +
        `${formatFixed(team.grantedGpuHours, 1)} GPU-hours granted over ${hours(row.figures?.coveredMs ?? 0n)}: ${formatPercent(team.busyOfGranted)} busy, ` +
        `below the ${formatPercent(threshold)} threshold: demand ${row.demand === null ? 'unlimited' : formatQuantity(row.demand)} -> ${formatQuantity(proposed)} ` +
        `(quota ${formatQuantity(row.quota)} x ${formatPercent(team.busyOfGranted)} busy, rounded up in steps of ${formatQuantity(step)}` +
        `${compareQuantities(proposed, ceilTo(basis, step)) > 0 ? `, raised to the guarantee ${formatQuantity(row.guarantee)}` : ''})`,
    });
  }
  return proposals;
}

function capacityOf(input: ReviewInput, window: TimeWindow | null): Pick<Review, 'capacity' | 'capacityGpus' | 'capacityTrace'> {
  const inWindow =
    window === null
      ? []
      : input.capacity.filter((point, i, all) => {
          const next = all[i + 1];
          // The last point before the window counts as its start value; later points up to its end.
          return point.takenAt.getTime() <= window.to.getTime() && (next === undefined || next.takenAt.getTime() > window.from.getTime());
        });
  const first = inWindow[0];
  const last = inWindow[inWindow.length - 1];
  const previous = input.previous === null ? null : poolTotals(input.previous.plan);
  const current = poolTotals(input.plan);
  const next = input.next?.plan ? poolTotals(input.next.plan) : null;
  const names = new Set([...current.keys(), ...(previous?.keys() ?? []), ...(next?.keys() ?? [])]);
  const capacity: CapacityChange[] = [...names].sort(compareText).map((resource) => ({
    resource,
    gpuEquivalent: input.gpuEquivalents[resource] ?? null,
    previousPlan: previous === null ? null : (previous.get(resource) ?? ZERO_QUANTITY),
    thisPlan: current.get(resource) ?? ZERO_QUANTITY,
    nextPlan: next === null ? null : (next.get(resource) ?? ZERO_QUANTITY),
    atStart: first?.resources[resource]?.plannable ?? null,
    atEnd: last?.resources[resource]?.plannable ?? null,
  }));
  const gpus = (pick: (row: CapacityChange) => Quantity | null): Rational | null => {
    let total: Rational = ZERO;
    let any = false;
    for (const row of capacity) {
      const value = pick(row);
      const perUnit = input.totalGpuEquivalents?.[row.resource] ?? row.gpuEquivalent;
      if (perUnit === null || value === null) continue;
      any = true;
      total = add(total, multiply(quantityAsRational(value), perUnit));
    }
    return any ? total : null;
  };
  const accelerators = capacity.filter((row) => row.gpuEquivalent !== null).map((row) => row.resource);
  return {
    capacity,
    capacityGpus: {
      previousPlan: previous === null ? null : gpus((row) => row.previousPlan),
      thisPlan: gpus((row) => row.thisPlan) ?? ZERO,
      nextPlan: next === null ? null : gpus((row) => row.nextPlan),
      atStart: gpus((row) => row.atStart),
      atEnd: gpus((row) => row.atEnd),
    },
    capacityTrace: accelerators.map((resource) => ({
      resource,
      points: inWindow.map((point) => ({
        at: point.takenAt,
        plannable: point.resources[resource]?.plannable ?? ZERO_QUANTITY,
        requested: point.resources[resource]?.requested ?? ZERO_QUANTITY,
      })),
    })),
  };
}

/** `q` rounded up to a whole multiple of `step`. */
function ceilTo(q: Quantity, step: Quantity): Quantity {
  return multiplyQuantity(step, unitsOf(q, step, 'ceil'));
}

function granularityOf(plan: Plan, resource: string): Quantity {
  return plan.pools.find((pool) => pool.resource === resource)?.granularity ?? Object.freeze({ nanos: 1_000_000_000n, format: 'DecimalSI' as const });
}

const hours = (ms: bigint): string => `${formatFixed(hoursOf(ms), 1)} h`;

/** Proposals for leaf teams only: their demand is what the teams file sets; a parent's follows its sub-teams. */
function proposalsOf(teams: readonly TeamUse[], input: ReviewInput): Proposal[] {
  const { rules } = input;
  const proposals: Proposal[] = [];
  for (const row of teams) {
    const f = row.figures;
    if (!row.leaf || f === null) continue;
    const base = { team: row.team, resource: row.resource, demand: row.demand, nextDemand: row.nextDemand };
    const amount = (q: Quantity): string => quantityInText(row.resource, q);
    const quota = amount(row.quota);
    if (compareQuantities(f.peak, row.quota) > 0) {
      proposals.push({
        ...base,
        kind: 'over-quota',
        proposedDemand: null,
        reason:
          `requests were above the quota ${quota} for ${hours(f.msAboveLimit)} of ${hours(f.coveredMs)} (peak ${amount(f.peak)}): ` +
          `pods admitted before the quota, or a quota not enforced on this resource; raise the demand or check enforcement`,
      });
      continue;
    }
    if (row.quota.nanos === 0n) continue;
    if (row.peakOfQuota !== null && compare(row.peakOfQuota, rules.needsMore.peakAbove) > 0) {
      proposals.push({
        ...base,
        kind: 'needs-more',
        proposedDemand: null,
        reason: `peak ${amount(f.peak)} was ${formatPercent(row.peakOfQuota)} of the quota ${quota}, above the ${formatPercent(rules.needsMore.peakAbove)} threshold: flagged for more`,
      });
    }
    if (row.averageOfQuota !== null && compare(row.averageOfQuota, rules.underUse.averageBelow) < 0) {
      const basis = rules.underUse.proposeFrom === 'p95' ? f.p95 : f.peak;
      const step = granularityOf(input.plan, row.resource);
      const proposed = maxQuantity(ceilTo(basis, step), row.guarantee);
      if (row.demand !== null && compareQuantities(proposed, row.demand) >= 0) continue;
      const floorNote = compareQuantities(proposed, ceilTo(basis, step)) > 0 ? `, raised to the guarantee ${amount(row.guarantee)}` : '';
      proposals.push({
        ...base,
        kind: 'lower-demand',
        proposedDemand: proposed,
        reason:
          `average ${formatAmount(row.resource, unitsOfNanos(f.averageNanos), 2)} was ${formatPercent(row.averageOfQuota)} of the quota ${quota} over ${hours(f.coveredMs)}, ` +
          `below the ${formatPercent(rules.underUse.averageBelow)} threshold: demand ${row.demand === null ? 'unlimited' : amount(row.demand)} -> ` +
          `${amount(proposed)} (${rules.underUse.proposeFrom} ${amount(basis)}, rounded up in steps of ${amount(step)}${floorNote})`,
      });
    }
  }
  return proposals;
}

function warningsOf(teams: readonly TeamUse[], input: ReviewInput): ReviewWarning[] {
  const warnings: ReviewWarning[] = [];
  const nextPlan = input.next?.plan ?? null;
  if (nextPlan !== null) {
    // The draft's own Alabama check compares with whatever plan was stored before it; the review compares with
    // the plan that was approved for this cycle, which is the baseline the meeting cares about.
    warnings.push(...alabamaParadox(input.plan, nextPlan, input.cycle.name, input.next?.cycle.name ?? nextPlan.cycle));
    for (const warning of nextPlan.warnings) {
      if (warning.kind !== 'use-above-quota') continue;
      warnings.push(fromPlanWarning(warning, input.next?.cycle.name ?? nextPlan.cycle));
    }
    for (const row of teams) {
      if (!row.leaf || row.figures === null || row.nextQuota === null) continue;
      if (compareQuantities(row.figures.p95, row.nextQuota) <= 0) continue;
      warnings.push({
        kind: 'use-above-new-quota',
        team: row.team,
        resource: row.resource,
        source: 'review',
        message:
          `${row.team}: p95 requests of ${row.resource} over ${input.cycle.name} were ${quantityInText(row.resource, row.figures.p95)} (peak ${quantityInText(row.resource, row.figures.peak)}), ` +
          `above its quota ${quantityInText(row.resource, row.nextQuota)} in the ${input.next?.cycle.name ?? nextPlan.cycle} plan: at that use new pods would be rejected`,
      });
    }
  }
  const order: Record<ReviewWarningKind, number> = { 'alabama-paradox': 0, 'use-above-new-quota': 1, 'use-above-quota': 2 };
  return warnings.sort(
    (a, b) => order[a.kind] - order[b.kind] || compareText(a.team ?? '', b.team ?? '') || compareText(a.resource ?? '', b.resource ?? '') || compareText(a.message, b.message),
  );
}

function fromPlanWarning(warning: PlanWarning, cycle: string): ReviewWarning {
  return {
    kind: 'use-above-quota',
    team: warning.team,
    resource: warning.resource,
    source: 'next-plan',
    message: `${cycle} plan: ${warning.message}`,
  };
}

const poolKey = (resource: string, flavor: string | null): string => `${resource}\u0000${flavor ?? ''}`;

/**
 * Quotas that fall from the approved plan to the next one although the capacity their pool divides grows: with
 * the team's guarantee, demand and cap unchanged it is the Alabama paradox of largest-remainder rounding
 * (domain.md section 5).
 */
function alabamaParadox(approved: Plan, next: Plan, approvedCycle: string, nextCycle: string): ReviewWarning[] {
  const dividable = (pool: Plan['pools'][number]): Quantity => ({ nanos: pool.capacity.nanos - pool.reserve.nanos, format: pool.capacity.format });
  const oldPools = new Map(approved.pools.map((pool) => [poolKey(pool.resource, pool.flavor), dividable(pool)]));
  const newPools = new Map(next.pools.map((pool) => [poolKey(pool.resource, pool.flavor), dividable(pool)]));
  const before = new Map(approved.allocations.map((a) => [`${a.team}\u0000${poolKey(a.resource, a.flavor)}`, a]));
  const same = (a: Quantity | null, b: Quantity | null): boolean => (a === null || b === null ? a === b : compareQuantities(a, b) === 0);
  const warnings: ReviewWarning[] = [];
  for (const allocation of next.allocations) {
    const key = poolKey(allocation.resource, allocation.flavor);
    const previous = before.get(`${allocation.team}\u0000${key}`);
    const oldCapacity = oldPools.get(key);
    const newCapacity = newPools.get(key);
    if (previous === undefined || oldCapacity === undefined || newCapacity === undefined) continue;
    if (compareQuantities(newCapacity, oldCapacity) <= 0 || compareQuantities(allocation.quota, previous.quota) >= 0) continue;
    const unchanged = same(allocation.guarantee, previous.guarantee) && same(allocation.demand, previous.demand) && same(allocation.cap, previous.cap);
    const pool = allocation.flavor === null ? allocation.resource : `${allocation.resource} (${allocation.flavor})`;
    warnings.push({
      kind: 'alabama-paradox',
      team: allocation.team,
      resource: allocation.resource,
      source: 'review',
      message:
        `${allocation.team}: ${pool} quota falls from ${formatQuantity(previous.quota)} (${approvedCycle}) to ${formatQuantity(allocation.quota)} (${nextCycle}) ` +
        `although the capacity divided grows from ${formatQuantity(oldCapacity)} to ${formatQuantity(newCapacity)}` +
        (unchanged
          ? `; its guarantee, demand and cap did not change: the Alabama paradox of largest-remainder rounding`
          : `; its guarantee, demand or cap changed too`),
    });
  }
  return warnings;
}
