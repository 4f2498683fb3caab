/**
 * Writers of one PostgreSQL database at once, each its own store (test/unit/store/contract/concurrent-writers.ts):
 * six clusters with two writers each (writers of one cluster take turns on its lock, writers of different
 * clusters save at once, sharing blobs), while a reader lists and loads. A real server: run under the heavy-test
 * lock.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openStore } from '../../src/store/open.js';
import { concurrentWriters } from '../unit/store/contract/concurrent-writers.js';
import { freshDatabase, stopPostgres } from '../support/postgres.js';

after(() => stopPostgres());

describe('writers of one PostgreSQL database at once', () => {
  it('writes every snapshot of six clusters, two writers each, and the reader sees each whole', async () => {
    const url = await freshDatabase();
    const count = await concurrentWriters(() => openStore({ file: url, busyTimeoutMs: 60_000 }), { clusters: 6, writers: 2, hours: 6, nodes: 20 });
    assert.equal(count.written, 36);
    assert.equal(count.read, 36);
    assert.ok(count.reads > 0, `the reader read ${count.reads} times while they wrote`);
  });
});
