/**
 * One sentence per allocation saying what bound it and how the number came about, e.g.
 * `weighted share; weight 3 of 5 among 3 teams dividing 150 of platform (150 after guarantees); exact 90`.
 * The part shared by a level's claims is built once per level. buildPlan does not call these: an allocation
 * builds its sentence when `explanation` is read (src/plan/allocation.ts), so planning 80,000 allocations does
 * not make 80,000 strings nobody prints.
 */
import { formatQuantity, multiplyQuantity, type Quantity } from '../quantity.js';
import type { LevelClaim, LevelShare, SurplusPolicy } from './divide-level.js';
import type { DrfOutcome } from './drf.js';
import { formatRational, type Rational } from './rational.js';

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

export function explainShare(
  level: LevelText,
  claim: Pick<LevelClaim, 'weight' | 'guarantee' | 'demand' | 'cap'>,
  share: Pick<LevelShare, 'binding' | 'exact' | 'roundedUp' | 'surplus'>,
  afterGuarantees: bigint,
  drf: DrfOutcome['dominant'][number] | null,
): string {
  const g = level.granularity;
  const units = level.format;
  let text: string;
  switch (share.binding) {
    case 'guarantee':
      text =
        afterGuarantees === 0n
          ? `guarantee ${units(claim.guarantee)}: guarantees take everything ${level.parentLabel} has`
          : `guarantee ${units(claim.guarantee)}: at or above min(demand, cap)`;
      break;
    case 'cap':
      text = `cap ${units(claim.cap as bigint)} reached`;
      break;
    case 'demand':
      text = `demand ${units(claim.demand as bigint)} met`;
      break;
    case 'share':
      text = claim.guarantee > 0n ? `guarantee ${units(claim.guarantee)} + weighted share of the rest` : 'weighted share';
      break;
  }
  text += `; weight ${formatRational(claim.weight)}${level.tail}`;
  if (share.surplus.num !== 0n) {
    text += `; includes ${exactUnits(g, share.surplus)} of surplus beyond demand (surplus: ${level.surplusPolicy})`;
  }
  if (drf !== null && drf.key !== null) {
    const stopped = drf.stoppedBy === null ? '' : `, stopped when ${drf.stoppedBy} ran out`;
    text += `; DRF: dominant resource ${drf.key}, extra share ${formatRational(drf.share)}${stopped}`;
  }
  if (share.exact.den !== 1n) {
    text += `; exact ${exactUnits(g, share.exact)}, rounded ${share.roundedUp ? 'up' : 'down'} by largest remainder`;
  }
  return text;
}

/** An exact number of granularity units: `3 1/3`, or `3 1/3 x 1Gi` when the unit is not 1. */
function exactUnits(granularity: Quantity, r: Rational): string {
  if (r.den === 1n) return formatQuantity(multiplyQuantity(granularity, r.num));
  const one = formatQuantity(granularity);
  return one === '1' ? formatRational(r) : `${formatRational(r)} x ${one}`;
}
