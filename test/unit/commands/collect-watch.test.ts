import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEvery } from '../../../src/commands/collect-watch.js';
import { ValidationError } from '../../../src/errors.js';

describe('--every', () => {
  it('reads whole seconds, minutes and hours', () => {
    assert.deepEqual(['1s', '30s', '15m', '1h', '24h'].map(parseEvery), [1_000, 30_000, 900_000, 3_600_000, 86_400_000]);
  });

  it('refuses anything else, naming the flag and the value', () => {
    for (const text of ['', '0s', '1', '1.5h', '1d', '10 m', '-1h', '1h30m']) {
      assert.throws(
        () => parseEvery(text),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.message === `--every must be a whole number of seconds, minutes or hours, e.g. 30s, 15m, 1h; got ${JSON.stringify(text)}`,
      );
    }
  });
});
