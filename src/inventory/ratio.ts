/** Exact non-negative ratios for GPU-equivalents: kept as bigint fractions, a JS number only on output. */
import type { Ratio } from './types.js';

export const ONE: Ratio = { numerator: 1n, denominator: 1n };
export const ZERO: Ratio = { numerator: 0n, denominator: 1n };

/** n/d in lowest terms; d must be positive. */
export function ratio(numerator: bigint, denominator: bigint): Ratio {
  if (denominator <= 0n) throw new RangeError(`ratio denominator must be positive, got ${denominator}`);
  const g = gcd(numerator < 0n ? -numerator : numerator, denominator);
  return g === 0n ? ZERO : { numerator: numerator / g, denominator: denominator / g };
}

export function addRatios(a: Ratio, b: Ratio): Ratio {
  return ratio(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

export function multiplyRatio(a: Ratio, by: bigint): Ratio {
  return ratio(a.numerator * by, a.denominator);
}

export function ceilRatio(a: Ratio): bigint {
  const q = a.numerator / a.denominator;
  return a.numerator % a.denominator === 0n || a.numerator < 0n ? q : q + 1n;
}

/** The JSON number for a ratio, rounded to 6 decimal places so output is stable across platforms. */
export function ratioToNumber(a: Ratio): number {
  const scaled = (a.numerator * 1_000_000n * 2n + a.denominator) / (a.denominator * 2n);
  return Number(scaled) / 1_000_000;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
