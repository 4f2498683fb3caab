import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createApp } from '../../../src/server/app.js';
import { seededStore } from './seed.js';

const store = await seededStore({ hours: 2 });
after(() => store.close());
const app = createApp({ store, clock: () => new Date('2026-07-02T00:00:00Z'), token: 's3cret', log: () => {} });

describe('the dashboard app', () => {
  it('serves the page with a strict content security policy and no inline scripts', async () => {
    const response = await app.request('/');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const html = await response.text();
    assert.doesNotMatch(html, /<script>(?!<\/script>)/, 'no inline script blocks');
    assert.doesNotMatch(html, /https?:\/\//, 'nothing loaded from another origin');
  });

  it('serves chart.js from node_modules', async () => {
    const response = await app.request('/vendor/chart.umd.js');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match((await response.text()).slice(0, 200), /Chart\.js v4/);
  });

  it('answers unknown paths with a JSON 404 naming the path', async () => {
    for (const path of ['/nope.html', '/api/nope', '/../package.json', '/%2e%2e/package.json']) {
      const response = await app.request(path);
      assert.equal(response.status, 404, path);
      assert.equal((await response.json()).field, 'path');
    }
  });

  it('tells the page which cluster it shows and that changes need the token', async () => {
    const response = await app.request('/api/meta');
    assert.deepEqual(await response.json(), { version: '0.1.0', clusters: ['demo'], cluster: 'demo', writers: ['token'], readersNeedAuth: false });
  });

  it('lists the stored snapshots oldest first', async () => {
    const body = await (await app.request('/api/snapshots')).json();
    assert.deepEqual(
      body.snapshots.map((s: { id: number; takenAt: string }) => [s.id, s.takenAt]),
      [
        [1, '2026-07-01T00:00:00.000Z'],
        [2, '2026-07-01T01:00:00.000Z'],
      ],
    );
  });
});

describe('GET /api/capacity', () => {
  it('sums the H100 pool: 6 nodes, 48 GPUs, one failed, one node cordoned, 26 requested', async () => {
    const response = await app.request('/api/capacity?snapshot=latest');
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.snapshot.id, 2);
    const h100 = body.groups.find((g: { pool: string; resource: string }) => g.pool === 'h100' && g.resource === 'nvidia.com/gpu');
    // By hand from src/demo/cluster.ts at the last hour: fraud-train 4 pods x 4 on h100-0/1, recsys 1 x 2 on h100-2,
    // nlp-train 8-GPU pods: one fits (h100-4), the second finds no node with 8 free. h100-3 has 7 allocatable,
    // h100-5 is cordoned (not plannable, no pods).
    assert.deepEqual(
      {
        nodes: h100.nodes,
        physical: h100.physical,
        capacity: h100.capacity,
        allocatable: h100.allocatable,
        requested: h100.requested,
        free: h100.free,
        plannable: h100.plannable,
        unhealthy: h100.unhealthy,
        gpuEquivalent: h100.gpuEquivalent,
      },
      {
        nodes: 6,
        physical: 48,
        capacity: '48',
        allocatable: '47',
        requested: '26',
        free: '13',
        plannable: '39',
        unhealthy: '1',
        gpuEquivalent: { capacity: 48, allocatable: 47, requested: 26, free: 13, plannable: 39 },
      },
    );
  });

  it('shows a mixed-MIG slice as what it is and as a fraction of a GPU', async () => {
    const body = await (await app.request('/api/capacity')).json();
    const slice = body.groups.find((g: { resource: string }) => g.resource === 'nvidia.com/mig-3g.40gb');
    // Two A100 nodes x 2 slices of 3g.40gb (3/7 of a GPU each); a100-mig-1 is transitional, so only 2 are plannable.
    assert.equal(slice.capacity, '4');
    assert.equal(slice.plannable, '2');
    assert.equal(slice.sharing, 'mig');
    assert.equal(slice.migProfile, '3g.40gb');
    assert.equal(slice.gpuEquivalentPerUnit, 0.428571);
    assert.equal(slice.gpuEquivalent.capacity, 1.714286);
  });

  it('shows time-sliced T4 replicas as a quarter GPU each', async () => {
    const body = await (await app.request('/api/capacity')).json();
    const shared = body.groups.find((g: { resource: string }) => g.resource === 'nvidia.com/gpu.shared');
    assert.deepEqual([shared.capacity, shared.physical, shared.gpuEquivalentPerUnit, shared.gpuEquivalent.capacity], ['48', 12, 0.25, 12]);
  });

  it('lists the nodes needing attention with their reasons', async () => {
    const body = await (await app.request('/api/capacity')).json();
    const reasons = Object.fromEntries(body.attention.map((n: { name: string; reasons: string[] }) => [n.name, n.reasons]));
    assert.deepEqual(reasons['h100-3'], ['1 unhealthy nvidia.com/gpu']);
    assert.ok(reasons['h100-5'].includes('cordoned'));
    assert.ok(reasons['a100-mig-1'].some((r: string) => r.startsWith('transitional')));
  });

  it('lists every pool, CPU pools and their untrusted names included, as data', async () => {
    const body = await (await app.request('/api/capacity')).json();
    assert.deepEqual(
      body.pools.map((p: { pool: string; nodes: number; plannableNodes: number; physicalAccelerators: number }) => [p.pool, p.nodes, p.plannableNodes, p.physicalAccelerators]),
      [
        // Sorted by code unit: '<' sorts before letters.
        ['<img src=x onerror=alert(1)>', 1, 1, 0],
        ['a100-mig', 2, 1, 8],
        ['general', 6, 6, 0],
        ['h100', 6, 5, 48],
        ['h200-mig', 1, 1, 8],
        ['mi300x', 2, 2, 16],
        ['t4-shared', 3, 3, 12],
      ],
    );
  });

  it('refuses a malformed snapshot reference with 400 naming the field', async () => {
    const response = await app.request('/api/capacity?snapshot=abc');
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.field, 'snapshot');
  });

  it('answers 404 for a snapshot id that does not exist', async () => {
    const response = await app.request('/api/capacity?snapshot=999');
    assert.equal(response.status, 404);
    assert.equal((await response.json()).field, 'snapshot');
  });
});

describe('a database holding several clusters', () => {
  it('asks which cluster (400 naming it) and answers for the one named', async () => {
    const { demoInventory } = await import('./seed.js');
    const two = await seededStore({ hours: 1 });
    await two.saveSnapshot({ cluster: { name: 'other' }, takenAt: new Date('2026-07-05T00:00:00Z'), source: { kind: 'file', ref: 'other.json' }, inventory: demoInventory(0, 1) });
    const multi = createApp({ store: two, clock: () => new Date(0), log: () => {} });
    const meta = await (await multi.request('/api/meta')).json();
    assert.deepEqual([meta.clusters, meta.cluster], [['demo', 'other'], null]);
    const ambiguous = await multi.request('/api/capacity');
    assert.equal(ambiguous.status, 400);
    assert.equal((await ambiguous.json()).field, 'cluster');
    const chosen = await (await multi.request('/api/capacity?cluster=other')).json();
    assert.deepEqual([chosen.snapshot.cluster, chosen.snapshot.id], ['other', 2]);
    assert.equal((await multi.request('/api/history?cluster=other')).status, 200);
    await two.close();
  });
});

describe('the inventory cache', () => {
  it('loads a snapshot once while it is recent, and forgets the least recently used beyond its size', async () => {
    const { inventoryCache } = await import('../../../src/server/inventory-cache.js');
    const cache = inventoryCache(store, 1);
    const first = await cache(1);
    assert.equal(await cache(1), first);
    assert.deepEqual(first, await store.loadInventory(1));
    await cache(2);
    assert.notEqual(await cache(1), first, 'snapshot 1 was evicted by snapshot 2 and loaded again');
  });
});
