/** The fleet view read from a store: by `quotaplan fleet` and `GET /api/fleet`, the newest snapshot of each cluster. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runFleet } from '../../../src/commands/fleet.js';
import { createApp } from '../../../src/server/app.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { eastWestFleetJson, fleetInventory, fleetStore, gpuNode } from './builders.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-fleet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// east's newest snapshot is id 3 (stored last), west's id 2.
const EXPECTED = eastWestFleetJson({ east: 3, west: 2 }, { east: '2026-07-01T10:00:00.000Z', west: '2026-07-01T11:00:00.000Z' });

describe('the fleet view of a store', () => {
  it('quotaplan fleet -o json shows the newest snapshot of each cluster with a snapshot', async () => {
    const file = join(dir, 'cli.db');
    await (await fleetStore(file)).close();
    assert.deepEqual(JSON.parse(await runFleet({ db: file, output: 'json' })), EXPECTED);
  });

  it('computes the figures of a snapshot saved before the store kept them from its inventory', async () => {
    const file = join(dir, 'before.db');
    const store = await fleetStore(file);
    assert.ok(store instanceof SqliteStore);
    // As a database written before migration 0001 (figures_blob): no figures kept for any snapshot.
    store.sqlite.prepare('UPDATE snapshots SET figures_blob = NULL').run();
    assert.equal(await store.clusterFigures(3), null);
    await store.close();
    assert.deepEqual(JSON.parse(await runFleet({ db: file, output: 'json' })), EXPECTED);
  });

  it('GET /api/fleet answers the same, and follows a snapshot stored after the first request', async () => {
    const store = await fleetStore(':memory:');
    const app = createApp({ store, clock: () => new Date('2026-07-02T00:00:00Z'), log: () => {} });
    const first = await app.request('/api/fleet');
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), EXPECTED);
    await store.saveSnapshot({
      cluster: { name: 'west' },
      takenAt: new Date('2026-07-01T12:00:00Z'),
      source: { kind: 'file', ref: 'west.json' },
      inventory: fleetInventory([gpuNode({ name: 'w3', model: 'A100', gpus: '4', requested: '1' })]),
    });
    const second = (await (await app.request('/api/fleet')).json()) as typeof EXPECTED;
    assert.deepEqual(second.totals, [{ resource: 'nvidia.com/gpu', allocatable: '20', requested: '9', free: '11', plannable: '12', clusters: 2 }]);
    assert.deepEqual(
      second.clusters.map((cluster) => [cluster.cluster, cluster.snapshotId]),
      [
        ['east', 3],
        ['west', 4],
      ],
    );
    await store.close();
  });
});
