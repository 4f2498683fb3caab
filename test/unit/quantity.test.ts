/**
 * Readable cases for src/quantity.ts. Every expected string here is what k8s.io/apimachinery v0.36.3 prints
 * (formatQuantity; goQuantityString where Go prints a bare mantissa past E or Ei)
 * (the same inputs are among the Go vectors checked in quantity.vectors.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../../src/errors.js';
import {
  QuantityError,
  ZERO_QUANTITY,
  addQuantities,
  compareQuantities,
  formatQuantity,
  goQuantityString,
  isQuantity,
  isZeroQuantity,
  maxQuantity,
  minQuantity,
  multiplyQuantity,
  parseQuantity,
  parsedQuantityString,
  quantityFromNanos,
  quantityFromUnits,
  subtractQuantities,
  sumQuantities,
  unitsOf,
  wholeUnits,
  type QuantityFormat,
} from '../../src/quantity.js';

const q = (text: string) => parseQuantity(text);

describe('parseQuantity then formatQuantity gives Go canonical String()', () => {
  const cases: Array<[input: string, canonical: string, nanos: bigint, format: QuantityFormat, why: string]> = [
    ['1.5Gi', '1536Mi', 1_610_612_736_000_000_000n, 'BinarySI', 'a binary fraction moves to a smaller suffix'],
    ['2000m', '2', 2_000_000_000n, 'DecimalSI', 'the largest suffix that keeps an integer'],
    ['1024Mi', '1Gi', 1_073_741_824_000_000_000n, 'BinarySI', 'powers of 1024 collapse'],
    ['1000', '1k', 1_000_000_000_000n, 'DecimalSI', 'powers of 1000 collapse'],
    ['10000T', '10P', 10n ** 25n, 'DecimalSI', 'exponent lowered to a multiple of 3'],
    ['1.5', '1500m', 1_500_000_000n, 'DecimalSI', 'fractions become milli'],
    ['100m', '100m', 100_000_000n, 'DecimalSI', 'already canonical'],
    ['0.1n', '1n', 1n, 'DecimalSI', 'below a nano rounds up to 1n'],
    ['-0.1n', '-1n', -1n, 'DecimalSI', 'and away from zero when negative'],
    ['1.0000000001', '1000000001n', 1_000_000_001n, 'DecimalSI', 'rounding up, not to nearest'],
    ['.5', '500m', 500_000_000n, 'DecimalSI', 'no integer digits'],
    ['5.', '5', 5_000_000_000n, 'DecimalSI', 'no fraction digits'],
    ['+5', '5', 5_000_000_000n, 'DecimalSI', 'a plus sign is dropped'],
    ['-0', '0', 0n, 'DecimalSI', 'negative zero is zero'],
    ['1E', '1E', 10n ** 27n, 'DecimalSI', 'E alone is exa'],
    ['1E3', '1e3', 1_000_000_000_000n, 'DecimalExponent', 'E with digits is an exponent'],
    ['12e-1', '1200e-3', 1_200_000_000n, 'DecimalExponent', 'exponent form keeps an exponent'],
    ['1.5e3', '1500', 1_500_000_000_000n, 'DecimalExponent', 'exponent 0 prints no suffix'],
    ['1.1Ki', '1126400m', 1_126_400_000_000n, 'BinarySI', 'a non-integer binary value prints as decimal'],
    ['0.9765625Ki', '1k', 1_000_000_000_000n, 'BinarySI', 'binary values below 1024 print as decimal'],
    ['0.0001Ki', '102400u', 102_400_000n, 'DecimalSI', 'a binary value below 1 becomes DecimalSI'],
    ['0Ki', '0', 0n, 'BinarySI', 'zero keeps its family'],
    ['8Ei', '9223372036854775807', 9_223_372_036_854_775_807_000_000_000n, 'BinarySI', 'BinarySI is capped at 2^63-1'],
    ['1e4294967296', '1', 1_000_000_000n, 'DecimalExponent', 'Go truncates the exponent to int32'],
    ['-', '0', 0n, 'DecimalSI', 'Go accepts a lone sign as zero'],
    ['1000E', '1e21', 10n ** 30n, 'DecimalSI', 'past E (where Go prints the bare mantissa "1") the exponent form keeps the magnitude'],
    ['1500000E', '1500e21', 15n * 10n ** 32n, 'DecimalSI', 'and keeps an exponent that is a multiple of 3'],
    ['1024Ei', '9223372036854775807', 9_223_372_036_854_775_807_000_000_000n, 'BinarySI', 'BinarySI input is capped at 2^63-1 before it could pass Ei'],
  ];
  for (const [input, canonical, nanos, format, why] of cases) {
    test(`${JSON.stringify(input)} -> ${canonical}: ${why}`, () => {
      const parsed = parseQuantity(input);
      assert.deepEqual({ nanos: parsed.nanos, format: parsed.format }, { nanos, format });
      assert.equal(formatQuantity(parsed), canonical);
      assert.equal(isQuantity(input), true);
    });
  }
});

describe('parseQuantity rejects what Go rejects, naming the text', () => {
  const cases: Array<[input: string, reason: string]> = [
    ['', 'format'],
    [' 1', 'format'],
    ['1 ', 'format'],
    ['1.2.3', 'format'],
    ['1e3e3', 'format'],
    ['1K', 'suffix'],
    ['1ki', 'suffix'],
    ['1e', 'suffix'],
    ['1Ki5', 'suffix'],
    ['12Gb', 'format'],
    ['1e9223372036854775808', 'suffix'],
    ['-e-10', 'numeric'],
    ['Pi', 'numeric'],
    ['1e2147483647', 'range'],
  ];
  for (const [input, reason] of cases) {
    test(`${JSON.stringify(input)} is rejected (${reason})`, () => {
      assert.throws(() => parseQuantity(input), (error: unknown) => {
        assert.ok(error instanceof QuantityError);
        assert.ok(error instanceof ValidationError);
        assert.equal(error.reason, reason);
        assert.ok(error.message.includes(JSON.stringify(input)), error.message);
        return true;
      });
      assert.equal(isQuantity(input), false);
    });
  }

  test('the error names the file and field it came from', () => {
    assert.throws(
      () => parseQuantity('12K', { file: 'teams.yaml', field: 'teams[0].quota.memory' }),
      (error: unknown) => {
        assert.ok(error instanceof QuantityError);
        assert.equal(
          error.message,
          'teams.yaml: teams[0].quota.memory: invalid quantity "12K": unknown suffix "K" (suffixes are n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or e/E and an exponent)',
        );
        assert.deepEqual(error.where, { file: 'teams.yaml', field: 'teams[0].quota.memory', value: '12K' });
        return true;
      },
    );
  });
});

describe('parsedQuantityString is Go String() right after parsing', () => {
  const cases: Array<[input: string, echoed: string]> = [
    ['+5', '+5'],
    ['5.', '5.'],
    ['1.500k', '1.500k'],
    ['1E3', '1E3'],
    ['05Ki', '05Ki'],
    ['1000', '1k'],
    ['1024Mi', '1Gi'],
    ['0', '0'],
  ];
  for (const [input, echoed] of cases) {
    test(`${JSON.stringify(input)} -> ${echoed}`, () => assert.equal(parsedQuantityString(input), echoed));
  }
});

describe('arithmetic keeps Go format rules', () => {
  test('Add keeps the left format, or takes the right one when the left is zero', () => {
    assert.equal(formatQuantity(addQuantities(q('1Gi'), q('512Mi'))), '1536Mi');
    assert.deepEqual(addQuantities(ZERO_QUANTITY, q('1Gi')), q('1Gi'));
    assert.equal(addQuantities(q('1k'), q('1Ki')).format, 'DecimalSI');
    assert.equal(formatQuantity(addQuantities(q('1k'), q('1Ki'))), '2024');
  });

  test('Sub follows the same rule; a BinarySI result under 1024 prints as decimal', () => {
    assert.deepEqual(subtractQuantities(q('1Ki'), q('24')), quantityFromUnits(1000n, 'BinarySI'));
    assert.equal(formatQuantity(subtractQuantities(q('1Ki'), q('24'))), '1k');
    assert.equal(formatQuantity(subtractQuantities(q('1'), q('1500m'))), '-500m');
    assert.equal(subtractQuantities(q('0Ki'), q('1')).format, 'DecimalSI');
  });

  test('multiplying by an integer keeps the format', () => {
    assert.equal(formatQuantity(multiplyQuantity(q('1536Mi'), 3n)), '4608Mi');
    assert.equal(formatQuantity(multiplyQuantity(q('100m'), 10n)), '1');
    assert.deepEqual(multiplyQuantity(q('1Gi'), 0n), quantityFromNanos(0n, 'BinarySI'));
  });

  test('a sum past E or Ei prints its magnitude, where Go prints the bare mantissa', () => {
    const zetta = multiplyQuantity(q('1E'), 1000n);
    assert.equal(formatQuantity(zetta), '1e21');
    assert.equal(goQuantityString(zetta), '1');
    const zebi = multiplyQuantity(q('1Ei'), 1024n);
    assert.equal(formatQuantity(zebi), '1180591620717411303424');
    assert.equal(goQuantityString(zebi), '1');
    assert.equal(formatQuantity(multiplyQuantity(q('-1E'), 1000n)), '-1e21');
    assert.equal(formatQuantity(multiplyQuantity(q('1500m'), 10n ** 21n)), '1500E');
    assert.equal(formatQuantity(multiplyQuantity(q('1500m'), 10n ** 24n)), '1500e21');
  });

  test('sumQuantities folds Add from a zero of the given format', () => {
    assert.deepEqual(sumQuantities([]), ZERO_QUANTITY);
    assert.equal(sumQuantities([], 'BinarySI').format, 'BinarySI');
    assert.equal(formatQuantity(sumQuantities([q('1Gi'), q('1Gi'), q('2Gi')])), '4Gi');
    assert.equal(formatQuantity(sumQuantities([q('250m'), q('750m'), q('1')])), '2');
  });

  test('compare, max and min order by value across formats; ties return the first argument', () => {
    assert.equal(compareQuantities(q('1Ki'), q('1k')), 1);
    assert.equal(compareQuantities(q('1000m'), q('1')), 0);
    assert.equal(compareQuantities(q('-1n'), q('0')), -1);
    const binary = q('1Ki');
    const decimal = q('1.024k');
    assert.equal(maxQuantity(binary, decimal), binary);
    assert.equal(minQuantity(decimal, binary), decimal);
    assert.equal(formatQuantity(maxQuantity(q('2'), q('1500m'))), '2');
    assert.equal(formatQuantity(minQuantity(q('2'), q('1500m'))), '1500m');
  });

  test('zero is zero in every family', () => {
    for (const text of ['0', '0Ki', '0e3', '-0', '0.0m']) assert.equal(isZeroQuantity(q(text)), true, text);
    assert.equal(isZeroQuantity(q('1n')), false);
  });
});

describe('whole units and unit counts', () => {
  test('wholeUnits rounds toward -infinity or +infinity', () => {
    assert.equal(wholeUnits(q('1500m'), 'floor'), 1n);
    assert.equal(wholeUnits(q('1500m'), 'ceil'), 2n);
    assert.equal(wholeUnits(q('-1500m'), 'floor'), -2n);
    assert.equal(wholeUnits(q('-1500m'), 'ceil'), -1n);
    assert.equal(wholeUnits(q('2'), 'floor'), 2n);
    assert.equal(wholeUnits(q('2'), 'ceil'), 2n);
  });

  test('unitsOf counts a quantity in another one', () => {
    assert.equal(unitsOf(q('3Gi'), q('1Gi'), 'floor'), 3n);
    assert.equal(unitsOf(q('3.5Gi'), q('1Gi'), 'floor'), 3n);
    assert.equal(unitsOf(q('3.5Gi'), q('1Gi'), 'ceil'), 4n);
    assert.equal(unitsOf(q('80Gi'), q('10G'), 'floor'), 8n);
    assert.equal(unitsOf(q('80Gi'), q('10G'), 'ceil'), 9n);
    assert.throws(() => unitsOf(q('1'), ZERO_QUANTITY, 'floor'), QuantityError);
  });

  test('quantityFromUnits and quantityFromNanos build exact values', () => {
    assert.equal(formatQuantity(quantityFromUnits(3n)), '3');
    assert.equal(formatQuantity(quantityFromUnits(2048n, 'BinarySI')), '2Ki');
    assert.equal(formatQuantity(quantityFromNanos(1_500_000_000n)), '1500m');
    assert.deepEqual(quantityFromUnits(3n), q('3'));
  });
});
