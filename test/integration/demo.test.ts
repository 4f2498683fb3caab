/**
 * `quotaplan demo`: the bundled cluster's history, cycles and draft plan, and that it never replaces a database
 * holding a real cluster. Expected figures are derived by hand from src/demo/cluster.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { seedDemoDatabase } from '../../src/commands/demo.js';
import type { PlanJson } from '../../src/plan/plan-json.js';
import { formatResourceList } from '../../src/resources.js';
import { openStore } from '../../src/store/open.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('quotaplan demo', async () => {
  const file = join(dir, 'demo.db');
  // 2026-07-01T00:00Z (start of the previous quarter) to 2026-11-28T04:00Z is 3,604 hours: slots 0..3604 every 3 h.
  const seeded = await seedDemoDatabase(file, new Date('2026-11-28T04:17:00Z'));

  it('seeds snapshots every three hours from the start of the previous quarter to the current hour', async () => {
    assert.equal(seeded.snapshots, 1202);
    const store = await openStore({ file, create: false });
    try {
      const snapshots = await store.listSnapshots({ cluster: 'demo' });
      assert.equal(snapshots.length, 1202);
      assert.equal(snapshots[0]!.takenAt.toISOString(), '2026-07-01T00:00:00.000Z');
      assert.equal(snapshots.at(-1)!.takenAt.toISOString(), '2026-11-28T03:00:00.000Z');
    } finally {
      store.close();
    }
  });

  it('plans only healthy capacity: cordoned, transitional and failed devices are left out', async () => {
    const store = await openStore({ file, create: false });
    try {
      const latest = (await store.listSnapshots({ cluster: 'demo' })).at(-1)!;
      const plannable = formatResourceList((await store.loadInventory(latest.id)).plannable);
      // h100-0..4 (h100-3 has 7 healthy of 8; h100-5 cordoned) + a100-mig-0's 2 whole GPUs (a100-mig-1 is
      // mid-reconfiguration) + h200-mig-0's 16 single-strategy slices.
      assert.equal(plannable['nvidia.com/gpu'], '57');
      assert.equal(plannable['nvidia.com/mig-1g.10gb'], '7');
      assert.equal(plannable['nvidia.com/mig-3g.40gb'], '2');
      assert.equal(plannable['nvidia.com/gpu.shared'], '48');
      assert.equal(plannable['amd.com/gpu'], '16');
    } finally {
      store.close();
    }
  });

  it('approves the previous and current cycles and drafts the next, whose plan divides all GPUs but the reserve', async () => {
    assert.deepEqual(seeded.cycles, ['2026-Q3 (approved)', '2026-Q4 (approved)', '2027-Q1 (draft)']);
    const store = await openStore({ file, create: false });
    try {
      const cycles = await store.listCycles({ cluster: 'demo' });
      assert.deepEqual(
        cycles.map((c) => [c.name, c.state, c.approvedBy]),
        [
          ['2026-Q3', 'approved', 'head-of-ml@example.com'],
          ['2026-Q4', 'approved', 'head-of-ml@example.com'],
          ['2027-Q1', 'draft', null],
        ],
      );
      const draft = (await store.getPlan(seeded.draftPlanId)).plan as PlanJson;
      assert.equal(draft.cycle, '2027-Q1');
      const topLevelGpus = draft.allocations
        .filter((a) => a.resource === 'nvidia.com/gpu' && !a.team.includes('/'))
        .reduce((sum, a) => sum + BigInt(a.quota), 0n);
      assert.equal(topLevelGpus, 55n); // 57 plannable - 2 reserved
    } finally {
      store.close();
    }
  });

  it('replaces its own database on a second run', async () => {
    const again = await seedDemoDatabase(file, new Date('2026-11-28T04:17:00Z'));
    assert.equal(again.snapshots, 1202);
    assert.equal(again.draftPlanId, seeded.draftPlanId);
  });

  it('refuses to replace a database holding another cluster, and leaves it as it was', async () => {
    const real = join(dir, 'real.db');
    const fixture = join(REPO_ROOT, 'test/fixtures/cluster-mixed-gpu.json');
    const collected = await runCli(['collect', '--from-file', fixture, '--db', real, '--cluster', 'prod'], { cwd: dir });
    assert.equal(collected.code, 0, collected.stderr);
    const refused = await runCli(['demo', '--no-serve', '--db', real], { cwd: dir });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /real\.db holds cluster prod: the demo only replaces a demo database/);
    assert.ok(existsSync(real));
    const snapshots = await runCli(['snapshots', '--db', real, '-o', 'json'], { cwd: dir });
    assert.deepEqual(
      (JSON.parse(snapshots.stdout) as { cluster: string }[]).map((s) => s.cluster),
      ['prod'],
    );
  });
});
