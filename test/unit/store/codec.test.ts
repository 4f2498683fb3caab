import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InternalError } from '../../../src/errors.js';
import { parseQuantity, quantityFromNanos } from '../../../src/quantity.js';
import { decodeValue, encodeValue } from '../../../src/store/codec.js';

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

  it('stores nanos when the canonical string would not parse back to the same value', () => {
    // Go prints a DecimalSI exponent above 18 as the bare mantissa: 1000E formats as "1".
    const huge = quantityFromNanos(10n ** 30n, 'DecimalSI');
    assert.equal(encodeValue(huge), `{"~n":"${(10n ** 30n).toString()}","~f":"DecimalSI"}`);
    assert.deepEqual(roundTrip(huge), huge);
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
