/**
 * One sentence per allocation saying what bound it and how the number came about, e.g.
 * `weighted share; weight 3 of 5 among 3 teams dividing 150 of platform (150 after guarantees); exact 90`.
 * The part shared by a level's claims is built once per level. buildPlan does not call these: an allocation
 * builds its sentence when `explanation` is read (src/plan/allocation.ts), so planning 80,000 allocations does
 * not make 80,000 strings nobody prints.
 */
import { formatQuantity, multiplyQuantity, type Quantity } from '../quantity.js';
import type { Binding, LevelClaim, LevelShare, SurplusPolicy } from './divide-level.js';
import type { DrfOutcome } from './drf.js';
import { formatRational, type Rational } from '../rational.js';

/** What every claim of one level (one pool) shares in its explanation. */
export interface LevelText {
  granularity: Quantity;
  /** units x granularity as a canonical quantity string. */
  format: (units: bigint) => string;
  /** ` of 5 among 3 teams dividing 150 of platform (150 after guarantees)` */
  tail: string;
  parentLabel: string;
  surplusPolicy: SurplusPolicy;
}

export function levelText(options: {
  granularity: Quantity;
  format: (units: bigint) => string;
  /** The sum of the claimants' weights. */
  totalWeight: Rational;
  afterGuarantees: bigint;
  amount: bigint;
  siblings: number;
  parentLabel: string;
  surplusPolicy: SurplusPolicy;
}): LevelText {
  const { granularity, format, siblings } = options;
  return {
    granularity,
    format,
    tail:
      ` of ${formatRational(options.totalWeight)} among ${siblings} team${siblings === 1 ? '' : 's'} dividing ` +
      `${format(options.amount)} of ${options.parentLabel} (${format(options.afterGuarantees)} after guarantees)`,
    parentLabel: options.parentLabel,
    surplusPolicy: options.surplusPolicy,
  };
}

/** The pieces of one explanation, each already written (quantities as canonical strings). */
export interface ExplanationParts {
  binding: Binding;
  /** Nothing was left after the level's guarantees. */
  guaranteesTookAll: boolean;
  /**
   * The bound the sentence names: the guarantee for `guarantee` and for `share` (null when the guarantee is
   * 0), the cap for `cap`, the demand for `demand`.
   */
  bound: string | null;
  weight: string;
  /** Exact surplus beyond demand in units (`13`, `2 1/3 x 1Gi`), null when none. */
  surplus: string | null;
  /** `DRF: dominant resource ...`, null when not DRF. */
  drf: string | null;
  /** Exact share in units when it is not whole, null when whole. */
  exact: string | null;
  roundedUp: boolean;
}

/** The sentence: what bound the claim, its weight among the level's, surplus, DRF, and how it was rounded. */
export function explanationText(level: LevelText, parts: ExplanationParts): string {
  let text: string;
  switch (parts.binding) {
    case 'guarantee':
      text = parts.guaranteesTookAll
        ? `guarantee ${parts.bound ?? '0'}: guarantees take everything ${level.parentLabel} has`
        : `guarantee ${parts.bound ?? '0'}: at or above min(demand, cap)`;
      break;
    case 'cap':
      text = `cap ${parts.bound ?? ''} reached`;
      break;
    case 'demand':
      text = `demand ${parts.bound ?? ''} met`;
      break;
    case 'share':
      text = parts.bound !== null ? `guarantee ${parts.bound} + weighted share of the rest` : 'weighted share';
      break;
  }
  text += `; weight ${parts.weight}${level.tail}`;
  if (parts.surplus !== null) {
    text += `; includes ${parts.surplus} of surplus beyond demand (surplus: ${level.surplusPolicy})`;
  }
  if (parts.drf !== null) text += `; ${parts.drf}`;
  if (parts.exact !== null) {
    text += `; exact ${parts.exact}, rounded ${parts.roundedUp ? 'up' : 'down'} by largest remainder`;
  }
  return text;
}

export function explainShare(
  level: LevelText,
  claim: Pick<LevelClaim, 'weight' | 'guarantee' | 'demand' | 'cap'>,
  share: Pick<LevelShare, 'binding' | 'exact' | 'roundedUp' | 'surplus'>,
  afterGuarantees: bigint,
  drf: DrfOutcome['dominant'][number] | null,
): string {
  const g = level.granularity;
  const units = level.format;
  return explanationText(level, {
    binding: share.binding,
    guaranteesTookAll: afterGuarantees === 0n,
    bound:
      share.binding === 'cap'
        ? units(claim.cap as bigint)
        : share.binding === 'demand'
          ? units(claim.demand as bigint)
          : claim.guarantee > 0n
            ? units(claim.guarantee)
            : null,
    weight: formatRational(claim.weight),
    surplus: share.surplus.numerator === 0n ? null : exactUnits(g, share.surplus),
    drf:
      drf === null || drf.key === null
        ? null
        : `DRF: dominant resource ${drf.key}, extra share ${formatRational(drf.share)}` +
          (drf.stoppedBy === null ? '' : `, stopped when ${drf.stoppedBy} ran out`),
    exact: share.exact.denominator === 1n ? null : exactUnits(g, share.exact),
    roundedUp: share.roundedUp,
  });
}

/** An exact number of granularity units: `3 1/3`, or `3 1/3 x 1Gi` when the unit is not 1. */
function exactUnits(granularity: Quantity, r: Rational): string {
  if (r.denominator === 1n) return formatQuantity(multiplyQuantity(granularity, r.numerator));
  return fractionOfUnits(formatQuantity(granularity), formatRational(r));
}

/** `3 1/3` units written with the unit (`one`, the granularity as written): `3 1/3`, or `3 1/3 x 1Gi`. */
export function fractionOfUnits(one: string, fraction: string): string {
  return one === '1' ? fraction : `${fraction} x ${one}`;
}

