/**
 * Many writers of one database at once, each with its own store (its own connections, as separate collector
 * processes have): writers of different clusters, and two writers of the SAME cluster whose hours interleave (so
 * one's snapshot often arrives after a later one of the other and is put in its place). A reader meanwhile lists
 * the snapshots and loads each cluster's newest; afterwards every snapshot is loaded. Counted: snapshots written
 * against snapshots read. Every read must show each cluster's snapshots as seqs 1..n in time order, never fewer
 * than the read before, and the inventory of the newest one exactly as saved (no half-written snapshot); the last
 * read shows every one written, each exactly as saved. Run on both stores (sqlite/concurrent-writers.test.ts,
 * test/postgres/concurrent-writers.test.ts), given how to open one more store on the same database.
 */
import assert from 'node:assert/strict';
import { churnScenarios, random, SyntheticCluster } from '../../../../bench/synthetic-inventory.js';
import type { ClusterInventory } from '../../../../src/inventory/types.js';
import type { Store } from '../../../../src/store/store.js';

const HOUR_MS = 3_600_000;
const START = Date.UTC(2026, 9, 1);

export interface ConcurrentWriters {
  clusters: number;
  /** Writers per cluster: writer w saves the hours h with h mod writers = w, in order. */
  writers: number;
  hours: number;
  nodes: number;
}

export interface ConcurrentCount {
  written: number;
  /** Snapshots the last read listed (and loaded, each equal to what was saved). */
  read: number;
  /** Reads made while the writers wrote. */
  reads: number;
}

const clusterName = (c: number): string => `cluster-${c + 1}`;
const takenAt = (hour: number): Date => new Date(START + hour * HOUR_MS);

/** Each cluster's hourly inventories ("typical churn"), distinct per cluster. */
function histories(options: ConcurrentWriters): ClusterInventory[][] {
  const typical = churnScenarios.find((c) => c.name === 'typical churn');
  assert.ok(typical !== undefined);
  return Array.from({ length: options.clusters }, (_, c) => {
    const cluster = new SyntheticCluster(random(100 + c), options.nodes);
    return Array.from({ length: options.hours }, (_, hour) => {
      if (hour > 0) cluster.churn(typical);
      return structuredClone(cluster.inventory());
    });
  });
}

export async function concurrentWriters(open: () => Promise<Store>, options: ConcurrentWriters): Promise<ConcurrentCount> {
  const inventories = histories(options);
  const reader = await open();
  const writers = await Promise.all(Array.from({ length: options.clusters * options.writers }, () => open()));
  let writing = true;
  const saving = Promise.all(
    writers.map(async (store, i) => {
      const c = Math.floor(i / options.writers);
      let written = 0;
      for (let hour = i % options.writers; hour < options.hours; hour += options.writers) {
        const inventory = structuredClone(inventories[c]?.[hour] as ClusterInventory);
        await store.saveSnapshot({ cluster: { name: clusterName(c) }, takenAt: takenAt(hour), source: { kind: 'file', ref: `w${i}` }, inventory });
        written += 1;
      }
      return written;
    }),
  ).finally(() => (writing = false));

  const seen = new Map<string, number>();
  /** One read: the list, checked, and each cluster's newest snapshot loaded; the number of snapshots listed. */
  const read = async (): Promise<number> => {
    const listed = await reader.listSnapshots();
    for (let c = 0; c < options.clusters; c += 1) {
      const mine = listed.filter((s) => s.cluster === clusterName(c));
      assert.deepEqual(
        mine.map((s) => s.seq),
        mine.map((_, i) => i + 1),
      );
      const times = mine.map((s) => s.takenAt.getTime());
      assert.deepEqual(times, [...times].sort((a, b) => a - b));
      assert.ok(mine.length >= (seen.get(clusterName(c)) ?? 0), `${clusterName(c)}: ${mine.length} snapshots after ${seen.get(clusterName(c))}`);
      seen.set(clusterName(c), mine.length);
      const newest = mine.at(-1);
      if (newest !== undefined) {
        const hour = (newest.takenAt.getTime() - START) / HOUR_MS;
        assert.deepStrictEqual(await reader.loadInventory(newest.id), inventories[c]?.[hour], `${clusterName(c)} hour ${hour}`);
      }
    }
    return listed.length;
  };
  let reads = 0;
  while (writing) {
    await read();
    reads += 1;
    // Let the writers' timers run (SQLite's reads answer without ever leaving the microtask queue).
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const written = (await saving).reduce((sum, n) => sum + n, 0);
  const count = await read();
  for (const snapshot of await reader.listSnapshots()) {
    const c = Number(snapshot.cluster.slice('cluster-'.length)) - 1;
    const hour = (snapshot.takenAt.getTime() - START) / HOUR_MS;
    assert.equal(snapshot.seq, hour + 1);
    assert.deepStrictEqual(await reader.loadInventory(snapshot.id), inventories[c]?.[hour], `${snapshot.cluster} hour ${hour}`);
  }
  await Promise.all([reader, ...writers].map((store) => store.close()));
  return { written, read: count, reads };
}
