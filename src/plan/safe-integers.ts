/**
 * Whole-number arithmetic in JS numbers that is exact or refuses: the planner's number paths (fast-plan.ts,
 * fast-drf.ts) keep every count a safe integer and check every product and sum *before* using it. A check
 * that fails throws NOT_SAFE, which the number path catches to hand the plan to the exact bigint path.
 *
 * Why a check on the double result is enough: for non-negative integers x, y <= 2^53 - 1 the rounded result
 * fl(x op y) of + or x is at most 2^53 - 1 exactly when the true result is (2^53 - 1 is representable and
 * rounding is monotonic), and a result at most 2^53 - 1 is represented exactly.
 */

export const SAFE = Number.MAX_SAFE_INTEGER;

/** Thrown by the number paths when they cannot promise the exact result; never escapes them. */
export class NotSafe {}
export const NOT_SAFE = new NotSafe();

/** a x b for non-negative safe integers, or NOT_SAFE when the product is not one. */
export function times(a: number, b: number): number {
  const product = a * b;
  if (product > SAFE) throw NOT_SAFE;
  return product;
}

/** a + b for non-negative safe integers, or NOT_SAFE when the sum is not one. */
export function plus(a: number, b: number): number {
  const sum = a + b;
  if (sum > SAFE) throw NOT_SAFE;
  return sum;
}

/** Greatest common divisor of non-negative safe integers (the remainder of doubles is exact). */
export function gcdOf(a: number, b: number): number {
  while (b !== 0) {
    const rest = a % b;
    a = b;
    b = rest;
  }
  return a;
}

/** Least common multiple of positive safe integers, or NOT_SAFE. */
export function lcmOf(a: number, b: number): number {
  if (a === b || b === 1) return a;
  if (a === 1) return b;
  return times(a / gcdOf(a, b), b);
}

/**
 * floor(a / b) for integers 0 <= a, 0 < b with a + b <= 2^53: the double quotient is within one of the true
 * one, and a - q x b is then exact, so one correction step gives the exact result.
 */
export function divideFloor(a: number, b: number): number {
  let quotient = Math.floor(a / b);
  const rest = a - quotient * b;
  if (rest < 0) quotient -= 1;
  else if (rest >= b) quotient += 1;
  return quotient;
}

/**
 * The sign of a/b - c/d for non-negative safe integers a, c and positive b, d: by cross products, in bigint
 * when a product is beyond the safe range (rare: only comparisons take this way out instead of NOT_SAFE).
 */
export function compareFractions(a: number, b: number, c: number, d: number): number {
  const left = a * d;
  const right = c * b;
  if (left <= SAFE && right <= SAFE) return left < right ? -1 : left > right ? 1 : 0;
  const exactLeft = BigInt(a) * BigInt(d);
  const exactRight = BigInt(c) * BigInt(b);
  return exactLeft < exactRight ? -1 : exactLeft > exactRight ? 1 : 0;
}
