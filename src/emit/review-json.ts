/**
 * The review's JSON form: what `quotaplan review -o json` prints, what `GET /api/reviews/:cycle` returns and what
 * every other printer reads. Exact figures are computed as rationals in src/review/; here they become fixed
 * decimals (3 places; percentages 1 place) once, with the exact fraction kept beside each average.
 */
import { multiply, type Rational } from '../rational.js';
import { formatQuantity, type Quantity } from '../quantity.js';
import { formatAmount, formatFixed, formatPercent } from '../review/decimal.js';
import { hoursOf, unitsOfNanos } from '../review/figures.js';
import { memoryOf, type MeasuredReview } from '../review/measured.js';
import type { DraReview, DraReviewRow } from '../review/dra-review.js';
import type { QuotaInForce } from '../inventory/schedulers/in-force.js';
import type { Review, TeamUse } from '../review/review.js';
import type { Cycle, CycleEvent } from '../store/store.js';

export interface CycleJson {
  name: string;
  state: string;
  planId: number | null;
  startsAt: string | null;
  endsAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  approvalNote: string | null;
  events: { from: string | null; to: string; actor: string | null; at: string; note: string | null }[];
}

export interface TeamUseJson {
  team: string;
  leaf: boolean;
  resource: string;
  flavors: string[];
  quota: string;
  guarantee: string;
  demand: string | null;
  /** Time-weighted average in the resource's display unit (GiB for memory), 3 decimals. */
  average: string | null;
  /** The exact average in units as a fraction (`28/5`). */
  averageExact: string | null;
  p95: string | null;
  peak: string | null;
  averageOfQuota: string | null;
  peakOfQuota: string | null;
  hoursAboveQuota: string | null;
  /** Units x hours (accelerators: device-, slice- or replica-hours). */
  usedUnitHours: string;
  grantedUnitHours: string;
  /** GPU-equivalent hours; null for a resource that is not an accelerator. */
  gpuEquivalent: string | null;
  usedGpuHours: string | null;
  grantedGpuHours: string | null;
  nextQuota: string | null;
  nextDemand: string | null;
}

export interface ReviewJson {
  cluster: string;
  cycle: CycleJson;
  planId: number;
  rules: { underUseAverageBelow: string; proposeFrom: string; needsMorePeakAbove: string; measuredBusyBelow: string };
  coverage: { from: string; to: string; hours: string; cycleHours: string | null; snapshots: number } | null;
  /** Snapshots taken in the cycle; with `coverage` null, 0 or 1 (use over time needs two). */
  snapshotsInCycle: number;
  capacity: {
    resource: string;
    gpuEquivalent: string | null;
    previousPlan: string | null;
    thisPlan: string | null;
    nextPlan: string | null;
    atStart: string | null;
    atEnd: string | null;
  }[];
  /** Resources whose GPU-equivalent differs between nodes: their per-team GPU-hours are capacity-weighted estimates. */
  mixedGpuEquivalents: string[];
  capacityGpus: { previousPlan: string | null; thisPlan: string; nextPlan: string | null; atStart: string | null; atEnd: string | null };
  teams: TeamUseJson[];
  proposals: { kind: string; team: string; resource: string; demand: string | null; proposedDemand: string | null; nextDemand: string | null; reason: string }[];
  warnings: { kind: string; source: string; team: string | null; resource: string | null; message: string }[];
  previous: { cycle: string; planId: number } | null;
  next: { cycle: CycleJson; planId: number | null } | null;
  capacityTrace: { resource: string; points: { at: string; plannable: string; requested: string }[] }[];
  measured: MeasuredJson;
  /** DRA devices (ResourceSlices) at the cycle's last snapshot, beside the device-plugin capacity; null without DRA. */
  dra: DraReviewJson | null;
  /**
   * ResourceQuotas and the batch schedulers' quotas (Kueue, KAI Scheduler, Volcano) in force at the cycle's last
   * snapshot, one row per object and resource; null when no snapshot falls in the cycle.
   */
  quotasInForce: { snapshot: number; takenAt: string; rows: QuotaInForce[] } | null;
}

/** The review's DRA section (src/review/dra-review.ts): per DeviceClass and model, counts as JSON numbers. */
export interface DraReviewJson {
  classes: DraReviewRow[];
  physicalGpus: number;
  transitionalPools: { driver: string; pool: string; generation: number; published: number; expected: number }[];
}

/** Measured GPU use (dcgm-exporter via Prometheus); `available: false` with the reason when there is none. */
export interface MeasuredJson {
  available: boolean;
  /** Why there is no measured use (`no measured use (no --prometheus given)`); null when there is. */
  note: string | null;
  source: { url: string; selector: string; namespaceLabel: string; podLabel: string; stepSeconds: number; idleBelow: string; idleForHours: string } | null;
  from: string | null;
  to: string | null;
  measuredHours: string | null;
  gapHours: string | null;
  gaps: { from: string; to: string }[];
  warnings: string[];
  teams: {
    team: string;
    leaf: boolean;
    grantedGpuHours: string;
    requestedGpuHours: string;
    busyGpuHours: string;
    allocatedGpuHours: string;
    busyOfGranted: string | null;
    busyOfRequested: string | null;
    busyOfAllocated: string | null;
    /** GPU memory used (DCGM_FI_DEV_FB_USED) per device held, MiB, 1 decimal; null without memory samples. */
    memoryAverageMib: string | null;
    /** The most MiB one device used, whole MiB; null without memory samples. */
    memoryPeakMib: string | null;
  }[];
  unowned: { namespace: string; busyGpuHours: string; allocatedGpuHours: string; memoryAverageMib: string | null; memoryPeakMib: string | null }[];
  idle: {
    team: string | null;
    namespace: string;
    pod: string;
    model: string;
    profile: string;
    host: string;
    device: string;
    idleHours: string;
    /** GPU memory used over its idle steps, MiB: average and peak. */
    idleMemoryAverageMib: string | null;
    idleMemoryPeakMib: string | null;
  }[];
}

const DIGITS = 3;

/** An average (in units) for reading: GiB for byte resources, plain units otherwise. */
export function formatAverage(resource: string, units: Rational): string {
  return formatAmount(resource, units, DIGITS);
}

const quantity = (q: Quantity | null): string | null => (q === null ? null : formatQuantity(q));
const fixed = (r: Rational | null): string | null => (r === null ? null : formatFixed(r, DIGITS));
const mib = (r: Rational | null, digits: number): string | null => (r === null ? null : formatFixed(r, digits));
const exact = (r: Rational): string => (r.denominator === 1n ? r.numerator.toString() : `${r.numerator}/${r.denominator}`);

export function cycleToJson(cycle: Cycle, events: readonly CycleEvent[]): CycleJson {
  return {
    name: cycle.name,
    state: cycle.state,
    planId: cycle.planId,
    startsAt: cycle.startsAt?.toISOString() ?? null,
    endsAt: cycle.endsAt?.toISOString() ?? null,
    approvedBy: cycle.approvedBy,
    approvedAt: cycle.approvedAt?.toISOString() ?? null,
    approvalNote: cycle.approvalNote,
    events: events.map((e) => ({ from: e.fromState, to: e.toState, actor: e.actor, at: e.at.toISOString(), note: e.note })),
  };
}

function teamToJson(row: TeamUse): TeamUseJson {
  const f = row.figures;
  const average = f === null ? null : unitsOfNanos(f.averageNanos);
  const gpu = row.gpuEquivalent;
  return {
    team: row.team,
    leaf: row.leaf,
    resource: row.resource,
    flavors: row.flavors,
    quota: formatQuantity(row.quota),
    guarantee: formatQuantity(row.guarantee),
    demand: quantity(row.demand),
    average: average === null ? null : formatAverage(row.resource, average),
    averageExact: average === null ? null : exact(average),
    p95: f === null ? null : formatQuantity(f.p95),
    peak: f === null ? null : formatQuantity(f.peak),
    averageOfQuota: row.averageOfQuota === null ? null : formatPercent(row.averageOfQuota),
    peakOfQuota: row.peakOfQuota === null ? null : formatPercent(row.peakOfQuota),
    hoursAboveQuota: f === null ? null : formatFixed(hoursOf(f.msAboveLimit), 1),
    usedUnitHours: formatFixed(row.usedUnitHours, DIGITS),
    grantedUnitHours: formatFixed(row.grantedUnitHours, DIGITS),
    gpuEquivalent: fixed(gpu),
    usedGpuHours: gpu === null ? null : formatFixed(multiply(row.usedUnitHours, gpu), DIGITS),
    grantedGpuHours: gpu === null ? null : formatFixed(multiply(row.grantedUnitHours, gpu), DIGITS),
    nextQuota: quantity(row.nextQuota),
    nextDemand: quantity(row.nextDemand),
  };
}

export function reviewToJson(review: Review): ReviewJson {
  const coverage = review.coverage;
  return {
    cluster: review.cluster,
    cycle: cycleToJson(review.cycle, review.events),
    planId: review.planId,
    rules: {
      underUseAverageBelow: formatPercent(review.rules.underUse.averageBelow),
      proposeFrom: review.rules.underUse.proposeFrom,
      needsMorePeakAbove: formatPercent(review.rules.needsMore.peakAbove),
      measuredBusyBelow: formatPercent(review.rules.measuredUse.busyBelow),
    },
    coverage:
      coverage === null
        ? null
        : {
            from: coverage.from.toISOString(),
            to: coverage.to.toISOString(),
            hours: formatFixed(hoursOf(coverage.coveredMs), DIGITS),
            cycleHours: coverage.cycleMs === null ? null : formatFixed(hoursOf(coverage.cycleMs), DIGITS),
            snapshots: coverage.snapshots,
          },
    snapshotsInCycle: review.snapshotsInCycle,
    capacity: review.capacity.map((row) => ({
      resource: row.resource,
      gpuEquivalent: fixed(row.gpuEquivalent),
      previousPlan: quantity(row.previousPlan),
      thisPlan: quantity(row.thisPlan),
      nextPlan: quantity(row.nextPlan),
      atStart: quantity(row.atStart),
      atEnd: quantity(row.atEnd),
    })),
    mixedGpuEquivalents: review.mixedGpuEquivalents,
    capacityGpus: {
      previousPlan: fixed(review.capacityGpus.previousPlan),
      thisPlan: formatFixed(review.capacityGpus.thisPlan, DIGITS),
      nextPlan: fixed(review.capacityGpus.nextPlan),
      atStart: fixed(review.capacityGpus.atStart),
      atEnd: fixed(review.capacityGpus.atEnd),
    },
    teams: review.teams.map(teamToJson),
    proposals: review.proposals.map((p) => ({
      kind: p.kind,
      team: p.team,
      resource: p.resource,
      demand: quantity(p.demand),
      proposedDemand: quantity(p.proposedDemand),
      nextDemand: quantity(p.nextDemand),
      reason: p.reason,
    })),
    warnings: review.warnings.map((w) => ({ kind: w.kind, source: w.source, team: w.team, resource: w.resource, message: w.message })),
    previous: review.previous,
    next: review.next === null ? null : { cycle: cycleToJson(review.next.cycle, review.next.events), planId: review.next.planId },
    capacityTrace: review.capacityTrace.map((trace) => ({
      resource: trace.resource,
      points: trace.points.map((p) => ({ at: p.at.toISOString(), plannable: formatQuantity(p.plannable), requested: formatQuantity(p.requested) })),
    })),
    measured: measuredToJson(review.measured),
    dra: draToJson(review.dra),
    quotasInForce:
      review.quotasInForce === null
        ? null
        : { snapshot: review.quotasInForce.snapshotId, takenAt: review.quotasInForce.takenAt.toISOString(), rows: review.quotasInForce.rows.map((row) => ({ ...row })) },
  };
}

function draToJson(dra: DraReview | null): DraReviewJson | null {
  if (dra === null) return null;
  return {
    classes: dra.rows.map((r) => ({ ...r })),
    physicalGpus: dra.physicalGpus,
    transitionalPools: dra.transitionalPools.map((p) => ({ driver: p.driver, pool: p.name, generation: p.generation, published: p.published, expected: p.expected })),
  };
}

export function measuredToJson(measured: MeasuredReview): MeasuredJson {
  const source = measured.source === null ? null : {
    url: measured.source.url,
    selector: measured.source.selector,
    namespaceLabel: measured.source.namespaceLabel,
    podLabel: measured.source.podLabel,
    stepSeconds: measured.source.stepSeconds,
    idleBelow: formatPercent(measured.source.idleBelow),
    idleForHours: formatFixed(measured.source.idleForHours, 1),
  };
  if (measured.kind === 'none') {
    return { available: false, note: measured.reason, source, from: null, to: null, measuredHours: null, gapHours: null, gaps: [], warnings: [], teams: [], unowned: [], idle: [] };
  }
  const gapMs = measured.gaps.reduce((total, gap) => total + BigInt(gap.to.getTime() - gap.from.getTime()), 0n);
  return {
    available: true,
    note: null,
    source,
    from: measured.from.toISOString(),
    to: measured.to.toISOString(),
    measuredHours: formatFixed(measured.measuredHours, DIGITS),
    gapHours: formatFixed(hoursOf(gapMs), DIGITS),
    gaps: measured.gaps.map((gap) => ({ from: gap.from.toISOString(), to: gap.to.toISOString() })),
    warnings: measured.warnings,
    teams: measured.teams.map((t) => ({
      team: t.team,
      leaf: t.leaf,
      grantedGpuHours: formatFixed(t.grantedGpuHours, DIGITS),
      requestedGpuHours: formatFixed(t.requestedGpuHours, DIGITS),
      busyGpuHours: formatFixed(t.busyGpuHours, DIGITS),
      allocatedGpuHours: formatFixed(t.allocatedGpuHours, DIGITS),
      busyOfGranted: t.busyOfGranted === null ? null : formatPercent(t.busyOfGranted),
      busyOfRequested: t.busyOfRequested === null ? null : formatPercent(t.busyOfRequested),
      busyOfAllocated: t.busyOfAllocated === null ? null : formatPercent(t.busyOfAllocated),
      memoryAverageMib: mib(t.memoryAverageMib, 1),
      memoryPeakMib: mib(t.memoryPeakMib, 0),
    })),
    unowned: measured.unowned.map((n) => {
      const memory = memoryOf([n.memory]);
      return {
        namespace: n.namespace,
        busyGpuHours: formatFixed(n.busyGpuHours, DIGITS),
        allocatedGpuHours: formatFixed(n.allocatedGpuHours, DIGITS),
        memoryAverageMib: mib(memory.averageMib, 1),
        memoryPeakMib: mib(memory.peakMib, 0),
      };
    }),
    idle: measured.idle.map((d) => ({
      team: d.team,
      namespace: d.namespace,
      pod: d.pod,
      model: d.model,
      profile: d.profile,
      host: d.host,
      device: d.device,
      idleHours: formatFixed(d.idleHours, 1),
      idleMemoryAverageMib: mib(d.idleMemoryAverageMib, 1),
      idleMemoryPeakMib: mib(d.idleMemoryPeakMib, 0),
    })),
  };
}

export function reviewJsonText(review: Review): string {
  return `${JSON.stringify(reviewToJson(review), null, 2)}\n`;
}
