import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpObjects } from '../../../../src/collect/dump.js';
import { demoCluster } from '../../../../src/demo/cluster.js';
import { InternalError, ValidationError } from '../../../../src/errors.js';
import { InventoryBuilder } from '../../../../src/inventory/builder.js';
import { inventoryToJson } from '../../../../src/inventory/json.js';
import type { ClusterInventory } from '../../../../src/inventory/types.js';
import { parseObject } from '../../../../src/kinds/parse.js';
import type { Store } from '../../../../src/store/store.js';
import { withPriorityClasses } from '../../../support/priority-class-kind.js';
import { at, inventory, list, namespace, node, quota } from '../builders.js';
import type { StoreFactory } from './factory.js';

export function snapshotsContract(factory: StoreFactory): void {
  async function save(store: Store, inv: ClusterInventory, iso: string, cluster = 'prod'): Promise<number> {
    return (await store.saveSnapshot({ cluster: { name: cluster, server: 'https://10.0.0.1:6443', context: cluster }, takenAt: at(iso), source: { kind: 'live', ref: cluster }, inventory: inv })).id;
  }

  function demoInventory(hour: number): ClusterInventory {
    const builder = new InventoryBuilder();
    for (const object of dumpObjects(JSON.stringify(demoCluster({ hour })))) builder.add(object);
    return builder.build();
  }

  describe('saveSnapshot and loadInventory', () => {
    it('gives back the demo cluster inventory exactly: values, formats and canonical strings', async () => {
      const store = await factory.open();
      const saved = demoInventory(0);
      const id = await save(store, saved, '2026-10-01T00:00:00Z');
      const loaded = await store.loadInventory(id);
      assert.deepStrictEqual(loaded, saved);
      assert.equal(JSON.stringify(inventoryToJson(loaded)), JSON.stringify(inventoryToJson(saved)));
    });

    it('gives back an inventory list no store structure names, as a kind added as one module makes (docs/architecture.md)', async () => {
      const store = await factory.open();
      const builder = new InventoryBuilder(withPriorityClasses);
      for (const object of dumpObjects(JSON.stringify(demoCluster({ hour: 0 })), { kinds: withPriorityClasses })) builder.add(object);
      builder.add(parseObject({ kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }, {}, withPriorityClasses));
      const saved = builder.build();
      const loaded = (await store.loadInventory(await save(store, saved, '2026-10-01T00:00:00Z'))) as unknown as Record<string, unknown>;
      assert.deepStrictEqual(loaded, saved);
      assert.deepEqual(loaded.priorityClasses, [{ name: 'high', value: 1000, globalDefault: false }]);
    });

    it('records identity, time, source and counts of the snapshot', async () => {
      const store = await factory.open();
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

    it('reads back added, removed and changed nodes, namespaces and quotas across many snapshots', async () => {
      const store = await factory.open();
      const saved: [number, ClusterInventory][] = [];
      for (let hour = 0; hour < 12; hour += 1) {
        const names = Array.from({ length: 40 }, (_, i) => `node-${String(i).padStart(2, '0')}`).filter((_, i) => (i + hour) % 9 !== 0);
        const inv = inventory({
          nodes: names.map((name, i) => node(name, { requested: { 'nvidia.com/gpu': String((i * hour) % 9) }, pods: hour })),
          namespaces: [namespace('a', { cpu: `${hour}` }, hour), ...(hour % 2 === 0 ? [namespace('b', { cpu: '1' }, 1)] : [])],
          resourceQuotas: [quota('a', 'gpu', { 'requests.nvidia.com/gpu': '8' }, { 'requests.nvidia.com/gpu': String(hour % 3) })],
          warnings: [`hour ${hour}`],
        });
        saved.push([await save(store, inv, `2026-10-01T${String(hour).padStart(2, '0')}:00:00Z`), inv]);
      }
      for (const [id, inv] of saved) assert.deepStrictEqual(await store.loadInventory(id), inv, `snapshot ${id}`);
    });

    it('stores a node changed in place between two saves as changed; a frozen node saved again, as it is', async () => {
      // The store recognises an item saved last time by identity only when it is frozen (store/slot-memo.ts): an
      // object a caller changes in place is compared by its value.
      const store = await factory.open();
      const changing = node('n1', { requested: { cpu: '1' }, pods: 1, labels: { zone: 'a' } });
      const frozen = Object.freeze(node('n2', { requested: { cpu: '2' }, pods: 2, labels: { zone: 'b' } }));
      Object.freeze(frozen.labels);
      const first = inventory({ nodes: [changing, frozen], namespaces: [namespace('a', { cpu: '3' }, 3)] });
      await save(store, first, '2026-10-01T00:00:00Z');
      changing.labels.zone = 'c';
      (changing.requested as Record<string, unknown>).cpu = list({ cpu: '5' }).cpu;
      const second = inventory({ nodes: [changing, frozen], namespaces: [namespace('a', { cpu: '7' }, 3)] });
      const loaded = await store.loadInventory(await save(store, second, '2026-10-01T01:00:00Z'));
      assert.deepEqual(
        loaded.nodes.map((n) => [n.name, n.labels.zone, n.requested.cpu?.nanos]),
        [
          ['n1', 'c', 5_000_000_000n],
          ['n2', 'b', 2_000_000_000n],
        ],
      );
      assert.deepStrictEqual(loaded, second);
    });

    it('keeps the format of quantities whose canonical string does not imply it, in namespaces and quotas', async () => {
      const store = await factory.open();
      const inv = inventory({
        namespaces: [namespace('a', { memory: '0Gi', cpu: '1500m' }, 0)],
        resourceQuotas: [quota('a', 'q', { 'requests.memory': '1Ti' }, { 'requests.memory': '0Mi' })],
      });
      const id = await save(store, inv, '2026-10-01T00:00:00Z');
      const loaded = await store.loadInventory(id);
      assert.deepStrictEqual(loaded, inv);
      assert.equal(loaded.namespaces[0]?.requests.memory?.format, 'BinarySI');
      assert.equal(loaded.resourceQuotas[0]?.used['requests.memory']?.format, 'BinarySI');
    });

    it('keeps an inventory order that is not ascending by name', async () => {
      const store = await factory.open();
      const inv = inventory({ nodes: [node('b'), node('a')], namespaces: [namespace('z', {}, 0), namespace('y', {}, 1)] });
      const id = await save(store, inv, '2026-10-01T00:00:00Z');
      assert.deepStrictEqual(await store.loadInventory(id), inv);
    });

    it('writes nothing when saving fails part-way', async () => {
      const store = await factory.open();
      const first = await save(store, demoInventory(0), '2026-10-01T00:00:00Z');
      const before = await store.listSnapshots();
      class Opaque {}
      const bad = demoInventory(0);
      // The namespaces are written after the node sets and the snapshot itself: a failure there must undo both.
      (bad.namespaces[0] as unknown as { labels: unknown }).labels = new Opaque();
      bad.warnings = ['a new warning, so the rest is new'];
      await assert.rejects(() => save(store, bad, '2026-10-01T01:00:00Z'), InternalError);
      assert.deepEqual(await store.listSnapshots(), before);
      assert.deepStrictEqual(await store.loadInventory(first), demoInventory(0));
      const next = await store.saveSnapshot({ cluster: { name: 'prod' }, takenAt: at('2026-10-01T02:00:00Z'), source: { kind: 'file', ref: 'd.json' }, inventory: demoInventory(1) });
      assert.equal(next.seq, 2);
      await store.close();
    });

    it('keeps several clusters apart, each with its own sequence', async () => {
      const store = await factory.open();
      const a1 = await save(store, inventory({ nodes: [node('a1')] }), '2026-10-01T00:00:00Z', 'east');
      const b1 = await save(store, inventory({ nodes: [node('b1')] }), '2026-10-01T00:30:00Z', 'west');
      const a2 = await save(store, inventory({ nodes: [node('a2')] }), '2026-10-01T01:00:00Z', 'east');
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

    it('names the newest snapshot of every cluster that has one, by cluster name', async () => {
      const store = await factory.open();
      assert.deepEqual(await store.newestSnapshots(), []);
      const a1 = await save(store, inventory({ nodes: [node('a1')] }), '2026-10-01T00:00:00Z', 'east');
      const b1 = await save(store, inventory({ nodes: [node('b1')] }), '2026-10-01T00:30:00Z', 'West');
      const a2 = await save(store, inventory({ nodes: [node('a2')] }), '2026-10-01T01:00:00Z', 'east');
      // Taken before a2 but stored after it: put in its place, a2 stays the newest.
      await save(store, inventory({ nodes: [node('a0')] }), '2026-10-01T00:15:00Z', 'east');
      await store.savePlan({ cluster: 'planned', cycle: 'q4', snapshotId: null, teamsYaml: '', plan: {}, createdAt: at('2026-10-01T02:00:00Z') });
      assert.deepEqual(
        (await store.newestSnapshots()).map((s) => [s.id, s.cluster, s.seq]),
        [
          [b1, 'West', 1],
          [a2, 'east', 3],
        ],
      );
      assert.notEqual(a1, a2);
    });
  });
}
