import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareKeys, compareText } from '../../src/text-order.js';

describe('the one order of names', () => {
  it('sorts by code unit: upper case before lower, a prefix before what extends it, no locale', () => {
    assert.deepEqual(['b', 'a-1', 'B', 'a', '', 'é', 'z'].sort(compareText), ['', 'B', 'a', 'a-1', 'b', 'z', 'é']);
  });

  it('says equal names are equal', () => {
    assert.equal(compareText('gpu', 'gpu'), 0);
  });

  it('sorts entries by key alone', () => {
    assert.deepEqual(Object.entries({ memory: 2, cpu: 1, 'nvidia.com/gpu': 3 }).sort(compareKeys), [
      ['cpu', 1],
      ['memory', 2],
      ['nvidia.com/gpu', 3],
    ]);
  });
});
