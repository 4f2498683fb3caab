import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMiB, parseEvery, processMemory } from '../../../src/commands/collect-watch.js';
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

describe('the memory a watching collector states', () => {
  it('is written in MiB with one decimal', () => {
    assert.deepEqual([0, 2 ** 20, 1.5 * 2 ** 20, 123_456_789].map(formatMiB), ['0.0 MiB', '1.0 MiB', '1.5 MiB', '117.7 MiB']);
  });

  it("is this process's: RSS and maxRSS in bytes (maxRSS at least the RSS measured before it), the heap within the RSS", () => {
    const use = processMemory();
    assert.ok(use.heapUsed > 0 && use.heapUsed < use.rss, JSON.stringify(use));
    assert.ok(use.maxRss >= use.rss, JSON.stringify(use));
  });
});
