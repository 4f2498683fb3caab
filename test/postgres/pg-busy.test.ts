/**
 * The PostgreSQL store's write lock seen from outside: another session holding the writers' advisory lock makes a
 * write wait, and past the busy timeout fail with the StoreBusyError every caller maps to exit 3 / HTTP 503;
 * reads meanwhile answer at once; once the lock is released the same store writes. A collector's save of one
 * cluster (the locks it takes held from outside) lets another cluster's save through, and makes a save of its own
 * cluster and every other write wait. A real server: run under the heavy-test lock.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { StoreBusyError } from '../../src/errors.js';
import { openStore } from '../../src/store/open.js';
import { CLUSTER_LOCKS, WRITE_LOCK } from '../../src/store/postgres/connection.js';
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

  it("saves another cluster while a save of one cluster holds its locks; that cluster's saves and other writes wait", async () => {
    const url = await freshDatabase();
    const store = await openStore({ file: url, busyTimeoutMs: 300 });
    await store.saveSnapshot(snapshotAt('2026-10-01T00:00:00Z'));
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      // What a collector of prod holds in the middle of its save (pg-store.ts saveSnapshot).
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock_shared($1)', [WRITE_LOCK]);
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CLUSTER_LOCKS, 'prod']);
      const dev = await store.saveSnapshot({ ...snapshotAt('2026-10-01T01:00:00Z'), cluster: { name: 'dev' } });
      assert.deepEqual([dev.cluster, dev.seq], ['dev', 1]);
      const busy = (error: unknown) => error instanceof StoreBusyError && error.timeoutMs === 300;
      await assert.rejects(store.saveSnapshot(snapshotAt('2026-10-01T01:00:00Z')), busy);
      await assert.rejects(store.savePlan({ cluster: 'dev', cycle: 'c', snapshotId: dev.id, teamsYaml: '', plan: {}, createdAt: at('2026-10-01T02:00:00Z') }), busy);
      await holder.query('COMMIT');
      assert.equal((await store.saveSnapshot(snapshotAt('2026-10-01T01:00:00Z'))).seq, 2);
      assert.deepEqual((await store.listSnapshots()).map((s) => [s.cluster, s.seq]), [['dev', 1], ['prod', 1], ['prod', 2]]);
    } finally {
      await holder.end();
      await store.close();
    }
  });
});
