import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatResourceList } from '../../../../src/resources.js';
import { formatQuantity } from '../../../../src/quantity.js';
import type { CapacityPoint, NamespaceUsagePoint, Store } from '../../../../src/store/store.js';
import { at, inventory, list, namespace, node } from '../builders.js';
import type { StoreFactory } from './factory.js';

export function seriesContract(factory: StoreFactory): void {
  async function seed(): Promise<{ store: Store; ids: number[] }> {
    const store = await factory.open();
    const hours = [
      // hour 0: team-a uses 4 GPUs, team-b 1
      { a: '4', b: '1', requested: '5' },
      // hour 1: unchanged
      { a: '4', b: '1', requested: '5' },
      // hour 2: team-a grows to 6, team-b leaves
      { a: '6', b: null, requested: '6' },
      // hour 3: team-b is back with 2
      { a: '6', b: '2', requested: '8' },
    ];
    const ids: number[] = [];
    for (const [i, hour] of hours.entries()) {
      const namespaces = [namespace('team-a', { 'nvidia.com/gpu': hour.a, cpu: '500m' }, 2)];
      if (hour.b !== null) namespaces.push(namespace('team-b', { 'nvidia.com/gpu': hour.b }, 1));
      ids.push((await store.saveSnapshot({
        cluster: { name: 'prod' },
        takenAt: at(`2026-10-01T0${i}:00:00Z`),
        source: { kind: 'file', ref: 'dump.json' },
        inventory: inventory({
          nodes: [
            node('n1', { allocatable: { cpu: '64', 'nvidia.com/gpu': '8' }, requested: { 'nvidia.com/gpu': hour.requested }, pods: 3 }),
            node('n2', { allocatable: { cpu: '32' }, requested: { cpu: '500m' }, pods: 1 }),
          ],
          namespaces,
          plannable: list({ cpu: '96', 'nvidia.com/gpu': '8' }),
        }),
      })).id);
    }
    return { store, ids };
  }

  const flat = (points: NamespaceUsagePoint[]): unknown[] =>
    points.map((p) => [p.snapshotId, p.takenAt.toISOString(), p.namespace, formatResourceList(p.requests), p.pods]);

  describe('namespaceUsageSeries', () => {
    it('gives one point per snapshot and namespace present, from usage intervals', async () => {
      const { store, ids } = await seed();
      const [s0, s1, s2, s3] = ids;
      const points = await store.namespaceUsageSeries({ cluster: 'prod', from: at('2026-10-01T00:00:00Z'), to: at('2026-10-01T03:00:00Z') });
      assert.deepEqual(flat(points), [
        [s0, '2026-10-01T00:00:00.000Z', 'team-a', { cpu: '500m', 'nvidia.com/gpu': '4' }, 2],
        [s0, '2026-10-01T00:00:00.000Z', 'team-b', { 'nvidia.com/gpu': '1' }, 1],
        [s1, '2026-10-01T01:00:00.000Z', 'team-a', { cpu: '500m', 'nvidia.com/gpu': '4' }, 2],
        [s1, '2026-10-01T01:00:00.000Z', 'team-b', { 'nvidia.com/gpu': '1' }, 1],
        [s2, '2026-10-01T02:00:00.000Z', 'team-a', { cpu: '500m', 'nvidia.com/gpu': '6' }, 2],
        [s3, '2026-10-01T03:00:00.000Z', 'team-a', { cpu: '500m', 'nvidia.com/gpu': '6' }, 2],
        [s3, '2026-10-01T03:00:00.000Z', 'team-b', { 'nvidia.com/gpu': '2' }, 1],
      ]);
    });

    it('limits the range by time (inclusive) and by namespace', async () => {
      const { store, ids } = await seed();
      const points = await store.namespaceUsageSeries({
        cluster: 'prod',
        from: at('2026-10-01T01:00:00Z'),
        to: at('2026-10-01T02:30:00Z'),
        namespaces: ['team-b'],
      });
      assert.deepEqual(flat(points), [[ids[1], '2026-10-01T01:00:00.000Z', 'team-b', { 'nvidia.com/gpu': '1' }, 1]]);
      assert.deepEqual(await store.namespaceUsageSeries({ cluster: 'prod', from: at('2027-01-01T00:00:00Z'), to: at('2027-02-01T00:00:00Z') }), []);
    });
  });

  describe('namespaceUsageSeries with chosen snapshots', () => {
    it('returns points only for the snapshots asked for', async () => {
      const { store, ids } = await seed();
      const [s0, , , s3] = ids;
      const points = await store.namespaceUsageSeries({
        cluster: 'prod',
        from: at('2026-10-01T00:00:00Z'),
        to: at('2026-10-01T03:00:00Z'),
        snapshotIds: [s0 as number, s3 as number],
      });
      assert.deepEqual(flat(points), [
        [s0, '2026-10-01T00:00:00.000Z', 'team-a', { cpu: '500m', 'nvidia.com/gpu': '4' }, 2],
        [s0, '2026-10-01T00:00:00.000Z', 'team-b', { 'nvidia.com/gpu': '1' }, 1],
        [s3, '2026-10-01T03:00:00.000Z', 'team-a', { cpu: '500m', 'nvidia.com/gpu': '6' }, 2],
        [s3, '2026-10-01T03:00:00.000Z', 'team-b', { 'nvidia.com/gpu': '2' }, 1],
      ]);
      // Two points of one interval (team-a at hours 0 and 1) are equal but do not share a mutable list.
      const all = await store.namespaceUsageSeries({ cluster: 'prod', from: at('2026-10-01T00:00:00Z'), to: at('2026-10-01T01:00:00Z') });
      assert.deepEqual(all[0]?.requests, all[2]?.requests);
      assert.notEqual(all[0]?.requests, all[2]?.requests);
    });
  });

  describe('capacitySeries', () => {
    it('sums node capacity, allocatable and requests per resource and carries plannable', async () => {
      const { store, ids } = await seed();
      const points = await store.capacitySeries({ cluster: 'prod', from: at('2026-10-01T02:00:00Z'), to: at('2026-10-01T03:00:00Z') });
      const text = (point: CapacityPoint): unknown => [
        point.snapshotId,
        point.takenAt.toISOString(),
        Object.entries(point.resources).map(([resource, f]) => [
          resource,
          formatQuantity(f.capacity),
          formatQuantity(f.allocatable),
          formatQuantity(f.requested),
          formatQuantity(f.plannable),
        ]),
      ];
      assert.deepEqual(points.map(text), [
        [ids[2], '2026-10-01T02:00:00.000Z', [['cpu', '96', '96', '500m', '96'], ['nvidia.com/gpu', '8', '8', '6', '8']]],
        [ids[3], '2026-10-01T03:00:00.000Z', [['cpu', '96', '96', '500m', '96'], ['nvidia.com/gpu', '8', '8', '8', '8']]],
      ]);
    });

    it('names an unknown cluster', async () => {
      const { store } = await seed();
      await assert.rejects(async () => await store.capacitySeries({ cluster: 'dev', from: at('2026-10-01T00:00:00Z'), to: at('2026-10-02T00:00:00Z') }), {
        message: 'no cluster "dev" in the database (known: prod)',
      });
    });
  });
}
