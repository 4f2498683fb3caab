/**
 * Max-min division of every pool in JS numbers: the same rules and the same results as the exact bigint code
 * (claims.ts + divide-level.ts divideLevelWhole, driven by build-plan.ts divideExact), for inputs whose counts
 * provably stay safe integers. Nothing is ever rounded here: every value is a whole number of granularity
 * units, every product is checked against Number.MAX_SAFE_INTEGER *before* it is formed, and when a check
 * fails, or the input is anything the exact path would reject (a guarantee above a cap, guarantees above what
 * a level has), divideMaxMinFast returns null and buildPlan runs the exact path, which gives the result or the
 * error. Exact fractions (`3 1/3`) are kept as whole part + remainder over one common denominator, as the
 * bigint code does, and turned into bigint rationals only when an explanation is read.
 *
 * Layout: teams numbered in pre-order (a parent before its sub-teams), one flat row of numbers per
 * (team, pool) in typed arrays; no object per claim and no bigint on the hot path.
 */
import { unitsOf, type Quantity } from '../quantity.js';
import { PlannedAllocation, type LevelExplainer } from './allocation.js';
import type { Division, UseOf } from './build-plan.js';
import { poolKeyOf } from './claims.js';
import type { Binding, SurplusPolicy } from './divide-level.js';
import { explainShare, levelText, type LevelText } from './explain.js';
import type { Allocation } from './plan.js';
import type { PoolState } from './pool-state.js';
import { fromBigint, rational, ZERO, type Rational } from './rational.js';
import type { ResourceRequest, TeamSpec, TeamsFile } from './teams-file.js';
import { sumRationals } from './water-fill.js';

const SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
/** Operands up to 2^52 divide exactly in doubles after one correction step (see divideFloor). */
const EXACT_DIVISION_LIMIT = 2 ** 52;
const EXACT_DIVISION_LIMIT_BIGINT = 2n ** 52n;
/** "No demand" / "no cap" in the Float64Arrays (real bounds are never negative). */
const NONE = -1;

/** Thrown inside this module when the number path cannot promise the exact result; never escapes it. */
class NotSafe {}
const NOT_SAFE = new NotSafe();

/** The division of every pool, or null when the exact path must do it (see the module comment). */
export function divideMaxMinFast(teams: TeamsFile, pools: readonly PoolState[], usedNanos: UseOf): Division | null {
  if (teams.policy !== 'max-min') return null;
  try {
    return new FastDivider(teams, pools, usedNanos).run();
  } catch (error) {
    if (error === NOT_SAFE) return null;
    throw error;
  }
}

/** What a pool needs in numbers. */
interface PoolNumbers {
  state: PoolState;
  /** Granularity in nanos when it is at most 2^52 (units are then counted in doubles), else 0. */
  unitNanos: number;
}

class FastDivider {
  private readonly teamList: TeamSpec[] = [];
  /** Sub-team numbers per team number; `top` for the cluster. */
  private readonly children: number[][] = [];
  private readonly top: number[] = [];
  /** Scaled whole weight of each team among its siblings (same proportions as its Rational weight). */
  private readonly weights: Float64Array;
  private readonly pools: PoolNumbers[];
  private readonly poolCount: number;
  /** Per (team, pool) at team * poolCount + pool. */
  private readonly claimed: Uint8Array;
  private readonly hasClaimingChild: Uint8Array;
  private readonly guarantee: Float64Array;
  private readonly demand: Float64Array;
  private readonly cap: Float64Array;
  private readonly slots: (Allocation | undefined)[];
  private readonly unallocated: number[];
  private readonly context: FastContext;

  constructor(
    private readonly teams: TeamsFile,
    pools: readonly PoolState[],
    private readonly usedNanos: UseOf,
  ) {
    const number = (team: TeamSpec): number => {
      const index = this.teamList.length;
      this.teamList.push(team);
      this.children.push([]);
      const kids = this.children[index] as number[];
      for (const child of team.teams) kids.push(number(child));
      return index;
    };
    for (const team of teams.teams) this.top.push(number(team));
    const count = this.teamList.length;
    this.pools = pools.map((state) => ({
      state,
      unitNanos: state.granularity.nanos > 0n && state.granularity.nanos <= EXACT_DIVISION_LIMIT_BIGINT ? Number(state.granularity.nanos) : 0,
    }));
    this.poolCount = pools.length;
    const cells = count * this.poolCount;
    this.claimed = new Uint8Array(cells);
    this.hasClaimingChild = new Uint8Array(cells);
    this.guarantee = new Float64Array(cells);
    this.demand = new Float64Array(cells);
    this.cap = new Float64Array(cells);
    this.slots = new Array<Allocation | undefined>(cells);
    this.unallocated = pools.map(() => 0);
    this.weights = new Float64Array(count);
    this.scaleWeights(this.top);
    for (const kids of this.children) this.scaleWeights(kids);
    this.context = { teams: this.teamList, surplusPolicy: teams.surplus };
  }

  run(): Division {
    this.buildClaims();
    for (let p = 0; p < this.poolCount; p++) {
      const pool = this.pools[p] as PoolNumbers;
      const units = pool.state.units;
      if (units > SAFE_BIGINT) throw NOT_SAFE;
      this.divide(p, this.top, Number(units), 'the cluster');
    }
    const order = this.teamList.map((_, i) => i).sort((a, b) => {
      const pa = (this.teamList[a] as TeamSpec).path;
      const pb = (this.teamList[b] as TeamSpec).path;
      return pa < pb ? -1 : pa > pb ? 1 : 0;
    });
    const allocations: Allocation[] = [];
    for (const t of order) {
      const row = t * this.poolCount;
      for (let p = 0; p < this.poolCount; p++) {
        const allocation = this.slots[row + p];
        if (allocation !== undefined) allocations.push(allocation);
      }
    }
    return { allocations, unallocatedUnits: this.unallocated.map((units) => BigInt(units)) };
  }

  /** Weights of one sibling group as whole numbers (times the lcm of their denominators), like divideLevelWhole. */
  private scaleWeights(group: readonly number[]): void {
    let lcm = 1n;
    for (const t of group) {
      const den = (this.teamList[t] as TeamSpec).weight.den;
      if (den !== 1n && lcm % den !== 0n) lcm = (lcm * den) / gcd(lcm, den);
    }
    let sum = 0;
    for (const t of group) {
      const weight = (this.teamList[t] as TeamSpec).weight;
      const scaled = lcm === 1n && weight.den === 1n ? weight.num : (weight.num * lcm) / weight.den;
      if (scaled <= 0n || scaled > SAFE_BIGINT) throw NOT_SAFE;
      this.weights[t] = Number(scaled);
      sum += Number(scaled);
    }
    if (sum > SAFE) throw NOT_SAFE;
  }

  /** Effective claims bottom-up with the parent rules of claims.ts combine(); its errors are left to the exact path. */
  private buildClaims(): void {
    const P = this.poolCount;
    const poolIndex = new Map<string, number>();
    this.pools.forEach((pool, p) => poolIndex.set(pool.state.key, p));
    const requests = new Array<ResourceRequest | undefined>(P);
    const { claimed, hasClaimingChild, guarantee, demand, cap } = this;
    // Reverse pre-order: every sub-team before its parent.
    for (let t = this.teamList.length - 1; t >= 0; t--) {
      const team = this.teamList[t] as TeamSpec;
      const kids = this.children[t] as number[];
      const row = t * P;
      if (kids.length === 0) {
        for (const request of team.resources) {
          const p = poolIndex.get(request.flavor === null ? request.resource : poolKeyOf(request.resource, request.flavor)) as number;
          const pool = this.pools[p] as PoolNumbers;
          const ownGuarantee = request.guarantee === null ? 0 : units(request.guarantee, pool, 'ceil');
          const ownCap = request.cap === null ? NONE : units(request.cap, pool, 'floor');
          if (ownCap !== NONE && ownGuarantee > ownCap) throw NOT_SAFE;
          claimed[row + p] = 1;
          guarantee[row + p] = ownGuarantee;
          demand[row + p] = request.demand === null ? NONE : units(request.demand, pool, 'ceil');
          cap[row + p] = ownCap;
        }
        continue;
      }
      for (const request of team.resources) {
        requests[poolIndex.get(poolKeyOf(request.resource, request.flavor)) as number] = request;
      }
      for (let p = 0; p < P; p++) {
        const request = requests[p];
        let any = false;
        let childGuarantees = 0;
        let childDemands = 0;
        let childCaps = 0;
        for (const kid of kids) {
          const cell = kid * P + p;
          if (claimed[cell] === 0) continue;
          any = true;
          childGuarantees += guarantee[cell] as number;
          const kidDemand = demand[cell] as number;
          childDemands = childDemands === NONE || kidDemand === NONE ? NONE : childDemands + kidDemand;
          const kidCap = cap[cell] as number;
          childCaps = childCaps === NONE || kidCap === NONE ? NONE : childCaps + kidCap;
        }
        if (!any && request === undefined) continue;
        // Sums of safe integers: a sum above SAFE stays above it, however it was rounded.
        if (childGuarantees > SAFE || childDemands > SAFE || childCaps > SAFE) throw NOT_SAFE;
        const pool = this.pools[p] as PoolNumbers;
        const ownGuarantee = request === undefined || request.guarantee === null ? 0 : units(request.guarantee, pool, 'ceil');
        const ownDemand = request === undefined || request.demand === null ? NONE : units(request.demand, pool, 'ceil');
        const ownCap = request === undefined || request.cap === null ? NONE : units(request.cap, pool, 'floor');
        if (request !== undefined && ownCap !== NONE && ownGuarantee > ownCap) throw NOT_SAFE;
        const cell = row + p;
        claimed[cell] = 1;
        if (!any) {
          guarantee[cell] = ownGuarantee;
          demand[cell] = ownDemand;
          cap[cell] = ownCap;
          continue;
        }
        hasClaimingChild[cell] = 1;
        const effectiveGuarantee = ownGuarantee > childGuarantees ? ownGuarantee : childGuarantees;
        const effectiveCap = ownCap === NONE ? childCaps : childCaps === NONE || ownCap < childCaps ? ownCap : childCaps;
        if (effectiveCap !== NONE && effectiveGuarantee > effectiveCap) throw NOT_SAFE;
        guarantee[cell] = effectiveGuarantee;
        demand[cell] = ownDemand === NONE ? childDemands : ownDemand;
        cap[cell] = effectiveCap;
      }
      requests.fill(undefined);
    }
  }

  /** One level of pool p: `amount` units among the claiming teams of `group`, then down into each of them. */
  private divide(p: number, group: readonly number[], amount: number, parentLabel: string): void {
    const P = this.poolCount;
    const claimants: number[] = [];
    for (const t of group) if (this.claimed[t * P + p] === 1) claimants.push(t);
    const n = claimants.length;
    if (n === 0) return;
    const g: number[] = new Array<number>(n);
    const upper: number[] = new Array<number>(n);
    const capOf: number[] = new Array<number>(n);
    const w: number[] = new Array<number>(n);
    let guarantees = 0;
    let largest = amount;
    let totalWeight = 0;
    for (let i = 0; i < n; i++) {
      const t = claimants[i] as number;
      const cell = t * P + p;
      const claimGuarantee = this.guarantee[cell] as number;
      const claimDemand = this.demand[cell] as number;
      const claimCap = this.cap[cell] as number;
      // upperOf(): max(guarantee, min(demand, cap)), NONE when neither bounds it.
      const bound = claimDemand === NONE ? claimCap : claimCap === NONE || claimDemand < claimCap ? claimDemand : claimCap;
      const claimUpper = bound === NONE ? NONE : bound > claimGuarantee ? bound : claimGuarantee;
      g[i] = claimGuarantee;
      upper[i] = claimUpper;
      capOf[i] = claimCap;
      w[i] = this.weights[t] as number;
      guarantees += claimGuarantee;
      totalWeight += w[i] as number;
      if (claimUpper > largest) largest = claimUpper;
      if (claimCap > largest) largest = claimCap;
    }
    // Guarantees above what the level has: the exact path reports the ConflictError.
    if (guarantees > amount) throw NOT_SAFE;
    // Every product below is (a count of at most `largest` + 1) x (a weight sum of at most totalWeight).
    if ((largest + 1) * totalWeight > SAFE) throw NOT_SAFE;
    const afterGuarantees = amount - guarantees;

    const rooms: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) rooms[i] = upper[i] === NONE ? NONE : (upper[i] as number) - (g[i] as number);
    const fair = waterFill(afterGuarantees, w, rooms, totalWeight);
    let beyond: Fill | null = null;
    let leftover = fair.leftover;
    if (this.teams.surplus === 'distribute' && leftover > 0) {
      // Every claim is at its upper bound; share the rest by weight up to the caps.
      const capRooms: number[] = new Array<number>(n);
      for (let i = 0; i < n; i++) capRooms[i] = capOf[i] === NONE ? NONE : (capOf[i] as number) - (upper[i] as number);
      beyond = waterFill(leftover, w, capRooms, totalWeight);
      leftover = beyond.leftover;
    }
    this.unallocated[p] = (this.unallocated[p] as number) + leftover;

    // At most one of the two fills leaves fractions (the second runs only when the first filled every room).
    const fractional = beyond ?? fair;
    const den = fractional.den;
    const remainder = fractional.remainder;
    const base: number[] = new Array<number>(n);
    let remainders = 0;
    for (let i = 0; i < n; i++) {
      base[i] = (g[i] as number) + (fair.whole[i] as number) + (beyond === null ? 0 : (beyond.whole[i] as number));
      remainders += remainder[i] as number;
    }
    const roundedUp: boolean[] = new Array<boolean>(n).fill(false);
    const leftoverUnits = divideFloor(remainders, den);
    if (leftoverUnits > 0) {
      const candidates: number[] = [];
      for (let i = 0; i < n; i++) if ((remainder[i] as number) > 0) candidates.push(i);
      candidates.sort((a, b) => {
        const ra = remainder[a] as number;
        const rb = remainder[b] as number;
        if (ra !== rb) return ra > rb ? -1 : 1;
        const na = (this.teamList[claimants[a] as number] as TeamSpec).name;
        const nb = (this.teamList[claimants[b] as number] as TeamSpec).name;
        return na < nb ? -1 : na > nb ? 1 : 0;
      });
      for (let k = 0; k < leftoverUnits; k++) roundedUp[candidates[k] as number] = true;
    }

    const pool = (this.pools[p] as PoolNumbers).state;
    const level = new FastLevel(this.context, pool, parentLabel, amount, afterGuarantees, claimants, fractional === beyond, {
      den,
      base: den === 1 ? null : base,
      remainder: den === 1 ? null : remainder,
      beyondWhole: beyond === null ? null : beyond.whole,
    });
    for (let i = 0; i < n; i++) {
      const t = claimants[i] as number;
      const cell = t * P + p;
      const team = this.teamList[t] as TeamSpec;
      const whole = base[i] as number;
      const quota = roundedUp[i] === true ? whole + 1 : whole;
      const claimGuarantee = g[i] as number;
      const claimDemand = this.demand[cell] as number;
      const claimCap = capOf[i] as number;
      let binding: Binding = 'share';
      if (remainder[i] === 0) {
        // divide-level.ts wholeBindingOf()
        if (whole === claimGuarantee && claimGuarantee > 0 && (afterGuarantees === 0 || upper[i] === claimGuarantee)) binding = 'guarantee';
        else if (claimCap !== NONE && whole === claimCap) binding = 'cap';
        else if (claimDemand !== NONE && whole === claimDemand) binding = 'demand';
      }
      const terminal = this.hasClaimingChild[cell] === 0;
      this.slots[cell] = new PlannedAllocation(
        team.path,
        pool.resource,
        pool.flavor,
        pool.quantityOfCount(quota),
        pool.quantityOfCount(claimGuarantee),
        claimDemand === NONE ? null : pool.quantityOfCount(claimDemand),
        claimCap === NONE ? null : pool.quantityOfCount(claimCap),
        binding,
        pool.flavor === null ? pool.quantityOfNanos(this.usedNanos(team, pool.resource)) : null,
        terminal,
        level,
        i,
      );
      if (!terminal) this.divide(p, this.children[t] as number[], quota, team.path);
    }
  }
}

/** A count of units of a pool, rounded as claims.ts rounds it (bounds: guarantee and demand up, cap down). */
function units(q: Quantity, pool: PoolNumbers, rounding: 'floor' | 'ceil'): number {
  const nanos = q.nanos;
  if (nanos >= 0n && nanos <= EXACT_DIVISION_LIMIT_BIGINT && pool.unitNanos !== 0) {
    const a = Number(nanos);
    const b = pool.unitNanos;
    const quotient = divideFloor(a, b);
    return rounding === 'ceil' && quotient * b !== a ? quotient + 1 : quotient;
  }
  if (nanos < 0n) throw NOT_SAFE;
  const counted = unitsOf(q, pool.state.granularity, rounding);
  if (counted > SAFE_BIGINT) throw NOT_SAFE;
  return Number(counted);
}

/**
 * floor(a / b) for integers 0 <= a, 0 < b with a + b <= 2^53: the double quotient is within one of the true
 * one, and a - q x b is then exact, so one correction step gives the exact result.
 */
function divideFloor(a: number, b: number): number {
  let quotient = Math.floor(a / b);
  const rest = a - quotient * b;
  if (rest < 0) quotient -= 1;
  else if (rest >= b) quotient += 1;
  return quotient;
}

interface Fill {
  /** Whole part of each claim's extra. */
  whole: number[];
  /** Fractional part of each claim's extra, over `den`. */
  remainder: number[];
  den: number;
  /** Left when every room is full. */
  leftover: number;
}

/**
 * divide-level.ts wholeWaterFill in numbers. The caller has checked (largest count + 1) x totalWeight <= 2^53 - 1,
 * which bounds every product formed here: room x weight, rest x weight, and the divisions' a + b.
 */
function waterFill(amount: number, weights: readonly number[], rooms: readonly number[], totalWeight: number): Fill {
  const n = weights.length;
  const whole: number[] = new Array<number>(n).fill(0);
  const remainder: number[] = new Array<number>(n).fill(0);
  const order: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Claims fill up in order of room / weight; unbounded ones never do.
  order.sort((a, b) => {
    const ra = rooms[a] as number;
    const rb = rooms[b] as number;
    if (ra === NONE) return rb === NONE ? a - b : 1;
    if (rb === NONE) return -1;
    const left = ra * (weights[b] as number);
    const right = rb * (weights[a] as number);
    return left < right ? -1 : left > right ? 1 : a - b;
  });
  let rest = amount;
  let weightLeft = totalWeight;
  let next = 0;
  for (; next < n; next++) {
    const i = order[next] as number;
    const room = rooms[i] as number;
    // Fills up only if its level room / weight is reached before the rest runs out.
    if (room === NONE || room * weightLeft > (weights[i] as number) * rest) break;
    whole[i] = room;
    rest -= room;
    weightLeft -= weights[i] as number;
  }
  if (next === n) return { whole, remainder, den: 1, leftover: rest };
  for (; next < n; next++) {
    const i = order[next] as number;
    const share = (weights[i] as number) * rest;
    const quotient = divideFloor(share, weightLeft);
    whole[i] = quotient;
    remainder[i] = share - quotient * weightLeft;
  }
  return { whole, remainder, den: weightLeft, leftover: 0 };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

interface FastContext {
  teams: readonly TeamSpec[];
  surplusPolicy: SurplusPolicy;
}

/** Exact shares of one level, when not whole: share i = base[i] + remainder[i] / den. */
interface Fractions {
  den: number;
  base: number[] | null;
  remainder: number[] | null;
  /** Whole part of the surplus each claim got beyond its upper bound, when surplus was distributed. */
  beyondWhole: number[] | null;
}

/** One level of the number path: what its explanations need, turned into bigint rationals when read. */
class FastLevel implements LevelExplainer {
  #text: LevelText | null = null;

  constructor(
    private readonly context: FastContext,
    private readonly pool: PoolState,
    private readonly parentLabel: string,
    private readonly amount: number,
    private readonly afterGuarantees: number,
    private readonly claimants: readonly number[],
    private readonly fractionsAreSurplus: boolean,
    private readonly fractions: Fractions,
  ) {}

  explain(index: number, allocation: Allocation): string {
    const { pool, fractions } = this;
    const weightOf = (t: number): Rational => (this.context.teams[t] as TeamSpec).weight;
    this.#text ??= levelText({
      granularity: pool.granularity,
      format: pool.formatUnits,
      totalWeight: sumRationals(this.claimants.map(weightOf)),
      afterGuarantees: BigInt(this.afterGuarantees),
      amount: BigInt(this.amount),
      siblings: this.claimants.length,
      parentLabel: this.parentLabel,
      surplusPolicy: this.context.surplusPolicy,
    });
    const unit = pool.granularity.nanos;
    const count = (q: Quantity): bigint => q.nanos / unit;
    const quota = count(allocation.quota);
    const den = BigInt(fractions.den);
    const remainder = BigInt(fractions.remainder?.[index] ?? 0);
    const base = fractions.base === null ? quota : BigInt(fractions.base[index] as number);
    const exact = remainder === 0n ? fromBigint(base) : rational(base * den + remainder, den);
    let surplus = ZERO;
    if (fractions.beyondWhole !== null) {
      const beyond = BigInt(fractions.beyondWhole[index] as number);
      surplus = this.fractionsAreSurplus && remainder !== 0n ? rational(beyond * den + remainder, den) : fromBigint(beyond);
    }
    return explainShare(
      this.#text,
      {
        weight: weightOf(this.claimants[index] as number),
        guarantee: count(allocation.guarantee),
        demand: allocation.demand === null ? null : count(allocation.demand),
        cap: allocation.cap === null ? null : count(allocation.cap),
      },
      { binding: allocation.binding, exact, roundedUp: remainder !== 0n && quota > base, surplus },
      BigInt(this.afterGuarantees),
      null,
    );
  }
}
