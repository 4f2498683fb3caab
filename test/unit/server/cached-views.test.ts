import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createApp } from '../../../src/server/app.js';
import { DEMO_TEAMS, demoInventory, seededStore } from './seed.js';

const TOKEN = 'unit-test-token';
const NOW = new Date('2026-07-02T00:00:00Z');
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

async function setup() {
  const store = await seededStore({ hours: 2 });
  const app = createApp({ store, clock: () => NOW, token: TOKEN, log: () => {} });
  const savePlan = async (): Promise<number> => {
    const response = await app.request('/api/plans', { method: 'POST', headers: auth, body: JSON.stringify({ teamsYaml: DEMO_TEAMS }) });
    assert.equal(response.status, 201);
    return ((await response.json()) as { id: number }).id;
  };
  const text = async (path: string): Promise<string> => {
    const response = await app.request(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), 'application/json');
    return response.text();
  };
  return { store, app, savePlan, text };
}

describe('views kept per snapshot and plan', () => {
  it('answer a repeated request with the same body as a new app would', async () => {
    const { store, savePlan, text } = await setup();
    await savePlan();
    const fresh = createApp({ store, clock: () => NOW, log: () => {} });
    for (const path of ['/api/capacity?snapshot=latest', '/api/teams?plan=latest', '/api/plans/latest', '/api/plans/1']) {
      const first = await text(path);
      assert.equal(await text(path), first, path);
      assert.equal(await (await fresh.request(path)).text(), first, path);
    }
    await store.close();
  });

  it('follow `latest` to a plan saved and a snapshot collected after the first request', async () => {
    const { store, savePlan, text } = await setup();
    await savePlan();
    assert.equal(JSON.parse(await text('/api/plans/latest')).id, 1);
    assert.equal(JSON.parse(await text('/api/teams?plan=latest')).plan.id, 1);
    assert.equal(JSON.parse(await text('/api/capacity?snapshot=latest')).snapshot.id, 2);
    await store.saveSnapshot({ cluster: { name: 'demo' }, takenAt: NOW, source: { kind: 'file', ref: 'demo.json' }, inventory: demoInventory(2, 3) });
    assert.equal(await savePlan(), 2);
    assert.equal(JSON.parse(await text('/api/plans/latest')).id, 2);
    assert.equal(JSON.parse(await text('/api/plans/1')).id, 1);
    const teams = JSON.parse(await text('/api/teams?plan=latest'));
    assert.deepEqual([teams.plan.id, teams.snapshot.id], [2, 3]);
    assert.equal(JSON.parse(await text('/api/capacity?snapshot=latest')).snapshot.id, 3);
    await store.close();
  });

  it('still answer 404 for a plan id that names nothing, and name the missing plan of a cluster', async () => {
    const { store, app, savePlan } = await setup();
    const none = await app.request('/api/plans/latest');
    assert.equal(none.status, 400);
    assert.equal(((await none.json()) as { field: string }).field, 'plan');
    await savePlan();
    const missing = await app.request('/api/plans/7');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { field: string }).field, 'plan');
    assert.equal((await app.request('/api/teams?plan=7')).status, 404);
    await store.close();
  });

  it('list a snapshot collected after the first request', async () => {
    const { store, text } = await setup();
    assert.deepEqual(JSON.parse(await text('/api/snapshots')).snapshots.map((s: { id: number }) => s.id), [1, 2]);
    await store.saveSnapshot({ cluster: { name: 'demo' }, takenAt: NOW, source: { kind: 'file', ref: 'demo.json' }, inventory: demoInventory(2, 3) });
    assert.deepEqual(JSON.parse(await text('/api/snapshots?cluster=demo')).snapshots.map((s: { id: number }) => s.id), [1, 2, 3]);
    assert.deepEqual(JSON.parse(await text('/api/snapshots')).snapshots.map((s: { id: number }) => s.id), [1, 2, 3]);
    await store.close();
  });

  it('gzip a body for a client that accepts gzip, and only then', async () => {
    const { store, app, savePlan, text } = await setup();
    await savePlan();
    for (const path of ['/api/capacity', '/api/teams', '/api/plans/latest', '/api/history']) {
      const plain = await text(path);
      const zipped = await app.request(path, { headers: { 'Accept-Encoding': 'br, gzip, deflate' } });
      assert.equal(zipped.headers.get('content-encoding'), 'gzip', path);
      assert.equal(zipped.headers.get('vary'), 'Accept-Encoding', path);
      assert.equal(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8'), plain, path);
      const refused = await app.request(path, { headers: { 'Accept-Encoding': 'gzip;q=0, identity' } });
      assert.equal(refused.headers.get('content-encoding'), null, path);
      assert.equal(await refused.text(), plain, path);
    }
    await store.close();
  });
});
