/**
 * One sentence per allocation saying what bound it and how the number came about, e.g.
 * `weighted share: weight 3 of 5 among platform's 3 teams dividing 150 (150 after guarantees); exact 90`.
 */
import { formatQuantity, multiplyQuantity, type Quantity } from '../quantity.js';
import type { LevelClaim, LevelDivision, LevelShare, SurplusPolicy } from './divide-level.js';
import type { DrfOutcome } from './drf.js';
import { formatRational, isZero, type Rational } from './rational.js';

export interface ExplainContext {
  pool: { resource: string; flavor: string | null; granularity: Quantity };
  claim: LevelClaim;
  share: LevelShare;
  division: LevelDivision;
  amount: bigint;
  siblings: number;
  parentLabel: string;
  surplusPolicy: SurplusPolicy;
  drf: DrfOutcome['dominant'][number] | null;
}

export function explainShare(context: ExplainContext): string {
  const { claim, share, division, pool } = context;
  const units = (n: bigint): string => formatQuantity(multiplyQuantity(pool.granularity, n));
  const exact = (r: Rational): string => {
    if (r.den === 1n) return units(r.num);
    const one = formatQuantity(pool.granularity);
    return one === '1' ? formatRational(r) : `${formatRational(r)} x ${one}`;
  };
  const parts: string[] = [];
  switch (share.binding) {
    case 'guarantee':
      parts.push(
        division.afterGuarantees === 0n
          ? `guarantee ${units(claim.guarantee)}: guarantees take everything ${context.parentLabel} has`
          : `guarantee ${units(claim.guarantee)}: at or above min(demand, cap)`,
      );
      break;
    case 'cap':
      parts.push(`cap ${units(claim.cap as bigint)} reached`);
      break;
    case 'demand':
      parts.push(`demand ${units(claim.demand as bigint)} met`);
      break;
    case 'share':
      parts.push(
        claim.guarantee > 0n ? `guarantee ${units(claim.guarantee)} + weighted share of the rest` : 'weighted share',
      );
      break;
  }
  const weight = formatRational(claim.weight);
  const total = formatRational(division.totalWeight);
  parts.push(
    `weight ${weight} of ${total} among ${context.siblings} team${context.siblings === 1 ? '' : 's'} dividing ` +
      `${units(context.amount)} of ${context.parentLabel} (${units(division.afterGuarantees)} after guarantees)`,
  );
  if (!isZero(share.surplus)) {
    parts.push(`includes ${exact(share.surplus)} of surplus beyond demand (surplus: ${context.surplusPolicy})`);
  }
  if (context.drf !== null && context.drf.key !== null) {
    const stopped = context.drf.stoppedBy === null ? '' : `, stopped when ${context.drf.stoppedBy} ran out`;
    parts.push(`DRF: dominant resource ${context.drf.key}, extra share ${formatRational(context.drf.share)}${stopped}`);
  }
  if (share.exact.den !== 1n) {
    parts.push(`exact ${exact(share.exact)}, rounded ${share.roundedUp ? 'up' : 'down'} by largest remainder`);
  }
  return parts.join('; ');
}
