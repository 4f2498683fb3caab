import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiNetworkError, ApiResponseError } from '../../../src/collect/transport.js';
import { backoffDelay, isRetryable, withRetry, type RetryPolicy } from '../../../src/collect/retry.js';

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };
const http = (status: number, retryAfterMs?: number): ApiResponseError =>
  new ApiResponseError('https://k8s.test/api/v1/pods', status, undefined, retryAfterMs);
const network = (code: string): ApiNetworkError => new ApiNetworkError('https://k8s.test/api/v1/pods', code, code);

/** A retry environment that records sleeps instead of sleeping. */
function recorder(random = 0.5): { sleeps: number[]; environment: { sleep: (ms: number) => Promise<void>; random: () => number } } {
  const sleeps: number[] = [];
  return { sleeps, environment: { sleep: async (ms) => void sleeps.push(ms), random: () => random } };
}

describe('isRetryable', () => {
  it('retries throttling and transient server errors, not client errors', () => {
    assert.deepEqual(
      [429, 500, 502, 503, 504, 400, 401, 403, 404, 410, 422].map((status) => [status, isRetryable(http(status))]),
      [[429, true], [500, true], [502, true], [503, true], [504, true], [400, false], [401, false], [403, false], [404, false], [410, false], [422, false]],
    );
  });

  it('retries reset and cut-short connections but not a refused connection or an unknown host', () => {
    assert.deepEqual(
      ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND', 'CERT_HAS_EXPIRED'].map((code) => [code, isRetryable(network(code))]),
      [['ECONNRESET', true], ['EPIPE', true], ['ETIMEDOUT', true], ['ECONNREFUSED', false], ['ENOTFOUND', false], ['CERT_HAS_EXPIRED', false]],
    );
  });
});

describe('backoffDelay', () => {
  it('draws uniformly below a ceiling that doubles per retry and stops at the maximum (full jitter)', () => {
    const almostOne = (): number => 0.999999;
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, http(500), policy, almostOne)), [99, 199, 399, 799, 999, 999]);
    assert.deepEqual([0, 3].map((retry) => backoffDelay(retry, http(500), policy, () => 0)), [0, 0]);
  });

  it('never waits less than the Retry-After the server asked for, up to the configured bound', () => {
    assert.equal(backoffDelay(0, http(429, 2_000), policy, () => 0.5), 2_000);
    assert.equal(backoffDelay(4, http(429, 200), policy, () => 0.5), 500);
    assert.equal(backoffDelay(0, http(429, 60_000), policy, () => 0.5), 5_000);
  });
});

describe('withRetry', () => {
  it('returns the first success after transient failures, sleeping between tries', async () => {
    const { sleeps, environment } = recorder();
    const failures = [http(503), network('ECONNRESET')];
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      const failure = failures.shift();
      if (failure) throw failure;
      return 'page';
    }, policy, environment);
    assert.equal(result, 'page');
    assert.equal(calls, 3);
    assert.deepEqual(sleeps, [50, 100]);
  });

  it('gives up after the configured number of attempts with the last error', async () => {
    const { sleeps, environment } = recorder();
    let calls = 0;
    const last = http(500);
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw calls === policy.attempts ? last : http(503);
      }, policy, environment),
      (error) => error === last,
    );
    assert.equal(calls, 4);
    assert.deepEqual(sleeps, [50, 100, 200]);
  });

  it('does not retry a non-retryable error', async () => {
    const { sleeps, environment } = recorder();
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw http(403);
      }, policy, environment),
      (error) => error instanceof ApiResponseError && error.statusCode === 403,
    );
    assert.equal(calls, 1);
    assert.deepEqual(sleeps, []);
  });

  it('honours Retry-After on a 429', async () => {
    const { sleeps, environment } = recorder(0);
    let calls = 0;
    await withRetry(async () => {
      if (calls++ === 0) throw http(429, 1_000);
      return 'ok';
    }, policy, environment);
    assert.deepEqual(sleeps, [1_000]);
  });
});
