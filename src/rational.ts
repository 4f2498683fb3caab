/**
 * Exact rationals over bigint, the one ratio type: the planner's weights and fair shares, a GPU-equivalent (3/7 of a
 * GPU for a `3g.40gb` MIG slice), the review's figures. A share such as "3 of 5 weights of 7 units" is 21/5 here,
 * never 4.2: floats would make largest-remainder rounding depend on the order of additions. Values are kept
 * normalized (gcd 1, denominator > 0) so equality is structural.
 */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

export const ZERO: Rational = { numerator: 0n, denominator: 1n };
export const ONE: Rational = { numerator: 1n, denominator: 1n };

export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('rational: zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  if (den === 1n) return { numerator: num, denominator: den };
  const g = gcd(num < 0n ? -num : num, den);
  return g === 1n ? { numerator: num, denominator: den } : { numerator: num / g, denominator: den / g };
}

export function fromBigint(n: bigint): Rational {
  return { numerator: n, denominator: 1n };
}

export function add(a: Rational, b: Rational): Rational {
  if (a.denominator === b.denominator) return rational(a.numerator + b.numerator, a.denominator);
  return rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

export function subtract(a: Rational, b: Rational): Rational {
  if (a.denominator === b.denominator) return rational(a.numerator - b.numerator, a.denominator);
  return rational(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator);
}

export function multiply(a: Rational, b: Rational): Rational {
  return rational(a.numerator * b.numerator, a.denominator * b.denominator);
}

export function divide(a: Rational, b: Rational): Rational {
  if (b.numerator === 0n) throw new RangeError('rational: division by zero');
  return rational(a.numerator * b.denominator, a.denominator * b.numerator);
}

/** -1, 0 or 1. */
export function compare(a: Rational, b: Rational): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Largest integer not above a (floor, also for negatives). */
export function floor(a: Rational): bigint {
  const q = a.numerator / a.denominator;
  return a.numerator < 0n && q * a.denominator !== a.numerator ? q - 1n : q;
}

/** Smallest integer not below a. */
export function ceil(a: Rational): bigint {
  const q = a.numerator / a.denominator;
  return a.numerator % a.denominator === 0n || a.numerator < 0n ? q : q + 1n;
}

/** a - floor(a), in [0, 1). */
export function fractionalPart(a: Rational): Rational {
  return rational(a.numerator - floor(a) * a.denominator, a.denominator);
}

/** `12`, `12 3/5`, `3/5`: exact, for explanations. */
export function formatRational(a: Rational): string {
  if (a.denominator === 1n) return a.numerator.toString();
  const whole = floor(a);
  const rest = a.numerator - whole * a.denominator;
  return whole === 0n ? `${rest}/${a.denominator}` : `${whole} ${rest}/${a.denominator}`;
}

/** The JSON number for a ratio (a GPU-equivalent), rounded to 6 decimal places so output is stable across platforms. */
export function toRoundedNumber(a: Rational): number {
  const scaled = (a.numerator * 1_000_000n * 2n + a.denominator) / (a.denominator * 2n);
  return Number(scaled) / 1_000_000;
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

/** Greatest common divisor of non-negative integers. */
export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** The least common multiple of the denominators: times it, every one of `values` is a whole number. */
export function lcmOfDenominators(values: Iterable<Rational>): bigint {
  let lcm = 1n;
  for (const { denominator } of values) if (denominator !== 1n && lcm % denominator !== 0n) lcm = (lcm * denominator) / gcd(lcm, denominator);
  return lcm;
}
