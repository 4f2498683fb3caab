/**
 * Taking SQLite's write lock without blocking the event loop. Every write transaction is IMMEDIATE: it takes the
 * lock before its first read, so two writers (two collectors of one cluster, a collector and `cycle approve`)
 * queue instead of both reading the same newest snapshot and one failing with SQLITE_BUSY_SNAPSHOT, or a deferred
 * transaction failing at once when it tries to upgrade (SQLite does not wait then: sqlite.org/c3ref/busy_handler.html).
 *
 * SQLite's own busy handler sleeps inside the call: on a server that stops every other request for as long as the
 * other process writes. So the writer connection runs with `busy_timeout = 0`, and a BEGIN IMMEDIATE that finds
 * the lock taken is tried again after an async pause (2 ms doubling to 100 ms) until the store's busy timeout has
 * passed; then a StoreBusyError says how long it waited. Once BEGIN IMMEDIATE succeeded, nothing in the
 * transaction waits for another writer (WAL: readers never hold the write lock).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreBusyError } from '../../errors.js';
import type { Connection } from './connection.js';

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

export async function beginImmediate(connection: Connection, options: { timeoutMs: number }): Promise<void> {
  const started = performance.now();
  let pause = 2;
  for (;;) {
    try {
      connection.sqlite.exec('BEGIN IMMEDIATE');
      return;
    } catch (error) {
      if (!isBusy(error)) throw error;
      const waited = performance.now() - started;
      if (waited >= options.timeoutMs) {
        throw new StoreBusyError(
          `database ${connection.file} is busy: another process kept it locked for writing longer than ${options.timeoutMs} ms`,
          options.timeoutMs,
          { cause: error },
        );
      }
      await sleep(Math.min(pause, options.timeoutMs - waited));
      pause = Math.min(pause * 2, 100);
    }
  }
}
