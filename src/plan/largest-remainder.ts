/**
 * Largest remainder (Hamilton): floor every exact share, then hand the units left over, one each, to the
 * largest fractional parts; equal fractions go to the name that sorts first. Each result is within one unit of
 * its exact share and the results sum to the sum of the shares (which must be a whole number). KAI scheduler's
 * resource_division.go rounds the same way; unlike it we tie-break by name, never by input order.
 */
import { InternalError } from '../errors.js';
import { add, compare, floor, formatRational, fractionalPart, ZERO, type Rational } from '../rational.js';
import { compareText } from '../text-order.js';

export interface ExactShare {
  name: string;
  exact: Rational;
}

/** Whole units per share, in input order; `rounded[i]` says whether share i got a leftover unit. */
export function largestRemainder(shares: readonly ExactShare[]): { units: bigint[]; roundedUp: boolean[] } {
  const units = shares.map((share) => floor(share.exact));
  const roundedUp = new Array<boolean>(shares.length).fill(false);
  const candidates: { index: number; fraction: Rational }[] = [];
  let fractionSum = ZERO;
  for (const [index, share] of shares.entries()) {
    const fraction = fractionalPart(share.exact);
    if (fraction.numerator === 0n) continue;
    candidates.push({ index, fraction });
    fractionSum = add(fractionSum, fraction);
  }
  if (fractionSum.denominator !== 1n) {
    throw new InternalError(`largest remainder: shares do not sum to a whole number (${formatRational(fractionSum)})`);
  }
  const leftover = Number(fractionSum.numerator);
  if (leftover === 0) return { units, roundedUp };
  candidates.sort((a, b) => {
    const byFraction = compare(b.fraction, a.fraction);
    if (byFraction !== 0) return byFraction;
    const nameA = (shares[a.index] as ExactShare).name;
    const nameB = (shares[b.index] as ExactShare).name;
    return compareText(nameA, nameB);
  });
  for (let k = 0; k < leftover; k++) {
    const { index } = candidates[k] as { index: number };
    units[index] = (units[index] as bigint) + 1n;
    roundedUp[index] = true;
  }
  return { units, roundedUp };
}
