import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  add,
  ceil,
  compare,
  floor,
  formatRational,
  fractionalPart,
  lcmOfDenominators,
  ONE,
  parseDecimal,
  rational,
  toRoundedNumber,
  ZERO,
} from '../../src/rational.js';

describe('rationals', () => {
  it('stay normalized, so equal values are equal objects', () => {
    assert.deepEqual(rational(6n, -4n), { numerator: -3n, denominator: 2n });
    assert.deepEqual(add(rational(1n, 6n), rational(1n, 3n)), { numerator: 1n, denominator: 2n });
    assert.equal(compare(rational(2n, 3n), rational(3n, 5n)), 1);
  });

  it('floor toward minus infinity and keep the fractional part in [0, 1)', () => {
    assert.equal(floor(rational(7n, 2n)), 3n);
    assert.equal(floor(rational(-7n, 2n)), -4n);
    assert.deepEqual(fractionalPart(rational(-7n, 2n)), { numerator: 1n, denominator: 2n });
  });

  it('format as mixed numbers for explanations', () => {
    assert.deepEqual([rational(10n, 3n), rational(2n, 3n), rational(4n, 2n)].map(formatRational), ['3 1/3', '2/3', '2']);
  });

  it('parse decimal weights exactly, and refuse anything else', () => {
    assert.deepEqual(parseDecimal('0.1'), { numerator: 1n, denominator: 10n });
    assert.deepEqual(parseDecimal('2.50'), { numerator: 5n, denominator: 2n });
    assert.deepEqual(parseDecimal('1.5e2'), { numerator: 150n, denominator: 1n });
    assert.deepEqual(parseDecimal('25e-3'), { numerator: 1n, denominator: 40n });
    assert.deepEqual(['-1', 'abc', '1/2', '', '1e999'].map(parseDecimal), [null, null, null, null, null]);
  });

  it('round up to a whole number (a count of physical GPUs from their slices)', () => {
    assert.deepEqual([rational(7n, 3n), rational(6n, 3n), ZERO, rational(-7n, 2n)].map(ceil), [3n, 2n, 0n, -3n]);
  });

  it('give the lcm of denominators that makes weights whole', () => {
    assert.equal(lcmOfDenominators([rational(1n, 4n), rational(5n, 6n), rational(3n)]), 12n);
    assert.equal(lcmOfDenominators([]), 1n);
  });

  it('round to millionths for JSON', () => {
    assert.deepEqual([rational(1n, 7n), rational(3n, 7n), ONE].map(toRoundedNumber), [0.142857, 0.428571, 1]);
  });
});
