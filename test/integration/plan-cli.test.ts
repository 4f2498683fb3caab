/** `quotaplan plan` through the real CLI entry, with dumps, a database and the example teams file. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/open.js';
import { runCli, type CliResult } from '../support/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/cluster-mixed-gpu.json', import.meta.url));
const TEAMS = fileURLToPath(new URL('../../examples/teams.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quotaplan-plan-cli-'));

const quotaplan = (...args: string[]): Promise<CliResult> => runCli(args, { cwd: dir });

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface PlanOut {
  allocations: { team: string; resource: string; quota: string; binding: string }[];
  warnings: { kind: string; team: string | null }[];
}

function gpuQuotas(out: PlanOut): string[][] {
  return out.allocations.filter((a) => a.resource === 'nvidia.com/gpu').map((a) => [a.team, a.quota, a.binding]);
}

describe('quotaplan plan', () => {
  it('plans the example teams on a dump without storing anything', async () => {
    const run = await quotaplan('plan', '--teams', TEAMS, '--from-file', FIXTURE, '-o', 'json');
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    // 29 plannable - 2 reserved = 27. Top: platform (guarantee 8 + 2, demand 16 + 8) and research (demand 12)
    // share the 17 left after guarantees equally: 8 1/2 each, the tied extra unit to "platform".
    // Inside platform's 19: fraud 8 + 3/4 of 9, vision 2 + 1/4 of 9 -> 14 3/4 and 4 1/4.
    assert.deepEqual(gpuQuotas(JSON.parse(run.stdout) as PlanOut), [
      ['platform', '19', 'share'],
      ['platform/fraud', '15', 'share'],
      ['platform/vision', '4', 'share'],
      ['research', '8', 'share'],
    ]);
    assert.equal(existsSync(join(dir, 'quotaplan.db')), false);
  });

  it('stores the plan with --save, compares the next plan with it, and plans on a stored snapshot', async () => {
    const db = join(dir, 'stored.db');
    const first = await quotaplan('plan', '--teams', TEAMS, '--from-file', FIXTURE, '--db', db, '--save', '-o', 'json');
    assert.equal(first.code, 0);
    assert.equal(first.stderr, 'stored plan 1 (cluster cluster-mixed-gpu, cycle 2026-Q4)\n');

    const collect = await quotaplan('collect', '--from-file', FIXTURE, '--db', db, '--taken-at', '2026-11-01T00:00:00Z');
    assert.equal(collect.code, 0, collect.stderr);
    const second = await quotaplan('plan', '--teams', TEAMS, '--snapshot', 'latest', '--db', db, '--save', '-o', 'json');
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, 'stored plan 2 (cluster cluster-mixed-gpu, cycle 2026-Q4)\n');
    assert.equal(second.stdout, first.stdout);

    const store = await openStore({ file: db });
    try {
      assert.deepEqual((await store.listPlans()).map((p) => [p.id, p.cycle, p.snapshotId]), [[1, '2026-Q4', null], [2, '2026-Q4', 1]]);
      assert.equal(`${JSON.stringify((await store.getPlan(2)).plan, null, 2)}\n`, second.stdout);
    } finally {
      await store.close();
    }
  });

  it('looks without storing unless --save: latest stays the plan stored last, however often one looks', async () => {
    const db = join(dir, 'looking.db');
    const collect = await quotaplan('collect', '--from-file', FIXTURE, '--db', db, '--taken-at', '2026-11-01T00:00:00Z');
    assert.equal(collect.code, 0, collect.stderr);
    const saved = await quotaplan('plan', '--teams', TEAMS, '--db', db, '--save', '-o', 'json');
    assert.equal(saved.stderr, 'stored plan 1 (cluster cluster-mixed-gpu, cycle 2026-Q4)\n');
    const other = file('other.yaml', 'cycle: 2027-Q1\nteams:\n  - {name: a, namespaces: [fraud-train], resources: {nvidia.com/gpu: {}}}\n');
    const asJson = await quotaplan('plan', '--teams', other, '--db', db, '-o', 'json');
    assert.equal(asJson.code, 0, asJson.stderr);
    assert.equal(asJson.stderr, '');
    assert.equal((JSON.parse(asJson.stdout) as { cycle: string }).cycle, '2027-Q1');
    const asTable = await quotaplan('plan', '--teams', other, '--db', db);
    assert.equal(asTable.code, 0, asTable.stderr);
    assert.equal(asTable.stderr, 'not stored: add --save to store it for emit, apply and cycles\n');
    const store = await openStore({ file: db });
    try {
      assert.deepEqual((await store.listPlans()).map((p) => [p.id, p.cycle]), [[1, '2026-Q4']]);
    } finally {
      await store.close();
    }
    const emitted = await quotaplan('emit', '--plan', 'latest', '--db', db, '-o', 'yaml');
    assert.equal(emitted.code, 0, emitted.stderr);
    assert.match(emitted.stdout, /namespace: fraud-serve/);
  });

  it('fails an infeasible plan with exit code 4 and stores nothing', async () => {
    const db = join(dir, 'infeasible.db');
    const teams = file(
      'greedy.yaml',
      'cycle: q\nteams:\n  - {name: a, namespaces: [a], resources: {nvidia.com/gpu: {guarantee: "20"}}}\n  - {name: b, namespaces: [b], resources: {nvidia.com/gpu: {guarantee: "10"}}}\n',
    );
    const run = await quotaplan('plan', '--teams', teams, '--from-file', FIXTURE, '--db', db, '--save');
    assert.equal(run.code, 4);
    assert.equal(
      run.stderr,
      'quotaplan: infeasible plan: nvidia.com/gpu guarantees of the top-level teams sum to 30 but the cluster has 29 (capacity 29 - reserve 0) [a: 20, b: 10]\n',
    );
    const store = await openStore({ file: db });
    try {
      assert.deepEqual(await store.listPlans(), []);
    } finally {
      await store.close();
    }
  });

  it('refuses a namespace claimed by two teams (by name and by selector) with exit code 2, naming both, and stores nothing', async () => {
    const db = join(dir, 'two-owners.db');
    const teams = file(
      'two-owners.yaml',
      'cycle: q\nteams:\n  - {name: fraud, namespaces: [fraud-train], resources: {nvidia.com/gpu: {}}}\n' +
        '  - {name: cost, selector: {cost-centre: cc-114}, resources: {nvidia.com/gpu: {}}}\n',
    );
    const run = await quotaplan('plan', '--teams', teams, '--from-file', FIXTURE, '--db', db, '--save');
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `quotaplan: ${teams}: namespace fraud-train is claimed by two teams: fraud (namespaces, teams[0]) and ` +
        'cost (selector cost-centre=cc-114, teams[1]); a namespace belongs to one team (its use would count twice and its quota be written twice)\n',
    );
    assert.equal(run.stdout, '');
    const store = await openStore({ file: db });
    try {
      assert.deepEqual(await store.listPlans(), []);
    } finally {
      await store.close();
    }
  });

  it('warns about a resource the cluster does not have, and --strict refuses it with exit code 2 and stores nothing', async () => {
    const teams = file('typo.yaml', 'cycle: q\nteams:\n  - {name: a, namespaces: [a], resources: {nvidia.com/gpus: {demand: "4"}, cpu: {}}}\n');
    const warned = await quotaplan('plan', '--teams', teams, '--from-file', FIXTURE, '-o', 'json');
    assert.equal(warned.code, 0, warned.stderr);
    const out = JSON.parse(warned.stdout) as Omit<PlanOut, 'warnings'> & { warnings: { kind: string; team: string | null; message: string }[] };
    assert.deepEqual(out.allocations.filter((a) => a.resource === 'nvidia.com/gpus').map((a) => [a.team, a.quota]), [['a', '0']]);
    const warning = out.warnings.find((w) => w.kind === 'unknown-resource');
    assert.match(
      warning?.message ?? '',
      new RegExp(`^a: the cluster has no resource nvidia\\.com/gpus \\(${teams.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: teams\\[0\\]\\.resources\\.nvidia\\.com/gpus\\), so its quota is 0; nearest the cluster has: nvidia\\.com/gpu, `),
    );

    const db = join(dir, 'strict.db');
    const refused = await quotaplan('plan', '--teams', teams, '--from-file', FIXTURE, '--db', db, '--save', '--strict');
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.equal(refused.stderr, `quotaplan: ${teams}: refused under --strict: ${warning?.message}\n`);
    const store = await openStore({ file: db });
    try {
      assert.deepEqual(await store.listPlans(), []);
    } finally {
      await store.close();
    }
  });

  it('rejects a bad teams file with exit code 2, naming file, path and value', async () => {
    const teams = file('bad.yaml', 'cycle: q\nteams:\n  - {name: a, namespaces: [a], resources: {nvidia.com/gpu: {cap: "x1"}}}\n');
    const run = await quotaplan('plan', '--teams', teams, '--from-file', FIXTURE);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `quotaplan: ${teams}: teams[0].resources.nvidia.com/gpu.cap: invalid quantity: expected a quantity such as "8", "500m" or "32Gi" (got "x1")\n`,
    );
    const missing = await quotaplan('plan', '--teams', join(dir, 'nope.yaml'), '--from-file', FIXTURE);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `quotaplan: ${join(dir, 'nope.yaml')}: cannot read teams file: no such file\n`);
  });
});
