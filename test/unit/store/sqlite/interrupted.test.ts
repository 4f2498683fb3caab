import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import { at, inventory, namespace, node } from '../builders.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-interrupted-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TABLES = ['clusters', 'blobs', 'snapshots', 'namespace_usage', 'capacity_points'];

describe('a collector killed in the middle of saving', () => {
  it('leaves the database as it was before the save began', async () => {
    const file = join(dir, 'quotaplan.db');
    const store = SqliteStore.open({ file });
    await store.saveSnapshot({
      cluster: { name: 'prod' },
      takenAt: at('2026-10-01T00:00:00Z'),
      source: { kind: 'live', ref: 'prod' },
      inventory: inventory({ nodes: [node('n1')], namespaces: [namespace('a', { cpu: '1' }, 1)] }),
    });
    const count = (table: string): number => (store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const before = TABLES.map(count);
    await store.close();
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex');

    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('interrupted-writer.ts', import.meta.url)), file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('inside the transaction')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`writer exited (${code}) before reaching the transaction`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const reopened = SqliteStore.open({ file });
    assert.equal(reopened.sqlite.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(TABLES.map((table) => (reopened.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n), before);
    assert.deepEqual((await reopened.listSnapshots()).map((s) => s.seq), [1]);
    await reopened.close();
    assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), hash);
  });
});
