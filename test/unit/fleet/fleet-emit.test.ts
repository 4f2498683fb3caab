/** `quotaplan fleet plan --save` then `fleet emit`: one GitOps tree per cluster, cluster names checked as folders. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runFleetEmit, runFleetPlan } from '../../../src/commands/fleet.js';
import type { ResourceQuotaFacts } from '../../../src/inventory/types.js';
import { parseResourceList } from '../../../src/resources.js';
import { openStore } from '../../../src/store/open.js';
import { FLEET_TEAMS, fleetMembers } from './builders.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-fleet-emit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const NOW = { now: new Date('2026-07-02T00:00:00Z') };
let count = 0;

/** A store holding the two clusters of fleet-plan.test.ts (renamed as asked) and the fleet teams file beside it. */
async function fleetFiles(names: { east: string; west: string } = { east: 'east', west: 'west' }, quotas: { east?: ResourceQuotaFacts[] } = {}) {
  count += 1;
  const db = join(dir, `fleet-${count}.db`);
  const teams = join(dir, `fleet-${count}.yaml`);
  writeFileSync(teams, FLEET_TEAMS.replace('east: {', `${JSON.stringify(names.east)}: {`).replace('west: {', `${JSON.stringify(names.west)}: {`));
  const store = await openStore({ file: db });
  for (const member of fleetMembers()) {
    const name = member.cluster === 'east' ? names.east : names.west;
    if (member.cluster === 'east') member.inventory.resourceQuotas.push(...(quotas.east ?? []));
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
    assert.equal(lines.length, 3);
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
    assert.deepEqual(readdirSync(out).sort(), ['clusters', 'quotaplan-pr-body.md']);
    assert.deepEqual(readdirSync(join(out, 'clusters')).sort(), ['escape', 'west']);
    assert.equal(existsSync(join(dir, 'escape')), false);
  });

  it("writes one PR body at the tree's root: every cluster's tree, then its quotas in force and planned, names escaped", async () => {
    // vision's quota in east is 4 GPUs today, 2 of them used (its status), and the plan gives it 1.
    const gpuQuota4 = parseResourceList({ 'requests.nvidia.com/gpu': '4' });
    const visionQuota = { namespace: 'vision', name: 'gpu-quota', hard: gpuQuota4, statusHard: gpuQuota4, used: parseResourceList({ 'requests.nvidia.com/gpu': '2' }), scopes: [], scopeSelector: [] };
    const { db, teams, out } = await fleetFiles({ east: 'east', west: 'west_*1*' }, { east: [visionQuota] });
    await runFleetPlan({ db, teams, save: true, output: 'table' }, NOW);
    const lines = await runFleetEmit({ db, out, target: 'resourcequota' });
    assert.equal(lines.at(-1), `fleet emit: PR body of 2 clusters in ${join(out, 'quotaplan-pr-body.md')}`);
    assert.deepEqual(readdirSync(out).sort(), ['clusters', 'quotaplan-pr-body.md']);
    assert.deepEqual(readdirSync(join(out, 'clusters')).sort(), ['east', 'west_-1']);
    // Worked by hand (fleet-plan.test.ts): east fraud 5, research 2, vision 1; west fraud 5, vision 7, research 0.
    // The derived teams file keeps every namespace the team lists, so each cluster's fraud quota is split over
    // fraud-serve and fraud-train alike: none used, an even split of 5 is 3 and 2, the extra unit to the first name.
    // east's keys: fraud-serve, fraud-train, research new, vision lowered 4 -> 1 (-3); west's four keys all new.
    const teamsInMarkdown = teams.replace(/[_*]/g, (c) => `\\${c}`);
    const cluster = (name: string, namespaces: string) =>
      [
        `#### fraud`,
        '',
        'Namespaces: `fraud-serve` (ResourceQuota quotaplan, new), `fraud-train` (ResourceQuota quotaplan, new)',
        '',
        '| Key | Current hard | New hard | Change | Current use |',
        '|---|---:|---:|---:|---:|',
        '| `requests.nvidia.com/gpu` | - | 5 | new | 0 |',
        '',
        'Split across namespaces:',
        '',
        '| Namespace | Key | Current hard | New hard | Change | Current use |',
        '|---|---|---:|---:|---:|---:|',
        `| fraud-serve | \`requests.nvidia.com/gpu\` | - | 3 | new | ${namespaces.includes('fraud-serve') ? '0' : '-'} |`,
        `| fraud-train | \`requests.nvidia.com/gpu\` | - | 2 | new | ${namespaces.includes('fraud-train') ? '0' : '-'} |`,
        '',
        `#### research`,
        '',
        'Namespaces: `research` (ResourceQuota quotaplan, new)',
        '',
        '| Key | Current hard | New hard | Change | Current use |',
        '|---|---:|---:|---:|---:|',
        `| \`requests.nvidia.com/gpu\` | - | ${name === 'east' ? '2 | new | 0' : '0 | new | -'} |`,
        '',
        `#### vision`,
        '',
      ].join('\n');
    const expected = [
      '# Fleet quotas: 2 clusters',
      '',
      "Each cluster's latest plan, written as its own tree below this folder. Keys per cluster:",
      '',
      '| Cluster | Tree | Plan | Cycle | Teams | Namespaces | Raised | Lowered | New | Unchanged | Flags |',
      '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|',
      '| east | `clusters/east/` | 1 | 2026-Q4 | 3 | 4 | 0 | 1 | 3 | 0 | 1 |',
      '| west\\_\\*1\\* | `clusters/west_-1/` | 2 | 2026-Q4 | 3 | 4 | 0 | 0 | 4 | 0 | 2 |',
      '',
      '## Quotas for 2026-Q4 (plan 1, cluster east)',
      '',
      '3 teams, 4 namespaces: 0 raised, 1 lowered, 3 new, 0 unchanged keys.',
      '',
      '### Flags',
      '',
      '#### Namespaces not found (1)',
      '',
      '- fraud-serve: namespace is not in the snapshot; applying fails until it exists',
      '',
      '### Plan warnings',
      '',
      `- fraud: namespace fraud-serve is not in the cluster (${teamsInMarkdown} (cluster east): teams\\[0\\]): applying its quota there fails until it exists`,
      '',
      '### Changes by team',
      '',
      cluster('east', 'fraud-train research vision'),
      'Namespaces: `vision` (ResourceQuota gpu-quota)',
      '',
      '| Key | Current hard | New hard | Change | Current use |',
      '|---|---:|---:|---:|---:|',
      '| `requests.nvidia.com/gpu` | 4 | 1 | -3 | 0 |',
      '',
      '## Quotas for 2026-Q4 (plan 2, cluster west\\_\\*1\\*)',
      '',
      '3 teams, 4 namespaces: 0 raised, 0 lowered, 4 new, 0 unchanged keys.',
      '',
      '### Flags',
      '',
      '#### Namespaces not found (2)',
      '',
      '- fraud-train: namespace is not in the snapshot; applying fails until it exists',
      '- research: namespace is not in the snapshot; applying fails until it exists',
      '',
      '### Plan warnings',
      '',
      `- fraud: namespace fraud-train is not in the cluster (${teamsInMarkdown} (cluster west\\_\\*1\\*): teams\\[0\\]): applying its quota there fails until it exists`,
      `- research: none of its namespaces (research) is in the cluster (${teamsInMarkdown} (cluster west\\_\\*1\\*): teams\\[2\\]): its quota applies nowhere, and applying it fails, until they exist`,
      '',
      '### Changes by team',
      '',
      cluster('west', 'fraud-serve vision'),
      'Namespaces: `vision` (ResourceQuota quotaplan, new)',
      '',
      '| Key | Current hard | New hard | Change | Current use |',
      '|---|---:|---:|---:|---:|',
      '| `requests.nvidia.com/gpu` | - | 7 | new | 0 |',
      '',
    ].join('\n');
    assert.equal(readFileSync(join(out, 'quotaplan-pr-body.md'), 'utf8'), expected);
    // The trees carry the same figures: east's vision quota is the existing gpu-quota, now 1.
    assert.equal(gpuQuota(join(out, 'clusters/east/namespaces/vision/resourcequota.yaml')), '1');
    assert.equal(gpuQuota(join(out, 'clusters/west_-1/namespaces/vision/resourcequota.yaml')), '7');
  });
});
