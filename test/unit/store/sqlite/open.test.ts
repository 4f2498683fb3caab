import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExternalError, ValidationError } from '../../../../src/errors.js';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { MIGRATIONS_FOLDER } from '../../../../src/store/sqlite/connection.js';
import * as schema from '../../../../src/store/sqlite/schema.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import type { SaveSnapshotInput } from '../../../../src/store/store.js';
import { at, inventory, node } from '../builders.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const snapshot = (name: string, iso: string): SaveSnapshotInput => ({
  cluster: { name: 'prod' },
  takenAt: at(iso),
  source: { kind: 'file', ref: 'dump.json' },
  inventory: inventory({ nodes: [node(name)] }),
});

describe('opening a SQLite store', () => {
  it('creates a WAL database with every migration applied once', async () => {
    const file = join(dir, 'wal.db');
    const store = SqliteStore.open({ file });
    assert.equal(store.sqlite.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.sqlite.pragma('foreign_keys', { simple: true }), 1);
    void store.close();
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    const again = SqliteStore.open({ file });
    const applied = again.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    assert.equal(applied.n, journal.entries.length);
    void again.close();
  });

  it('has migrations in step with schema.ts: every table, column and index of the schema exists', async () => {
    const store = SqliteStore.open({ file: ':memory:' });
    const tables = (Object.values(schema) as unknown[]).filter((value): value is SQLiteTable => is(value, SQLiteTable));
    const inDatabase = store.sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '__drizzle_migrations' ORDER BY name")
      .all() as { name: string }[];
    assert.deepEqual(inDatabase.map((t) => t.name), tables.map((t) => getTableConfig(t).name).sort());
    assert.deepEqual(inDatabase.map((t) => t.name), ['blobs', 'capacity_points', 'clusters', 'cycle_events', 'cycles', 'namespace_usage', 'plans', 'snapshots']);
    for (const table of tables) {
      const config = getTableConfig(table);
      const columns = (store.sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(config.name) as { name: string }[]).map((c) => c.name);
      assert.deepEqual(columns.sort(), config.columns.map((c) => c.name).sort(), config.name);
      const indexes = (store.sqlite.prepare(`SELECT name FROM pragma_index_list(?) WHERE origin = 'c'`).all(config.name) as { name: string }[]).map((i) => i.name);
      const expected = [...config.indexes.map((i) => i.config.name), ...config.columns.filter((c) => c.isUnique).map((c) => c.uniqueName ?? '')];
      assert.deepEqual(indexes.sort(), expected.sort(), config.name);
    }
    void store.close();
  });

  it('lets a reader read while the collector holds an open write transaction, and the collector write under a reader', async () => {
    const file = join(dir, 'concurrent.db');
    const collector = SqliteStore.open({ file, busyTimeoutMs: 0 });
    const reader = SqliteStore.open({ file, busyTimeoutMs: 0 });
    await collector.saveSnapshot(snapshot('n1', '2026-10-01T00:00:00Z'));

    collector.sqlite.prepare('BEGIN IMMEDIATE').run();
    collector.sqlite.prepare("INSERT INTO clusters (name, created_at) VALUES ('uncommitted', 0)").run();
    assert.deepEqual((await reader.listSnapshots()).map((s) => s.seq), [1]);
    assert.deepEqual(reader.sqlite.prepare('SELECT name FROM clusters ORDER BY name').all(), [{ name: 'prod' }]);
    collector.sqlite.prepare('ROLLBACK').run();

    // A connection inside a read transaction (here the reader store's other handle) keeps its view; a new one sees the commit.
    const seqs = (): unknown => reader.sqlite.prepare('SELECT seq FROM snapshots ORDER BY seq').all();
    reader.sqlite.prepare('BEGIN').run();
    assert.deepEqual(seqs(), [{ seq: 1 }]);
    await collector.saveSnapshot(snapshot('n2', '2026-10-01T01:00:00Z'));
    assert.deepEqual(seqs(), [{ seq: 1 }]);
    assert.deepEqual((await reader.listSnapshots()).map((s) => s.seq), [1, 2]);
    reader.sqlite.prepare('COMMIT').run();
    assert.deepEqual(seqs(), [{ seq: 1 }, { seq: 2 }]);
    await collector.close();
    await reader.close();
  });

  it('fails a second writer cleanly, naming the file, when the first keeps the write lock past the timeout', async () => {
    const file = join(dir, 'busy.db');
    const first = SqliteStore.open({ file });
    const second = SqliteStore.open({ file, busyTimeoutMs: 0 });
    await first.saveSnapshot(snapshot('n1', '2026-10-01T00:00:00Z'));
    first.sqlite.prepare('BEGIN IMMEDIATE').run();
    await assert.rejects(async () => await second.saveSnapshot(snapshot('n2', '2026-10-01T01:00:00Z')), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(error.message, `database ${file} is busy: another process kept it locked for writing longer than 0 ms`);
      return true;
    });
    first.sqlite.prepare('ROLLBACK').run();
    assert.deepEqual((await second.listSnapshots()).map((s) => s.seq), [1]);
    await second.saveSnapshot(snapshot('n2', '2026-10-01T01:00:00Z'));
    assert.deepEqual((await first.listSnapshots()).map((s) => s.seq), [1, 2]);
    await first.close();
    await second.close();
  });

  it('does not create a database when asked to open an existing one', async () => {
    const file = join(dir, 'missing.db');
    assert.throws(() => SqliteStore.open({ file, create: false }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.message, `no database at ${file} (run \`quotaplan collect\` first, or pass --db)`);
      return true;
    });
    assert.equal(existsSync(file), false);
  });

  it('names a file that is not a database', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'this is not sqlite, just text that is long enough to fill a header page. '.repeat(10));
    assert.throws(() => SqliteStore.open({ file }), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(error.message, `cannot prepare database ${file}: file is not a database`);
      return true;
    });
  });
});
