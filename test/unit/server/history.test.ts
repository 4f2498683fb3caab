import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import { parseQuantity } from '../../../src/quantity.js';
import { createApp } from '../../../src/server/app.js';
import { buckets } from '../../../src/server/routes/history.js';
import { viewCache, type View } from '../../../src/server/view-cache.js';
import { openStore, type Store } from '../../../src/store/open.js';
import { demoInventory } from './seed.js';

const base = demoInventory(0, 1);
const START = Date.parse('2026-07-01T00:00:00Z');
const HOUR = 3_600_000;

/** Namespace a requests `cpuOfA` cpu, b always 2, c only when `cpuOfC` is given; plannable GPUs as given. */
function inventoryAt(cpuOfA: string, plannableGpus: string, cpuOfC?: string): ClusterInventory {
  const namespace = (name: string, cpu: string): ClusterInventory['namespaces'][number] => ({ name, labels: {}, requests: { cpu: parseQuantity(cpu) }, pods: 1 });
  return {
    ...base,
    namespaces: [namespace('a', cpuOfA), namespace('b', '2'), ...(cpuOfC === undefined ? [] : [namespace('c', cpuOfC)])],
    plannable: { ...base.plannable, 'nvidia.com/gpu': parseQuantity(plannableGpus) },
  };
}

const A_CPU = ['1', '1', '1', '1', '7', '1', '1', '1', '1', '3'];
const PLANNABLE = ['8', '8', '16', '8', '8', '8', '8', '8', '8', '8'];

async function tenHours(file = ':memory:'): Promise<Store> {
  const store = await openStore({ file });
  for (const [hour, cpu] of A_CPU.entries()) await save(store, hour, inventoryAt(cpu, PLANNABLE[hour] as string, hour === 6 ? '500m' : undefined));
  return store;
}

async function save(store: Store, hour: number, inventory: ClusterInventory): Promise<void> {
  await store.saveSnapshot({ cluster: { name: 'lab' }, takenAt: new Date(START + hour * HOUR), source: { kind: 'file', ref: 'lab.json' }, inventory });
}

interface History {
  snapshots: number;
  stored: { from: string; to: string } | null;
  points: string[];
  snapshotIds: number[];
  resources: string[];
  resource: string | null;
  capacity: Array<{ resource: string; plannable: number[] }>;
  usage: Array<{ team: string; resource: string; used: number[] }>;
  cycles: Array<{ name: string }>;
}

async function history(store: Store, query = ''): Promise<History> {
  const app = createApp({ store, clock: () => new Date(START), log: () => {} });
  const response = await app.request(`/api/history${query}`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/json');
  return (await response.json()) as History;
}

const usageOf = (h: History, team: string): number[] | undefined => h.usage.find((u) => u.team === team && u.resource === 'cpu')?.used;

describe('history thinning', () => {
  it('cuts snapshots into buckets of one size, two points of each fitting in maxPoints', async () => {
    assert.deepEqual(buckets(10, 4), [
      { from: 0, to: 5 },
      { from: 5, to: 10 },
    ]);
    assert.deepEqual(buckets(10, 6), [
      { from: 0, to: 4 },
      { from: 4, to: 8 },
      { from: 8, to: 10 },
    ]);
    // 1,276 snapshots in 1,000 points: buckets of 3 (not 1 and 2 alternating, which drew a sawtooth).
    const many = buckets(1276, 1000);
    assert.deepEqual([many.length, many[0], many.at(-1)], [426, { from: 0, to: 3 }, { from: 1275, to: 1276 }]);
    assert.deepEqual(buckets(2, 5), [
      { from: 0, to: 1 },
      { from: 1, to: 2 },
    ]);
    assert.deepEqual(buckets(0, 5), []);
  });

  it('keeps every snapshot when the range has no more than maxPoints', async () => {
    const store = await tenHours();
    const h = await history(store);
    assert.equal(h.points.length, 10);
    assert.equal(h.snapshots, 10);
    assert.deepEqual(h.stored, { from: '2026-07-01T00:00:00.000Z', to: '2026-07-01T09:00:00.000Z' });
    assert.deepEqual(h.snapshotIds, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(usageOf(h, 'a'), [1, 1, 1, 1, 7, 1, 1, 1, 1, 3]);
    assert.deepEqual(usageOf(h, 'c'), [0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0]);
    assert.deepEqual(h.capacity.find((c) => c.resource === 'nvidia.com/gpu')?.plannable, [8, 8, 16, 8, 8, 8, 8, 8, 8, 8]);
    await store.close();
  });

  it('draws each bucket at its first and last snapshot with its lowest and highest figure, in the order they happened', async () => {
    const store = await tenHours();
    const h = await history(store, '?maxPoints=4');
    assert.deepEqual(h.points, ['2026-07-01T00:00:00.000Z', '2026-07-01T04:00:00.000Z', '2026-07-01T05:00:00.000Z', '2026-07-01T09:00:00.000Z']);
    assert.deepEqual(h.snapshotIds, [1, 5, 6, 10]);
    assert.equal(h.snapshots, 10, 'the heading counts every snapshot, not the points drawn');
    assert.deepEqual(usageOf(h, 'a'), [1, 7, 1, 3], 'the 7-cpu spike at 04:00 and the 3 at 09:00');
    assert.deepEqual(usageOf(h, 'b'), [2, 2, 2, 2]);
    assert.deepEqual(usageOf(h, 'c'), [0, 0, 0, 0.5], 'c exists only at 06:00, inside the second bucket');
    assert.deepEqual(h.capacity.find((c) => c.resource === 'nvidia.com/gpu')?.plannable, [8, 16, 8, 8], 'the 16 GPUs at 02:00');
    await store.close();
  });

  it('keeps a fall a fall: the highest first when it came first', async () => {
    const store = await tenHours();
    // 02:00 to 05:00: plannable 16, 8, 8, 8 (a fall); a requests 1, 1, 7, 1 (a spike).
    const h = await history(store, '?from=2026-07-01T02:00:00Z&to=2026-07-01T05:00:00Z&maxPoints=2');
    assert.deepEqual(h.snapshotIds, [3, 6]);
    assert.deepEqual(h.capacity.find((c) => c.resource === 'nvidia.com/gpu')?.plannable, [16, 8]);
    assert.deepEqual(usageOf(h, 'a'), [1, 7]);
    assert.equal(h.snapshots, 4);
    assert.deepEqual(h.stored, { from: '2026-07-01T00:00:00.000Z', to: '2026-07-01T09:00:00.000Z' }, 'the whole stored span, for choosing a range');
    await store.close();
  });

  it('thins only the snapshots in the asked range', async () => {
    const store = await tenHours();
    const h = await history(store, '?from=2026-07-01T05:00:00Z&to=2026-07-01T08:00:00Z&maxPoints=2');
    assert.deepEqual(h.snapshotIds, [6, 9]);
    assert.deepEqual(usageOf(h, 'a'), [1, 1]);
    assert.deepEqual(usageOf(h, 'c'), [0, 0.5]);
    await store.close();
  });

  it('answers a snapshot saved and a cycle created after an earlier request', async () => {
    const store = await tenHours();
    const app = createApp({ store, clock: () => new Date(START), log: () => {} });
    const first = (await (await app.request('/api/history')).json()) as History;
    assert.equal(first.points.length, 10);
    assert.deepEqual(first.cycles, []);
    await save(store, 10, inventoryAt('4', '8'));
    await store.createCycle({ cluster: 'lab', name: '2026-Q3', createdAt: new Date(START) });
    const second = (await (await app.request('/api/history')).json()) as History;
    assert.equal(second.points.length, 11);
    assert.equal(usageOf(second, 'a')?.[10], 4);
    assert.deepEqual(second.cycles.map((c) => c.name), ['2026-Q3']);
    await store.close();
  });
});

describe('history kept between requests', () => {
  it('extended snapshot by snapshot, answers as a server started after the last one', async () => {
    const growing = await openStore({ file: ':memory:' });
    const app = createApp({ store: growing, clock: () => new Date(START), log: () => {} });
    for (const [hour, cpu] of A_CPU.entries()) {
      await save(growing, hour, inventoryAt(cpu, PLANNABLE[hour] as string, hour === 6 ? '500m' : undefined));
      if (hour % 3 === 0) assert.equal((await app.request('/api/history?maxPoints=4')).status, 200);
    }
    const extended = await (await app.request('/api/history?maxPoints=4')).text();
    const fresh = await tenHours();
    const whole = await (await createApp({ store: fresh, clock: () => new Date(START), log: () => {} }).request('/api/history?maxPoints=4')).text();
    assert.equal(extended, whole);
    assert.deepEqual(usageOf(JSON.parse(whole) as History, 'a'), [1, 7, 1, 3]);
    await growing.close();
    await fresh.close();
  });

  it('gives the same answer when usage rows are not stored in first-snapshot order', async () => {
    const inOrder = await tenHours();
    const expected = await (await createApp({ store: inOrder, clock: () => new Date(START), log: () => {} }).request('/api/history?maxPoints=4')).text();
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-history-'));
    const movedFile = join(dir, 'moved.db');
    await (await tenHours(movedFile)).close();
    // The first interval of namespace a (from the first snapshot) gets the highest id: an id-order scan meets it last.
    const file = new Database(movedFile);
    const changed = file.prepare("UPDATE namespace_usage SET id = 1000 WHERE namespace = 'a' AND first_seq = 1").run().changes;
    file.close();
    assert.equal(changed, 1);
    const moved = await openStore({ file: movedFile });
    const answer = await (await createApp({ store: moved, clock: () => new Date(START), log: () => {} }).request('/api/history?maxPoints=4')).text();
    assert.equal(answer, expected);
    assert.deepEqual(usageOf(JSON.parse(answer) as History, 'a'), [1, 7, 1, 3]);
    await inOrder.close();
    await moved.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves out a namespace absent from the whole range', async () => {
    const store = await tenHours();
    const h = await history(store, '?from=2026-07-01T07:00:00Z');
    assert.deepEqual(h.usage.map((u) => u.team), ['a', 'b']);
    await store.close();
  });
});

describe('history of one resource', () => {
  it('answers only the asked resource\'s series, with every resource listed', async () => {
    const store = await tenHours();
    const all = await history(store);
    const gpu = await history(store, '?resource=nvidia.com/gpu');
    const resources = all.capacity.map((c) => c.resource);
    assert.ok(resources.includes('nvidia.com/gpu') && resources.includes('cpu'));
    assert.deepEqual(all.resources, resources);
    assert.equal(all.resource, null);
    assert.deepEqual(gpu.resources, resources);
    assert.equal(gpu.resource, 'nvidia.com/gpu');
    assert.deepEqual(gpu.capacity, all.capacity.filter((c) => c.resource === 'nvidia.com/gpu'));
    assert.deepEqual(gpu.usage, [], 'no namespace requests GPUs');
    const cpu = await history(store, '?resource=cpu&maxPoints=2');
    assert.deepEqual(cpu.usage.map((u) => [u.team, u.used]), [
      ['a', [1, 7]],
      ['b', [2, 2]],
      ['c', [0, 0.5]],
    ]);
    assert.deepEqual(cpu.capacity.map((c) => c.resource), ['cpu']);
    assert.deepEqual(cpu.points, ['2026-07-01T00:00:00.000Z', '2026-07-01T09:00:00.000Z']);
    await store.close();
  });

  it('answers a resource the nodes never had with no series, and refuses a malformed name naming the field', async () => {
    const store = await tenHours();
    const none = await history(store, '?resource=example.com/fpga');
    assert.deepEqual([none.capacity, none.usage, none.points.length], [[], [], 10]);
    const app = createApp({ store, clock: () => new Date(START), log: () => {} });
    const bad = await app.request('/api/history?resource=nvidia.com/gpu%20x');
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { error: string; field: string };
    assert.equal(body.field, 'resource');
    assert.match(body.error, /expected a resource name/);
    await store.close();
  });
});

describe('the first history build of a database file', () => {
  it('runs beside the server: a Capacity request made during it is answered first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-history-'));
    const store = await tenHours(join(dir, 'q.db'));
    try {
      const app = createApp({ store, clock: () => new Date(START), log: (message) => assert.fail(message) });
      const answered: string[] = [];
      const pending = [
        Promise.resolve(app.request('/api/history?maxPoints=4')).then(async (r) => (answered.push('history'), r.text())),
        Promise.resolve(app.request('/api/history?maxPoints=4')).then(async (r) => (answered.push('history'), r.text())),
      ];
      // Past every microtask: a build in place (blocking) would have answered both History requests by now.
      await new Promise((resolve) => setImmediate(resolve));
      const capacity = await app.request('/api/capacity?snapshot=latest');
      answered.push('capacity');
      assert.equal(capacity.status, 200);
      const [first, second] = await Promise.all(pending);
      assert.deepEqual(answered, ['capacity', 'history', 'history']);
      assert.equal(first, second);
      const inMemory = await tenHours();
      const built = await (await createApp({ store: inMemory, clock: () => new Date(START), log: () => {} }).request('/api/history?maxPoints=4')).text();
      assert.equal(first, built, 'the worker builds what a build in place gives');
      await inMemory.close();
      // Later snapshots extend the worker's totals in place.
      await save(store, 10, inventoryAt('4', '8'));
      assert.equal(usageOf((await (await app.request('/api/history')).json()) as History, 'a')?.[10], 4);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a history build whose worker fails', () => {
  it('is logged and done in place, with the same answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-history-'));
    const store = await tenHours(join(dir, 'q.db'));
    try {
      // The open store keeps its file; the worker, opening the path, finds nothing there.
      renameSync(join(dir, 'q.db'), join(dir, 'moved.db'));
      const logged: string[] = [];
      const app = createApp({ store, clock: () => new Date(START), log: (message) => logged.push(message) });
      const answer = await (await app.request('/api/history?maxPoints=4')).text();
      assert.equal(logged.length, 1);
      assert.match(logged[0] as string, /^history: building the totals in a worker failed \(.*q\.db.*\); building them in place$/);
      const inMemory = await tenHours();
      assert.equal(answer, await (await createApp({ store: inMemory, clock: () => new Date(START), log: () => {} }).request('/api/history?maxPoints=4')).text());
      await inMemory.close();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const text = (view: View): string => new TextDecoder().decode(view.body);

describe('the view cache', () => {
  it('builds a key once while it is recent, and forgets the least recently used beyond its size', async () => {
    const cache = viewCache(2);
    let builds = 0;
    const build = (value: number) => () => ((builds += 1), { value });
    assert.equal(text(await cache.json('a', build(1))), '{"value":1}');
    assert.equal(text(await cache.json('a', build(99))), '{"value":1}');
    await cache.json('b', build(2));
    await cache.json('a', build(99)); // a is now more recent than b
    await cache.json('c', build(3)); // evicts b
    assert.equal(text(await cache.json('a', build(99))), '{"value":1}');
    assert.equal(text(await cache.json('b', build(4))), '{"value":4}');
    assert.equal(builds, 4);
  });

  it('forgets the least recently used bodies beyond its byte budget, but keeps the newest', async () => {
    const cache = viewCache(10, 30);
    let builds = 0;
    const build = (text: string) => () => ((builds += 1), text);
    await cache.json('a', build('a'.repeat(10))); // 12 bytes with the quotes
    await cache.json('b', build('b'.repeat(10))); // 24
    await cache.json('c', build('c'.repeat(10))); // 36 > 30: a goes
    await cache.json('b', build('x'));
    await cache.json('a', build('a'.repeat(10)));
    assert.equal(builds, 4);
    assert.equal(text(await cache.json('huge', build('h'.repeat(100)))), JSON.stringify('h'.repeat(100)));
    assert.equal(text(await cache.json('huge', build('other'))), JSON.stringify('h'.repeat(100)));
    assert.equal(builds, 5);
  });
});
