/** Exact rationals shown as fixed decimals: the one place a review figure becomes text. */
import { formatBytesReadably, formatQuantity, parseQuantity, type Quantity } from '../quantity.js';
import { rational, type Rational } from '../rational.js';

/** `r` rounded half away from zero to `digits` decimals: 28/5 -> "5.60" with 2 digits. */
export function formatFixed(r: Rational, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const negative = r.numerator < 0n;
  const magnitude = negative ? -r.numerator : r.numerator;
  // round(m * scale / den) half up, in integers.
  const scaled = (magnitude * scale * 2n + r.denominator) / (2n * r.denominator);
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(digits, '0');
  const text = digits === 0 ? whole.toString() : `${whole}.${fraction}`;
  return negative && scaled !== 0n ? `-${text}` : text;
}

/** A ratio as a percentage with `digits` decimals: 2/5 -> "40.0%". */
export function formatPercent(r: Rational | null, digits = 1): string {
  if (r === null) return 'n/a';
  return `${formatFixed(rational(r.numerator * 100n, r.denominator), digits)}%`;
}

const GIB = 1n << 30n;

/** Resources counted in bytes, shown in GiB. */
export function isByteResource(resource: string): boolean {
  return resource === 'memory' || resource === 'ephemeral-storage' || resource.startsWith('hugepages-');
}

/** An amount in units of `resource` for reading: `512.000Gi` for byte resources, `5.600` otherwise. */
export function formatAmount(resource: string, units: Rational, digits = 3): string {
  if (isByteResource(resource)) return `${formatFixed(rational(units.numerator, units.denominator * GIB), digits)}Gi`;
  return formatFixed(units, digits);
}

/**
 * A quantity of `resource` in a sentence or a change heading: bytes as the tables show them (`864Gi`, `~8.7Ti`,
 * never `927712935936`), everything else in its canonical text. JSON, YAML and CSV keep the exact canonical text.
 */
export function quantityInText(resource: string, q: Quantity): string {
  return isByteResource(resource) ? formatBytesReadably(q).text : formatQuantity(q);
}

/**
 * quantityInText for a canonical text from a review's JSON, for the Markdown and HTML reports (`null` stays null;
 * a text that is not a quantity comes back unchanged).
 */
export function quantityTextInText<T extends string | null>(resource: string, text: T): T | string {
  if (text === null || !isByteResource(resource)) return text;
  try {
    return formatBytesReadably(parseQuantity(text)).text;
  } catch {
    return text;
  }
}
