/**
 * Writers of one SQLite file at once, each its own store (test/unit/store/contract/concurrent-writers.ts): three
 * clusters with two writers each, while a reader lists and loads. SQLite runs the writes one after another (its
 * write lock; each waits, test/unit/store/sqlite/open.test.ts), and loses none.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore } from '../../../../src/store/open.js';
import { concurrentWriters } from '../contract/concurrent-writers.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-concurrent-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('writers of one SQLite file at once', () => {
  it('writes every snapshot of three clusters, two writers each, and the reader sees each whole', async () => {
    const file = join(dir, 'fleet.db');
    const count = await concurrentWriters(() => openStore({ file, busyTimeoutMs: 60_000 }), { clusters: 3, writers: 2, hours: 6, nodes: 20 });
    assert.equal(count.written, 18);
    assert.equal(count.read, 18);
    assert.ok(count.reads > 0, `the reader read ${count.reads} times while they wrote`);
  });
});
