/**
 * One level of the team tree, one resource: divide `amount` whole units among sibling claims.
 *   1. guarantees first (the caller has checked they fit);
 *   2. the rest by weighted max-min (water-filling) up to max(guarantee, min(demand, cap));
 *   3. surplus policy: `distribute` shares what every demand left over by weight up to the caps,
 *      `hold` leaves it undivided;
 *   4. largest remainder to whole units, ties to the name that sorts first.
 * Steps 1-3 are exact rationals; only step 4 rounds.
 */
import { InternalError } from '../errors.js';
import { largestRemainder } from './largest-remainder.js';
import { add, compare, fromBigint, lcmOfDenominators, rational, subtract, ZERO, type Rational } from '../rational.js';
import { sumRationals, waterFill } from './water-fill.js';
import { compareText } from '../text-order.js';

export type Binding = 'guarantee' | 'demand' | 'cap' | 'share';
export type SurplusPolicy = 'distribute' | 'hold';

export interface LevelClaim {
  /** Unique among siblings; breaks rounding ties. */
  name: string;
  /** > 0. */
  weight: Rational;
  guarantee: bigint;
  /** null = unlimited. */
  demand: bigint | null;
  /** null = no cap. */
  cap: bigint | null;
}

export interface LevelShare {
  exact: Rational;
  quota: bigint;
  roundedUp: boolean;
  binding: Binding;
  /** The part of `exact` above the claim's demand, handed out by the `distribute` surplus policy. */
  surplus: Rational;
}

export interface LevelDivision {
  shares: LevelShare[];
  /** amount - sum of guarantees: what the fair sharing divided. */
  afterGuarantees: bigint;
  /** Units left undivided: every claim is capped, or demands are met and surplus is held. */
  unallocated: bigint;
  totalWeight: Rational;
}

export interface DivideLevelOptions {
  surplus: SurplusPolicy;
  /**
   * Extra (above guarantee) each claim already holds from another policy (DRF); the max-min step only tops it
   * up with what is left. Each must lie within the claim's room.
   */
  initial?: readonly Rational[];
}

/** max(guarantee, min(demand, cap)): how far fair sharing may raise a claim before any surplus. null = no bound. */
export function upperOf(claim: LevelClaim): bigint | null {
  const bound = minBound(claim.demand, claim.cap);
  if (bound === null) return null;
  return bound > claim.guarantee ? bound : claim.guarantee;
}

export function sumOfGuarantees(claims: readonly LevelClaim[]): bigint {
  let sum = 0n;
  for (const claim of claims) sum += claim.guarantee;
  return sum;
}

export function divideLevel(amount: bigint, claims: readonly LevelClaim[], options: DivideLevelOptions): LevelDivision {
  return options.initial === undefined
    ? divideLevelWhole(amount, claims, options.surplus)
    : divideLevelExact(amount, claims, options);
}

/**
 * The general form over rationals, for a level where another policy (DRF) already gave each claim part of
 * its extra. With no initial extra it gives exactly what divideLevelWhole gives (a property test checks).
 */
export function divideLevelExact(amount: bigint, claims: readonly LevelClaim[], options: DivideLevelOptions): LevelDivision {
  const guarantees = sumOfGuarantees(claims);
  if (guarantees > amount) {
    throw new InternalError(`divideLevel: guarantees ${guarantees} exceed amount ${amount}; the caller checks first`);
  }
  const afterGuarantees = amount - guarantees;
  const uppers = claims.map(upperOf);
  const initial = options.initial ?? claims.map(() => ZERO);
  const given = sumRationals(initial);
  const fair = waterFill(
    subtract(fromBigint(afterGuarantees), given),
    claims.map((claim, i) => ({
      weight: claim.weight,
      room: roomAbove(uppers[i] ?? null, claim.guarantee, initial[i] as Rational),
    })),
  );
  let exact = claims.map((claim, i) =>
    add(add(fromBigint(claim.guarantee), initial[i] as Rational), fair.extra[i] as Rational),
  );
  let surplus = claims.map(() => ZERO);
  let leftover = fair.leftover;
  if (options.surplus === 'distribute' && compare(leftover, ZERO) > 0) {
    // Every claim is at its upper bound (whole units); share the rest by weight up to the caps.
    const beyond = waterFill(
      leftover,
      claims.map((claim, i) => ({ weight: claim.weight, room: roomAbove(claim.cap, uppers[i] as bigint, ZERO) })),
    );
    surplus = beyond.extra;
    exact = exact.map((value, i) => add(value, beyond.extra[i] as Rational));
    leftover = beyond.leftover;
  }
  if (leftover.denominator !== 1n) throw new InternalError('divideLevel: fractional leftover');
  const rounded = largestRemainder(claims.map((claim, i) => ({ name: claim.name, exact: exact[i] as Rational })));
  const shares = claims.map((claim, i): LevelShare => {
    const share = exact[i] as Rational;
    return {
      exact: share,
      quota: rounded.units[i] as bigint,
      roundedUp: rounded.roundedUp[i] as boolean,
      binding: bindingOf(claim, share, uppers[i] ?? null, afterGuarantees),
      surplus: surplus[i] as Rational,
    };
  });
  return {
    shares,
    afterGuarantees,
    unallocated: leftover.numerator,
    totalWeight: sumRationals(claims.map((claim) => claim.weight)),
  };
}

/**
 * The same division when every claim starts at its guarantee, in bigint only: weights are scaled to whole
 * numbers, so while the water level rises every unfilled claim's share is weight x rest / total weight, all
 * over one common denominator. That keeps 80,000 allocations fast (bench/plan.bench.ts): no gcd per step.
 */
export function divideLevelWhole(amount: bigint, claims: readonly LevelClaim[], surplusPolicy: SurplusPolicy): LevelDivision {
  const n = claims.length;
  const guarantees = sumOfGuarantees(claims);
  if (guarantees > amount) {
    throw new InternalError(`divideLevel: guarantees ${guarantees} exceed amount ${amount}; the caller checks first`);
  }
  const afterGuarantees = amount - guarantees;
  const weights = wholeWeights(claims);
  const uppers: (bigint | null)[] = new Array(n);
  const rooms: (bigint | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const claim = claims[i] as LevelClaim;
    const upper = upperOf(claim);
    uppers[i] = upper;
    rooms[i] = upper === null ? null : upper - claim.guarantee;
  }
  const fair = wholeWaterFill(afterGuarantees, weights, rooms);
  let beyond: WholeFill | null = null;
  let leftover = fair.leftover;
  if (surplusPolicy === 'distribute' && leftover > 0n) {
    // Every claim is at its upper bound; share the rest by weight up to the caps.
    const capRooms = claims.map((claim, i) => (claim.cap === null ? null : claim.cap - (uppers[i] as bigint)));
    beyond = wholeWaterFill(leftover, weights, capRooms);
    leftover = beyond.leftover;
  }
  // At most one of the two fills leaves fractions (the second runs only when the first filled every room).
  const fractional = beyond ?? fair;
  const den = fractional.den;
  const base: bigint[] = new Array(n);
  let remainders = 0n;
  for (let i = 0; i < n; i++) {
    base[i] = (claims[i] as LevelClaim).guarantee + (fair.whole[i] as bigint) + (beyond === null ? 0n : (beyond.whole[i] as bigint));
    remainders += fractional.remainder[i] as bigint;
  }
  const leftoverUnits = remainders / den;
  const roundedUp: boolean[] = new Array<boolean>(n).fill(false);
  if (leftoverUnits > 0n) {
    const candidates: number[] = [];
    for (let i = 0; i < n; i++) if ((fractional.remainder[i] as bigint) > 0n) candidates.push(i);
    candidates.sort((a, b) => {
      const ra = fractional.remainder[a] as bigint;
      const rb = fractional.remainder[b] as bigint;
      if (ra !== rb) return ra > rb ? -1 : 1;
      const na = (claims[a] as LevelClaim).name;
      const nb = (claims[b] as LevelClaim).name;
      return compareText(na, nb);
    });
    for (let k = 0; k < Number(leftoverUnits); k++) roundedUp[candidates[k] as number] = true;
  }
  const shares: LevelShare[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const claim = claims[i] as LevelClaim;
    const whole = base[i] as bigint;
    const remainder = fractional.remainder[i] as bigint;
    const exact = remainder === 0n ? fromBigint(whole) : rational(whole * den + remainder, den);
    const surplus =
      beyond === null
        ? ZERO
        : beyond === fractional && remainder !== 0n
          ? rational((beyond.whole[i] as bigint) * den + remainder, den)
          : fromBigint(beyond.whole[i] as bigint);
    shares[i] = {
      exact,
      quota: roundedUp[i] === true ? whole + 1n : whole,
      roundedUp: roundedUp[i] as boolean,
      binding: remainder === 0n ? wholeBindingOf(claim, whole, uppers[i] ?? null, afterGuarantees) : 'share',
      surplus,
    };
  }
  return { shares, afterGuarantees, unallocated: leftover, totalWeight: sumRationals(claims.map((claim) => claim.weight)) };
}

interface WholeFill {
  /** Whole part of each claim's extra. */
  whole: bigint[];
  /** Fractional part of each claim's extra, over `den`. */
  remainder: bigint[];
  den: bigint;
  /** Left when every room is full. */
  leftover: bigint;
}

/** Water-filling in bigint: weights whole numbers, rooms whole units (null = unbounded). */
function wholeWaterFill(amount: bigint, weights: readonly bigint[], rooms: readonly (bigint | null)[]): WholeFill {
  const n = weights.length;
  const whole: bigint[] = new Array<bigint>(n).fill(0n);
  const remainder: bigint[] = new Array<bigint>(n).fill(0n);
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(i);
  // Claims fill up in order of room / weight; unbounded ones never do.
  order.sort((a, b) => {
    const ra = rooms[a] ?? null;
    const rb = rooms[b] ?? null;
    if (ra === null) return rb === null ? a - b : 1;
    if (rb === null) return -1;
    const left = ra * (weights[b] as bigint);
    const right = rb * (weights[a] as bigint);
    return left < right ? -1 : left > right ? 1 : a - b;
  });
  let rest = amount;
  let weightLeft = 0n;
  for (const w of weights) weightLeft += w;
  let next = 0;
  for (; next < n; next++) {
    const i = order[next] as number;
    const room = rooms[i] ?? null;
    // Fills up only if its level room / weight is reached before the rest runs out.
    if (room === null || room * weightLeft > (weights[i] as bigint) * rest) break;
    whole[i] = room;
    rest -= room;
    weightLeft -= weights[i] as bigint;
  }
  if (next === n) return { whole, remainder, den: 1n, leftover: rest };
  for (; next < n; next++) {
    const i = order[next] as number;
    const share = (weights[i] as bigint) * rest;
    whole[i] = share / weightLeft;
    remainder[i] = share % weightLeft;
  }
  return { whole, remainder, den: weightLeft, leftover: 0n };
}

/** Weights as whole numbers in the same proportions (times the least common multiple of their denominators). */
function wholeWeights(claims: readonly LevelClaim[]): bigint[] {
  const lcm = lcmOfDenominators(claims.map((claim) => claim.weight));
  return claims.map((claim) => (claim.weight.numerator * lcm) / claim.weight.denominator);
}

function wholeBindingOf(claim: LevelClaim, exact: bigint, upper: bigint | null, afterGuarantees: bigint): Binding {
  if (exact === claim.guarantee && claim.guarantee > 0n && (afterGuarantees === 0n || upper === claim.guarantee)) return 'guarantee';
  if (claim.cap !== null && exact === claim.cap) return 'cap';
  if (claim.demand !== null && exact === claim.demand) return 'demand';
  return 'share';
}

/**
 * What stopped a claim from growing: its guarantee (nothing was left after the guarantees, or its guarantee
 * is at least its demand or cap), its cap, its demand, or otherwise its weighted share.
 */
function bindingOf(claim: LevelClaim, exact: Rational, upper: bigint | null, afterGuarantees: bigint): Binding {
  const atGuarantee = compare(exact, fromBigint(claim.guarantee)) === 0;
  if (atGuarantee && claim.guarantee > 0n && (afterGuarantees === 0n || upper === claim.guarantee)) return 'guarantee';
  if (claim.cap !== null && compare(exact, fromBigint(claim.cap)) === 0) return 'cap';
  if (claim.demand !== null && compare(exact, fromBigint(claim.demand)) === 0) return 'demand';
  return 'share';
}

function roomAbove(bound: bigint | null, base: bigint, alreadyGiven: Rational): Rational | null {
  if (bound === null) return null;
  const room = subtract(fromBigint(bound - base), alreadyGiven);
  return compare(room, ZERO) < 0 ? ZERO : room;
}

function minBound(a: bigint | null, b: bigint | null): bigint | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}
