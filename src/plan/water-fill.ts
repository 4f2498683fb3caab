/**
 * Weighted max-min fair sharing (water-filling) in exact rationals: raise every claimant at the same weighted
 * rate until its room is full or the amount runs out. Volcano's proportion plugin does the same in floats
 * (pkg/scheduler/plugins/proportion/proportion.go); here nothing is rounded, rounding is a separate step.
 */
import { add, compare, divide, multiply, subtract, ZERO, type Rational } from '../rational.js';

export interface WaterFillClaim {
  /** > 0. */
  weight: Rational;
  /** How much more this claimant may take; null = no limit. */
  room: Rational | null;
}

export interface WaterFill {
  /** What each claimant receives, in input order. */
  extra: Rational[];
  /** Whether each claimant's room is full. */
  saturated: boolean[];
  /** Amount left because every claimant is full (zero when some claimant still has room). */
  leftover: Rational;
}

export function waterFill(amount: Rational, claims: readonly WaterFillClaim[]): WaterFill {
  const n = claims.length;
  const extra: Rational[] = new Array<Rational>(n).fill(ZERO);
  const saturated: boolean[] = new Array<boolean>(n).fill(false);
  // room / weight: the water level at which a claimant fills up. Claimants fill in that order.
  const fillLevel = claims.map((claim) => (claim.room === null ? null : divide(claim.room, claim.weight)));
  const order = [...claims.keys()].sort((a, b) => {
    const la = fillLevel[a] ?? null;
    const lb = fillLevel[b] ?? null;
    if (la === null) return lb === null ? a - b : 1;
    if (lb === null) return -1;
    return compare(la, lb) || a - b;
  });
  let remaining = amount;
  let weights = claims.reduce((sum, claim) => add(sum, claim.weight), ZERO);
  let next = 0;
  for (; next < n; next++) {
    const i = order[next] as number;
    const level = fillLevel[i] ?? null;
    // Fills up only if its level is reached before the amount runs out: level * weights <= remaining.
    if (level === null || compare(multiply(level, weights), remaining) > 0) break;
    const claim = claims[i] as WaterFillClaim;
    extra[i] = claim.room as Rational;
    saturated[i] = true;
    remaining = subtract(remaining, claim.room as Rational);
    weights = subtract(weights, claim.weight);
  }
  if (next === n) return { extra, saturated, leftover: remaining };
  const level = divide(remaining, weights);
  for (; next < n; next++) {
    const i = order[next] as number;
    extra[i] = multiply((claims[i] as WaterFillClaim).weight, level);
  }
  return { extra, saturated, leftover: ZERO };
}

export function sumRationals(values: readonly Rational[]): Rational {
  let sum = ZERO;
  for (const value of values) sum = add(sum, value);
  return sum;
}
