/**
 * The fleet view and the fleet plan on the PostgreSQL store: the same answers as on SQLite
 * (test/unit/fleet/fleet-read.test.ts, fleet-plan.test.ts). A real server: run under the heavy-test lock.
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runFleetPlan } from '../../src/commands/fleet.js';
import { createApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/open.js';
import { eastWestFleetJson, FLEET_TEAMS, fleetMembers, fleetStore } from '../unit/fleet/builders.js';
import { freshDatabase, stopPostgres } from '../support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-pg-fleet-'));
after(async () => {
  await stopPostgres();
  rmSync(dir, { recursive: true, force: true });
});

describe('a fleet in PostgreSQL', () => {
  it('GET /api/fleet shows the newest snapshot of each cluster', async () => {
    const store = await fleetStore(await freshDatabase());
    const app = createApp({ store, clock: () => new Date('2026-07-02T00:00:00Z'), log: () => {} });
    const response = await app.request('/api/fleet');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), eastWestFleetJson({ east: 3, west: 2 }, { east: '2026-07-01T10:00:00.000Z', west: '2026-07-01T11:00:00.000Z' }));
    await store.close();
  });

  it('fleet plan --save stores one plan per cluster in one write', async () => {
    const db = await freshDatabase();
    const store = await openStore({ file: db });
    for (const member of fleetMembers()) {
      await store.saveSnapshot({ cluster: { name: member.cluster }, takenAt: new Date('2026-07-01T00:00:00Z'), source: { kind: 'file', ref: 'x.json' }, inventory: member.inventory });
    }
    const teams = join(dir, 'fleet.yaml');
    writeFileSync(teams, FLEET_TEAMS);
    const run = await runFleetPlan({ db, teams, save: true, output: 'json' }, { now: new Date('2026-07-02T00:00:00Z') });
    assert.deepEqual(run.stored, [
      { cluster: 'east', id: 1 },
      { cluster: 'west', id: 2 },
    ]);
    // fleet-plan.test.ts: east fraud 5, research 2, vision 1; west fraud 5, research 0, vision 7.
    const quotas = async (id: number) =>
      ((await store.getPlan(id)).plan as { allocations: Array<{ team: string; quota: string }> }).allocations.map((allocation) => [allocation.team, allocation.quota]);
    assert.deepEqual(await quotas(1), [
      ['fraud', '5'],
      ['research', '2'],
      ['vision', '1'],
    ]);
    assert.deepEqual(await quotas(2), [
      ['fraud', '5'],
      ['research', '0'],
      ['vision', '7'],
    ]);
    await store.close();
  });
});
