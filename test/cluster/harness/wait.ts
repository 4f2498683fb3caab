/**
 * Polling with a deadline: how cluster tests wait for controllers, instead of sleeping or timing assertions.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Poll interval; default 100 ms. */
  intervalMs?: number;
  /** Describes the last observed state in the timeout error (e.g. the quota status seen last). */
  lastSeen?: () => string;
}

/**
 * Calls `check` until it returns something other than `false`/`undefined`, and returns that. A `check` that throws
 * ends the wait with its error (so a dead component fails fast); past `timeoutMs` the error names `what`.
 */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | false | undefined>,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== false && result !== undefined) return result;
    if (performance.now() > deadline) {
      const seen = options.lastSeen ? `; last seen: ${options.lastSeen()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}
