/**
 * Two overlapping collections of one cluster: the one that started first (taken earlier) finishes last. Both are
 * stored, in the order they were taken, and every reader sees the same history as if they had arrived in order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterInventory } from '../../../../src/inventory/types.js';
import type { Store } from '../../../../src/store/store.js';
import { at, inventory, list, namespace, node, quota } from '../builders.js';
import type { StoreFactory } from './factory.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 9, 1);

/** Hour `hour` of a small cluster whose namespaces, nodes and quotas change, come and go, and come back. */
function hourOf(hour: number): ClusterInventory {
  const names = Array.from({ length: 24 }, (_, i) => `node-${String(i).padStart(2, '0')}`).filter((_, i) => (i + hour) % 7 !== 0);
  return inventory({
    nodes: names.map((name, i) => node(name, { requested: { 'nvidia.com/gpu': String((i * hour) % 5) }, pods: hour % 3 })),
    namespaces: [
      namespace('a', { cpu: String(hour % 3) }, 1),
      ...(hour % 2 === 0 ? [namespace('b', { cpu: '1' }, 1)] : []),
      namespace('c', { 'nvidia.com/gpu': hour < 4 ? '2' : '3' }, 2),
    ],
    resourceQuotas: [quota('a', 'gpu', { 'requests.nvidia.com/gpu': '8' }, { 'requests.nvidia.com/gpu': String(hour % 4) })],
    plannable: list({ 'nvidia.com/gpu': String(100 + hour) }),
    warnings: [`hour ${hour}`],
  });
}

async function saveHour(store: Store, hour: number): Promise<number> {
  return (await store.saveSnapshot({ cluster: { name: 'prod' }, takenAt: new Date(START + hour * HOUR), source: { kind: 'file', ref: `h${hour}.json` }, inventory: hourOf(hour) })).id;
}

/** Everything a reader can see of the cluster's history, keyed by snapshot time (ids differ between the stores). */
async function history(store: Store): Promise<unknown> {
  const range = { cluster: 'prod', from: new Date(0), to: new Date(8.64e15) };
  const snapshots = await store.listSnapshots({ cluster: 'prod' });
  const byId = new Map(snapshots.map((s) => [s.id, s.takenAt.toISOString()]));
  return {
    snapshots: snapshots.map((s) => [s.seq, s.takenAt.toISOString(), s.source.ref, s.nodes, s.namespaces, s.pods]),
    inventories: await Promise.all(snapshots.map((s) => store.loadInventory(s.id))),
    usage: (await store.namespaceUsageSeries(range)).map((p) => [byId.get(p.snapshotId), p.namespace, p.requests, p.pods]),
    capacity: (await store.capacitySeries(range)).map((p) => [byId.get(p.snapshotId), p.resources]),
    points: (await store.snapshotPoints(range)).map((p) => [p.seq, byId.get(p.snapshotId)]),
    newestSeq: await store.newestSeq('prod'),
    latest: (await store.resolveSnapshot({ ref: 'latest' })).takenAt.toISOString(),
  };
}

/** The History totals as a plain value. */
async function totals(store: Store): Promise<unknown> {
  const current = await store.historyTotals({ cluster: 'prod', grouping: { by: 'namespace' } }).current();
  const usage = [...current.usage.entries()].map(([group, byResource]) => [
    group,
    [...byResource.entries()].map(([resource, series]) => [resource, [...series.values.slice(0, current.through)], [...series.present.slice(0, current.through)]]),
  ]);
  return { through: current.through, usage };
}

export function overlappingContract(factory: StoreFactory): void {
  describe(`overlapping collections of one cluster (${factory.name})`, () => {
    it('stores a snapshot taken before the newest in its place in time, moving the later ones up', async () => {
      const store = await factory.open();
      const first = await saveHour(store, 0);
      const third = await saveHour(store, 2);
      // Started at hour 1, finished after the hour-2 collection was stored.
      const second = await saveHour(store, 1);
      assert.deepEqual(
        (await store.listSnapshots()).map((s) => [s.id, s.seq, s.takenAt.toISOString()]),
        [
          [first, 1, '2026-10-01T00:00:00.000Z'],
          [second, 2, '2026-10-01T01:00:00.000Z'],
          [third, 3, '2026-10-01T02:00:00.000Z'],
        ],
      );
      assert.deepStrictEqual(await store.loadInventory(second), hourOf(1));
      assert.deepStrictEqual(await store.loadInventory(third), hourOf(2));
      assert.equal((await store.resolveSnapshot({ ref: 'latest' })).id, third);
      await store.close();
    });

    it('gives every reader the same history as collections stored in the order they were taken', async () => {
      const order = [0, 1, 3, 2, 5, 4, 6, 9, 7, 8];
      const inOrder = await factory.open();
      for (const hour of [...order].sort((a, b) => a - b)) await saveHour(inOrder, hour);
      const late = await factory.open();
      for (const hour of order) await saveHour(late, hour);
      assert.deepStrictEqual(await history(late), await history(inOrder));
      await inOrder.close();
      await late.close();
    });

    it('stores a snapshot older than every other one first', async () => {
      const inOrder = await factory.open();
      for (const hour of [0, 1, 2]) await saveHour(inOrder, hour);
      const late = await factory.open();
      for (const hour of [1, 2, 0]) await saveHour(late, hour);
      assert.deepStrictEqual(await history(late), await history(inOrder));
      await inOrder.close();
      await late.close();
    });

    it('keeps History totals true when a snapshot arrives in the middle of what they already summed', async () => {
      const store = await factory.open();
      for (const hour of [0, 1, 3, 4]) await saveHour(store, hour);
      const view = store.historyTotals({ cluster: 'prod', grouping: { by: 'namespace' } });
      assert.equal((await view.current()).through, 4);
      await saveHour(store, 2);
      const inOrder = await factory.open();
      for (const hour of [0, 1, 2, 3, 4]) await saveHour(inOrder, hour);
      const current = await view.current();
      assert.equal(current.through, 5);
      assert.deepStrictEqual(await totals(store), await totals(inOrder));
      await store.close();
      await inOrder.close();
    });
  });
}
