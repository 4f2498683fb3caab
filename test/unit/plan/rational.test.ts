import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, compare, floor, formatRational, fractionalPart, parseDecimal, rational } from '../../../src/plan/rational.js';

describe('rationals', () => {
  it('stay normalized, so equal values are equal objects', () => {
    assert.deepEqual(rational(6n, -4n), { num: -3n, den: 2n });
    assert.deepEqual(add(rational(1n, 6n), rational(1n, 3n)), { num: 1n, den: 2n });
    assert.equal(compare(rational(2n, 3n), rational(3n, 5n)), 1);
  });

  it('floor toward minus infinity and keep the fractional part in [0, 1)', () => {
    assert.equal(floor(rational(7n, 2n)), 3n);
    assert.equal(floor(rational(-7n, 2n)), -4n);
    assert.deepEqual(fractionalPart(rational(-7n, 2n)), { num: 1n, den: 2n });
  });

  it('format as mixed numbers for explanations', () => {
    assert.deepEqual([rational(10n, 3n), rational(2n, 3n), rational(4n, 2n)].map(formatRational), ['3 1/3', '2/3', '2']);
  });

  it('parse decimal weights exactly, and refuse anything else', () => {
    assert.deepEqual(parseDecimal('0.1'), { num: 1n, den: 10n });
    assert.deepEqual(parseDecimal('2.50'), { num: 5n, den: 2n });
    assert.deepEqual(parseDecimal('1.5e2'), { num: 150n, den: 1n });
    assert.deepEqual(parseDecimal('25e-3'), { num: 1n, den: 40n });
    assert.deepEqual(['-1', 'abc', '1/2', '', '1e999'].map(parseDecimal), [null, null, null, null, null]);
  });
});
