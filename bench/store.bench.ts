/**
 * Bytes per snapshot for a synthetic 5,000-node cluster: the first snapshot, unchanged hours, typical churn and
 * heavy churn. Run: `node --import tsx bench/store.bench.ts [--nodes N] [--hours H]`. Prints a table; asserts
 * nothing (numbers go to docs/store.md).
 *
 * Churn per hour, "typical": 5% of nodes change requested/pods, 0.2% change other facts (a label, readiness),
 * one node replaced, 20% of namespaces change requests/pods and so their quota's `used`. "heavy": 30% / 1% / 5
 * nodes / 60%.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, type Store } from '../src/store/open.js';
import { namespaceUsageSeries } from '../src/store/series.js';
import { loadInventory, saveSnapshot } from '../src/store/snapshots.js';
import { churnScenarios, random, SyntheticCluster } from './synthetic-inventory.js';

const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '5000' }, hours: { type: 'string', default: '48' }, breakdown: { type: 'boolean', default: false } },
});
const NODE_COUNT = Number(values.nodes);
const HOURS = Number(values.hours);
const NAMESPACE_COUNT = Math.max(10, Math.round(NODE_COUNT / 5));

function fileBytes(store: Store): number {
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const pages = store.sqlite.pragma('page_count', { simple: true }) as number;
  const free = store.sqlite.pragma('freelist_count', { simple: true }) as number;
  const size = store.sqlite.pragma('page_size', { simple: true }) as number;
  return (pages - free) * size;
}

/** Bytes per table and index (SQLite's dbstat), to see where a snapshot's bytes go. */
function tableBytes(store: Store): Map<string, number> {
  const rows = store.sqlite.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
  return new Map(rows.map((row) => [row.name, row.bytes]));
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

const scenarios = churnScenarios;

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-bench-'));
console.log(`synthetic cluster: ${NODE_COUNT} nodes, ${NAMESPACE_COUNT} namespaces (one quota each), 100 limit ranges, 300 profiles; ${HOURS} hourly snapshots per scenario`);
console.log('scenario        first snapshot   per later snapshot   a year of hourly   save ms (avg)   load ms   series ms');
for (const [index, churn] of scenarios.entries()) {
  const store = openStore({ file: join(dir, `bench-${index}.db`) });
  const cluster = new SyntheticCluster(random(42), NODE_COUNT, NAMESPACE_COUNT);
  const start = Date.UTC(2026, 0, 1);
  saveSnapshot(store, { cluster: { name: 'big' }, takenAt: new Date(start), source: { kind: 'file', ref: 'synthetic' }, inventory: cluster.inventory() });
  const first = fileBytes(store);
  const firstTables = tableBytes(store);
  let saveMs = 0;
  let lastId = 0;
  for (let hour = 1; hour <= HOURS; hour += 1) {
    cluster.churn(churn);
    const inventory = cluster.inventory();
    const t0 = performance.now();
    lastId = saveSnapshot(store, { cluster: { name: 'big' }, takenAt: new Date(start + hour * 3_600_000), source: { kind: 'file', ref: 'synthetic' }, inventory }).id;
    saveMs += performance.now() - t0;
  }
  const perSnapshot = (fileBytes(store) - first) / HOURS;
  if (values.breakdown) {
    for (const [name, bytes] of tableBytes(store)) {
      const growth = (bytes - (firstTables.get(name) ?? 0)) / HOURS;
      if (growth > 0) console.log(`  ${churn.name}: ${name} ${kib(growth)} per snapshot`);
    }
  }
  const t1 = performance.now();
  loadInventory(store, lastId);
  const loadMs = performance.now() - t1;
  const t2 = performance.now();
  namespaceUsageSeries(store, { cluster: 'big', from: new Date(start), to: new Date(start + HOURS * 3_600_000), namespaces: ['team-0001', 'team-0002'] });
  const seriesMs = performance.now() - t2;
  console.log(
    [
      churn.name.padEnd(14),
      kib(first).padStart(14),
      kib(perSnapshot).padStart(20),
      `${((perSnapshot * 8760) / 1024 / 1024).toFixed(0)} MiB`.padStart(18),
      (saveMs / HOURS).toFixed(0).padStart(15),
      loadMs.toFixed(0).padStart(9),
      seriesMs.toFixed(0).padStart(11),
    ].join(' '),
  );
  store.close();
}
rmSync(dir, { recursive: true, force: true });
