/** `quotaplan fleet plan --save` then `fleet emit`: one GitOps tree per cluster, cluster names checked as folders. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runFleetEmit, runFleetPlan } from '../../../src/commands/fleet.js';
import { openStore } from '../../../src/store/open.js';
import { FLEET_TEAMS, fleetMembers } from './builders.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-fleet-emit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const NOW = { now: new Date('2026-07-02T00:00:00Z') };
let count = 0;

/** A store holding the two clusters of fleet-plan.test.ts (renamed as asked) and the fleet teams file beside it. */
async function fleetFiles(names: { east: string; west: string } = { east: 'east', west: 'west' }) {
  count += 1;
  const db = join(dir, `fleet-${count}.db`);
  const teams = join(dir, `fleet-${count}.yaml`);
  writeFileSync(teams, FLEET_TEAMS.replace('east: {', `${JSON.stringify(names.east)}: {`).replace('west: {', `${JSON.stringify(names.west)}: {`));
  const store = await openStore({ file: db });
  for (const member of fleetMembers()) {
    const name = member.cluster === 'east' ? names.east : names.west;
    await store.saveSnapshot({ cluster: { name }, takenAt: new Date('2026-07-01T00:00:00Z'), source: { kind: 'file', ref: `${name}.json` }, inventory: member.inventory });
  }
  await store.close();
  return { db, teams, out: join(dir, `out-${count}`) };
}

const gpuQuota = (file: string): string | undefined => /requests\.nvidia\.com\/gpu: "?([^"\n]+)"?/.exec(readFileSync(file, 'utf8'))?.[1];

describe('fleet plan --save and fleet emit', () => {
  it("stores every cluster's plan in one write and emits each as its own tree", async () => {
    const { db, teams, out } = await fleetFiles();
    const run = await runFleetPlan({ db, teams, save: true, output: 'table' }, NOW);
    assert.deepEqual(run.stored, [
      { cluster: 'east', id: 1 },
      { cluster: 'west', id: 2 },
    ]);
    const lines = await runFleetEmit({ db, out, target: 'resourcequota' });
    assert.equal(lines.length, 2);
    assert.deepEqual(readdirSync(join(out, 'clusters')).sort(), ['east', 'west']);
    // Teams with one namespace in the cluster: their whole quota (fleet-plan.test.ts: east vision 1, research 2; west vision 7).
    assert.equal(gpuQuota(join(out, 'clusters/east/namespaces/vision/resourcequota.yaml')), '1');
    assert.equal(gpuQuota(join(out, 'clusters/east/namespaces/research/resourcequota.yaml')), '2');
    assert.equal(gpuQuota(join(out, 'clusters/west/namespaces/vision/resourcequota.yaml')), '7');
    const store = await openStore({ file: db });
    assert.deepEqual(
      (await store.listPlans()).map((plan) => [plan.id, plan.cluster, plan.cycle]),
      [
        [1, 'east', '2026-Q4'],
        [2, 'west', '2026-Q4'],
      ],
    );
    assert.match((await store.getPlan(2)).teamsYaml, /^# The teams file of cluster "west", divided by quotaplan fleet plan/);
    await store.close();
  });

  it('refuses, before writing anything, two clusters whose names become one folder', async () => {
    const { db, teams, out } = await fleetFiles({ east: 'Prod', west: 'prod' });
    await runFleetPlan({ db, teams, save: true, output: 'table' }, NOW);
    await assert.rejects(runFleetEmit({ db, out, target: 'resourcequota' }), {
      message: 'clusters "Prod" and "prod" would share the folder clusters/prod: rename one (collect --cluster) before emitting the fleet; nothing written',
    });
    assert.equal(existsSync(out), false);
  });

  it('keeps a cluster named like a path inside its own folder', async () => {
    const { db, teams, out } = await fleetFiles({ east: '../../escape', west: 'west' });
    await runFleetPlan({ db, teams, save: true, output: 'table' }, NOW);
    await runFleetEmit({ db, out, target: 'resourcequota' });
    assert.deepEqual(readdirSync(out), ['clusters']);
    assert.deepEqual(readdirSync(join(out, 'clusters')).sort(), ['escape', 'west']);
    assert.equal(existsSync(join(dir, 'escape')), false);
  });
});
