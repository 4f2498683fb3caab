/**
 * A quarter of generated history with use known in advance, stored through saveSnapshot like a real collection.
 * Cluster: h100-0 (16 x nvidia.com/gpu) and a100-mig (one A100-80GB in MIG mixed mode: 7 x nvidia.com/mig-1g.10gb,
 * so one slice is 1/7 GPU). Team `train` requests 4 GPUs for exactly 60% of 2026-Q4 and 8 for the other 40%, and
 * all 7 MIG slices throughout; team `idle` requests 1 GPU throughout. Snapshots are irregular on purpose.
 */
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { parseObject } from '../../../src/kinds/parse.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import type { Plan } from '../../../src/plan/plan.js';
import { planToJson } from '../../../src/plan/plan-json.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { openStore, type Store } from '../../../src/store/open.js';
import { aNamespace, aNode, aPod, gfd } from '../../builders/kube.js';

export const CLUSTER = 'lab';
const HOUR = 3_600_000;
export const Q4_START = Date.UTC(2026, 9, 1);
export const Q4_END = Date.UTC(2027, 0, 1);
/** 92 days. */
export const Q4_HOURS = 2208;

export function labInventory(options: { gpus: number; train: number; idle: number; trainMig: number }): ClusterInventory {
  const builder = new InventoryBuilder();
  const objects = [
    aNode('h100-0').withLabels(gfd('NVIDIA-H100-80GB-HBM3', options.gpus)).withCapacity({ cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': String(options.gpus) }),
    aNode('a100-mig')
      .withLabels(gfd('NVIDIA-A100-SXM4-80GB', 1, { 'nvidia.com/mig.strategy': 'mixed' }))
      .withCapacity({ cpu: '32', memory: '256Gi', pods: '110', 'nvidia.com/mig-1g.10gb': '7' }),
  ].map((b) => b.build());
  for (const raw of [...objects, aNamespace('train'), aNamespace('idle')]) builder.add(parseObject(raw));
  if (options.train > 0) builder.add(aPod('train', 'trainer').onNode('h100-0').container({ cpu: '4', 'nvidia.com/gpu': String(options.train) }).parsed());
  if (options.trainMig > 0) builder.add(aPod('train', 'notebook').onNode('a100-mig').container({ cpu: '1', 'nvidia.com/mig-1g.10gb': String(options.trainMig) }).parsed());
  if (options.idle > 0) builder.add(aPod('idle', 'server').onNode('h100-0').container({ cpu: '1', 'nvidia.com/gpu': String(options.idle) }).parsed());
  return builder.build();
}

export function teamsYaml(cycle: string, demands: { train: number; idle: number }): string {
  return [
    `cycle: ${cycle}`,
    'surplus: hold',
    'teams:',
    '  - name: idle',
    '    namespaces: [idle]',
    '    resources:',
    `      nvidia.com/gpu: { demand: "${demands.idle}" }`,
    '  - name: train',
    '    namespaces: [train]',
    '    resources:',
    `      nvidia.com/gpu: { demand: "${demands.train}" }`,
    '      nvidia.com/mig-1g.10gb: { demand: "7" }',
    '',
  ].join('\n');
}

/** Hours from the start of 2026-Q4 (negative: before it). */
const atHour = (hour: number): Date => new Date(Q4_START + Math.round(hour * HOUR));

export interface LabHistory {
  store: Store;
  q3PlanId: number;
  q4PlanId: number;
  q1PlanId: number;
}

async function planAndSave(store: Store, cycle: string, yaml: string, inventory: ClusterInventory, snapshotId: number, previous: Plan | null, createdAt: Date): Promise<{ id: number; plan: Plan }> {
  const plan = buildPlan({ teams: parseTeamsFile(yaml, `${cycle}.yaml`), inventory, previous });
  return { id: (await store.savePlan({ cluster: CLUSTER, cycle, snapshotId, teamsYaml: yaml, plan: planToJson(plan), createdAt })).id, plan };
}

/**
 * 2026-Q3 approved (12 GPUs then), 2026-Q4 approved (16 GPUs, train demand 10, idle 4), 2027-Q1 draft whose plan
 * gives train only 6: below its p95 of 8.
 */
export async function labHistory(options: { withNext?: boolean } = {}): Promise<LabHistory> {
  const store = await openStore({ file: ':memory:' });
  const save = async (hour: number, inventory: ClusterInventory): Promise<number> =>
    (await store.saveSnapshot({ cluster: { name: CLUSTER }, takenAt: atHour(hour), source: { kind: 'file', ref: 'generated' }, inventory })).id;
  const q3Inventory = labInventory({ gpus: 12, train: 2, idle: 1, trainMig: 7 });
  const q3Snapshot = await save(-2208, q3Inventory);
  const four = labInventory({ gpus: 16, train: 4, idle: 1, trainMig: 7 });
  const eight = labInventory({ gpus: 16, train: 8, idle: 1, trainMig: 7 });
  // 4 GPUs from before the start (the -5 h snapshot holds into the quarter) until hour 1324.8 = 60% of 2208 h.
  const q4Snapshot = await save(-5, four);
  await save(7.5, four);
  await save(300, four);
  await save(1324.8, eight);
  await save(1500, eight);
  await save(2207, eight);
  // After the end: closes the window, its own value is outside the quarter.
  const lastSnapshot = await save(2210, labInventory({ gpus: 16, train: 0, idle: 1, trainMig: 7 }));

  const q3 = await planAndSave(store, '2026-Q3', teamsYaml('2026-Q3', { train: 10, idle: 4 }), q3Inventory, q3Snapshot, null, atHour(-2208));
  const q4 = await planAndSave(store, '2026-Q4', teamsYaml('2026-Q4', { train: 10, idle: 4 }), four, q4Snapshot, q3.plan, atHour(-5));
  await approved(store, '2026-Q3', q3.id, atHour(-2208), atHour(0));
  await approved(store, '2026-Q4', q4.id, atHour(0), atHour(Q4_HOURS));
  let q1PlanId = 0;
  if (options.withNext !== false) {
    const q1 = await planAndSave(store, '2027-Q1', teamsYaml('2027-Q1', { train: 6, idle: 4 }), eight, lastSnapshot, q4.plan, atHour(2210));
    q1PlanId = q1.id;
    await store.createCycle({ cluster: CLUSTER, name: '2027-Q1', planId: q1.id, startsAt: atHour(Q4_HOURS), endsAt: new Date(Date.UTC(2027, 3, 1)), createdAt: atHour(2210), actor: 'planner' });
  }
  return { store, q3PlanId: q3.id, q4PlanId: q4.id, q1PlanId };
}

async function approved(store: Store, name: string, planId: number, startsAt: Date, endsAt: Date): Promise<void> {
  const cycle = await store.createCycle({ cluster: CLUSTER, name, planId, startsAt, endsAt, createdAt: startsAt, actor: 'planner' });
  await store.setCycleState({ cycleId: cycle.id, state: 'in-review', at: startsAt, actor: 'planner' });
  await store.setCycleState({ cycleId: cycle.id, state: 'approved', at: startsAt, actor: 'head', note: 'ok' });
}
