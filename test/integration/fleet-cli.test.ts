/** `quotaplan fleet` through the built CLI: the default view, the fleet plan's exit codes, one tree per cluster. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store/open.js';
import { runCli } from '../support/cli.js';
import { FLEET_TEAMS, fleetMembers } from '../unit/fleet/builders.js';

describe('quotaplan fleet', () => {
  let dir: string;
  let db: string;
  let teams: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quotaplan-fleet-cli-'));
    db = join(dir, 'fleet.db');
    teams = join(dir, 'fleet.yaml');
    writeFileSync(teams, FLEET_TEAMS);
    const store = await openStore({ file: db });
    for (const member of fleetMembers()) {
      await store.saveSnapshot({ cluster: { name: member.cluster }, takenAt: new Date('2026-07-01T00:00:00Z'), source: { kind: 'file', ref: 'x.json' }, inventory: member.inventory });
    }
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('without a subcommand shows the fleet view', async () => {
    const shown = await runCli(['fleet', '--db', db, '-o', 'json'], { cwd: dir });
    assert.equal(shown.code, 0, shown.stderr);
    const view = JSON.parse(shown.stdout) as { totals: unknown[] };
    // fleet-plan.test.ts's clusters: east 8 + 8 allocatable, west 4 + 8, nothing requested; plannable 8 + 12.
    assert.deepEqual(view.totals, [{ resource: 'nvidia.com/gpu', allocatable: '28', requested: '0', free: '28', plannable: '20', clusters: 2 }]);
  });

  test('plan refuses a fleet teams file (exit 2, nothing stored); fleet plan --save stores both plans; fleet emit writes both trees', async () => {
    const single = await runCli(['plan', '--teams', teams, '--db', db, '--cluster', 'east', '--save'], { cwd: dir });
    assert.equal(single.code, 2);
    assert.match(single.stderr, /teams\[1\]\.resources\.nvidia\.com\/gpu\.clusters: bounds per cluster plan a fleet: use `quotaplan fleet plan`/);
    const planned = await runCli(['fleet', 'plan', '--teams', teams, '--db', db, '--save', '-o', 'json'], { cwd: dir });
    assert.equal(planned.code, 0, planned.stderr);
    assert.equal(planned.stderr, 'stored plans (cycle 2026-Q4): east 1, west 2\n');
    const out = join(dir, 'gitops');
    const emitted = await runCli(['fleet', 'emit', '--out', out, '--db', db], { cwd: dir });
    assert.equal(emitted.code, 0, emitted.stderr);
    assert.ok(existsSync(join(out, 'clusters/east/quotaplan-tree.txt')));
    assert.ok(existsSync(join(out, 'clusters/west/quotaplan-tree.txt')));
    assert.ok(existsSync(join(out, 'quotaplan-pr-body.md')));
  });
});
