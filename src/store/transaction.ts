/**
 * The one way repositories write: a better-sqlite3 IMMEDIATE transaction. Drizzle's statements on the same
 * connection run inside it and a throw rolls everything back. IMMEDIATE takes the write lock before the first read,
 * so two writers (two collectors of one cluster) queue on the busy timeout instead of both reading the same
 * latest snapshot and one failing with SQLITE_BUSY_SNAPSHOT. A writer that waited the whole timeout gets an
 * ExternalError naming the file.
 */
import Database from 'better-sqlite3';
import { ExternalError } from '../errors.js';
import type { Store } from './open.js';

export function inWriteTransaction<T>(store: Store, work: () => T): T {
  try {
    return store.sqlite.transaction(work).immediate();
  } catch (error) {
    if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) {
      const timeout = store.sqlite.pragma('busy_timeout', { simple: true }) as number;
      throw new ExternalError(`database ${store.file} is busy: another process kept it locked for writing longer than ${timeout} ms`, {
        cause: error,
      });
    }
    throw error;
  }
}
