/**
 * Max-min and DRF division of every pool in JS numbers: the same rules and the same results as the exact
 * bigint code (claims.ts + divide-level.ts, drf.ts for DRF, driven by build-plan.ts divideExact), for inputs
 * whose values provably stay safe integers. Nothing is ever rounded here: every value is a whole number of
 * granularity units (or of 1/D units on a DRF level, fast-drf.ts), every product is checked against
 * Number.MAX_SAFE_INTEGER *before* it is used (safe-integers.ts), and when a check fails, or the input is
 * anything the exact path would reject (a guarantee above a cap, guarantees above what a level has),
 * divideFast returns null and buildPlan runs the exact path, which gives the result or the error. Exact
 * fractions (`3 1/3`) are kept as whole part + remainder over one common denominator per level and pool, as
 * the bigint code does, and written (reduced) only when an explanation is read.
 *
 * Layout: teams numbered in pre-order (a parent before its sub-teams), one flat row of numbers per
 * (team, pool) in typed arrays; no object per claim and no bigint on the hot path.
 */
import { unitsOf, type Quantity } from '../quantity.js';
import { exactAllocation, ExactLevel, PlannedAllocation, type LevelExplainer } from './allocation.js';
import { poolKeyOf } from './claims.js';
import { divideLevelExact, type Binding, type LevelClaim, type LevelDivision, type SurplusPolicy } from './divide-level.js';
import { explanationText, fractionOfUnits, levelText, type LevelText } from './explain.js';
import type { Allocation, Division, UseOf } from './plan.js';
import type { PoolState } from './pool-state.js';
import { formatRational, lcmOfDenominators, rational, ZERO, type Rational } from '../rational.js';
import { dominantResourceFairness, type DrfClaimant, type DrfOutcome } from './drf.js';
import { DrfTexts, drfRows, progressiveFilling, type DrfRows } from './fast-drf.js';
import { divideFloor, gcdOf, lcmOf, NOT_SAFE, plus, SAFE, times } from './safe-integers.js';
import type { ResourceRequest, TeamSpec, TeamsFile } from './teams-file.js';
import { sumRationals } from './water-fill.js';
import { compareText } from '../text-order.js';

const SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
/** Operands up to 2^52 divide exactly in doubles after one correction step (see divideFloor). */
const EXACT_DIVISION_LIMIT_BIGINT = 2n ** 52n;
/** "No demand" / "no cap" in the Float64Arrays (real bounds are never negative). */
const NONE = -1;

/** The division of every pool, or null when the exact path must do it (see the module comment). */
export function divideFast(teams: TeamsFile, pools: readonly PoolState[], usedNanos: UseOf): Division | null {
  return teams.policy === 'drf' ? divideDrfFast(teams, pools, usedNanos) : divideMaxMinFast(teams, pools, usedNanos);
}

/** A max-min plan's division, or null (another policy, or the exact path must do it). */
export function divideMaxMinFast(teams: TeamsFile, pools: readonly PoolState[], usedNanos: UseOf): Division | null {
  return teams.policy === 'max-min' ? unlessNotSafe(() => new FastDivider(teams, pools, usedNanos).run()) : null;
}

/** A DRF plan's division, or null (another policy, or the exact path must do it). */
export function divideDrfFast(teams: TeamsFile, pools: readonly PoolState[], usedNanos: UseOf): Division | null {
  return teams.policy === 'drf' ? unlessNotSafe(() => new FastDivider(teams, pools, usedNanos).runDrf()) : null;
}

/** The division, or null when a count left the safe integers (NOT_SAFE): then the exact path divides. */
function unlessNotSafe(divide: () => Division): Division | null {
  try {
    return divide();
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
  /** DRF: each claim's quota in units (what a parent's sub-teams divide), made by runDrf. */
  private quota: Float64Array | null = null;
  private readonly unallocated: number[];
  private readonly context: FastContext;
  /** Rows of one level, reused by every level (a level is finished before the next starts). */
  private readonly row: ScratchRows;
  /** Levels still to divide: the team whose sub-teams divide (-1: the cluster's top level) and the amount. */
  private readonly pendingTeam: number[] = [];
  private readonly pendingAmount: number[] = [];
  /** Current use of each team, by team number. */
  private readonly use: ReadonlyMap<string, bigint>[];
  /** Position of each team's name among its siblings' names sorted: ties of largest remainder go to the lower. */
  private readonly nameRank: Int32Array;
  /** Pool indices in the order of their keys (drf.ts walks a level's pools so). */
  private readonly poolsByKey: Int32Array;
  /** DRF rows of one level, made by runDrf. */
  private drf: DrfRows | null = null;
  /** DRF: pools of a level divided by the exact code because their fractions passed the safe integers. */
  private exactPools = 0;
  /** DRF: levels whose progressive filling drf.ts did, and of those, levels whose progress then fit in numbers. */
  private readonly exactFillings = { levels: 0, resumed: 0 };
  /** How much of context.claimants and context.numbers is used. */
  private claimantsKept = 0;
  private numbersKept = 0;

  constructor(
    private readonly teams: TeamsFile,
    pools: readonly PoolState[],
    usedNanos: UseOf,
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
    this.use = this.teamList.map(usedNanos);
    this.nameRank = new Int32Array(count);
    this.rankNames(this.top);
    for (const kids of this.children) this.rankNames(kids);
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
    this.poolsByKey = Int32Array.from(
      pools.map((_, p) => p).sort((a, b) => {
        const ka = (pools[a] as PoolState).key;
        const kb = (pools[b] as PoolState).key;
        return compareText(ka, kb);
      }),
    );
    this.unallocated = pools.map(() => 0);
    this.weights = new Float64Array(count);
    this.scaleWeights(this.top);
    for (const kids of this.children) this.scaleWeights(kids);
    this.context = {
      teams: this.teamList,
      surplusPolicy: teams.surplus,
      // Each claim is in exactly one level; fractions take three numbers per claimant, surplus one more.
      claimants: new Int32Array(cells),
      numbers: new Float64Array(cells),
      weightTexts: [],
      drf: teams.policy === 'drf' ? new DrfTexts(count, pools.map((pool) => pool.key)) : null,
    };
    this.row = scratchRows(this.widest());
  }

  private widest(): number {
    let widest = this.top.length;
    for (const kids of this.children) if (kids.length > widest) widest = kids.length;
    return widest;
  }

  run(): Division {
    this.buildClaims();
    for (let p = 0; p < this.poolCount; p++) {
      const pool = this.pools[p] as PoolNumbers;
      const units = pool.state.units;
      if (units > SAFE_BIGINT) throw NOT_SAFE;
      this.pendingTeam.push(-1);
      this.pendingAmount.push(Number(units));
      while (this.pendingTeam.length > 0) {
        const parent = this.pendingTeam.pop() as number;
        const amount = this.pendingAmount.pop() as number;
        if (parent === -1) this.divide(p, this.top, amount, 'the cluster');
        else this.divide(p, this.children[parent] as number[], amount, (this.teamList[parent] as TeamSpec).path);
      }
    }
    return this.collect();
  }

  /**
   * DRF: level by level (a parent's sub-teams, all the pools the parent divides at once), parents before
   * their sub-teams (team numbers are in pre-order).
   */
  runDrf(): Division {
    this.buildClaims();
    const P = this.poolCount;
    this.drf = drfRows(this.widest(), P);
    const quota = (this.quota = new Float64Array(this.teamList.length * P));
    const amounts = new Float64Array(P);
    for (let p = 0; p < P; p++) {
      const units = (this.pools[p] as PoolNumbers).state.units;
      if (units > SAFE_BIGINT) throw NOT_SAFE;
      amounts[p] = Number(units);
    }
    this.divideDrf(this.top, amounts, 'the cluster');
    for (let t = 0; t < this.teamList.length; t++) {
      const kids = this.children[t] as number[];
      if (kids.length === 0) continue;
      let divides = false;
      for (let p = 0; p < P; p++) {
        const cell = t * P + p;
        if (this.hasClaimingChild[cell] === 1) {
          amounts[p] = quota[cell] as number;
          divides = true;
        } else amounts[p] = NONE;
      }
      if (divides) this.divideDrf(kids, amounts, (this.teamList[t] as TeamSpec).path);
    }
    return this.collect();
  }

  /** Allocations sorted by team path, then pool. */
  private collect(): Division {
    const order = this.teamList.map((_, i) => i).sort((a, b) => {
      const pa = (this.teamList[a] as TeamSpec).path;
      const pb = (this.teamList[b] as TeamSpec).path;
      return compareText(pa, pb);
    });
    const allocations: Allocation[] = [];
    for (const t of order) {
      const row = t * this.poolCount;
      for (let p = 0; p < this.poolCount; p++) {
        const allocation = this.slots[row + p];
        if (allocation !== undefined) allocations.push(allocation);
      }
    }
    return { allocations, unallocatedUnits: this.unallocated.map((units) => BigInt(units)), exactPools: this.exactPools, exactFillings: this.exactFillings };
  }

  private rankNames(group: readonly number[]): void {
    const byName = [...group].sort((a, b) => {
      const na = (this.teamList[a] as TeamSpec).name;
      const nb = (this.teamList[b] as TeamSpec).name;
      return compareText(na, nb);
    });
    byName.forEach((t, rank) => (this.nameRank[t] = rank));
  }

  /** Weights of one sibling group as whole numbers (times the lcm of their denominators), like divideLevelWhole. */
  private scaleWeights(group: readonly number[]): void {
    const lcm = lcmOfDenominators(group.map((t) => (this.teamList[t] as TeamSpec).weight));
    let sum = 0;
    for (const t of group) {
      const weight = (this.teamList[t] as TeamSpec).weight;
      const scaled = lcm === 1n && weight.denominator === 1n ? weight.numerator : (weight.numerator * lcm) / weight.denominator;
      if (scaled <= 0n || scaled > SAFE_BIGINT) throw NOT_SAFE;
      this.weights[t] = Number(scaled);
      sum += Number(scaled);
    }
    if (sum > SAFE) throw NOT_SAFE;
  }

  private usedOf(t: number, pool: PoolState): Quantity {
    const use = this.use[t] as ReadonlyMap<string, bigint>;
    return pool.quantityOfNanos(use.size === 0 ? 0n : (use.get(pool.resource) ?? 0n));
  }

  /** Room for `count` more numbers in context.numbers; returns where they go. */
  private keepNumbers(count: number): number {
    const at = this.numbersKept;
    if (at + count > this.context.numbers.length) {
      const grown = new Float64Array(Math.max(2 * this.context.numbers.length, at + count));
      grown.set(this.context.numbers);
      this.context.numbers = grown;
    }
    this.numbersKept = at + count;
    return at;
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
        for (let r = 0; r < team.resources.length; r++) {
          const request = team.resources[r] as ResourceRequest;
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
      for (let r = 0; r < team.resources.length; r++) {
        const request = team.resources[r] as ResourceRequest;
        requests[poolIndex.get(poolKeyOf(request.resource, request.flavor)) as number] = request;
      }
      for (let p = 0; p < P; p++) {
        const request = requests[p];
        let any = false;
        let childGuarantees = 0;
        let childDemands = 0;
        let childCaps = 0;
        for (let k = 0; k < kids.length; k++) {
          const cell = (kids[k] as number) * P + p;
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

  /** One level of pool p: `amount` units among the claiming teams of `group`; their own levels are queued. */
  private divide(p: number, group: readonly number[], amount: number, parentLabel: string): void {
    const P = this.poolCount;
    const row = this.row;
    const { claimants, g, upper, capOf, w } = row;
    let n = 0;
    for (let k = 0; k < group.length; k++) {
      const t = group[k] as number;
      if (this.claimed[t * P + p] === 1) claimants[n++] = t;
    }
    if (n === 0) return;
    let guarantees = 0;
    let largest = amount;
    let totalWeight = 0;
    for (let i = 0; i < n; i++) {
      const t = claimants[i] as number;
      const cell = t * P + p;
      const claimGuarantee = this.guarantee[cell] as number;
      const claimDemand = this.demand[cell] as number;
      const claimCap = this.cap[cell] as number;
      const claimUpper = upperOf(claimGuarantee, claimDemand, claimCap);
      g[i] = claimGuarantee;
      upper[i] = claimUpper;
      capOf[i] = claimCap;
      const weight = this.weights[t] as number;
      w[i] = weight;
      guarantees += claimGuarantee;
      totalWeight += weight;
      if (claimUpper > largest) largest = claimUpper;
      if (claimCap > largest) largest = claimCap;
    }
    // Guarantees above what the level has: the exact path reports the ConflictError.
    if (guarantees > amount) throw NOT_SAFE;
    // Every product below is (a count of at most `largest` + 1) x (a weight sum of at most totalWeight).
    if ((largest + 1) * totalWeight > SAFE) throw NOT_SAFE;
    const afterGuarantees = amount - guarantees;

    const { room, fairWhole, fairRemainder, beyondWhole, beyondRemainder, base } = row;
    for (let i = 0; i < n; i++) room[i] = upper[i] === NONE ? NONE : (upper[i] as number) - (g[i] as number);
    waterFill(afterGuarantees, n, w, room, totalWeight, row.order, fairWhole, fairRemainder, row.fill);
    let den = row.fill.den;
    let leftover = row.fill.leftover;
    let remainder = fairRemainder;
    let beyond = false;
    if (this.teams.surplus === 'distribute' && leftover > 0) {
      // Every claim is at its upper bound; share the rest by weight up to the caps.
      for (let i = 0; i < n; i++) room[i] = capOf[i] === NONE ? NONE : (capOf[i] as number) - (upper[i] as number);
      waterFill(leftover, n, w, room, totalWeight, row.order, beyondWhole, beyondRemainder, row.fill);
      beyond = true;
      // At most one of the two fills leaves fractions (the second runs only when the first filled every room).
      den = row.fill.den;
      leftover = row.fill.leftover;
      remainder = beyondRemainder;
    }
    this.unallocated[p] = (this.unallocated[p] as number) + leftover;

    for (let i = 0; i < n; i++) base[i] = (g[i] as number) + (fairWhole[i] as number) + (beyond ? (beyondWhole[i] as number) : 0);
    this.finish(p, n, amount, afterGuarantees, den, remainder, beyond, parentLabel);
  }

  /**
   * One DRF level: `group`'s claims on every pool with an amount (NONE: not divided here) at once. Progressive
   * filling (fast-drf.ts) gives each claimant its progress t; then each pool is divided as divide-level.ts
   * divideLevelExact does with DRF's extras as `initial`.
   */
  private divideDrf(group: readonly number[], amounts: Float64Array, parentLabel: string): void {
    const P = this.poolCount;
    const drf = this.drf as DrfRows;
    const n = group.length;
    let keyCount = 0;
    for (let r = 0; r < P; r++) {
      const p = this.poolsByKey[r] as number;
      const amount = amounts[p] as number;
      if (amount === NONE) continue;
      let claimed = false;
      let guarantees = 0;
      for (let i = 0; i < n; i++) {
        const cell = (group[i] as number) * P + p;
        if (this.claimed[cell] === 0) continue;
        claimed = true;
        guarantees += this.guarantee[cell] as number;
      }
      if (!claimed) continue;
      // Guarantees above what the level has: the exact path reports the ConflictError.
      if (guarantees > amount) throw NOT_SAFE;
      drf.keys[keyCount++] = p;
      drf.amount[p] = amount;
      drf.remaining[p] = amount - guarantees;
    }
    if (keyCount === 0) return;
    // Each claimant's extra: max(guarantee, min(demand, cap)) - guarantee, or all that is left when unbounded.
    for (let i = 0; i < n; i++) {
      const t = group[i] as number;
      drf.weight[i] = this.weights[t] as number;
      const row = i * P;
      for (let k = 0; k < keyCount; k++) {
        const p = drf.keys[k] as number;
        const cell = t * P + p;
        if (this.claimed[cell] === 0) {
          drf.want[row + p] = 0;
          continue;
        }
        const claimGuarantee = this.guarantee[cell] as number;
        const claimUpper = upperOf(claimGuarantee, this.demand[cell] as number, this.cap[cell] as number);
        drf.want[row + p] = claimUpper === NONE ? (drf.remaining[p] as number) : claimUpper - claimGuarantee;
      }
    }
    // Progress beyond the safe integers: this level's filling by drf.ts, in bigint (null: numbers sufficed).
    let exactProgress: Rational[] | null = null;
    try {
      progressiveFilling(drf, n, keyCount);
    } catch (error) {
      if (error !== NOT_SAFE) throw error;
      exactProgress = this.fillExactly(group, keyCount);
    }
    const texts = this.context.drf as DrfTexts;
    for (let i = 0; i < n; i++) texts.keep(group[i] as number, drf, i, exactProgress?.[i] ?? null);
    // One denominator for every extra of the level: the lcm of the progress denominators (NONE: beyond 2^53).
    let den = exactProgress === null ? 1 : NONE;
    try {
      if (den !== NONE) for (let i = 0; i < n; i++) if (drf.progressNum[i] !== 0) den = lcmOf(den, drf.progressDen[i] as number);
    } catch (error) {
      if (error !== NOT_SAFE) throw error;
      den = NONE;
    }
    // A pool whose top-up in 1/den units would pass the safe integers is divided by the exact code instead,
    // from the same progress: the rest of the plan stays on numbers.
    for (let k = 0; k < keyCount; k++) {
      const p = drf.keys[k] as number;
      try {
        if (den === NONE) throw NOT_SAFE;
        this.divideDrfPool(p, group, den, parentLabel);
      } catch (error) {
        if (error !== NOT_SAFE) throw error;
        this.divideDrfPoolExact(p, group, parentLabel, exactProgress);
      }
    }
  }

  /**
   * Progressive filling of one level by drf.ts in bigint, when the number form's values pass 2^53. Writes each
   * row's dominant pool and stopping pool; returns each row's progress, also written into the rows as numbers
   * when every one of them fits (null then: the level goes on in numbers).
   */
  private fillExactly(group: readonly number[], keyCount: number): Rational[] | null {
    const P = this.poolCount;
    const drf = this.drf as DrfRows;
    const amounts = new Map<string, bigint>();
    const poolOfKey = new Map<string, number>();
    for (let k = 0; k < keyCount; k++) {
      const p = drf.keys[k] as number;
      const key = (this.pools[p] as PoolNumbers).state.key;
      amounts.set(key, BigInt(drf.amount[p] as number));
      poolOfKey.set(key, p);
    }
    const claimants: DrfClaimant[] = [];
    const rows: number[] = [];
    for (let i = 0; i < group.length; i++) {
      const t = group[i] as number;
      const team = this.teamList[t] as TeamSpec;
      const claims = new Map<string, LevelClaim>();
      for (let k = 0; k < keyCount; k++) {
        const p = drf.keys[k] as number;
        const cell = t * P + p;
        if (this.claimed[cell] === 0) continue;
        claims.set((this.pools[p] as PoolNumbers).state.key, this.levelClaimOf(team, cell));
      }
      drf.dominant[i] = -1;
      drf.stoppedBy[i] = -1;
      if (claims.size === 0) continue;
      claimants.push({ name: team.name, weight: team.weight, claims });
      rows.push(i);
    }
    const outcome = dominantResourceFairness(amounts, claimants);
    this.exactFillings.levels++;
    const progress: Rational[] = group.map(() => ZERO);
    let fits = true;
    rows.forEach((i, j) => {
      const dominant = outcome.dominant[j] as DrfOutcome['dominant'][number];
      drf.dominant[i] = dominant.key === null ? -1 : (poolOfKey.get(dominant.key) as number);
      drf.stoppedBy[i] = dominant.stoppedBy === null ? -1 : (poolOfKey.get(dominant.stoppedBy) as number);
      const value = outcome.progress[j] as Rational;
      progress[i] = value;
      if (value.numerator > SAFE_BIGINT || value.denominator > SAFE_BIGINT) fits = false;
    });
    for (let i = 0; i < group.length; i++) {
      const value = progress[i] as Rational;
      drf.progressNum[i] = fits ? Number(value.numerator) : 0;
      drf.progressDen[i] = fits ? Number(value.denominator) : 1;
    }
    if (fits) this.exactFillings.resumed++;
    return fits ? null : progress;
  }

  /** The claim of (team, pool) at `cell` as the exact code takes it. */
  private levelClaimOf(team: TeamSpec, cell: number): LevelClaim {
    const claimDemand = this.demand[cell] as number;
    const claimCap = this.cap[cell] as number;
    return {
      name: team.name,
      weight: team.weight,
      guarantee: BigInt(this.guarantee[cell] as number),
      demand: claimDemand === NONE ? null : BigInt(claimDemand),
      cap: claimCap === NONE ? null : BigInt(claimCap),
    };
  }

  /**
   * Pool p of a DRF level by the exact code (divide-level.ts divideLevelExact, as build-plan.ts divideExact
   * calls it), with each claimant's DRF extra t x want as a bigint rational.
   */
  private divideDrfPoolExact(p: number, group: readonly number[], parentLabel: string, exactProgress: Rational[] | null): void {
    const P = this.poolCount;
    const drf = this.drf as DrfRows;
    const pool = (this.pools[p] as PoolNumbers).state;
    const claims: LevelClaim[] = [];
    const initial: Rational[] = [];
    const teamsOf: number[] = [];
    for (let i = 0; i < group.length; i++) {
      const t = group[i] as number;
      const cell = t * P + p;
      if (this.claimed[cell] === 0) continue;
      claims.push(this.levelClaimOf(this.teamList[t] as TeamSpec, cell));
      const want = drf.want[i * P + p] as number;
      const progress = exactProgress === null ? null : (exactProgress[i] as Rational);
      if (want === 0) initial.push(ZERO);
      else if (progress !== null) initial.push(rational(progress.numerator * BigInt(want), progress.denominator));
      else {
        const num = drf.progressNum[i] as number;
        initial.push(num === 0 ? ZERO : rational(BigInt(num) * BigInt(want), BigInt(drf.progressDen[i] as number)));
      }
      teamsOf.push(t);
    }
    const amount = BigInt(drf.amount[p] as number);
    const division = divideLevelExact(amount, claims, { surplus: this.teams.surplus, initial });
    this.exactPools++;
    const texts = this.context.drf as DrfTexts;
    const level = new ExactLevel({
      pool,
      parentLabel,
      surplusPolicy: this.teams.surplus,
      amount,
      claims,
      division,
      dominantOf: (i) => texts.dominantOf(teamsOf[i] as number),
    });
    for (let i = 0; i < claims.length; i++) {
      const t = teamsOf[i] as number;
      const cell = t * P + p;
      const claim = claims[i] as LevelClaim;
      const share = division.shares[i] as LevelDivision['shares'][number];
      const terminal = this.hasClaimingChild[cell] === 0;
      const used = pool.flavor === null ? this.usedOf(t, pool) : null;
      this.slots[cell] = exactAllocation((this.teamList[t] as TeamSpec).path, pool, claim, share, used, terminal, level, i);
      // A quota is at most the pool's units: a safe integer.
      if (!terminal) (this.quota as Float64Array)[cell] = Number(share.quota);
    }
    this.unallocated[p] = (this.unallocated[p] as number) + Number(division.unallocated);
  }

  /**
   * Pool p of a DRF level: each claimant holds its guarantee plus t x want (a whole number over `den`); the
   * rest is water-filled up to the upper bounds (counted in 1/den units), then the surplus as in divide().
   */
  private divideDrfPool(p: number, group: readonly number[], den: number, parentLabel: string): void {
    const P = this.poolCount;
    const drf = this.drf as DrfRows;
    const row = this.row;
    const { claimants, g, upper, capOf, w, initial, room, fairWhole, fairRemainder, beyondWhole, beyondRemainder, base } = row;
    const amount = drf.amount[p] as number;
    const afterGuarantees = drf.remaining[p] as number;
    let n = 0;
    let totalWeight = 0;
    let given = 0;
    for (let i = 0; i < group.length; i++) {
      const t = group[i] as number;
      const cell = t * P + p;
      if (this.claimed[cell] === 0) continue;
      const claimGuarantee = this.guarantee[cell] as number;
      const claimCap = this.cap[cell] as number;
      g[n] = claimGuarantee;
      upper[n] = upperOf(claimGuarantee, this.demand[cell] as number, claimCap);
      capOf[n] = claimCap;
      const weight = this.weights[t] as number;
      w[n] = weight;
      totalWeight += weight;
      const want = drf.want[i * P + p] as number;
      const progress = drf.progressNum[i] as number;
      const extra = want === 0 || progress === 0 ? 0 : times(times(progress, den / (drf.progressDen[i] as number)), want);
      initial[n] = extra;
      given = plus(given, extra);
      claimants[n++] = t;
    }
    // In 1/den units: what DRF left of the pool, and each claimant's room above what DRF gave it.
    const rest = times(afterGuarantees, den) - given;
    let largest = rest;
    for (let i = 0; i < n; i++) {
      room[i] = upper[i] === NONE ? NONE : times((upper[i] as number) - (g[i] as number), den) - (initial[i] as number);
      if ((room[i] as number) > largest) largest = room[i] as number;
    }
    // waterFill's products are at most (largest + 1) x totalWeight.
    times(plus(largest, 1), totalWeight);
    waterFill(rest, n, w, room, totalWeight, row.order, fairWhole, fairRemainder, row.fill);
    // Exact share: guarantee + (initial + whole + remainder / fillDen) / den, one denominator for the pool.
    const fillDen = row.fill.den;
    const shareDen = times(den, fillDen);
    plus(shareDen, shareDen);
    for (let i = 0; i < n; i++) {
      const numerator = plus(times(plus(initial[i] as number, fairWhole[i] as number), fillDen), fairRemainder[i] as number);
      plus(numerator, shareDen);
      const whole = divideFloor(numerator, shareDen);
      base[i] = plus(g[i] as number, whole);
      fairRemainder[i] = numerator - whole * shareDen;
    }
    // Left only when every room is full: every claim is then at its upper bound, a whole number of units.
    let leftover = row.fill.leftover / den;
    let shareDenominator = shareDen;
    let remainder = fairRemainder;
    let beyond = false;
    if (this.teams.surplus === 'distribute' && leftover > 0) {
      let most = leftover;
      for (let i = 0; i < n; i++) {
        room[i] = capOf[i] === NONE ? NONE : (capOf[i] as number) - (upper[i] as number);
        if ((room[i] as number) > most) most = room[i] as number;
      }
      times(plus(most, 1), totalWeight);
      waterFill(leftover, n, w, room, totalWeight, row.order, beyondWhole, beyondRemainder, row.fill);
      beyond = true;
      shareDenominator = row.fill.den;
      leftover = row.fill.leftover;
      remainder = beyondRemainder;
      for (let i = 0; i < n; i++) base[i] = plus(base[i] as number, beyondWhole[i] as number);
    }
    // finish() checks before it changes anything, so a NOT_SAFE from it still leaves the pool to the exact code.
    this.finish(p, n, amount, afterGuarantees, shareDenominator, remainder, beyond, parentLabel);
    // At most the pool's units: a safe integer.
    this.unallocated[p] = (this.unallocated[p] as number) + leftover;
  }

  /**
   * The end of dividing one level of pool p, either policy: the first n rows hold each claimant's exact share
   * as base + remainder / den (row.base and `remainder`), and its guarantee, upper bound and cap. Largest
   * remainder, what explanations need, the allocations, and each claim's quota.
   */
  // Positional on purpose: called once per level and pool (9,000 times for the benchmark), no options object.
  private finish(
    p: number,
    n: number,
    amount: number,
    afterGuarantees: number,
    den: number,
    remainder: Float64Array,
    beyond: boolean,
    parentLabel: string,
  ): void {
    const P = this.poolCount;
    const { claimants, g, upper, capOf, beyondWhole, base, roundedUp, candidates } = this.row;
    let remainders = 0;
    for (let i = 0; i < n; i++) {
      remainders = plus(remainders, remainder[i] as number);
      roundedUp[i] = 0;
    }
    plus(remainders, den);
    const leftoverUnits = divideFloor(remainders, den);
    if (leftoverUnits > 0) {
      let count = 0;
      for (let i = 0; i < n; i++) if ((remainder[i] as number) > 0) candidates[count++] = i;
      sortByRemainder(candidates, count, remainder, claimants, this.nameRank);
      for (let k = 0; k < leftoverUnits; k++) roundedUp[candidates[k] as number] = 1;
    }

    // What the explanations need, kept in the plan-wide stores (see FastLevel).
    const context = this.context;
    const claimantsAt = this.claimantsKept;
    for (let i = 0; i < n; i++) context.claimants[claimantsAt + i] = claimants[i] as number;
    this.claimantsKept += n;
    let fractionsAt = NONE;
    if (den !== 1) {
      fractionsAt = this.keepNumbers(3 * n);
      for (let i = 0; i < n; i++) {
        context.numbers[fractionsAt + 3 * i] = base[i] as number;
        context.numbers[fractionsAt + 3 * i + 1] = remainder[i] as number;
        context.numbers[fractionsAt + 3 * i + 2] = roundedUp[i] as number;
      }
    }
    let beyondAt = NONE;
    if (beyond) {
      beyondAt = this.keepNumbers(n);
      for (let i = 0; i < n; i++) context.numbers[beyondAt + i] = beyondWhole[i] as number;
    }
    const pool = (this.pools[p] as PoolNumbers).state;
    const level = new FastLevel(this.context, pool, parentLabel, amount, afterGuarantees, claimantsAt, n, den, fractionsAt, beyondAt, beyond && den !== 1);

    for (let i = 0; i < n; i++) {
      const t = claimants[i] as number;
      const cell = t * P + p;
      const team = this.teamList[t] as TeamSpec;
      const whole = base[i] as number;
      const quota = roundedUp[i] === 1 ? whole + 1 : whole;
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
        pool.flavor === null ? this.usedOf(t, pool) : null,
        terminal,
        level,
        i,
      );
      // A parent's quota is what its sub-teams divide: queued (max-min, pool by pool) or kept (DRF, level by level).
      if (terminal) continue;
      if (this.quota === null) {
        this.pendingTeam.push(t);
        this.pendingAmount.push(quota);
      } else this.quota[cell] = quota;
    }
  }
}

/** divide-level.ts upperOf(): max(guarantee, min(demand, cap)), NONE when neither bounds it. */
function upperOf(guarantee: number, demand: number, cap: number): number {
  const bound = demand === NONE ? cap : cap === NONE || demand < cap ? demand : cap;
  return bound === NONE ? NONE : bound > guarantee ? bound : guarantee;
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

/** Rows of numbers for one level, as long as the widest sibling group. */
interface ScratchRows {
  claimants: Int32Array;
  g: Float64Array;
  upper: Float64Array;
  capOf: Float64Array;
  w: Float64Array;
  /** DRF: what progressive filling gave each claimant above its guarantee, over the level's denominator. */
  initial: Float64Array;
  room: Float64Array;
  fairWhole: Float64Array;
  fairRemainder: Float64Array;
  beyondWhole: Float64Array;
  beyondRemainder: Float64Array;
  base: Float64Array;
  roundedUp: Uint8Array;
  order: Int32Array;
  candidates: Int32Array;
  fill: { den: number; leftover: number };
}

function scratchRows(size: number): ScratchRows {
  const numbers = (): Float64Array => new Float64Array(size);
  return {
    claimants: new Int32Array(size),
    g: numbers(),
    upper: numbers(),
    capOf: numbers(),
    w: numbers(),
    initial: numbers(),
    room: numbers(),
    fairWhole: numbers(),
    fairRemainder: numbers(),
    beyondWhole: numbers(),
    beyondRemainder: numbers(),
    base: numbers(),
    roundedUp: new Uint8Array(size),
    order: new Int32Array(size),
    candidates: new Int32Array(size),
    fill: { den: 1, leftover: 0 },
  };
}

/**
 * divide-level.ts wholeWaterFill in numbers, over the first n entries; writes each claim's whole extra and its
 * remainder over `out.den`, and `out.leftover`. The caller has checked (largest count + 1) x totalWeight <=
 * 2^53 - 1, which bounds every product formed here: room x weight, rest x weight, and the divisions' a + b.
 */
function waterFill(
  amount: number,
  n: number,
  weights: Float64Array,
  rooms: Float64Array,
  totalWeight: number,
  order: Int32Array,
  whole: Float64Array,
  remainder: Float64Array,
  out: { den: number; leftover: number },
): void {
  for (let i = 0; i < n; i++) {
    order[i] = i;
    whole[i] = 0;
    remainder[i] = 0;
  }
  sortByFillLevel(order, n, rooms, weights);
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
  if (next === n) {
    out.den = 1;
    out.leftover = rest;
    return;
  }
  for (; next < n; next++) {
    const i = order[next] as number;
    const share = (weights[i] as number) * rest;
    const quotient = divideFloor(share, weightLeft);
    whole[i] = quotient;
    remainder[i] = share - quotient * weightLeft;
  }
  out.den = weightLeft;
  out.leftover = 0;
}

/** Claims fill up in order of room / weight (ties by position); unbounded ones never do. */
function fillsBefore(a: number, b: number, rooms: Float64Array, weights: Float64Array): boolean {
  const ra = rooms[a] as number;
  const rb = rooms[b] as number;
  if (ra === NONE) return false;
  if (rb === NONE) return true;
  const left = ra * (weights[b] as number);
  const right = rb * (weights[a] as number);
  return left < right || (left === right && a < b);
}

/** Largest remainder first; equal remainders to the name that sorts first (names are unique among siblings). */
function roundsUpBefore(a: number, b: number, remainder: Float64Array, claimants: Int32Array, nameRank: Int32Array): boolean {
  const ra = remainder[a] as number;
  const rb = remainder[b] as number;
  if (ra !== rb) return ra > rb;
  return (nameRank[claimants[a] as number] as number) < (nameRank[claimants[b] as number] as number);
}

// Both orders are strict and total, so any correct sort gives the same result. Levels are small: insertion
// sort in place there (no closure, no allocation on the hot path); Array.prototype.sort for wide ones.
const INSERTION_SORT_LIMIT = 24;

function sortByFillLevel(order: Int32Array, n: number, rooms: Float64Array, weights: Float64Array): void {
  if (n > INSERTION_SORT_LIMIT) {
    order.set(Array.from(order.subarray(0, n)).sort((a, b) => (fillsBefore(a, b, rooms, weights) ? -1 : fillsBefore(b, a, rooms, weights) ? 1 : 0)));
    return;
  }
  for (let k = 1; k < n; k++) {
    const value = order[k] as number;
    let j = k - 1;
    while (j >= 0 && fillsBefore(value, order[j] as number, rooms, weights)) {
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = value;
  }
}

function sortByRemainder(candidates: Int32Array, n: number, remainder: Float64Array, claimants: Int32Array, nameRank: Int32Array): void {
  if (n > INSERTION_SORT_LIMIT) {
    const before = (a: number, b: number): boolean => roundsUpBefore(a, b, remainder, claimants, nameRank);
    candidates.set(Array.from(candidates.subarray(0, n)).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)));
    return;
  }
  for (let k = 1; k < n; k++) {
    const value = candidates[k] as number;
    let j = k - 1;
    while (j >= 0 && roundsUpBefore(value, candidates[j] as number, remainder, claimants, nameRank)) {
      candidates[j + 1] = candidates[j] as number;
      j--;
    }
    candidates[j + 1] = value;
  }
}

interface FastContext {
  teams: readonly TeamSpec[];
  /** DRF plans: each team's `DRF: dominant resource ...` text. */
  drf: DrfTexts | null;
  surplusPolicy: SurplusPolicy;
  /** Plan-wide stores the levels point into: each level's claimants (team numbers) ... */
  claimants: Int32Array;
  /** ... and, when not whole, base, remainder and rounded-up (0/1) per claimant, and surplus whole parts. */
  numbers: Float64Array;
  /** Each team's weight as written in explanations, by team number, filled when first needed. */
  weightTexts: (string | undefined)[];
}

/**
 * One level of the number path: where its data sits in the plan-wide stores, turned into bigint rationals
 * when an explanation is read. Claimant i's exact share is base + remainder / den; when the level is whole
 * (den 1) it is the quota itself.
 */
class FastLevel implements LevelExplainer {
  #text: LevelText | null = null;

  constructor(
    private readonly context: FastContext,
    private readonly pool: PoolState,
    private readonly parentLabel: string,
    private readonly amount: number,
    private readonly afterGuarantees: number,
    private readonly claimantsAt: number,
    private readonly size: number,
    private readonly den: number,
    /** Index of base/remainder pairs in context.numbers, or NONE when den is 1. */
    private readonly fractionsAt: number,
    /** Index of the surplus whole parts in context.numbers, or NONE when no surplus was distributed. */
    private readonly beyondAt: number,
    /** The fractions are those of the surplus fill (the first fill filled every room). */
    private readonly fractionsAreSurplus: boolean,
  ) {}

  explain(index: number, allocation: Allocation): string {
    const { pool, context } = this;
    if (this.#text === null) {
      const weights: Rational[] = [];
      for (let i = 0; i < this.size; i++) weights.push(this.teamOf(i).weight);
      this.#text = levelText({
        granularity: pool.granularity,
        format: pool.formatUnits,
        totalWeight: sumRationals(weights),
        afterGuarantees: BigInt(this.afterGuarantees),
        amount: BigInt(this.amount),
        siblings: this.size,
        parentLabel: this.parentLabel,
        surplusPolicy: context.surplusPolicy,
      });
    }
    const t = context.claimants[this.claimantsAt + index] as number;
    let weight = context.weightTexts[t];
    if (weight === undefined) context.weightTexts[t] = weight = formatRational((context.teams[t] as TeamSpec).weight);
    const fractional = this.fractionsAt !== NONE;
    const at = this.fractionsAt + 3 * index;
    const remainder = fractional ? (context.numbers[at + 1] as number) : 0;
    let surplus: string | null = null;
    if (this.beyondAt !== NONE) {
      const beyond = context.numbers[this.beyondAt + index] as number;
      if (this.fractionsAreSurplus && remainder !== 0) surplus = fractionOfUnits(pool.granularityText, fractionText(beyond, remainder, this.den));
      else if (beyond !== 0) surplus = pool.formatUnits(BigInt(beyond));
    }
    const binding = allocation.binding;
    return explanationText(this.#text, {
      binding,
      guaranteesTookAll: this.afterGuarantees === 0,
      bound:
        binding === 'cap'
          ? pool.formatShared(allocation.cap as Quantity)
          : binding === 'demand'
            ? pool.formatShared(allocation.demand as Quantity)
            : allocation.guarantee.nanos > 0n
              ? pool.formatShared(allocation.guarantee)
              : null,
      weight,
      surplus,
      drf: context.drf === null ? null : context.drf.text(t),
      exact: remainder === 0 ? null : fractionOfUnits(pool.granularityText, fractionText(context.numbers[at] as number, remainder, this.den)),
      roundedUp: remainder !== 0 && context.numbers[at + 2] === 1,
    });
  }

  private teamOf(i: number): TeamSpec {
    return this.context.teams[this.context.claimants[this.claimantsAt + i] as number] as TeamSpec;
  }
}

/**
 * `whole remainder/den` reduced, as formatRational writes (whole + remainder / den) for 0 < remainder < den:
 * gcd(whole x den + remainder, den) = gcd(remainder, den). Safe integers, so exact.
 */
function fractionText(whole: number, remainder: number, den: number): string {
  const a = gcdOf(remainder, den);
  return whole === 0 ? `${remainder / a}/${den / a}` : `${whole} ${remainder / a}/${den / a}`;
}
