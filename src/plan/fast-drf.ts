/**
 * DRF's progressive filling (src/plan/drf.ts) in safe-integer numbers, for one level of the number path
 * (fast-plan.ts): the same steps, the same order of events and the same results, kept as reduced fractions
 * of safe integers. Every product and sum is checked (safe-integers.ts); when one is not a safe integer,
 * NOT_SAFE is thrown and buildPlan runs the exact bigint path instead.
 *
 * Weights are the level's whole-number weights (fast-plan.ts scales each sibling group by the lcm of its
 * denominators): scaling every weight by one factor scales the filling level sigma by its inverse and leaves
 * each claimant's progress t (the part of its extra it gets, in [0, 1]) unchanged.
 *
 * While claimants are active, claimant i's progress is t_i = c_i x sigma with c_i = weight_i / delta_i and
 * delta_i = its dominant share at full extra (want on its dominant pool / that pool's amount). Every value is
 * kept as a reduced fraction (c_i, each pool's slope, sigma, t_i), so a check fails only when a value's exact
 * reduced form is large, not because of a common denominator. (Slopes as whole numbers over the lcm of the
 * dominant wants were tried first: as fast on the benchmark, but with memory in bytes they passed 2^53 on 108
 * of its 233 levels, against 35 this way.) When a check fails, fast-plan.ts has drf.ts fill the level.
 */
import { formatRational, rational, ZERO, type Rational } from '../rational.js';
import { compareFractions, gcdOf, plus, times } from './safe-integers.js';

/** Numbers of one DRF level. Rows are claimants (0..n-1), columns pools (the plan's pool indices). */
export interface DrfRows {
  /** Pools per row of `want`. */
  stride: number;
  /** The level's pools in the order of their keys (drf.ts walks keys sorted); `keyCount` are used. */
  keys: Int32Array;
  /** By pool: what the level divides, and what is left of it after the guarantees. */
  amount: Float64Array;
  remaining: Float64Array;
  /** At row x stride + pool: the extra the claimant wants above its guarantee; 0 when none (or no claim). */
  want: Float64Array;
  /** By row: whole-number weight. */
  weight: Float64Array;
  /** Results by row: progress t as a reduced fraction, dominant pool (-1: none), pool that stopped it (-1). */
  progressNum: Float64Array;
  progressDen: Float64Array;
  dominant: Int32Array;
  stoppedBy: Int32Array;
  /** Scratch. */
  active: Int32Array;
  frozen: Int32Array;
  rateNum: Float64Array;
  rateDen: Float64Array;
  saturated: Uint8Array;
  usedNum: Float64Array;
  usedDen: Float64Array;
  levelNum: Float64Array;
  levelDen: Float64Array;
}

export function drfRows(claimants: number, pools: number): DrfRows {
  return {
    stride: pools,
    keys: new Int32Array(pools),
    amount: new Float64Array(pools),
    remaining: new Float64Array(pools),
    want: new Float64Array(claimants * pools),
    weight: new Float64Array(claimants),
    progressNum: new Float64Array(claimants),
    progressDen: new Float64Array(claimants),
    dominant: new Int32Array(claimants),
    stoppedBy: new Int32Array(claimants),
    active: new Int32Array(claimants),
    frozen: new Int32Array(claimants),
    rateNum: new Float64Array(claimants),
    rateDen: new Float64Array(claimants),
    saturated: new Uint8Array(pools),
    usedNum: new Float64Array(pools),
    usedDen: new Float64Array(pools),
    levelNum: new Float64Array(pools),
    levelDen: new Float64Array(pools),
  };
}

/**
 * Progressive filling over rows 0..n-1 and the first keyCount keys, as dominantResourceFairness does it:
 * writes each row's progress, dominant pool and the pool that stopped it.
 */
export function progressiveFilling(rows: DrfRows, n: number, keyCount: number): void {
  const { stride, keys, amount, remaining, want, weight, progressNum, progressDen, dominant, stoppedBy } = rows;
  const { active, frozen, rateNum, rateDen, saturated, usedNum, usedDen, levelNum, levelDen } = rows;
  for (let k = 0; k < keyCount; k++) {
    const p = keys[k] as number;
    saturated[p] = remaining[p] === 0 ? 1 : 0;
    usedNum[p] = 0;
    usedDen[p] = 1;
  }
  let activeCount = 0;
  for (let i = 0; i < n; i++) {
    progressNum[i] = 0;
    progressDen[i] = 1;
    dominant[i] = -1;
    stoppedBy[i] = -1;
    const row = i * stride;
    // Dominant share: the largest want / amount, the first key on ties; a pool with nothing to divide is skipped.
    let bestWant = 0;
    let bestAmount = 1;
    let wants = false;
    let blocker = -1;
    for (let k = 0; k < keyCount; k++) {
      const p = keys[k] as number;
      const w = want[row + p] as number;
      if (w === 0) continue;
      wants = true;
      if (blocker === -1 && saturated[p] === 1) blocker = p;
      const a = amount[p] as number;
      if (a === 0) continue;
      if (compareFractions(w, a, bestWant, bestAmount) > 0) {
        bestWant = w;
        bestAmount = a;
        dominant[i] = p;
      }
    }
    if (!wants) continue;
    // A pool it needs has nothing left after the guarantees: stopped before it starts.
    if (blocker !== -1) stoppedBy[i] = blocker;
    else active[activeCount++] = i;
  }

  while (activeCount > 0) {
    // sigma: the first of each claimant's finish (1 / c_i) and each pool's running out. c_i = weight_i x
    // amount(dominant) / want(dominant), reduced.
    let sigmaNum = -1;
    let sigmaDen = 1;
    for (let a = 0; a < activeCount; a++) {
      const i = active[a] as number;
      const p = dominant[i] as number;
      const scaled = times(weight[i] as number, amount[p] as number);
      const dominantWant = want[i * stride + p] as number;
      const g = gcdOf(scaled, dominantWant);
      rateNum[i] = scaled / g;
      rateDen[i] = dominantWant / g;
      if (sigmaNum === -1 || compareFractions(rateDen[i] as number, rateNum[i] as number, sigmaNum, sigmaDen) < 0) {
        sigmaNum = rateDen[i] as number;
        sigmaDen = rateNum[i] as number;
      }
    }
    for (let k = 0; k < keyCount; k++) {
      const p = keys[k] as number;
      levelDen[p] = 0;
      if (saturated[p] === 1) continue;
      // The pool's slope: the sum of c_i x want_i over the active claimants, a fraction slopeNum / slopeDen.
      let slopeNum = 0;
      let slopeDen = 1;
      for (let a = 0; a < activeCount; a++) {
        const i = active[a] as number;
        const w = want[i * stride + p] as number;
        if (w === 0) continue;
        const cd = rateDen[i] as number;
        const g = cd === 1 ? 1 : gcdOf(w, cd);
        const termNum = times(rateNum[i] as number, w / g);
        const termDen = cd / g;
        if (termDen === slopeDen) slopeNum = plus(slopeNum, termNum);
        else {
          const gd = gcdOf(slopeDen, termDen);
          slopeNum = plus(times(slopeNum, termDen / gd), times(termNum, slopeDen / gd));
          slopeDen = times(slopeDen / gd, termDen);
        }
      }
      if (slopeNum === 0) continue;
      // (remaining - used) / slope, with used = usedNum / usedDen, cross-cancelled.
      const left = times(remaining[p] as number, usedDen[p] as number) - (usedNum[p] as number);
      const g1 = gcdOf(left, slopeNum);
      const g2 = gcdOf(slopeDen, usedDen[p] as number);
      levelNum[p] = times(left / g1, slopeDen / g2);
      levelDen[p] = times((usedDen[p] as number) / g2, slopeNum / g1);
      if (compareFractions(levelNum[p] as number, levelDen[p] as number, sigmaNum, sigmaDen) < 0) {
        sigmaNum = levelNum[p] as number;
        sigmaDen = levelDen[p] as number;
      }
    }
    const g = gcdOf(sigmaNum, sigmaDen);
    sigmaNum /= g;
    sigmaDen /= g;
    for (let k = 0; k < keyCount; k++) {
      const p = keys[k] as number;
      if (levelDen[p] !== 0 && compareFractions(levelNum[p] as number, levelDen[p] as number, sigmaNum, sigmaDen) === 0) saturated[p] = 1;
    }
    let stillActive = 0;
    let frozenCount = 0;
    for (let a = 0; a < activeCount; a++) {
      const i = active[a] as number;
      const row = i * stride;
      let blocker = -1;
      for (let k = 0; k < keyCount; k++) {
        const p = keys[k] as number;
        if (saturated[p] === 1 && want[row + p] !== 0) {
          blocker = p;
          break;
        }
      }
      // t = c_i x sigma, reduced: both factors reduced, then cross-cancelled.
      const rn = rateNum[i] as number;
      const rd = rateDen[i] as number;
      const g1 = gcdOf(rn, sigmaDen);
      const g2 = gcdOf(sigmaNum, rd);
      const tNum = times(rn / g1, sigmaNum / g2);
      const tDen = times(rd / g2, sigmaDen / g1);
      // sigma is at most 1 / c_i, so t <= 1; t = 1 is a finished claimant.
      const finished = tNum >= tDen;
      if (!finished && blocker === -1) {
        active[stillActive++] = i;
        continue;
      }
      if (finished) {
        progressNum[i] = 1;
        progressDen[i] = 1;
      } else {
        progressNum[i] = tNum;
        progressDen[i] = tDen;
        stoppedBy[i] = blocker;
      }
      frozen[frozenCount++] = i;
    }
    // What this round's frozen claimants use stays used in the next rounds: used += t x want, reduced.
    if (stillActive > 0) {
      for (let f = 0; f < frozenCount; f++) {
        const i = frozen[f] as number;
        const row = i * stride;
        const tNum = progressNum[i] as number;
        const tDen = progressDen[i] as number;
        if (tNum === 0) continue;
        for (let k = 0; k < keyCount; k++) {
          const p = keys[k] as number;
          const w = want[row + p] as number;
          if (w === 0) continue;
          const b = usedDen[p] as number;
          const gd = gcdOf(b, tDen);
          const den = times(b / gd, tDen);
          const num = plus(times(usedNum[p] as number, tDen / gd), times(times(tNum, w), b / gd));
          const gr = gcdOf(num, den);
          usedNum[p] = num / gr;
          usedDen[p] = den / gr;
        }
      }
    }
    activeCount = stillActive;
  }
}

/** `DRF: dominant resource memory, extra share 2/3, stopped when cpu ran out`, per team, written when read. */
export class DrfTexts {
  readonly dominant: Int32Array;
  readonly stoppedBy: Int32Array;
  readonly progressNum: Float64Array;
  readonly progressDen: Float64Array;
  readonly dominantWant: Float64Array;
  readonly dominantAmount: Float64Array;
  readonly #texts: (string | null | undefined)[] = [];

  constructor(
    teamCount: number,
    /** Pool keys by pool index, as drf.ts names them. */
    private readonly keys: readonly string[],
  ) {
    this.dominant = new Int32Array(teamCount).fill(-1);
    this.stoppedBy = new Int32Array(teamCount).fill(-1);
    this.progressNum = new Float64Array(teamCount);
    this.progressDen = new Float64Array(teamCount).fill(1);
    this.dominantWant = new Float64Array(teamCount).fill(1);
    this.dominantAmount = new Float64Array(teamCount).fill(1);
  }

  readonly #exactProgress = new Map<number, Rational>();

  /** Keeps row i of a level's results for team t (`exactProgress`: its progress when beyond the safe integers). */
  keep(t: number, rows: DrfRows, i: number, exactProgress: Rational | null): void {
    if (exactProgress !== null) this.#exactProgress.set(t, exactProgress);
    const p = rows.dominant[i] as number;
    this.dominant[t] = p;
    this.stoppedBy[t] = rows.stoppedBy[i] as number;
    this.progressNum[t] = rows.progressNum[i] as number;
    this.progressDen[t] = rows.progressDen[i] as number;
    if (p !== -1) {
      this.dominantWant[t] = rows.want[i * rows.stride + p] as number;
      this.dominantAmount[t] = rows.amount[p] as number;
    }
  }

  /** What drf.ts reports for team t: dominant pool key (null: it asked no extra), its share, what stopped it. */
  dominantOf(t: number): { key: string | null; share: Rational; stoppedBy: string | null } {
    const p = this.dominant[t] as number;
    const stopped = this.stoppedBy[t] as number;
    return {
      key: p === -1 ? null : (this.keys[p] as string),
      // progress x want / amount, reduced as drf.ts's multiply does.
      share: p === -1 ? ZERO : this.shareOf(t),
      stoppedBy: stopped === -1 ? null : (this.keys[stopped] as string),
    };
  }

  private shareOf(t: number): Rational {
    const progress = this.#exactProgress.get(t) ?? {
      numerator: BigInt(this.progressNum[t] as number),
      denominator: BigInt(this.progressDen[t] as number),
    };
    return rational(progress.numerator * BigInt(this.dominantWant[t] as number), progress.denominator * BigInt(this.dominantAmount[t] as number));
  }

  text(t: number): string | null {
    let text = this.#texts[t];
    if (text !== undefined) return text;
    const { key, share, stoppedBy } = this.dominantOf(t);
    text =
      key === null
        ? null
        : `DRF: dominant resource ${key}, extra share ${formatRational(share)}` + (stoppedBy === null ? '' : `, stopped when ${stoppedBy} ran out`);
    this.#texts[t] = text;
    return text;
  }
}
