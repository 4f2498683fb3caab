import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError } from '../../../src/errors.js';
import { parseQuantity } from '../../../src/quantity.js';
import { createCycle, getCycle, listCycleEvents, listCycles, setCyclePlan, setCycleState } from '../../../src/store/cycles.js';
import { openStore } from '../../../src/store/open.js';
import { getPlan, listPlans, savePlan } from '../../../src/store/plans.js';
import { saveSnapshot } from '../../../src/store/snapshots.js';
import { at, inventory } from './builders.js';

const TEAMS = 'cycle: 2026-Q4\nteams:\n  - name: fraud\n    namespaces: [fraud]\n';

describe('plans', () => {
  it('stores the teams file verbatim and the plan value, and finds the latest per cluster and cycle', () => {
    const store = openStore({ file: ':memory:' });
    const snapshotId = saveSnapshot(store, { cluster: { name: 'prod' }, takenAt: at('2026-10-01T00:00:00Z'), source: { kind: 'file', ref: 'd.json' }, inventory: inventory() }).id;
    const planValue = { cycle: '2026-Q4', capacity: { 'nvidia.com/gpu': parseQuantity('16') }, allocations: [{ team: 'fraud', quota: '16' }] };
    const first = savePlan(store, { cluster: 'prod', cycle: '2026-Q4', snapshotId, teamsYaml: TEAMS, plan: planValue, createdAt: at('2026-10-02T00:00:00Z') });
    const second = savePlan(store, { cluster: 'prod', cycle: '2027-Q1', snapshotId: null, teamsYaml: TEAMS, plan: { cycle: '2027-Q1' }, createdAt: at('2026-12-20T00:00:00Z') });
    savePlan(store, { cluster: 'dev', cycle: '2026-Q4', snapshotId: null, teamsYaml: TEAMS, plan: {}, createdAt: at('2026-12-21T00:00:00Z') });

    assert.deepStrictEqual(getPlan(store, first.id), {
      id: first.id,
      cluster: 'prod',
      cycle: '2026-Q4',
      snapshotId,
      createdAt: at('2026-10-02T00:00:00Z'),
      teamsYaml: TEAMS,
      plan: planValue,
    });
    assert.equal(getPlan(store, 'latest', { cluster: 'prod' }).id, second.id);
    assert.equal(getPlan(store, 'latest', { cluster: 'prod', cycle: '2026-Q4' }).id, first.id);
    assert.deepEqual(listPlans(store, { cluster: 'prod' }).map((p) => [p.id, p.cycle, p.snapshotId]), [
      [first.id, '2026-Q4', snapshotId],
      [second.id, '2027-Q1', null],
    ]);
    assert.throws(() => getPlan(store, 'latest'), { message: 'the database holds several clusters (dev, prod): choose one with --cluster' });
    assert.throws(() => getPlan(store, 'latest', { cluster: 'prod', cycle: '2025-Q1' }), { message: 'no plan stored for cluster prod, cycle 2025-Q1' });
    assert.throws(() => getPlan(store, 999), { message: 'no plan 999 in the database' });
  });

  it('refuses a snapshot of another cluster and stores nothing', () => {
    const store = openStore({ file: ':memory:' });
    const snapshotId = saveSnapshot(store, { cluster: { name: 'prod' }, takenAt: at('2026-10-01T00:00:00Z'), source: { kind: 'file', ref: 'd.json' }, inventory: inventory() }).id;
    assert.throws(() => savePlan(store, { cluster: 'dev', cycle: 'c', snapshotId, teamsYaml: '', plan: {}, createdAt: at('2026-10-02T00:00:00Z') }), {
      message: `snapshot ${snapshotId} is not a snapshot of cluster dev`,
    });
    assert.deepEqual(listPlans(store), []);
    assert.deepEqual(store.sqlite.prepare('SELECT name FROM clusters').all(), [{ name: 'prod' }]);
  });
});

describe('cycles', () => {
  it('records a draft, the review and the approval with who, when and why', () => {
    const store = openStore({ file: ':memory:' });
    const plan = savePlan(store, { cluster: 'prod', cycle: '2026-Q4', snapshotId: null, teamsYaml: TEAMS, plan: {}, createdAt: at('2026-09-20T00:00:00Z') });
    const cycle = createCycle(store, {
      cluster: 'prod',
      name: '2026-Q4',
      createdAt: at('2026-09-21T00:00:00Z'),
      startsAt: at('2026-10-01T00:00:00Z'),
      endsAt: at('2027-01-01T00:00:00Z'),
      actor: 'alice',
    });
    assert.equal(cycle.state, 'draft');
    setCyclePlan(store, { cycleId: cycle.id, planId: plan.id });
    setCycleState(store, { cycleId: cycle.id, state: 'in-review', at: at('2026-09-25T00:00:00Z'), actor: 'alice' });
    const approved = setCycleState(store, { cycleId: cycle.id, state: 'approved', at: at('2026-09-30T12:00:00Z'), actor: 'bob', note: 'agreed in the review' });
    assert.deepStrictEqual(approved, {
      id: cycle.id,
      cluster: 'prod',
      name: '2026-Q4',
      state: 'approved',
      planId: plan.id,
      startsAt: at('2026-10-01T00:00:00Z'),
      endsAt: at('2027-01-01T00:00:00Z'),
      createdAt: at('2026-09-21T00:00:00Z'),
      approvedBy: 'bob',
      approvedAt: at('2026-09-30T12:00:00Z'),
      approvalNote: 'agreed in the review',
    });
    assert.deepStrictEqual(getCycle(store, { name: 'latest' }), approved);
    assert.deepStrictEqual(listCycleEvents(store, cycle.id), [
      { fromState: null, toState: 'draft', actor: 'alice', at: at('2026-09-21T00:00:00Z'), note: null },
      { fromState: 'draft', toState: 'in-review', actor: 'alice', at: at('2026-09-25T00:00:00Z'), note: null },
      { fromState: 'in-review', toState: 'approved', actor: 'bob', at: at('2026-09-30T12:00:00Z'), note: 'agreed in the review' },
    ]);
  });

  it('refuses a second cycle of the same name in a cluster, not in another cluster', () => {
    const store = openStore({ file: ':memory:' });
    createCycle(store, { cluster: 'prod', name: '2026-Q4', createdAt: at('2026-09-21T00:00:00Z') });
    assert.throws(() => createCycle(store, { cluster: 'prod', name: '2026-Q4', createdAt: at('2026-09-22T00:00:00Z') }), ConflictError);
    createCycle(store, { cluster: 'dev', name: '2026-Q4', createdAt: at('2026-09-22T00:00:00Z') });
    assert.deepEqual(listCycles(store).map((c) => [c.cluster, c.name, c.state]), [
      ['dev', '2026-Q4', 'draft'],
      ['prod', '2026-Q4', 'draft'],
    ]);
    assert.throws(() => getCycle(store, { cluster: 'prod', name: '2027-Q1' }), { message: 'cluster prod has no cycle 2027-Q1' });
  });
});
