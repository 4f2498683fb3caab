/**
 * Use over a cycle from irregular snapshots, exactly. A snapshot's value holds from its time until the next
 * snapshot (sample-and-hold: the cluster is taken to be as last observed), clipped to the window. So a sample's
 * weight is the length of time, in milliseconds, its value held inside the window; a snapshot taken after a long
 * gap counts for the whole gap before it only through the previous snapshot. All figures are bigint rationals:
 * averages and unit-hours are never floats; they become decimals only in the printers.
 */
import { compareQuantities, type Quantity } from '../quantity.js';
import { multiply, rational, type Rational } from '../rational.js';

export interface UseSample {
  at: Date;
  /** Requests at that time (a quantity of the resource). */
  value: Quantity;
}

/** [from, to] in time; `to` is exclusive of nothing: a window of zero length covers nothing. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

export interface UseFigures {
  /** Milliseconds of the window some sample covers. */
  coveredMs: bigint;
  /** Samples whose value held for a positive time in the window. */
  samples: number;
  /** Time-weighted mean of the requests, in nanounits (divide by 1e9 for units). */
  averageNanos: Rational;
  /** Time-weighted 95th percentile: the least sampled value held (or undercut) for at least 95% of the covered time. */
  p95: Quantity;
  /** Largest value held for a positive time. */
  peak: Quantity;
  /** Integral of the requests over time: units x hours. */
  unitHours: Rational;
  /** Milliseconds during which the requests were above `limit` (0 when no limit was given). */
  msAboveLimit: bigint;
}

const NANOS_PER_UNIT = 1_000_000_000n;
const MS_PER_HOUR = 3_600_000n;
const P95: Rational = rational(95n, 100n);

interface Held {
  value: Quantity;
  ms: bigint;
}

/** How long each sample's value held inside the window. Samples must be in time order. */
export function heldDurations(samples: readonly UseSample[], window: TimeWindow): Held[] {
  const from = BigInt(window.from.getTime());
  const to = BigInt(window.to.getTime());
  const held: Held[] = [];
  for (let i = 0; i < samples.length; i += 1) {
    const sample = samples[i] as UseSample;
    const next = samples[i + 1];
    if (next !== undefined && next.at.getTime() < sample.at.getTime()) {
      throw new RangeError(`use samples out of time order at ${next.at.toISOString()}`);
    }
    const start = BigInt(sample.at.getTime());
    const end = next === undefined ? to : BigInt(next.at.getTime());
    const clippedStart = start > from ? start : from;
    const clippedEnd = end < to ? end : to;
    if (clippedEnd > clippedStart) held.push({ value: sample.value, ms: clippedEnd - clippedStart });
  }
  return held;
}

/**
 * Average, p95, peak and unit-hours of the samples over the window; null when no sample covers any of it.
 * `limit` (the quota) adds the time spent above it.
 */
export function useFigures(samples: readonly UseSample[], window: TimeWindow, options: { limit?: Quantity; percentile?: Rational } = {}): UseFigures | null {
  const held = heldDurations(samples, window);
  if (held.length === 0) return null;
  let coveredMs = 0n;
  let weighted = 0n; // sum of nanos x ms
  let peak = (held[0] as Held).value;
  let msAboveLimit = 0n;
  for (const { value, ms } of held) {
    coveredMs += ms;
    weighted += value.nanos * ms;
    if (compareQuantities(value, peak) > 0) peak = value;
    if (options.limit !== undefined && compareQuantities(value, options.limit) > 0) msAboveLimit += ms;
  }
  return {
    coveredMs,
    samples: held.length,
    averageNanos: rational(weighted, coveredMs),
    p95: timeWeightedPercentile(held, coveredMs, options.percentile ?? P95),
    peak,
    unitHours: rational(weighted, NANOS_PER_UNIT * MS_PER_HOUR),
    msAboveLimit,
  };
}

/** The least held value v such that the time at or below v is at least `fraction` of the covered time. */
function timeWeightedPercentile(held: readonly Held[], coveredMs: bigint, fraction: Rational): Quantity {
  const sorted = [...held].sort((a, b) => compareQuantities(a.value, b.value));
  // cumulative / covered >= num / den  <=>  cumulative * den >= num * covered (exact).
  const needed = fraction.numerator * coveredMs;
  let cumulative = 0n;
  for (const entry of sorted) {
    cumulative += entry.ms;
    if (cumulative * fraction.denominator >= needed) return entry.value;
  }
  return (sorted[sorted.length - 1] as Held).value;
}

/** Units x hours of a constant quantity held for `ms`: what a quota grants over that time. */
export function grantedUnitHours(quota: Quantity, ms: bigint): Rational {
  return rational(quota.nanos * ms, NANOS_PER_UNIT * MS_PER_HOUR);
}

/** nanounits -> units. */
export function unitsOfNanos(nanos: Rational): Rational {
  return multiply(nanos, rational(1n, NANOS_PER_UNIT));
}

export function quantityAsRational(q: Quantity): Rational {
  return rational(q.nanos, NANOS_PER_UNIT);
}

/** part / whole as an exact ratio; null when whole is zero. */
export function ratioOf(part: Rational, whole: Rational): Rational | null {
  if (whole.numerator === 0n) return null;
  return multiply(part, rational(whole.denominator, whole.numerator));
}

export function hoursOf(ms: bigint): Rational {
  return rational(ms, MS_PER_HOUR);
}

