/**
 * Writes a year of hourly snapshots (8,760) of the synthetic 5,000-node cluster (bench/synthetic-inventory.ts,
 * "typical churn") straight into a store with saveSnapshot, plus one plan from a 200-team teams file over its
 * 1,000 namespaces, for the dashboard benchmark (bench/serve.bench.ts). Prints database size and bytes per
 * snapshot as it goes and at the end.
 *
 *   node --import tsx bench/store-year.ts [--db bench/results/year.db] [--hours 8760] [--nodes 5000]
 *                                          [--until ISO-time] [--pause-file F] [--namespaces N]
 *
 * Resumable: started on a database that already holds snapshots of cluster `bench`, it replays the churn of those
 * hours (same seed, nothing saved) and continues after the last one. `--until` stops early at a wall-clock time;
 * while the `--pause-file` exists it waits (the collector benchmark creates it during its measurements). Each
 * save's milliseconds go to `<db>.save-ms` (seq and time per line), so the median and p95 printed at the end
 * cover every run that wrote into the database.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { ClusterInventory } from '../src/inventory/types.js';
import { buildPlan } from '../src/plan/build-plan.js';
import { planToJson } from '../src/plan/plan-json.js';
import { parseTeamsFile } from '../src/plan/teams-file.js';
import { quantityFromNanos, type Quantity } from '../src/quantity.js';
import { sumResourceLists, type ResourceList } from '../src/resources.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { churnScenarios, random, SyntheticCluster } from './synthetic-inventory.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: join(root, 'bench', 'results', 'year.db') },
    hours: { type: 'string', default: '8760' },
    nodes: { type: 'string', default: '5000' },
    /** Default nodes / 5 (1,000 for 5,000 nodes); set it to keep the history's size with fewer nodes (faster to write). */
    namespaces: { type: 'string' },
    until: { type: 'string' },
    /** Check withPlannable against sumResourceLists for this many hours, save nothing, and exit. */
    'check-plannable': { type: 'string' },
    'pause-file': { type: 'string', default: join(root, 'bench', 'results', '.pause-store-year') },
  },
});
const HOURS = Number(values.hours);
const NODES = Number(values.nodes);
const until = values.until === undefined ? Number.POSITIVE_INFINITY : new Date(values.until).getTime();
const CLUSTER = 'bench';
const START = Date.UTC(2025, 10, 1);
const HOUR_MS = 3_600_000;
const churn = churnScenarios.find((c) => c.name === 'typical churn')!;

mkdirSync(dirname(values.db), { recursive: true });
// The SQLite store itself: this benchmark measures its file.
const store = SqliteStore.open({ file: values.db });
const cluster = new SyntheticCluster(random(42), NODES, values.namespaces === undefined ? undefined : Number(values.namespaces));

/**
 * The synthetic inventory's `plannable` is a stand-in; give it the sum of ready, schedulable nodes' allocatable, as
 * InventoryBuilder does. The fold of sumResourceLists (Go's Add: the left format unless the left is zero) on
 * running bigints: sumResourceLists builds a Quantity per addition, and was half of this script's time per hour.
 */
function withPlannable(inventory: ClusterInventory): ClusterInventory {
  const totals = new Map<string, { nanos: bigint; format: Quantity['format'] }>();
  for (const node of inventory.nodes) {
    if (!node.ready || !node.schedulable || node.transitional) continue;
    for (const [name, q] of Object.entries(node.allocatable)) {
      const total = totals.get(name);
      if (total === undefined) totals.set(name, { nanos: q.nanos, format: q.format });
      else {
        if (total.nanos === 0n) total.format = q.format;
        total.nanos += q.nanos;
      }
    }
  }
  const plannable: ResourceList = {};
  for (const [name, total] of totals) plannable[name] = quantityFromNanos(total.nanos, total.format);
  return { ...inventory, plannable };
}

/** withPlannable as it was written first, to check the fold against (`--check-plannable`). */
function plannableBySum(inventory: ClusterInventory): ResourceList {
  return sumResourceLists(inventory.nodes.filter((n) => n.ready && n.schedulable && !n.transitional).map((n) => n.allocatable));
}

function fileBytes(s: SqliteStore): number {
  s.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(values.db).size;
}

if (values['check-plannable'] !== undefined) {
  for (let hour = 0; hour < Number(values['check-plannable']); hour++) {
    if (hour > 0) cluster.churn(churn);
    const inventory = cluster.inventory();
    if (!isDeepStrictEqual(withPlannable(inventory).plannable, plannableBySum(inventory))) throw new Error(`plannable differs at hour ${hour}`);
  }
  console.log(`withPlannable equals sumResourceLists for ${values['check-plannable']} hours`);
  process.exit(0);
}

const existing = (store.sqlite.prepare('SELECT count(*) AS n FROM snapshots').get() as { n: number }).n;
// Hour h's snapshot is taken after h churn steps; replay the steps of the hours already stored.
for (let hour = 1; hour < existing; hour++) cluster.churn(churn);
let saved = existing;
let lastId = 0;
// The first snapshot's size, kept beside the database so a resumed run still reports bytes per later snapshot.
const firstFile = `${values.db}.first-bytes`;
let firstBytes = existsSync(firstFile) ? Number(readFileSync(firstFile, 'utf8')) : 0;
const timesFile = `${values.db}.save-ms`;
const started = performance.now();
let saveMs = 0;
for (let hour = existing; hour < HOURS; hour++) {
  if (Date.now() >= until) break;
  while (existsSync(values['pause-file'])) await new Promise((resolve) => setTimeout(resolve, 2000));
  if (hour > 0) cluster.churn(churn);
  const t0 = performance.now();
  lastId = (await store.saveSnapshot({
    cluster: { name: CLUSTER, server: 'https://bench.invalid:6443', context: 'bench' },
    takenAt: new Date(START + hour * HOUR_MS),
    source: { kind: 'file', ref: 'synthetic' },
    inventory: withPlannable(cluster.inventory()),
  })).id;
  const ms = performance.now() - t0;
  saveMs += ms;
  // Every save's time, one line each, kept beside the database so medians cover every resumed run.
  appendFileSync(timesFile, `${hour + 1} ${ms.toFixed(1)}\n`);
  saved = hour + 1;
  if (hour === 0) writeFileSync(firstFile, String((firstBytes = fileBytes(store))));
  if (saved % 250 === 0) {
    const done = saved - existing;
    process.stderr.write(
      `${saved} snapshots, ${(fileBytes(store) / 2 ** 20).toFixed(0)} MiB, ${(saveMs / done).toFixed(0)} ms/save, ${((performance.now() - started) / 60000).toFixed(1)} min\n`,
    );
  }
}

// One plan over the latest snapshot: 12 departments x ~17 teams, 5 namespaces each, for /api/teams and /api/plans.
const hasPlan = (store.sqlite.prepare('SELECT count(*) AS n FROM plans').get() as { n: number }).n > 0;
if (!hasPlan && saved > 0) {
  lastId ||= (store.sqlite.prepare('SELECT max(id) AS id FROM snapshots').get() as { id: number }).id;
  const inventory = await store.loadInventory(lastId);
  const namespaces = inventory.namespaces.map((ns) => ns.name);
  const teams = Array.from({ length: 12 }, (_, d) => ({
    name: `dept-${d}`,
    weight: 1 + (d % 3),
    teams: Array.from({ length: 17 }, (_, t) => t * 12 + d)
      .filter((index) => index * 5 < namespaces.length)
      .map((index) => ({
        name: `team-${index}`,
        namespaces: namespaces.slice(index * 5, index * 5 + 5),
        resources: {
          'nvidia.com/gpu': { demand: String(40 + (index % 60)), ...(index % 4 === 0 ? { guarantee: '8' } : {}) },
          cpu: { demand: String(400 + 10 * (index % 50)) },
          memory: { demand: `${2 + (index % 6)}Ti` },
        },
      })),
  })).filter((department) => department.teams.length > 0);
  const teamsYaml = stringify({ cycle: '2026-Q4', surplus: 'distribute', granularity: { cpu: '1', memory: '1Gi' }, teams });
  const plan = buildPlan({ teams: parseTeamsFile(teamsYaml, 'bench teams'), inventory });
  await store.savePlan({ cluster: CLUSTER, cycle: '2026-Q4', snapshotId: lastId, teamsYaml, plan: planToJson(plan), createdAt: new Date(START + saved * HOUR_MS) });
}

const bytes = fileBytes(store);
/** Median and p95 of the saves after the first, over every run that wrote into this database. */
const times = existsSync(timesFile)
  ? readFileSync(timesFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ').map(Number) as [number, number])
      .filter(([seq]) => seq > 1)
      .map(([, ms]) => ms)
      .sort((a, b) => a - b)
  : [];
const at = (q: number): number | undefined => (times.length === 0 ? undefined : Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] as number));
const summary = {
  db: values.db,
  snapshots: saved,
  nodes: NODES,
  databaseBytes: bytes,
  firstSnapshotBytes: firstBytes || undefined,
  bytesPerLaterSnapshot: saved > 1 && firstBytes ? Math.round((bytes - firstBytes) / (saved - 1)) : undefined,
  savedThisRun: saved - existing,
  meanSaveMs: saved > existing ? Math.round(saveMs / (saved - existing)) : undefined,
  timedSaves: times.length,
  medianSaveMs: at(0.5),
  p95SaveMs: at(0.95),
  minutes: Number(((performance.now() - started) / 60000).toFixed(1)),
};
await store.close();
console.log(JSON.stringify(summary));
