/**
 * Issue 18 (part B) through the API: a saved what-if is a draft, not the cycle's plan nor the approved one; a draft
 * is attached to a cycle only by asking (recorded in its history); the quota in force is reconciled with the
 * approved plan per team; pods not scheduled yet are queued demand, and can become the next plan's demand; a
 * weight of 0 is refused by name.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { dumpObjects } from '../../../src/collect/dump.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { LiveInventory } from '../../../src/inventory/live-inventory.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import type { KubeObject } from '../../../src/kinds/registry.js';
import { parseQuantity, subtractQuantities, formatQuantity } from '../../../src/quantity.js';
import { formatResourceList } from '../../../src/resources.js';
import { approveCycle, submitCycle } from '../../../src/review/cycle-store.js';
import { createApp } from '../../../src/server/app.js';
import type { Store } from '../../../src/store/open.js';
import { DEMO_TEAMS, demoList, demoListWithWaiting, seededStore, waitingPod } from './seed.js';

const TOKEN = 'unit-test-token';
const NOW = new Date('2026-07-02T00:00:00Z');
const auth = { Authorization: `Bearer ${TOKEN}` };
const Q4_TEAMS = DEMO_TEAMS.replace('cycle: 2026-Q3', 'cycle: 2026-Q4');

type App = ReturnType<typeof createApp>;

function post(app: App, path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return Promise.resolve(app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

async function json(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}

/** The demo cluster at its second hour (recsys runs 1 pod of 2 GPUs then) with the waiting pods: 10 GPUs queued. */
function objectsWithWaiting(): KubeObject[] {
  return [...dumpObjects(JSON.stringify(demoListWithWaiting(1, 2)))];
}

function inventoryOf(objects: readonly KubeObject[]): ClusterInventory {
  const builder = new InventoryBuilder();
  for (const object of objects) builder.add(object);
  return builder.build();
}

describe('pods not scheduled yet: queued demand in the inventory', () => {
  it('sums the requests of pods without a node per namespace, with their reasons; the live inventory agrees', () => {
    const objects = objectsWithWaiting();
    const recsys = inventoryOf(objects).namespaces.find((ns) => ns.name === 'recsys');
    assert.deepEqual(
      { requests: formatResourceList(recsys?.queued?.requests ?? {}), pods: recsys?.queued?.pods, reasons: recsys?.queued?.reasons },
      { requests: { cpu: '5', 'nvidia.com/gpu': '10' }, pods: 5, reasons: { SchedulingGated: 1, Unschedulable: 4 } },
    );
    // Every other namespace has all its pods on nodes.
    assert.deepEqual(inventoryOf(objects).namespaces.filter((ns) => ns.queued !== undefined).map((ns) => ns.name), ['recsys']);

    const live = new LiveInventory();
    for (const object of objects) live.upsert(object);
    assert.deepEqual(live.snapshot().namespaces, inventoryOf(objects).namespaces);
    // A waiting pod that goes away takes its requests and its reason with it.
    live.remove(objects.find((o) => o.kind === 'Pod' && o.metadata.name === 'gated-0') as KubeObject);
    const after = live.snapshot().namespaces.find((ns) => ns.name === 'recsys')?.queued;
    assert.deepEqual([formatResourceList(after?.requests ?? {}), after?.pods, after?.reasons], [{ cpu: '4', 'nvidia.com/gpu': '8' }, 4, { Unschedulable: 4 }]);
  });

  it('a pod without a PodScheduled reason waits as Pending; a reason that is not a condition reason is Other', () => {
    const list = demoList(1, 2) as { items: unknown[] };
    const odd = { ...waitingPod('odd', null, '1'), status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', reason: '<b>x</b>' }] } };
    const inventory = inventoryOf([...dumpObjects(JSON.stringify({ ...list, items: [...list.items, waitingPod('plain', null, '1'), odd] }))]);
    assert.deepEqual(inventory.namespaces.find((ns) => ns.name === 'recsys')?.queued?.reasons, { Other: 1, Pending: 1 });
  });
});

describe('drafts, the cycle\u2019s plan, the approved plan and the quotas in force', () => {
  let store: Store;
  let app: App;
  /** The approved plan's nvidia.com/gpu quota of platform/recsys, put in force in snapshot 3. */
  let recsysApproved: string;

  beforeEach(async () => {
    store = await seededStore({ hours: 2 });
    app = createApp({ store, clock: () => NOW, token: TOKEN, log: () => {} });
    // Plan 1, approved for 2026-Q3.
    assert.equal((await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS })).status, 201);
    await store.createCycle({ cluster: 'demo', name: '2026-Q3', createdAt: NOW, startsAt: new Date('2026-07-01T00:00:00Z'), endsAt: new Date('2026-10-01T00:00:00Z'), planId: 1 });
    await submitCycle(store, { cycle: '2026-Q3', at: NOW, actor: 'planner' });
    await approveCycle(store, { cycle: '2026-Q3', at: NOW, actor: 'head-of-ml', note: 'as proposed' });
    // Plan 2, the plan of the 2026-Q4 draft cycle.
    assert.equal((await post(app, '/api/plans', { teamsYaml: Q4_TEAMS })).status, 201);
    await store.createCycle({ cluster: 'demo', name: '2026-Q4', createdAt: NOW, startsAt: new Date('2026-10-01T00:00:00Z'), endsAt: new Date('2027-01-01T00:00:00Z'), planId: 2 });
    // Plan 3: a what-if of plan 2, saved. The newest plan, and only a draft.
    assert.equal((await post(app, '/api/plans', { plan: '2', changes: [{ team: 'research/nlp', resource: 'nvidia.com/gpu', demand: '10' }] })).status, 201);

    // Snapshot 3: the approved recsys GPU quota in force, etl without any quota, and pods waiting in recsys.
    const plan1 = await json(app.request('/api/plans/1'));
    recsysApproved = plan1.rows.find((r: { team: string; resource: string }) => r.team === 'platform/recsys' && r.resource === 'nvidia.com/gpu').proposed;
    const inventory = inventoryOf(objectsWithWaiting());
    inventory.resourceQuotas = inventory.resourceQuotas
      .filter((q) => q.namespace !== 'etl')
      .map((q) => (q.namespace === 'recsys' ? { ...q, hard: { 'requests.nvidia.com/gpu': parseQuantity(recsysApproved) }, statusHard: { 'requests.nvidia.com/gpu': parseQuantity(recsysApproved) } } : q));
    await store.saveSnapshot({ cluster: { name: 'demo' }, takenAt: new Date('2026-07-01T02:00:00Z'), source: { kind: 'file', ref: 't.json' }, inventory });
  });

  it('lists each plan as a draft, the cycle\u2019s plan or approved; saving a what-if does not move either', async () => {
    const list = await json(app.request('/api/plans'));
    assert.deepEqual(
      list.plans.map((p: { id: number; status: unknown }) => [p.id, p.status]),
      [
        [1, { relation: 'approved', cycle: '2026-Q3', cycleState: 'approved', approvedBy: 'head-of-ml', approvedAt: NOW.toISOString() }],
        [2, { relation: 'cycle-plan', cycle: '2026-Q4', cycleState: 'draft', approvedBy: null, approvedAt: null }],
        [3, { relation: 'draft', cycle: null, cycleState: null, approvedBy: null, approvedAt: null }],
      ],
    );
    assert.deepEqual(list.approved, { cycle: '2026-Q3', planId: 1, approvedBy: 'head-of-ml', approvedAt: NOW.toISOString() });
    assert.deepEqual(list.current, { cycle: '2026-Q4', planId: 2, state: 'draft' });
  });

  it('attaches a draft to its cycle only when asked, with the token, and records it in the cycle\u2019s history', async () => {
    assert.equal((await post(app, '/api/reviews/2026-Q4/plan', { planId: 3 }, {})).status, 401);
    const readOnly = createApp({ store, clock: () => NOW, log: () => {} });
    assert.equal((await post(readOnly, '/api/reviews/2026-Q4/plan', { planId: 3 })).status, 403);

    const attached = await post(app, '/api/reviews/2026-Q4/plan', { planId: 3, by: 'alice', note: 'nlp demand 10' });
    assert.equal(attached.status, 200);
    const cycle = await attached.json();
    assert.equal(cycle.planId, 3);
    assert.equal(cycle.state, 'draft');
    assert.deepEqual(cycle.events.at(-1), { from: 'draft', to: 'draft', actor: 'alice', at: NOW.toISOString(), note: 'plan 2 -> 3: nlp demand 10' });
    const list = await json(app.request('/api/plans'));
    assert.deepEqual(
      list.plans.map((p: { id: number; status: { relation: string } }) => [p.id, p.status.relation]),
      [[1, 'approved'], [2, 'draft'], [3, 'cycle-plan']],
    );
    assert.deepEqual(list.current, { cycle: '2026-Q4', planId: 3, state: 'draft' });

    // A plan made for another cycle, and an approved cycle, are refused.
    const wrongCycle = await post(app, '/api/reviews/2026-Q4/plan', { planId: 1 });
    assert.equal(wrongCycle.status, 409);
    assert.match((await wrongCycle.json()).error, /^plan 1 was made for cycle 2026-Q3, not 2026-Q4/);
    assert.equal((await post(app, '/api/reviews/2026-Q3/plan', { planId: 1 })).status, 409);
    assert.equal((await post(app, '/api/reviews/2026-Q4/plan', { planId: 'three' })).status, 400);
  });

  it('reconciles the approved plan with the quotas in force per leaf team and resource', async () => {
    const teams = await json(app.request('/api/teams?plan=2&snapshot=3'));
    assert.deepEqual(teams.approved, { cycle: '2026-Q3', planId: 1, approvedBy: 'head-of-ml', approvedAt: NOW.toISOString() });
    const row = (team: string, resource: string) => {
      const walk = (nodes: any[]): any => nodes.flatMap((n) => [n, ...walk(n.teams)]);
      return walk(teams.teams).find((t: { team: string }) => t.team === team).resources.find((r: { resource: string }) => r.resource === resource);
    };
    const recsys = row('platform/recsys', 'nvidia.com/gpu');
    assert.deepEqual([recsys.current, recsys.approved, recsys.applied], [recsysApproved, recsysApproved, 'applied']);
    // etl's quota is gone: approved, not yet applied.
    const etl = row('data/etl', 'cpu');
    assert.equal(etl.current, null);
    assert.equal(etl.applied, 'not-applied');
    // fraud-serve has no GPU quota: the approved quota is only partly in force.
    const fraud = row('platform/fraud', 'nvidia.com/gpu');
    assert.deepEqual([fraud.limitedNamespaces, fraud.namespaces, fraud.applied], [1, 2, 'differs']);
    // Parents: quotas are written for the leaves' namespaces.
    assert.equal(row('platform', 'nvidia.com/gpu').applied, null);
  });

  it('shows queued demand beside use, per team and resource, with the reasons', async () => {
    const withWaiting = await json(app.request('/api/teams?plan=2&snapshot=3'));
    const without = await json(app.request('/api/teams?plan=2&snapshot=2'));
    const recsysOf = (body: any) => body.teams.find((t: any) => t.team === 'platform').teams.find((t: any) => t.team === 'platform/recsys');
    const gpu = recsysOf(withWaiting).resources.find((r: { resource: string }) => r.resource === 'nvidia.com/gpu');
    assert.equal(gpu.queued, '10');
    // Used counts the waiting pods too (quota charges them): 1 running pod of 2 GPUs at the demo's second hour + 10.
    assert.equal(gpu.used, '12');
    assert.equal(formatQuantity(subtractQuantities(parseQuantity(gpu.used), parseQuantity(recsysOf(without).resources.find((r: any) => r.resource === 'nvidia.com/gpu').used))), '10');
    assert.deepEqual([recsysOf(withWaiting).queuedPods, recsysOf(withWaiting).queuedReasons], [5, { SchedulingGated: 1, Unschedulable: 4 }]);
    assert.deepEqual([recsysOf(without).queuedPods, recsysOf(without).queuedReasons], [0, {}]);
  });

  it('offers queued demand as the demand of the next plan (demandFrom: queued); an edited demand wins', async () => {
    const raised = await json(post(app, '/api/what-if', { plan: '2', snapshot: '3', demandFrom: 'queued' }, {}));
    assert.deepEqual(raised.queuedDemand, [{ team: 'platform/recsys', resource: 'nvidia.com/gpu', from: '8', demand: '12', queued: '10' }]);
    const demandOf = (body: any) => body.rows.find((r: { team: string; resource: string }) => r.team === 'platform/recsys' && r.resource === 'nvidia.com/gpu').demand;
    assert.equal(demandOf(raised), '12');
    assert.match(raised.teamsYaml, /cycle: 2026-Q4/);

    const edited = await json(post(app, '/api/what-if', { plan: '2', snapshot: '3', demandFrom: 'queued', changes: [{ team: 'platform/recsys', resource: 'nvidia.com/gpu', demand: '9' }] }, {}));
    assert.equal(demandOf(edited), '9');
    // Without it nothing is raised; on a snapshot without waiting pods neither.
    assert.deepEqual((await json(post(app, '/api/what-if', { plan: '2', snapshot: '3' }, {}))).queuedDemand, []);
    assert.deepEqual((await json(post(app, '/api/what-if', { plan: '2', snapshot: '2', demandFrom: 'queued' }, {}))).queuedDemand, []);
    // Saved with it, the stored teams file has the raised demand.
    const saved = await json(post(app, '/api/plans', { plan: '2', snapshot: '3', demandFrom: 'queued' }));
    assert.equal(demandOf(await json(app.request(`/api/plans/${saved.id}`))), '12');
  });

  it('refuses a weight of 0 by the change that set it, instead of dropping it', async () => {
    const response = await post(app, '/api/what-if', { plan: '2', changes: [{ team: 'research/nlp', resource: 'nvidia.com/gpu', demand: '10' }, { team: 'platform', weight: 0 }] }, {});
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: 'changes[1].weight: a weight must be above 0 (teams share by weight; to give a team no more than its guarantee, set its demand to the guarantee)',
      field: 'changes[1].weight',
    });
  });
});
