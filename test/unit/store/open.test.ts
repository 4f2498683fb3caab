import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExternalError, ValidationError } from '../../../src/errors.js';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { MIGRATIONS_FOLDER, openStore } from '../../../src/store/open.js';
import * as schema from '../../../src/store/schema.js';
import { listSnapshots, saveSnapshot } from '../../../src/store/snapshots.js';
import { at, inventory, node } from './builders.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const snapshot = (name: string, iso: string): Parameters<typeof saveSnapshot>[1] => ({
  cluster: { name: 'prod' },
  takenAt: at(iso),
  source: { kind: 'file', ref: 'dump.json' },
  inventory: inventory({ nodes: [node(name)] }),
});

describe('openStore', () => {
  it('creates a WAL database with every migration applied once', () => {
    const file = join(dir, 'wal.db');
    const store = openStore({ file });
    assert.equal(store.sqlite.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.sqlite.pragma('foreign_keys', { simple: true }), 1);
    store.close();
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    const again = openStore({ file });
    const applied = again.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    assert.equal(applied.n, journal.entries.length);
    again.close();
  });

  it('has migrations in step with schema.ts: every table, column and index of the schema exists', () => {
    const store = openStore({ file: ':memory:' });
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
    store.close();
  });

  it('lets a reader read while the collector holds an open write transaction, and the collector write under a reader', () => {
    const file = join(dir, 'concurrent.db');
    const collector = openStore({ file, busyTimeoutMs: 0 });
    const reader = openStore({ file, busyTimeoutMs: 0 });
    saveSnapshot(collector, snapshot('n1', '2026-10-01T00:00:00Z'));

    collector.sqlite.prepare('BEGIN IMMEDIATE').run();
    collector.sqlite.prepare("INSERT INTO clusters (name, created_at) VALUES ('uncommitted', 0)").run();
    assert.deepEqual(listSnapshots(reader).map((s) => s.seq), [1]);
    assert.deepEqual(reader.sqlite.prepare('SELECT name FROM clusters ORDER BY name').all(), [{ name: 'prod' }]);
    collector.sqlite.prepare('ROLLBACK').run();

    reader.sqlite.prepare('BEGIN').run();
    assert.deepEqual(listSnapshots(reader).map((s) => s.seq), [1]);
    saveSnapshot(collector, snapshot('n2', '2026-10-01T01:00:00Z'));
    // The reader's transaction keeps its view; a new one sees the commit.
    assert.deepEqual(listSnapshots(reader).map((s) => s.seq), [1]);
    reader.sqlite.prepare('COMMIT').run();
    assert.deepEqual(listSnapshots(reader).map((s) => s.seq), [1, 2]);
    collector.close();
    reader.close();
  });

  it('fails a second writer cleanly, naming the file, when the first keeps the write lock past the timeout', () => {
    const file = join(dir, 'busy.db');
    const first = openStore({ file });
    const second = openStore({ file, busyTimeoutMs: 0 });
    saveSnapshot(first, snapshot('n1', '2026-10-01T00:00:00Z'));
    first.sqlite.prepare('BEGIN IMMEDIATE').run();
    assert.throws(() => saveSnapshot(second, snapshot('n2', '2026-10-01T01:00:00Z')), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(error.message, `database ${file} is busy: another process kept it locked for writing longer than 0 ms`);
      return true;
    });
    first.sqlite.prepare('ROLLBACK').run();
    assert.deepEqual(listSnapshots(second).map((s) => s.seq), [1]);
    saveSnapshot(second, snapshot('n2', '2026-10-01T01:00:00Z'));
    assert.deepEqual(listSnapshots(first).map((s) => s.seq), [1, 2]);
    first.close();
    second.close();
  });

  it('does not create a database when asked to open an existing one', () => {
    const file = join(dir, 'missing.db');
    assert.throws(() => openStore({ file, create: false }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.message, `no database at ${file} (run \`quotaplan collect\` first, or pass --db)`);
      return true;
    });
    assert.equal(existsSync(file), false);
  });

  it('names a file that is not a database', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'this is not sqlite, just text that is long enough to fill a header page. '.repeat(10));
    assert.throws(() => openStore({ file }), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(error.message, `cannot prepare database ${file}: file is not a database`);
      return true;
    });
  });
});
