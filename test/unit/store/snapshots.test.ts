import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpObjects } from '../../../src/collect/dump.js';
import { demoCluster } from '../../../src/demo/cluster.js';
import { ConflictError, InternalError, ValidationError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { inventoryToJson } from '../../../src/inventory/json.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import { openStore, type Store } from '../../../src/store/open.js';
import { at, inventory, list, namespace, node, quota } from './builders.js';

const TABLES = ['clusters', 'blobs', 'snapshots', 'namespace_usage', 'capacity_points'] as const;

function counts(store: Store): Record<string, number> {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return out;
}

function save(store: Store, inv: ClusterInventory, iso: string, cluster = 'prod'): number {
  return (await store.saveSnapshot({ cluster: { name: cluster, server: 'https://10.0.0.1:6443', context: cluster }, takenAt: at(iso), source: { kind: 'live', ref: cluster }, inventory: inv })).id;
}

function demoInventory(hour: number): ClusterInventory {
  const builder = new InventoryBuilder();
  for (const object of dumpObjects(JSON.stringify(demoCluster({ hour })))) builder.add(object);
  return builder.build();
}

function roots(store: Store, id: number): unknown {
  return store.sqlite
    .prepare('SELECT nodes_blob, node_usage_blob, quotas_blob, limit_ranges_blob, profiles_blob, rest_blob FROM snapshots WHERE id = ?')
    .get(id);
}

describe('saveSnapshot and loadInventory', () => {
  it('gives back the demo cluster inventory exactly: values, formats and canonical strings', async () => {
    const store = await openStore({ file: ':memory:' });
    const saved = demoInventory(0);
    const id = save(store, saved, '2026-10-01T00:00:00Z');
    const loaded = await store.loadInventory(id);
    assert.deepStrictEqual(loaded, saved);
    assert.equal(JSON.stringify(inventoryToJson(loaded)), JSON.stringify(inventoryToJson(saved)));
  });

  it('records identity, time, source and counts of the snapshot', async () => {
    const store = await openStore({ file: ':memory:' });
    const inv = inventory({
      nodes: [node('n1', { requested: { 'nvidia.com/gpu': '2' }, pods: 2 })],
      namespaces: [namespace('a', { 'nvidia.com/gpu': '2' }, 2), namespace('b', {}, 3)],
      warnings: ['w1'],
    });
    const summary = await store.saveSnapshot({
      cluster: { name: 'prod', server: 'https://10.0.0.1:6443', context: 'prod-admin' },
      takenAt: at('2026-10-01T09:00:00Z'),
      source: { kind: 'live', ref: 'prod-admin' },
      inventory: inv,
    });
    assert.deepEqual(await store.listSnapshots(), [
      {
        id: summary.id,
        cluster: 'prod',
        seq: 1,
        takenAt: at('2026-10-01T09:00:00Z'),
        server: 'https://10.0.0.1:6443',
        context: 'prod-admin',
        source: { kind: 'live', ref: 'prod-admin' },
        nodes: 1,
        namespaces: 2,
        pods: 5,
        warnings: 1,
      },
    ]);
  });

  it('stores nothing new for an unchanged cluster but the snapshot row', async () => {
    const store = await openStore({ file: ':memory:' });
    const first = save(store, demoInventory(0), '2026-10-01T00:00:00Z');
    const before = counts(store);
    const second = save(store, demoInventory(0), '2026-10-01T01:00:00Z');
    const after = counts(store);
    assert.deepEqual(roots(store, second), roots(store, first));
    assert.equal(after.blobs, before.blobs);
    assert.equal(after.namespace_usage, before.namespace_usage);
    assert.equal(after.snapshots, (before.snapshots ?? 0) + 1);
  });

  it('stores a changed node usage as one new value and one delta root; the node facts are reused', async () => {
    const store = await openStore({ file: ':memory:' });
    const nodes = ['n1', 'n2', 'n3'].map((name) => node(name, { requested: { 'nvidia.com/gpu': '8' }, pods: 1 }));
    const ns = [namespace('team-a', { 'nvidia.com/gpu': '24' }, 3)];
    const first = save(store, inventory({ nodes, namespaces: ns }), '2026-10-01T00:00:00Z');
    const before = counts(store);
    const changed = nodes.map((n) => (n.name === 'n2' ? { ...n, requested: list({ 'nvidia.com/gpu': '3' }), pods: 2 } : n));
    const changedInventory = inventory({ nodes: changed, namespaces: ns });
    const second = save(store, changedInventory, '2026-10-01T01:00:00Z');
    assert.equal(counts(store).blobs, (before.blobs ?? 0) + 2);
    const [r1, r2] = [roots(store, first) as Record<string, number>, roots(store, second) as Record<string, number>];
    assert.equal(r2.nodes_blob, r1.nodes_blob);
    assert.notEqual(r2.node_usage_blob, r1.node_usage_blob);
    assert.deepStrictEqual(await store.loadInventory(second), changedInventory);
    assert.deepStrictEqual(await store.loadInventory(first), inventory({ nodes, namespaces: ns }));
  });

  it('reads back added, removed and changed nodes, namespaces and quotas across many snapshots', async () => {
    const store = await openStore({ file: ':memory:' });
    const saved: [number, ClusterInventory][] = [];
    for (let hour = 0; hour < 12; hour += 1) {
      const names = Array.from({ length: 40 }, (_, i) => `node-${String(i).padStart(2, '0')}`).filter((_, i) => (i + hour) % 9 !== 0);
      const inv = inventory({
        nodes: names.map((name, i) => node(name, { requested: { 'nvidia.com/gpu': String((i * hour) % 9) }, pods: hour })),
        namespaces: [namespace('a', { cpu: `${hour}` }, hour), ...(hour % 2 === 0 ? [namespace('b', { cpu: '1' }, 1)] : [])],
        resourceQuotas: [quota('a', 'gpu', { 'requests.nvidia.com/gpu': '8' }, { 'requests.nvidia.com/gpu': String(hour % 3) })],
        warnings: [`hour ${hour}`],
      });
      saved.push([save(store, inv, `2026-10-01T${String(hour).padStart(2, '0')}:00:00Z`), inv]);
    }
    for (const [id, inv] of saved) assert.deepStrictEqual(await store.loadInventory(id), inv, `snapshot ${id}`);
  });

  it('keeps the format of quantities whose canonical string does not imply it, in namespaces and quotas', async () => {
    const store = await openStore({ file: ':memory:' });
    const inv = inventory({
      namespaces: [namespace('a', { memory: '0Gi', cpu: '1500m' }, 0)],
      resourceQuotas: [quota('a', 'q', { 'requests.memory': '1Ti' }, { 'requests.memory': '0Mi' })],
    });
    const id = save(store, inv, '2026-10-01T00:00:00Z');
    const loaded = await store.loadInventory(id);
    assert.deepStrictEqual(loaded, inv);
    assert.equal(loaded.namespaces[0]?.requests.memory?.format, 'BinarySI');
    assert.equal(loaded.resourceQuotas[0]?.used['requests.memory']?.format, 'BinarySI');
  });

  it('keeps an inventory order that is not ascending by name', async () => {
    const store = await openStore({ file: ':memory:' });
    const inv = inventory({ nodes: [node('b'), node('a')], namespaces: [namespace('z', {}, 0), namespace('y', {}, 1)] });
    const id = save(store, inv, '2026-10-01T00:00:00Z');
    assert.deepStrictEqual(await store.loadInventory(id), inv);
  });

  it('writes nothing when saving fails part-way', async () => {
    const store = await openStore({ file: ':memory:' });
    save(store, demoInventory(0), '2026-10-01T00:00:00Z');
    const before = counts(store);
    class Opaque {}
    const bad = demoInventory(0);
    // The namespaces are written after the blobs and the snapshot row: a failure there must undo both.
    (bad.namespaces[0] as unknown as { labels: unknown }).labels = new Opaque();
    bad.warnings = ['a new warning, so the rest blob is new'];
    assert.throws(() => save(store, bad, '2026-10-01T01:00:00Z'), InternalError);
    assert.deepEqual(counts(store), before);
  });

  it('refuses a snapshot older than the cluster latest one and writes nothing', async () => {
    const store = await openStore({ file: ':memory:' });
    save(store, inventory({ nodes: [node('n1')] }), '2026-10-01T10:00:00Z');
    const before = counts(store);
    assert.throws(
      () => save(store, inventory({ nodes: [node('n2')] }), '2026-10-01T09:00:00Z'),
      (error: unknown) => {
        assert.ok(error instanceof ConflictError);
        assert.equal(
          error.message,
          'cluster prod already has a snapshot taken at 2026-10-01T10:00:00.000Z, later than 2026-10-01T09:00:00.000Z: ' +
            "a cluster's snapshots are stored in time order",
        );
        return true;
      },
    );
    assert.deepEqual(counts(store), before);
  });

  it('keeps several clusters apart, each with its own sequence', async () => {
    const store = await openStore({ file: ':memory:' });
    const a1 = save(store, inventory({ nodes: [node('a1')] }), '2026-10-01T00:00:00Z', 'east');
    const b1 = save(store, inventory({ nodes: [node('b1')] }), '2026-10-01T00:30:00Z', 'west');
    const a2 = save(store, inventory({ nodes: [node('a2')] }), '2026-10-01T01:00:00Z', 'east');
    assert.deepEqual(
      (await store.listSnapshots()).map((s) => [s.id, s.cluster, s.seq]),
      [
        [a1, 'east', 1],
        [a2, 'east', 2],
        [b1, 'west', 1],
      ],
    );
    assert.deepEqual((await store.listSnapshots({ cluster: 'west' })).map((s) => s.id), [b1]);
    assert.equal((await store.resolveSnapshot({ ref: 'latest', cluster: 'east' })).id, a2);
    assert.equal((await store.resolveSnapshot({ ref: String(b1) })).id, b1);
    await assert.rejects(async () => await store.resolveSnapshot({ ref: 'latest' }), {
      name: 'ValidationError',
      message: 'the database holds several clusters (east, west): choose one with --cluster',
    });
    await assert.rejects(async () => await store.resolveSnapshot({ ref: String(b1), cluster: 'east' }), {
      message: `snapshot ${b1} belongs to cluster west, not east`,
    });
    await assert.rejects(async () => await store.listSnapshots({ cluster: 'north' }), {
      message: 'no cluster "north" in the database (known: east, west)',
    });
    await assert.rejects(async () => await store.resolveSnapshot({ ref: '0' }), ValidationError);
    await assert.rejects(async () => await store.resolveSnapshot({ ref: '99' }), { message: 'no snapshot 99 in the database' });
  });
});
