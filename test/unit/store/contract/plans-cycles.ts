import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError } from '../../../../src/errors.js';
import { parseQuantity } from '../../../../src/quantity.js';
import { at, inventory } from '../builders.js';
import type { StoreFactory } from './factory.js';

export function plansAndCyclesContract(factory: StoreFactory): void {
  const TEAMS = 'cycle: 2026-Q4\nteams:\n  - name: fraud\n    namespaces: [fraud]\n';

  describe('plans', () => {
    it('stores the teams file verbatim and the plan value, and finds the latest per cluster and cycle', async () => {
      const store = await factory.open();
      const snapshotId = (await store.saveSnapshot({ cluster: { name: 'prod' }, takenAt: at('2026-10-01T00:00:00Z'), source: { kind: 'file', ref: 'd.json' }, inventory: inventory() })).id;
      const planValue = { cycle: '2026-Q4', capacity: { 'nvidia.com/gpu': parseQuantity('16') }, allocations: [{ team: 'fraud', quota: '16' }] };
      const first = await store.savePlan({ cluster: 'prod', cycle: '2026-Q4', snapshotId, teamsYaml: TEAMS, plan: planValue, createdAt: at('2026-10-02T00:00:00Z') });
      const second = await store.savePlan({ cluster: 'prod', cycle: '2027-Q1', snapshotId: null, teamsYaml: TEAMS, plan: { cycle: '2027-Q1' }, createdAt: at('2026-12-20T00:00:00Z') });
      await store.savePlan({ cluster: 'dev', cycle: '2026-Q4', snapshotId: null, teamsYaml: TEAMS, plan: {}, createdAt: at('2026-12-21T00:00:00Z') });

      assert.deepStrictEqual(await store.getPlan(first.id), {
        id: first.id,
        cluster: 'prod',
        cycle: '2026-Q4',
        snapshotId,
        createdAt: at('2026-10-02T00:00:00Z'),
        teamsYaml: TEAMS,
        plan: planValue,
      });
      assert.equal((await store.getPlan('latest', { cluster: 'prod' })).id, second.id);
      assert.equal((await store.getPlan('latest', { cluster: 'prod', cycle: '2026-Q4' })).id, first.id);
      assert.deepEqual((await store.listPlans({ cluster: 'prod' })).map((p) => [p.id, p.cycle, p.snapshotId]), [
        [first.id, '2026-Q4', snapshotId],
        [second.id, '2027-Q1', null],
      ]);
      await assert.rejects(async () => await store.getPlan('latest'), { message: 'the database holds several clusters (dev, prod): choose one with --cluster' });
      await assert.rejects(async () => await store.getPlan('latest', { cluster: 'prod', cycle: '2025-Q1' }), { message: 'no plan stored for cluster prod, cycle 2025-Q1' });
      await assert.rejects(async () => await store.getPlan(999), { message: 'no plan 999 in the database' });
    });

    it('refuses a snapshot of another cluster and stores nothing', async () => {
      const store = await factory.open();
      const snapshotId = (await store.saveSnapshot({ cluster: { name: 'prod' }, takenAt: at('2026-10-01T00:00:00Z'), source: { kind: 'file', ref: 'd.json' }, inventory: inventory() })).id;
      await assert.rejects(async () => await store.savePlan({ cluster: 'dev', cycle: 'c', snapshotId, teamsYaml: '', plan: {}, createdAt: at('2026-10-02T00:00:00Z') }), {
        message: `snapshot ${snapshotId} is not a snapshot of cluster dev`,
      });
      assert.deepEqual(await store.listPlans(), []);
      assert.deepEqual(await store.listClusterNames(), ['prod']);
    });
  });

  describe('cycles', () => {
    it('records a draft, the review and the approval with who, when and why', async () => {
      const store = await factory.open();
      const plan = await store.savePlan({ cluster: 'prod', cycle: '2026-Q4', snapshotId: null, teamsYaml: TEAMS, plan: {}, createdAt: at('2026-09-20T00:00:00Z') });
      const cycle = await store.createCycle({
        cluster: 'prod',
        name: '2026-Q4',
        createdAt: at('2026-09-21T00:00:00Z'),
        startsAt: at('2026-10-01T00:00:00Z'),
        endsAt: at('2027-01-01T00:00:00Z'),
        actor: 'alice',
      });
      assert.equal(cycle.state, 'draft');
      await store.setCyclePlan({ cycleId: cycle.id, planId: plan.id });
      await store.setCycleState({ cycleId: cycle.id, state: 'in-review', at: at('2026-09-25T00:00:00Z'), actor: 'alice' });
      const approved = await store.setCycleState({ cycleId: cycle.id, state: 'approved', at: at('2026-09-30T12:00:00Z'), actor: 'bob', note: 'agreed in the review' });
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
      assert.deepStrictEqual(await store.getCycle({ name: 'latest' }), approved);
      assert.deepStrictEqual(await store.listCycleEvents(cycle.id), [
        { fromState: null, toState: 'draft', actor: 'alice', at: at('2026-09-21T00:00:00Z'), note: null },
        { fromState: 'draft', toState: 'in-review', actor: 'alice', at: at('2026-09-25T00:00:00Z'), note: null },
        { fromState: 'in-review', toState: 'approved', actor: 'bob', at: at('2026-09-30T12:00:00Z'), note: 'agreed in the review' },
      ]);
    });

    it('refuses a second cycle of the same name in a cluster, not in another cluster', async () => {
      const store = await factory.open();
      await store.createCycle({ cluster: 'prod', name: '2026-Q4', createdAt: at('2026-09-21T00:00:00Z') });
      await assert.rejects(async () => await store.createCycle({ cluster: 'prod', name: '2026-Q4', createdAt: at('2026-09-22T00:00:00Z') }), ConflictError);
      await store.createCycle({ cluster: 'dev', name: '2026-Q4', createdAt: at('2026-09-22T00:00:00Z') });
      assert.deepEqual((await store.listCycles()).map((c) => [c.cluster, c.name, c.state]), [
        ['dev', '2026-Q4', 'draft'],
        ['prod', '2026-Q4', 'draft'],
      ]);
      await assert.rejects(async () => await store.getCycle({ cluster: 'prod', name: '2027-Q1' }), { message: 'cluster prod has no cycle 2027-Q1' });
    });
  });
}
