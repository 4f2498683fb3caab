/**
 * The PostgreSQL store's write lock seen from outside: another session holding the writers' advisory lock makes a
 * write wait, and past the busy timeout fail with the StoreBusyError every caller maps to exit 3 / HTTP 503;
 * reads meanwhile answer at once; once the lock is released the same store writes. A real server: run under the
 * heavy-test lock.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { StoreBusyError } from '../../src/errors.js';
import { openStore } from '../../src/store/open.js';
import { WRITE_LOCK } from '../../src/store/postgres/connection.js';
import { at, inventory, namespace, node } from '../unit/store/builders.js';
import { freshDatabase, stopPostgres } from '../support/postgres.js';

after(() => stopPostgres());

const snapshotAt = (iso: string) => ({
  cluster: { name: 'prod' },
  takenAt: at(iso),
  source: { kind: 'file' as const, ref: 'd.json' },
  inventory: inventory({ nodes: [node('n1')], namespaces: [namespace('a', { cpu: '1' }, 1)] }),
});

describe('a PostgreSQL store another writer keeps locked', () => {
  it('fails a write after the busy timeout with a StoreBusyError, answers reads meanwhile, and writes once the lock is free', async () => {
    const url = await freshDatabase();
    const store = await openStore({ file: url, busyTimeoutMs: 300 });
    await store.saveSnapshot(snapshotAt('2026-10-01T00:00:00Z'));
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      await assert.rejects(
        store.saveSnapshot(snapshotAt('2026-10-01T01:00:00Z')),
        (error: unknown) =>
          error instanceof StoreBusyError &&
          error.timeoutMs === 300 &&
          error.message === `database ${url} is busy: another process kept it locked for writing longer than 300 ms`,
      );
      assert.deepEqual((await store.listSnapshots()).map((s) => s.seq), [1]);
      await holder.query('COMMIT');
      assert.equal((await store.saveSnapshot(snapshotAt('2026-10-01T01:00:00Z'))).seq, 2);
    } finally {
      await holder.end();
      await store.close();
    }
  });
});
