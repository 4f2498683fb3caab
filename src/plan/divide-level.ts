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
import { add, compare, fromBigint, subtract, ZERO, type Rational } from './rational.js';
import { sumRationals, waterFill } from './water-fill.js';

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
  if (leftover.den !== 1n) throw new InternalError('divideLevel: fractional leftover');
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
    unallocated: leftover.num,
    totalWeight: sumRationals(claims.map((claim) => claim.weight)),
  };
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
