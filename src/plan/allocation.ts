/**
 * The allocations buildPlan returns. Each is an `Allocation` whose `explanation` is written when it is read
 * (by planToJson, the table, the dashboard) from what the division of its level kept, not while planning:
 * 80,000 sentences nobody may print were most of buildPlan's time and garbage (docs/planning.md, Performance).
 * Reading it twice gives the same text; JSON output is byte for byte what an eagerly written string gave.
 */
import type { Quantity } from '../quantity.js';
import type { LevelClaim, LevelDivision, LevelShare, SurplusPolicy } from './divide-level.js';
import type { DrfOutcome } from './drf.js';
import { explainShare, levelText, type LevelText } from './explain.js';
import type { Allocation, Binding } from './plan.js';
import type { PoolState } from './pool-state.js';

/** One divided level (a parent's sub-teams, one pool): writes the explanation of its claimant `index`. */
export interface LevelExplainer {
  explain(index: number, allocation: Allocation): string;
}

export class PlannedAllocation implements Allocation {
  readonly #level: LevelExplainer;
  readonly #index: number;

  // Positional on purpose: one call per allocation on buildPlan's hot path, no options object to collect.
  constructor(
    public team: string,
    public resource: string,
    public flavor: string | null,
    public quota: Quantity,
    public guarantee: Quantity,
    public demand: Quantity | null,
    public cap: Quantity | null,
    public binding: Binding,
    public used: Quantity | null,
    public terminal: boolean,
    level: LevelExplainer,
    index: number,
  ) {
    this.#level = level;
    this.#index = index;
  }

  get explanation(): string {
    return this.#level.explain(this.#index, this);
  }
}

/** The allocation of claimant `index` of a level divided exactly (divideLevelExact): its units as quantities of `pool`. */
export function exactAllocation(
  team: string,
  pool: PoolState,
  claim: LevelClaim,
  share: LevelShare,
  used: Quantity | null,
  terminal: boolean,
  level: LevelExplainer,
  index: number,
): PlannedAllocation {
  return new PlannedAllocation(
    team,
    pool.resource,
    pool.flavor,
    pool.quantityOf(share.quota),
    pool.quantityOf(claim.guarantee),
    claim.demand === null ? null : pool.quantityOf(claim.demand),
    claim.cap === null ? null : pool.quantityOf(claim.cap),
    share.binding,
    used,
    terminal,
    level,
    index,
  );
}

/**
 * A level divided exactly (divideLevel / divideLevelExact): the explanation of claimant `index` from what the
 * division kept. The exact path (build-plan.ts) and the DRF pools the number path leaves to the exact code
 * (fast-plan.ts) both use it.
 */
export class ExactLevel implements LevelExplainer {
  #text: LevelText | null = null;

  constructor(
    private readonly level: {
      pool: PoolState;
      parentLabel: string;
      surplusPolicy: SurplusPolicy;
      amount: bigint;
      claims: readonly LevelClaim[];
      division: LevelDivision;
      /** DRF: the dominant resource of claimant `index`, for its explanation; null under max-min. */
      dominantOf: ((index: number) => DrfOutcome['dominant'][number] | null) | null;
    },
  ) {}

  explain(index: number): string {
    const { pool, division } = this.level;
    this.#text ??= levelText({
      granularity: pool.granularity,
      format: pool.formatUnits,
      totalWeight: division.totalWeight,
      afterGuarantees: division.afterGuarantees,
      amount: this.level.amount,
      siblings: this.level.claims.length,
      parentLabel: this.level.parentLabel,
      surplusPolicy: this.level.surplusPolicy,
    });
    return explainShare(
      this.#text,
      this.level.claims[index] as LevelClaim,
      division.shares[index] as LevelShare,
      division.afterGuarantees,
      this.level.dominantOf?.(index) ?? null,
    );
  }
}
