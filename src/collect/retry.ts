/**
 * Bounded retries with exponential backoff and full jitter (delay = random(0, min(cap, base * 2^attempt)),
 * as in the AWS architecture blog "Exponential Backoff And Jitter"), never sooner than the server's Retry-After.
 * client-go retries 429 and "retry-able" 5xx the same way (rest/request.go `checkWait`, `IsRetryableError`).
 */
import { ApiNetworkError, ApiResponseError } from './transport.js';

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; a server asking for more gets this (and the attempt bound still applies). */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

export interface RetryEnvironment {
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  random: () => number;
  /** Told about each retry before its sleep (progress output, tests). */
  onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const realRetryEnvironment: RetryEnvironment = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** HTTP statuses worth another try: throttling and transient server failures. */
const retryableStatuses = new Set([429, 500, 502, 503, 504]);

/** Connection failures after a connection existed (reset, cut short, stalled); refused/unknown hosts are not transient. */
const retryableNetworkCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EBADJSON',
  'EBADPROTOBUF',
  'Z_BUF_ERROR',
  'Z_DATA_ERROR',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

export function isRetryable(error: unknown): boolean {
  if (error instanceof ApiResponseError) return retryableStatuses.has(error.statusCode);
  if (error instanceof ApiNetworkError) return retryableNetworkCodes.has(error.code);
  return false;
}

/** The wait before retry number `retry` (0 for the first retry). */
export function backoffDelay(retry: number, error: unknown, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = Math.floor(random() * ceiling);
  const retryAfter = error instanceof ApiResponseError ? error.retryAfterMs : undefined;
  if (retryAfter === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfter, policy.maxRetryAfterMs));
}

/** Runs `operation` until it succeeds, fails with a non-retryable error, or runs out of attempts (last error thrown). */
export async function withRetry<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy,
  environment: RetryEnvironment = realRetryEnvironment,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error;
      const delayMs = backoffDelay(attempt - 1, error, policy, environment.random);
      environment.onRetry?.({ attempt, delayMs, error });
      await environment.sleep(delayMs);
    }
  }
}
