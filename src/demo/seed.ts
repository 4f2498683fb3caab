/**
 * Seeds a store with the demo cluster's history: snapshots every few hours from the start of the previous
 * quarter until `now`, an approved plan for the previous and the current cycle, and a draft plan for the next
 * one. Deterministic for a given `now` (rounded down to the hour): no clock and no randomness here.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { InventoryBuilder } from '../inventory/builder.js';
import { parseObject } from '../kinds/parse.js';
import type { ClusterInventory } from '../inventory/types.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan } from '../plan/plan.js';
import { planToJson } from '../plan/plan-json.js';
import { parseTeamsFile } from '../plan/teams-file.js';
import type { Cycle, SnapshotSummary, StoreWrites } from '../store/store.js';
import { packageFile } from '../package-files.js';
import { demoCluster, demoPodCounts } from './cluster.js';

export const DEMO_CLUSTER = 'demo';
const TEAMS_FILE = packageFile('src/demo/teams.yaml');
const HOUR_MS = 3_600_000;

export interface SeedDemoOptions {
  /** A store, or one write transaction (`store.write((tx) => seedDemo({ store: tx, now }))`: all or nothing). */
  store: StoreWrites;
  now: Date;
  /** Hours between snapshots (default 3). */
  stepHours?: number;
}

export interface DemoSeed {
  cluster: string;
  snapshots: number;
  cycles: Cycle[];
  /** The plan proposed for the next cycle, from the latest snapshot. */
  draftPlanId: number;
}

/** A calendar quarter, e.g. 2026-Q4 = [2026-10-01, 2027-01-01) UTC. */
export interface Quarter {
  name: string;
  start: Date;
  end: Date;
}

export function quarterOf(at: Date, offset = 0): Quarter {
  const index = at.getUTCFullYear() * 4 + Math.floor(at.getUTCMonth() / 3) + offset;
  const year = Math.floor(index / 4);
  const quarter = index % 4;
  return {
    name: `${year}-Q${quarter + 1}`,
    start: new Date(Date.UTC(year, quarter * 3, 1)),
    end: new Date(Date.UTC(year, quarter * 3 + 3, 1)),
  };
}

/** The demo teams file for a cycle; earlier cycles had recsys asking for twice what it needs. */
export function demoTeamsYaml(cycle: string, options: { recsysDemand?: string } = {}): string {
  const document = parseDocument(readFileSync(TEAMS_FILE, 'utf8'));
  document.set('cycle', cycle);
  if (options.recsysDemand !== undefined) {
    document.setIn(['teams', 0, 'teams', 1, 'resources', 'nvidia.com/gpu', 'demand'], options.recsysDemand);
  }
  return document.toString();
}

export function demoInventory(options: { hour: number; hours: number }): ClusterInventory {
  const builder = new InventoryBuilder();
  const list = demoCluster(options) as { items: unknown[] };
  for (const item of list.items) builder.add(parseObject(item, { file: 'bundled demo cluster' }));
  return builder.build();
}

export async function seedDemo(options: SeedDemoOptions): Promise<DemoSeed> {
  const { store } = options;
  const stepHours = options.stepHours ?? 3;
  const end = new Date(Math.floor(options.now.getTime() / HOUR_MS) * HOUR_MS);
  const previous = quarterOf(end, -1);
  const current = quarterOf(end);
  const next = quarterOf(end, 1);
  const hours = Math.floor((end.getTime() - previous.start.getTime()) / HOUR_MS) + 1;

  // Hours with the same pod counts have the same inventory: build each distinct one once.
  const inventories = new Map<string, ClusterInventory>();
  const inventoryAt = (hour: number): ClusterInventory => {
    const key = demoPodCounts(hour, hours).join(',');
    let inventory = inventories.get(key);
    if (inventory === undefined) inventories.set(key, (inventory = demoInventory({ hour, hours })));
    return inventory;
  };

  const snapshots: SnapshotSummary[] = [];
  for (let hour = 0; hour < hours; hour += stepHours) {
    const takenAt = new Date(previous.start.getTime() + hour * HOUR_MS);
    snapshots.push(
      await store.saveSnapshot({
        cluster: { name: DEMO_CLUSTER, server: 'https://demo.quotaplan.invalid:6443', context: 'demo' },
        takenAt,
        source: { kind: 'file', ref: 'bundled demo cluster' },
        inventory: inventoryAt(hour),
      }),
    );
  }
  const first = (at: Date): SnapshotSummary => snapshots.find((s) => s.takenAt.getTime() >= at.getTime()) ?? snapshots.at(-1)!;
  const latest = snapshots.at(-1)!;

  let previousPlan: Plan | null = null;
  const plan = async (cycle: string, snapshot: SnapshotSummary, teamsYaml: string, createdAt: Date): Promise<number> => {
    const teams = parseTeamsFile(teamsYaml, `demo teams file (${cycle})`);
    const inventory = inventoryAt(Math.round((snapshot.takenAt.getTime() - previous.start.getTime()) / HOUR_MS));
    const value = buildPlan({ teams, inventory, previous: previousPlan });
    previousPlan = value;
    return (await store.savePlan({ cluster: DEMO_CLUSTER, cycle, snapshotId: snapshot.id, teamsYaml, plan: planToJson(value), createdAt })).id;
  };
  const approve = async (quarter: Quarter, planId: number, note: string): Promise<Cycle> => {
    const cycle = await store.createCycle({
      cluster: DEMO_CLUSTER,
      name: quarter.name,
      planId,
      startsAt: quarter.start,
      endsAt: quarter.end,
      createdAt: quarter.start,
      actor: 'capacity-planner@example.com',
    });
    await store.setCycleState({ cycleId: cycle.id, state: 'in-review', at: quarter.start, actor: 'capacity-planner@example.com' });
    return store.setCycleState({ cycleId: cycle.id, state: 'approved', at: quarter.start, actor: 'head-of-ml@example.com', note });
  };

  const cycles = [
    await approve(previous, await plan(previous.name, first(previous.start), demoTeamsYaml(previous.name, { recsysDemand: '16' }), previous.start), 'initial allocation'),
    await approve(current, await plan(current.name, first(current.start), demoTeamsYaml(current.name, { recsysDemand: '12' }), current.start), 'recsys demand cut from 16 to 12 after under-use'),
  ];
  const draftPlanId = await plan(next.name, latest, demoTeamsYaml(next.name), end);
  cycles.push(
    await store.createCycle({ cluster: DEMO_CLUSTER, name: next.name, planId: draftPlanId, startsAt: next.start, endsAt: next.end, createdAt: end, actor: 'capacity-planner@example.com' }),
  );
  return { cluster: DEMO_CLUSTER, snapshots: snapshots.length, cycles, draftPlanId };
}
