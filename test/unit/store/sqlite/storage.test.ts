/**
 * How the SQLite store lays a history out (docs/store.md "Keeping history small"): tables counted and set roots
 * compared, which no other implementation shares. What any store must do is in ../contract/.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpObjects } from '../../../../src/collect/dump.js';
import { demoCluster } from '../../../../src/demo/cluster.js';
import { InternalError } from '../../../../src/errors.js';
import { InventoryBuilder } from '../../../../src/inventory/builder.js';
import type { ClusterInventory } from '../../../../src/inventory/types.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import { at, inventory, list, namespace, node } from '../builders.js';

const TABLES = ['clusters', 'blobs', 'snapshots', 'namespace_usage', 'capacity_points'] as const;

function counts(store: SqliteStore): Record<string, number> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return out;
}

async function save(store: SqliteStore, inv: ClusterInventory, iso: string): Promise<number> {
  return (await store.saveSnapshot({ cluster: { name: 'prod', server: 'https://10.0.0.1:6443', context: 'prod' }, takenAt: at(iso), source: { kind: 'live', ref: 'prod' }, inventory: inv })).id;
}

function demoInventory(hour: number): ClusterInventory {
  const builder = new InventoryBuilder();
  for (const object of dumpObjects(JSON.stringify(demoCluster({ hour })))) builder.add(object);
  return builder.build();
}

function roots(store: SqliteStore, id: number): unknown {
  return store.sqlite.prepare('SELECT nodes_blob, node_usage_blob, quotas_blob, limit_ranges_blob, profiles_blob, rest_blob FROM snapshots WHERE id = ?').get(id);
}

describe('the SQLite layout of a history', () => {
  it('stores nothing new for an unchanged cluster but the snapshot row', async () => {
    const store = SqliteStore.open({ file: ':memory:' });
    const first = await save(store, demoInventory(0), '2026-10-01T00:00:00Z');
    const before = counts(store);
    const second = await save(store, demoInventory(0), '2026-10-01T01:00:00Z');
    const after = counts(store);
    assert.deepEqual(roots(store, second), roots(store, first));
    assert.equal(after.blobs, before.blobs);
    assert.equal(after.namespace_usage, before.namespace_usage);
    assert.equal(after.snapshots, (before.snapshots ?? 0) + 1);
  });

  it('stores a changed node usage as one new value and one delta root; the node facts are reused', async () => {
    const store = SqliteStore.open({ file: ':memory:' });
    const nodes = ['n1', 'n2', 'n3'].map((name) => node(name, { requested: { 'nvidia.com/gpu': '8' }, pods: 1 }));
    const ns = [namespace('team-a', { 'nvidia.com/gpu': '24' }, 3)];
    const first = await save(store, inventory({ nodes, namespaces: ns }), '2026-10-01T00:00:00Z');
    const before = counts(store);
    const changed = nodes.map((n) => (n.name === 'n2' ? { ...n, requested: list({ 'nvidia.com/gpu': '3' }), pods: 2 } : n));
    const changedInventory = inventory({ nodes: changed, namespaces: ns });
    const second = await save(store, changedInventory, '2026-10-01T01:00:00Z');
    assert.equal(counts(store).blobs, (before.blobs ?? 0) + 2);
    const [r1, r2] = [roots(store, first) as Record<string, number>, roots(store, second) as Record<string, number>];
    assert.equal(r2.nodes_blob, r1.nodes_blob);
    assert.notEqual(r2.node_usage_blob, r1.node_usage_blob);
    assert.deepStrictEqual(await store.loadInventory(second), changedInventory);
    assert.deepStrictEqual(await store.loadInventory(first), inventory({ nodes, namespaces: ns }));
  });

  it('writes no row of any table when saving fails part-way', async () => {
    const store = SqliteStore.open({ file: ':memory:' });
    await save(store, demoInventory(0), '2026-10-01T00:00:00Z');
    const before = counts(store);
    class Opaque {}
    const bad = demoInventory(0);
    // The namespaces are written after the blobs and the snapshot row: a failure there must undo both.
    (bad.namespaces[0] as unknown as { labels: unknown }).labels = new Opaque();
    bad.warnings = ['a new warning, so the rest blob is new'];
    await assert.rejects(() => save(store, bad, '2026-10-01T01:00:00Z'), InternalError);
    assert.deepEqual(counts(store), before);
  });

  it('extends a usage row for an unchanged hour instead of adding one', async () => {
    const store = SqliteStore.open({ file: ':memory:' });
    const hours = [{ a: '4', b: '1' }, { a: '4', b: '1' }, { a: '6', b: null }, { a: '6', b: '2' }];
    for (const [i, hour] of hours.entries()) {
      const namespaces = [namespace('team-a', { 'nvidia.com/gpu': hour.a, cpu: '500m' }, 2)];
      if (hour.b !== null) namespaces.push(namespace('team-b', { 'nvidia.com/gpu': hour.b }, 1));
      await save(store, inventory({ nodes: [node('n1')], namespaces }), `2026-10-01T0${i}:00:00Z`);
    }
    assert.deepEqual(store.sqlite.prepare('SELECT namespace, first_seq, last_seq FROM namespace_usage ORDER BY namespace, first_seq').all(), [
      { namespace: 'team-a', first_seq: 1, last_seq: 2 },
      { namespace: 'team-a', first_seq: 3, last_seq: 4 },
      { namespace: 'team-b', first_seq: 1, last_seq: 2 },
      { namespace: 'team-b', first_seq: 4, last_seq: 4 },
    ]);
  });

  it('keeps the usage rows of a history stored out of time order equal to those of one stored in order', async () => {
    const rows = async (order: number[]): Promise<unknown> => {
      const store = SqliteStore.open({ file: ':memory:' });
      for (const hour of order) {
        const namespaces = [namespace('a', { cpu: String(hour % 3) }, 1), ...(hour % 2 === 0 ? [namespace('b', { cpu: '1' }, 1)] : []), namespace('c', { cpu: hour < 3 ? '2' : '3' }, 1)];
        await save(store, inventory({ nodes: [node('n1')], namespaces }), `2026-10-01T0${hour}:00:00Z`);
      }
      return store.sqlite.prepare('SELECT namespace, first_seq, last_seq, requests, pods FROM namespace_usage ORDER BY namespace, first_seq').all();
    };
    const inOrder = await rows([0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(await rows([0, 2, 1, 3, 5, 4, 6]), inOrder);
    assert.deepEqual(await rows([3, 4, 5, 6, 0, 1, 2]), inOrder);
    assert.deepEqual(await rows([6, 5, 4, 3, 2, 1, 0]), inOrder);
  });
});
