import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rational, multiply } from '../../../src/rational.js';
import { formatQuantity } from '../../../src/quantity.js';
import { loadReview } from '../../../src/review/cycle-store.js';
import { unitsOfNanos } from '../../../src/review/figures.js';
import type { TeamUse } from '../../../src/review/review.js';
import { DEFAULT_RULES } from '../../../src/review/rules.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { planToJson } from '../../../src/plan/plan-json.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { openStore } from '../../../src/store/open.js';
import { labHistory, labInventory, Q4_END, Q4_HOURS, Q4_START, teamsYaml } from './history.js';

const HOUR = 3_600_000n;

function row(rows: readonly TeamUse[], team: string, resource: string): TeamUse {
  const found = rows.find((r) => r.team === team && r.resource === resource);
  assert.ok(found, `no row ${team} ${resource}`);
  return found;
}

describe('review of a generated quarter with known use', async () => {
  const { store } = await labHistory();
  const review = await loadReview(store, { cycle: '2026-Q4' });

  it('covers the whole quarter, from the snapshot before its start to the one after its end', async () => {
    assert.ok(review.coverage);
    assert.equal(review.coverage.from.getTime(), Q4_START);
    assert.equal(review.coverage.to.getTime(), Q4_END);
    assert.equal(review.coverage.coveredMs, BigInt(Q4_HOURS) * HOUR);
    // -5 h (holds into the quarter), 7.5, 300, 1324.8, 1500, 2207; the one at 2210 only closes it.
    assert.equal(review.coverage.snapshots, 6);
  });

  it('train: 4 GPUs for 60% and 8 for 40% gives average 5.6, p95 8, peak 8, 12364.8 of 22080 GPU-hours', async () => {
    const train = row(review.teams, 'train', 'nvidia.com/gpu');
    assert.equal(formatQuantity(train.quota), '10');
    assert.ok(train.figures);
    // 0.6 x 4 + 0.4 x 8 = 5.6 exactly.
    assert.deepEqual(unitsOfNanos(train.figures.averageNanos), rational(28n, 5n));
    assert.equal(formatQuantity(train.figures.p95), '8');
    assert.equal(formatQuantity(train.figures.peak), '8');
    // 5.6 x 2208 h = 12364.8; granted 10 x 2208 = 22080.
    assert.deepEqual(train.usedUnitHours, rational(61824n, 5n));
    assert.deepEqual(train.grantedUnitHours, rational(22080n));
    assert.deepEqual(train.averageOfQuota, rational(14n, 25n));
    assert.deepEqual(train.peakOfQuota, rational(4n, 5n));
    assert.deepEqual(train.gpuEquivalent, rational(1n));
  });

  it('MIG slices count as 1/7 GPU each: 7 slices all quarter are 2208 GPU-equivalent hours', async () => {
    const mig = row(review.teams, 'train', 'nvidia.com/mig-1g.10gb');
    assert.deepEqual(mig.gpuEquivalent, rational(1n, 7n));
    assert.deepEqual(mig.usedUnitHours, rational(15456n)); // 7 x 2208 slice-hours
    assert.deepEqual(multiply(mig.usedUnitHours, mig.gpuEquivalent!), rational(2208n));
    assert.equal(formatQuantity(mig.figures!.peak), '7');
  });

  it('idle: 1 GPU of a quota of 4 is 25%, below 50%: proposes demand 4 -> 1 (its p95)', async () => {
    const idle = row(review.teams, 'idle', 'nvidia.com/gpu');
    assert.deepEqual(idle.averageOfQuota, rational(1n, 4n));
    const proposal = review.proposals.find((p) => p.team === 'idle');
    assert.ok(proposal);
    assert.equal(proposal.kind, 'lower-demand');
    assert.equal(formatQuantity(proposal.demand!), '4');
    assert.equal(formatQuantity(proposal.proposedDemand!), '1');
    assert.match(proposal.reason, /average 1\.00 was 25\.0% of the quota 4 over 2208\.0 h/);
  });

  it('flags train for more MIG slices (peak 100% > 90%) and proposes nothing else', async () => {
    assert.deepEqual(
      review.proposals.map((p) => [p.kind, p.team, p.resource]),
      [
        ['lower-demand', 'idle', 'nvidia.com/gpu'],
        ['needs-more', 'train', 'nvidia.com/mig-1g.10gb'],
      ],
    );
  });

  it('warns that the next draft plan gives train 6 GPUs, below its p95 of 8', async () => {
    assert.deepEqual(
      review.warnings.map((w) => [w.kind, w.source, w.team, w.resource]),
      [
        ['use-above-new-quota', 'review', 'train', 'nvidia.com/gpu'],
        ['use-above-quota', 'next-plan', 'train', 'nvidia.com/gpu'],
      ],
    );
    assert.match(review.warnings[0]!.message, /p95 requests of nvidia\.com\/gpu over 2026-Q4 were 8 \(peak 8\), above its quota 6 in the 2027-Q1 plan/);
  });

  it('shows capacity growing from 12 to 16 GPUs since the previous cycle, in units and GPU-equivalents', async () => {
    const gpu = review.capacity.find((c) => c.resource === 'nvidia.com/gpu');
    assert.deepEqual(
      [gpu?.previousPlan, gpu?.thisPlan, gpu?.atStart, gpu?.atEnd, gpu?.nextPlan].map((q) => (q ? formatQuantity(q) : null)),
      ['12', '16', '16', '16', '16'],
    );
    // 16 GPUs + 7 slices of 1/7.
    assert.deepEqual(review.capacityGpus.thisPlan, rational(17n));
    assert.deepEqual(review.capacityGpus.previousPlan, rational(13n));
    assert.equal(review.previous?.cycle, '2026-Q3');
    assert.equal(review.next?.cycle.name, '2027-Q1');
  });

  it('thresholds are configurable: with under-use below 60% train GPUs would be lowered to 8 as well', async () => {
    const stricter = await loadReview(store, { cycle: '2026-Q4' }, { ...DEFAULT_RULES, underUse: { averageBelow: rational(3n, 5n), proposeFrom: 'p95' } });
    const train = stricter.proposals.find((p) => p.team === 'train' && p.resource === 'nvidia.com/gpu');
    assert.equal(train?.kind, 'lower-demand');
    assert.equal(formatQuantity(train!.proposedDemand!), '8');
  });

  it('latest is the most recent cycle that has begun (not the draft of next quarter)', async () => {
    assert.equal((await loadReview(store, { cycle: 'latest' })).cycle.name, '2026-Q4');
  });

  it('over-use: requests above the quota are reported with the hours above it', async () => {
    const store = await openStore({ file: ':memory:' });
    const start = Date.UTC(2026, 6, 1);
    const save = async (hour: number, train: number): Promise<number> =>
      (await store.saveSnapshot({
        cluster: { name: 'lab' },
        takenAt: new Date(start + hour * 3_600_000),
        source: { kind: 'file', ref: 'generated' },
        inventory: labInventory({ gpus: 16, train, idle: 0, trainMig: 0 }),
      })).id;
    const first = await save(0, 4);
    await save(10, 8); // above the quota of 6 for 5 hours
    await save(15, 4);
    await save(100, 4);
    const yaml = teamsYaml('2026-Q3', { train: 6, idle: 1 });
    const plan = buildPlan({ teams: parseTeamsFile(yaml, 'q3.yaml'), inventory: labInventory({ gpus: 16, train: 4, idle: 0, trainMig: 0 }) });
    const planId = (await store.savePlan({ cluster: 'lab', cycle: '2026-Q3', snapshotId: first, teamsYaml: yaml, plan: planToJson(plan), createdAt: new Date(start) })).id;
    await store.createCycle({ cluster: 'lab', name: '2026-Q3', planId, startsAt: new Date(start), endsAt: new Date(start + 100 * 3_600_000), createdAt: new Date(start) });
    const review = await loadReview(store, { cycle: '2026-Q3' });
    const over = review.proposals.find((p) => p.kind === 'over-quota');
    assert.equal(over?.team, 'train');
    assert.match(over!.reason, /above the quota 6 for 5\.0 h of 100\.0 h \(peak 8\)/);
    assert.equal(review.next, null);
  });

  it('two snapshots taken at the same instant are not added together', async () => {
    const store = await openStore({ file: ':memory:' });
    const start = Date.UTC(2026, 6, 1);
    const save = async (hour: number): Promise<number> =>
      (await store.saveSnapshot({
        cluster: { name: 'lab' },
        takenAt: new Date(start + hour * 3_600_000),
        source: { kind: 'file', ref: 'generated' },
        inventory: labInventory({ gpus: 16, train: 4, idle: 0, trainMig: 0 }),
      })).id;
    const first = await save(0);
    await save(0);
    await save(10);
    const yaml = teamsYaml('2026-Q3', { train: 8, idle: 1 });
    const plan = buildPlan({ teams: parseTeamsFile(yaml, 'q3.yaml'), inventory: labInventory({ gpus: 16, train: 4, idle: 0, trainMig: 0 }) });
    const planId = (await store.savePlan({ cluster: 'lab', cycle: '2026-Q3', snapshotId: first, teamsYaml: yaml, plan: planToJson(plan), createdAt: new Date(start) })).id;
    await store.createCycle({ cluster: 'lab', name: '2026-Q3', planId, startsAt: new Date(start), endsAt: new Date(start + 10 * 3_600_000), createdAt: new Date(start) });
    const train = row((await loadReview(store, { cycle: '2026-Q3' })).teams, 'train', 'nvidia.com/gpu');
    assert.deepEqual(unitsOfNanos(train.figures!.averageNanos), rational(4n));
    assert.equal(formatQuantity(train.figures!.peak), '4');
  });
});
