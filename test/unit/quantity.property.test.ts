/**
 * Arithmetic laws for src/quantity.ts, checked with fast-check on random quantities (a failing run prints
 * the seed and the shrunk counterexample to replay).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  QuantityError,
  addQuantities,
  compareQuantities,
  formatQuantity,
  isQuantity,
  multiplyQuantity,
  parseQuantity,
  quantityFromNanos,
  subtractQuantities,
  sumQuantities,
  unitsOf,
  wholeUnits,
  type Quantity,
  type QuantityFormat,
} from '../../src/quantity.js';

const RUNS = { numRuns: 400 };
const formats = fc.constantFrom<QuantityFormat>('DecimalSI', 'BinarySI', 'DecimalExponent');

/** Nanos that look like real quantities: small, whole units, powers of 1024 and 1000, and huge ones. */
const nanos = fc.oneof(
  fc.bigInt({ min: -5_000n, max: 5_000n }),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
  fc.tuple(fc.bigInt({ min: -4096n, max: 4096n }), fc.integer({ min: 0, max: 6 })).map(
    ([units, power]) => units * 1024n ** BigInt(power) * 1_000_000_000n,
  ),
  fc.tuple(fc.bigInt({ min: -999n, max: 999n }), fc.integer({ min: 0, max: 9 })).map(
    ([units, power]) => units * 1000n ** BigInt(power),
  ),
);
const quantity: fc.Arbitrary<Quantity> = fc.tuple(nanos, formats).map(([n, f]) => quantityFromNanos(n, f));

const sign = (n: bigint): -1 | 0 | 1 => (n < 0n ? -1 : n > 0n ? 1 : 0);

test('addition is commutative and associative in value', () => {
  fc.assert(
    fc.property(quantity, quantity, quantity, (a, b, c) => {
      assert.equal(addQuantities(a, b).nanos, addQuantities(b, a).nanos);
      assert.equal(addQuantities(addQuantities(a, b), c).nanos, addQuantities(a, addQuantities(b, c)).nanos);
    }),
    RUNS,
  );
});

test('subtraction undoes addition and addition undoes subtraction', () => {
  fc.assert(
    fc.property(quantity, quantity, (a, b) => {
      assert.equal(subtractQuantities(addQuantities(a, b), b).nanos, a.nanos);
      assert.equal(addQuantities(subtractQuantities(a, b), b).nanos, a.nanos);
    }),
    RUNS,
  );
});

test('the result takes the left format unless the left is zero (Go Add/Sub)', () => {
  fc.assert(
    fc.property(quantity, quantity, (a, b) => {
      const expected = a.nanos === 0n ? b.format : a.format;
      assert.equal(addQuantities(a, b).format, expected);
      assert.equal(subtractQuantities(a, b).format, expected);
    }),
    RUNS,
  );
});

test('sumQuantities is a fold of addQuantities from a zero of the given format', () => {
  fc.assert(
    fc.property(fc.array(quantity, { maxLength: 8 }), formats, (items, start) => {
      const folded = items.reduce(addQuantities, quantityFromNanos(0n, start));
      assert.deepEqual(sumQuantities(items, start), folded);
      assert.equal(folded.nanos, items.reduce((total, item) => total + item.nanos, 0n));
    }),
    RUNS,
  );
});

test('compare agrees with the sign of the difference and is antisymmetric', () => {
  fc.assert(
    fc.property(quantity, quantity, (a, b) => {
      assert.equal(compareQuantities(a, b), sign(subtractQuantities(a, b).nanos));
      assert.equal(compareQuantities(a, b), -compareQuantities(b, a) || 0);
    }),
    RUNS,
  );
});

test('multiplication distributes over addition and counts back with unitsOf', () => {
  fc.assert(
    fc.property(quantity, quantity, fc.bigInt({ min: -1000n, max: 1000n }), (a, b, k) => {
      assert.equal(multiplyQuantity(addQuantities(a, b), k).nanos, addQuantities(multiplyQuantity(a, k), multiplyQuantity(b, k)).nanos);
      assert.equal(multiplyQuantity(a, k).format, a.format);
      if (a.nanos !== 0n) {
        assert.equal(unitsOf(multiplyQuantity(a, k), a, 'floor'), k);
        assert.equal(unitsOf(multiplyQuantity(a, k), a, 'ceil'), k);
      }
    }),
    RUNS,
  );
});

test('wholeUnits brackets the value', () => {
  fc.assert(
    fc.property(quantity, (q) => {
      const floor = wholeUnits(q, 'floor');
      const ceil = wholeUnits(q, 'ceil');
      assert.ok(floor * 1_000_000_000n <= q.nanos && q.nanos <= ceil * 1_000_000_000n);
      assert.equal(ceil - floor, q.nanos % 1_000_000_000n === 0n ? 0n : 1n);
    }),
    RUNS,
  );
});

/**
 * Go prints losslessly while the decimal exponent stays within the suffixes (<= E, 10^18 ... 10^20) and a
 * BinarySI value stays within its 2^63-1 parse cap; past those its String() drops the suffix, and we match it.
 */
test('formatting then parsing preserves the value', () => {
  const binaryCap = ((1n << 63n) - 1n) * 1_000_000_000n;
  const lossless = (q: Quantity): boolean => {
    const magnitude = q.nanos < 0n ? -q.nanos : q.nanos;
    return magnitude < 10n ** 29n && (q.format !== 'BinarySI' || magnitude <= binaryCap);
  };
  const printable = fc.tuple(fc.bigInt({ min: -(10n ** 29n) + 1n, max: 10n ** 29n - 1n }), formats)
    .map(([n, f]) => quantityFromNanos(n, f));
  fc.assert(
    fc.property(fc.oneof(printable, quantity).filter(lossless), (q) => {
      const text = formatQuantity(q);
      assert.equal(parseQuantity(text).nanos, q.nanos, `${q.nanos}n ${q.format} printed as ${text}`);
    }),
    RUNS,
  );
});

test('parsing any string either succeeds or throws QuantityError, and isQuantity says which', () => {
  const pieces = ['0', '1', '5', '9', '.', '+', '-', 'e', 'E', 'i', 'K', 'k', 'M', 'm', 'n', 'u', 'G', 'T', 'P', ' ', 'x'];
  const text = fc.oneof(fc.string(), fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join('')));
  fc.assert(
    fc.property(text, (input) => {
      let accepted: boolean;
      try {
        parseQuantity(input);
        accepted = true;
      } catch (error) {
        assert.ok(error instanceof QuantityError, String(error));
        accepted = false;
      }
      assert.equal(isQuantity(input), accepted);
    }),
    { numRuns: 2000 },
  );
});
