import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, ValidationError } from '../../../src/errors.js';
import { approveCycle, setPlanOfCycle, startCycle, submitCycle } from '../../../src/review/cycle-store.js';
import { quarterWindow } from '../../../src/review/lifecycle.js';
import { CLUSTER, labHistory } from './history.js';

const at = (iso: string): Date => new Date(iso);

function conflict(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof ConflictError && pattern.test(error.message);
}

/** The lab history with 2027-Q1 as a draft pointing at its plan. */
async function draft() {
  const history = await labHistory();
  const otherQ1Plan = (await history.store.savePlan({
    cluster: CLUSTER,
    cycle: '2027-Q1',
    snapshotId: null,
    teamsYaml: 'cycle: 2027-Q1\n',
    plan: { cycle: '2027-Q1' },
    createdAt: at('2026-12-30T00:00:00Z'),
  })).id;
  return { ...history, otherQ1Plan };
}

describe('cycle lifecycle: draft -> in-review -> approved', () => {
  it('submits and approves, recording who, when and the note', async () => {
    const { store, q1PlanId } = await draft();
    await submitCycle(store, { cycle: '2027-Q1', at: at('2027-01-10T10:00:00Z'), actor: 'planner' });
    const approved = await approveCycle(store, { cycle: '2027-Q1', at: at('2027-01-11T09:30:00Z'), actor: 'head-of-ml', note: 'as discussed', expectedPlanId: q1PlanId });
    assert.equal(approved.state, 'approved');
    assert.equal(approved.approvedBy, 'head-of-ml');
    assert.equal(approved.approvedAt?.toISOString(), '2027-01-11T09:30:00.000Z');
    assert.equal(approved.approvalNote, 'as discussed');
    assert.deepEqual(
      (await store.listCycleEvents(approved.id)).map((e) => [e.fromState, e.toState, e.actor]),
      [
        [null, 'draft', 'planner'],
        ['draft', 'in-review', 'planner'],
        ['in-review', 'approved', 'head-of-ml'],
      ],
    );
  });

  it('refuses approving twice and keeps the first approval', async () => {
    const { store } = await draft();
    await submitCycle(store, { cycle: '2027-Q1', at: at('2027-01-10T10:00:00Z'), actor: 'planner' });
    await approveCycle(store, { cycle: '2027-Q1', at: at('2027-01-11T00:00:00Z'), actor: 'head-of-ml', note: 'first' });
    await assert.rejects(
      async () => await approveCycle(store, { cycle: '2027-Q1', at: at('2027-01-12T00:00:00Z'), actor: 'someone-else', note: 'second' }),
      conflict(/cycle 2027-Q1 of cluster lab was approved by head-of-ml on 2027-01-11T00:00:00.000Z: it cannot be approved again/),
    );
    const cycle = await store.getCycle({ name: '2027-Q1' });
    assert.equal(cycle.approvedBy, 'head-of-ml');
    assert.equal(cycle.approvalNote, 'first');
  });

  it('refuses changing the plan of an approved cycle', async () => {
    const { store, q4PlanId } = await draft();
    const q4 = await store.savePlan({ cluster: CLUSTER, cycle: '2026-Q4', snapshotId: null, teamsYaml: 'cycle: 2026-Q4\n', plan: {}, createdAt: at('2026-12-01T00:00:00Z') });
    await assert.rejects(
      async () => await setPlanOfCycle(store, { cycle: '2026-Q4', planId: q4.id, at: at('2026-12-02T00:00:00Z'), actor: 'planner' }),
      conflict(new RegExp(`its plan ${q4PlanId} cannot be replaced by plan ${q4.id}`)),
    );
    assert.equal((await store.getCycle({ name: '2026-Q4' })).planId, q4PlanId);
  });

  it('refuses skipping review and going back', async () => {
    const { store } = await draft();
    await assert.rejects(
      async () => await approveCycle(store, { cycle: '2027-Q1', at: at('2027-01-11T00:00:00Z'), actor: 'head-of-ml' }),
      conflict(/cycle 2027-Q1 is draft: it cannot skip to approved; submit it for review first/),
    );
    await submitCycle(store, { cycle: '2027-Q1', at: at('2027-01-10T00:00:00Z'), actor: 'planner' });
    await assert.rejects(
      async () => await submitCycle(store, { cycle: '2027-Q1', at: at('2027-01-10T01:00:00Z'), actor: 'planner' }),
      conflict(/cycle 2027-Q1 is in-review: it cannot go back to in-review/),
    );
    await assert.rejects(
      async () => await submitCycle(store, { cycle: '2026-Q4', at: at('2027-01-10T01:00:00Z'), actor: 'planner' }),
      conflict(/was approved by head .*: it cannot go back to in-review/),
    );
  });

  it('an approval names the plan that was reviewed: a different plan id is refused', async () => {
    const { store, q1PlanId, otherQ1Plan } = await draft();
    await submitCycle(store, { cycle: '2027-Q1', at: at('2027-01-10T00:00:00Z'), actor: 'planner' });
    await assert.rejects(
      async () => await approveCycle(store, { cycle: '2027-Q1', at: at('2027-01-11T00:00:00Z'), actor: 'head-of-ml', expectedPlanId: otherQ1Plan }),
      conflict(new RegExp(`reviewing plan ${q1PlanId}, not plan ${otherQ1Plan}`)),
    );
    assert.equal((await store.getCycle({ name: '2027-Q1' })).state, 'in-review');
  });

  it('the plan of a draft or in-review cycle can change, only to a plan made for that cycle, and the change is an event', async () => {
    const { store, q1PlanId, otherQ1Plan, q4PlanId } = await draft();
    await submitCycle(store, { cycle: '2027-Q1', at: at('2027-01-10T00:00:00Z'), actor: 'planner' });
    const changed = await setPlanOfCycle(store, { cycle: '2027-Q1', planId: otherQ1Plan, at: at('2027-01-10T02:00:00Z'), actor: 'planner', note: 'fraud +2' });
    assert.equal(changed.planId, otherQ1Plan);
    assert.equal(changed.state, 'in-review');
    assert.equal((await store.listCycleEvents(changed.id)).at(-1)?.note, `plan ${q1PlanId} -> ${otherQ1Plan}: fraud +2`);
    await assert.rejects(
      async () => await setPlanOfCycle(store, { cycle: '2027-Q1', planId: q4PlanId, at: at('2027-01-10T03:00:00Z'), actor: 'planner' }),
      conflict(new RegExp(`plan ${q4PlanId} was made for cycle 2026-Q4, not 2027-Q1`)),
    );
  });

  it('submitting needs a plan; approving needs an approver', async () => {
    const { store } = await labHistory({ withNext: false });
    await startCycle(store, { name: '2027-Q1', at: at('2026-12-15T00:00:00Z'), actor: 'planner' });
    await assert.rejects(async () => await submitCycle(store, { cycle: '2027-Q1', at: at('2026-12-16T00:00:00Z'), actor: 'planner' }), conflict(/has no plan to review/));
    const { store: other } = await draft();
    await submitCycle(other, { cycle: '2027-Q1', at: at('2027-01-10T00:00:00Z'), actor: 'planner' });
    await assert.rejects(
      async () => await approveCycle(other, { cycle: '2027-Q1', at: at('2027-01-11T00:00:00Z'), actor: ' ' }),
      (error: unknown) => error instanceof ValidationError && error.where.field === 'by',
    );
  });
});

describe('starting a cycle', () => {
  it('starts from the latest approved cycle: its teams file with the cycle renamed, the quarter as its window', async () => {
    const { store } = await labHistory({ withNext: false });
    const started = await startCycle(store, { name: '2027-Q1', at: at('2026-12-15T00:00:00Z'), actor: 'planner' });
    assert.equal(started.cycle.state, 'draft');
    assert.equal(started.cycle.startsAt?.toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(started.cycle.endsAt?.toISOString(), '2027-04-01T00:00:00.000Z');
    assert.equal(started.basedOn?.cycle, '2026-Q4');
    assert.match(started.basedOn?.teamsYaml ?? '', /^cycle: 2027-Q1\n/);
    assert.match(started.basedOn?.teamsYaml ?? '', /nvidia.com\/gpu: \{ demand: "10" \}/);
  });

  it('refuses a second open cycle and a name that exists', async () => {
    const { store } = await draft();
    await assert.rejects(
      async () => await startCycle(store, { name: '2027-Q2', at: at('2026-12-15T00:00:00Z'), actor: 'planner' }),
      conflict(/cycle 2027-Q1 \(draft\) is not approved yet: approve it before starting 2027-Q2/),
    );
    await assert.rejects(async () => await startCycle(store, { name: '2026-Q4', at: at('2026-12-15T00:00:00Z'), actor: 'planner' }), conflict(/a cycle 2026-Q4 already exists/));
  });

  it('a name that is not a quarter needs its dates', async () => {
    const { store } = await labHistory({ withNext: false });
    await assert.rejects(
      async () => await startCycle(store, { name: 'winter', at: at('2026-12-15T00:00:00Z'), actor: 'planner' }),
      (error: unknown) => error instanceof ValidationError && /not a calendar quarter/.test(error.message),
    );
    assert.deepEqual(quarterWindow('2026-Q4'), { startsAt: at('2026-10-01T00:00:00Z'), endsAt: at('2027-01-01T00:00:00Z') });
    assert.equal(quarterWindow('2026-Q5'), null);
  });
});
