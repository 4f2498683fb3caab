import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuantity, parseQuantity } from '../../../src/quantity.js';
import { splitQuota, splitUnitOf } from '../../../src/emit/split.js';

function split(total: string, parts: [string, bigint][], resource = 'nvidia.com/gpu'): Record<string, string> {
  const q = parseQuantity(total);
  const result = splitQuota({
    total: q,
    parts: parts.map(([namespace, weight]) => ({ namespace, weight })),
    unitNanos: splitUnitOf(resource, q),
  });
  return Object.fromEntries([...result].map(([ns, quantity]) => [ns, formatQuantity(quantity)]));
}

describe('splitQuota', () => {
  it('gives 10 units over three equal namespaces as 4/3/3, the extra unit to the first name', () => {
    assert.deepEqual(split('10', [['c', 1n], ['a', 1n], ['b', 1n]]), { a: '4', b: '3', c: '3' });
  });

  it('splits by weight with largest remainder: 7 by 1:2 gives 2 and 5 (exact shares 2.33 and 4.67)', () => {
    assert.deepEqual(split('7', [['serve', 1n], ['train', 2n]]), { serve: '2', train: '5' });
  });

  it('splits evenly when every weight is zero (no current use anywhere)', () => {
    assert.deepEqual(split('5', [['b', 0n], ['a', 0n]]), { a: '3', b: '2' });
  });

  it('gives nothing to a namespace with zero weight when others have weight', () => {
    assert.deepEqual(split('6', [['idle', 0n], ['busy', 4n]]), { busy: '6', idle: '0' });
  });

  it('splits memory in Gi when the total is whole Gi, keeping the binary format', () => {
    assert.deepEqual(split('10Gi', [['a', 1n], ['b', 2n]], 'memory'), { a: '3Gi', b: '7Gi' });
  });

  it('splits cpu in millicores when the total is not whole cores', () => {
    assert.deepEqual(split('1500m', [['a', 1n], ['b', 1n]], 'cpu'), { a: '750m', b: '750m' });
  });

  it('always sums exactly to the total', () => {
    for (let total = 0; total < 40; total++) {
      const result = split(String(total), [['a', 3n], ['b', 7n], ['c', 11n], ['d', 0n]]);
      const sum = Object.values(result).reduce((s, v) => s + Number(v), 0);
      assert.equal(sum, total);
    }
  });
});
