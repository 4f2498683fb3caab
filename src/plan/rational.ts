/**
 * Exact non-negative-or-negative rationals over bigint, for the planner's fair shares. A share such as
 * "3 of 5 weights of 7 units" is 21/5 here, never 4.2: floats would make largest-remainder rounding depend on
 * the order of additions. Values are kept normalized (gcd 1, denominator > 0) so equality is structural.
 */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

export const ZERO: Rational = { num: 0n, den: 1n };

export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('rational: zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  if (den === 1n) return { num, den };
  const g = gcd(num < 0n ? -num : num, den);
  return g === 1n ? { num, den } : { num: num / g, den: den / g };
}

export function fromBigint(n: bigint): Rational {
  return { num: n, den: 1n };
}

export function add(a: Rational, b: Rational): Rational {
  if (a.den === b.den) return rational(a.num + b.num, a.den);
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function subtract(a: Rational, b: Rational): Rational {
  if (a.den === b.den) return rational(a.num - b.num, a.den);
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function multiply(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

export function divide(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new RangeError('rational: division by zero');
  return rational(a.num * b.den, a.den * b.num);
}

/** -1, 0 or 1. */
export function compare(a: Rational, b: Rational): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function min(a: Rational, b: Rational): Rational {
  return compare(a, b) <= 0 ? a : b;
}

export function isZero(a: Rational): boolean {
  return a.num === 0n;
}

export function isInteger(a: Rational): boolean {
  return a.den === 1n;
}

/** Largest integer not above a (floor, also for negatives). */
export function floor(a: Rational): bigint {
  const q = a.num / a.den;
  return a.num < 0n && q * a.den !== a.num ? q - 1n : q;
}

/** a - floor(a), in [0, 1). */
export function fractionalPart(a: Rational): Rational {
  return rational(a.num - floor(a) * a.den, a.den);
}

/** `12`, `12 3/5`, `3/5`: exact, for explanations. */
export function formatRational(a: Rational): string {
  if (a.den === 1n) return a.num.toString();
  const whole = floor(a);
  const rest = a.num - whole * a.den;
  return whole === 0n ? `${rest}/${a.den}` : `${whole} ${rest}/${a.den}`;
}

/**
 * The exact value of a decimal string such as `1`, `0.25`, `1.5e2` (a weight from YAML). Returns null for
 * anything else, including negatives.
 */
export function parseDecimal(text: string): Rational | null {
  const match = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) return null;
  const [, whole = '0', fraction = '', exponentText] = match;
  const exponent = (exponentText === undefined ? 0 : Number(exponentText)) - fraction.length;
  if (Math.abs(exponent) > 60) return null;
  const digits = BigInt(whole + fraction);
  return exponent >= 0 ? fromBigint(digits * 10n ** BigInt(exponent)) : rational(digits, 10n ** BigInt(-exponent));
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
