/**
 * One collector of bench/fleet.bench.ts: a synthetic cluster (bench/synthetic-inventory.ts, "typical churn" every
 * hour) saved hourly into its own store. Shared by the bench's main thread (`--collectors one-thread`) and
 * bench/fleet-collector-worker.ts (a thread per collector, the default), so both run the same work.
 */
import type { Store } from '../src/store/open.js';
import { churnScenarios, random, SyntheticCluster } from './synthetic-inventory.js';

export const FLEET_START = Date.UTC(2026, 6, 1);
export const HOUR = 3_600_000;
const typical = churnScenarios.find((c) => c.name === 'typical churn') ?? (churnScenarios[1] as (typeof churnScenarios)[number]);

export interface CollectorOptions {
  name: string;
  seed: number;
  nodes: number;
  hours: number;
  /** No save starts after this time (ms since the epoch). */
  stopAt: number;
  /** Called after each save with its milliseconds. */
  onSave: (milliseconds: number) => void;
}

/** A cluster's hourly snapshots into `store`; each save's milliseconds, in order. */
export async function collectHours(store: Store, options: CollectorOptions): Promise<number[]> {
  const cluster = new SyntheticCluster(random(options.seed), options.nodes);
  const saves: number[] = [];
  for (let hour = 0; hour < options.hours && Date.now() < options.stopAt; hour += 1) {
    if (hour > 0) cluster.churn(typical);
    const inventory = cluster.inventory();
    const started = performance.now();
    await store.saveSnapshot({ cluster: { name: options.name }, takenAt: new Date(FLEET_START + hour * HOUR), source: { kind: 'live', ref: options.name }, inventory });
    const milliseconds = performance.now() - started;
    saves.push(milliseconds);
    options.onSave(milliseconds);
  }
  return saves;
}
