import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InternalError } from '../../../src/errors.js';
import { parseQuantity, quantityFromNanos } from '../../../src/quantity.js';
import { decodeValue, encodeReference, encodesAsTree, encodeValue, parseEncoded } from '../../../src/store/codec.js';

const roundTrip = (value: unknown): unknown => decodeValue(encodeValue(value));

describe('store codec', () => {
  it('stores a quantity as its canonical string and reads back the same value and format', () => {
    assert.equal(encodeValue(parseQuantity('1.5Gi')), '{"~q":"1536Mi"}');
    assert.equal(encodeValue(parseQuantity('2000m')), '{"~q":"2"}');
    for (const text of ['1536Mi', '1500m', '1E3', '1e3', '0', '7', '100n', '1.5Gi', '12345678901234567890k']) {
      const q = parseQuantity(text);
      assert.deepEqual(roundTrip(q), q, text);
    }
  });

  it('keeps the format family of a zero whose canonical string does not imply it', () => {
    const zeroBinary = quantityFromNanos(0n, 'BinarySI');
    assert.equal(encodeValue(zeroBinary), '{"~q":"0","~f":"BinarySI"}');
    assert.deepEqual(roundTrip(zeroBinary), zeroBinary);
  });

  it('stores a quantity past E as its exponent text with its format family, exactly', () => {
    // Go would print 10^21 DecimalSI as the bare mantissa "1"; formatQuantity keeps the exponent (docs/quantities.md).
    const huge = quantityFromNanos(10n ** 30n, 'DecimalSI');
    assert.equal(encodeValue(huge), '{"~q":"1e21","~f":"DecimalSI"}');
    assert.deepEqual(roundTrip(huge), huge);
  });

  it('still reads the nanos form stores written before kept for such quantities', () => {
    const huge = quantityFromNanos(10n ** 30n, 'DecimalSI');
    assert.deepEqual(decodeValue(`{"~n":"${(10n ** 30n).toString()}","~f":"DecimalSI"}`), huge);
  });

  it('round-trips bigints, undefined fields, -0, maps, sets, dates and keys that look like tags', () => {
    const value = {
      ratio: { numerator: 3n, denominator: 7n },
      missing: undefined,
      negativeZero: -0,
      infinite: Number.POSITIVE_INFINITY,
      byModel: new Map([['h100', parseQuantity('8')]]),
      names: new Set(['a', 'b']),
      when: new Date('2026-10-01T00:00:00Z'),
      labels: { '~q': 'not a quantity', plain: 'x' },
      list: [null, true, 'text', 1.25],
    };
    const back = roundTrip(value) as typeof value;
    assert.deepEqual(back, value);
    assert.ok(Object.hasOwn(back, 'missing'));
    assert.ok(Object.is(back.negativeZero, -0));
  });

  it('refuses class instances it could not give back', () => {
    class Opaque {
      readonly x = 1;
    }
    assert.throws(() => encodeValue({ nested: [new Opaque()] }), (error: unknown) => {
      assert.ok(error instanceof InternalError);
      assert.equal(error.message, 'cannot store an instance of Opaque at $.nested[0]');
      return true;
    });
  });
});

/** Values shaped like what the store encodes: plain objects, arrays, quantities, bigints and the tagged oddities. */
const storedValues = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('~q', '~o', 'a"b', 'back\\slash', 'line\nbreak', '\u0000', '\ud800', '\ud83d\ude00'),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constant(-0),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt(),
    fc.tuple(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), fc.constantFrom('DecimalSI', 'BinarySI', 'DecimalExponent' as const)).map(([nanos, format]) =>
      quantityFromNanos(nanos, format),
    ),
    fc.constantFrom('1536Mi', '1500m', '1e3', '0', '8', '2063937964Ki').map((text) => parseQuantity(text)),
    fc.date({ noInvalidDate: true }),
  ),
  value: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object'), tie('map')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('~q', '~x', 'nanos', 'format', '0', '12')), tie('value'), { maxKeys: 5 }),
  map: fc.array(fc.tuple(fc.string(), tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
})).value;

/** What BlobWriter.putSlot asks: would `value` be stored as `text`? */
const encodesAs = (value: unknown, text: string): boolean => encodesAsTree(value, parseEncoded(text));

describe('store codec: the one-pass writer and the comparison with a stored text', () => {
  // An own "__proto__" key (fast-check found it): the reference drops it, and so must the one-pass writer.
  it('writes exactly the text of the reference encoding (tagged tree, then JSON.stringify)', () => {
    fc.assert(
      fc.property(storedValues, (value) => {
        assert.equal(encodeValue(value), encodeReference(value));
      }),
      { numRuns: 3000, examples: [[{ ['__proto__']: [] }]] as [unknown][] },
    );
  });

  it('says a value encodes as a text exactly when encodeValue gives that text', () => {
    fc.assert(
      fc.property(storedValues, storedValues, (value, other) => {
        assert.equal(encodesAs(value, encodeValue(value)), true);
        assert.equal(encodesAs(value, encodeValue(other)), encodeValue(value) === encodeValue(other));
      }),
      { numRuns: 3000, examples: [[{ ['__proto__']: [] }, {}]] as [unknown, unknown][] },
    );
  });

  it('tells apart values whose texts differ by escaping, tags, key order or a missing key', () => {
    assert.equal(encodesAs({ a: 'x"y' }, encodeValue({ a: 'x"y' })), true);
    assert.equal(encodesAs(['a","b'], encodeValue(['a', 'b'])), false);
    assert.equal(encodesAs({ '~q': '1' }, encodeValue({ '~q': '1' })), true);
    assert.equal(encodesAs({ '~q': '1' }, encodeValue(parseQuantity('1'))), false);
    assert.equal(encodesAs({ b: 1, a: 2 }, encodeValue({ a: 2, b: 1 })), false);
    assert.equal(encodesAs({ a: undefined }, encodeValue({})), false);
    assert.equal(encodesAs({ n: 5n }, encodeValue({ n: '5' })), false);
    assert.equal(encodesAs([1, 2], encodeValue([1, 2, 3])), false);
    assert.equal(encodesAs(parseQuantity('1Gi'), encodeValue(parseQuantity('1024Mi'))), true);
    assert.equal(encodesAs(quantityFromNanos(0n, 'BinarySI'), encodeValue(quantityFromNanos(0n, 'DecimalSI'))), false);
  });

  it('refuses a class instance it reaches in the comparison, as the encoding does', () => {
    class Opaque {}
    assert.equal(encodesAs({ other: [new Opaque()] }, '{"nested":[{}]}'), false);
    assert.throws(() => encodesAs({ nested: [new Opaque()] }, '{"nested":[{}]}'), (error: unknown) => {
      assert.ok(error instanceof InternalError);
      assert.equal(error.message, 'cannot store an instance of Opaque at $.nested[0]');
      return true;
    });
  });
});
