/**
 * The store on a synthetic 5,000-node cluster, two parts (both by default):
 *
 * --speed: saveSnapshot of a typical-churn hour, before and after, in one run. "before" is a frozen copy of the
 *   store at commit --before-commit (default 73b6098, main before the save was made faster), extracted with
 *   `git archive` into a temporary tree and imported dynamically; "after" is this checkout, measured twice:
 *   "warm" saves every hour on one connection (a long-running collector, bench/store-year.ts), "cold" opens a new
 *   connection for every save (what an hourly `quotaplan collect` process pays). Each hour's inventory is
 *   structuredClone'd for every variant outside the timing, so no variant sees the objects of the previous hour
 *   (a collector builds fresh objects every time). The three variants save the same hour one after another into
 *   their own database, so machine load hits them alike. Also checks, at every hour, that loadInventory of the
 *   "after" snapshot deep-equals the inventory saved, and that both trees stored the same blobs.
 *
 * --bytes: bytes per snapshot under each churn scenario (numbers in docs/store.md).
 *
 *   node --import tsx bench/store.bench.ts [--nodes 5000] [--hours 48] [--speed-hours 30] [--speed | --bytes]
 *                                          [--breakdown] [--before-commit SHA] [--json FILE]
 *
 * Asserts nothing about time (numbers go to docs/store.md and docs/benchmarks.md); run it with `nice -n 10`
 * on a shared machine.
 *
 * Churn per hour, "typical": 5% of nodes change requested/pods, 0.2% change other facts (a label, readiness),
 * one node replaced, 20% of namespaces change requests/pods and so their quota's `used`. "heavy": 30% / 1% / 5
 * nodes / 60%.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClusterInventory } from '../src/inventory/types.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { SaveSnapshotInput } from '../src/store/store.js';

type Store = SqliteStore;
const openStore = async (options: { file: string }): Promise<SqliteStore> => SqliteStore.open(options);
import { churnScenarios, random, SyntheticCluster } from './synthetic-inventory.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    hours: { type: 'string', default: '48' },
    'speed-hours': { type: 'string', default: '30' },
    speed: { type: 'boolean', default: false },
    bytes: { type: 'boolean', default: false },
    breakdown: { type: 'boolean', default: false },
    'before-commit': { type: 'string', default: '73b6098' },
    json: { type: 'string' },
  },
});
const NODE_COUNT = Number(values.nodes);
const HOURS = Number(values.hours);
const SPEED_HOURS = Number(values['speed-hours']);
const NAMESPACE_COUNT = Math.max(10, Math.round(NODE_COUNT / 5));
const runSpeed = values.speed || !values.bytes;
const runBytes = values.bytes || !values.speed;

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

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-bench-'));
const results: Record<string, unknown> = { nodes: NODE_COUNT, namespaces: NAMESPACE_COUNT };

// ---------------------------------------------------------------------------------------------------------
// Speed: before and after in one run
// ---------------------------------------------------------------------------------------------------------

/** The synchronous store API of a commit before the store became async (73b6098). */
interface FrozenStore {
  close(): void;
}
interface StoreModules {
  openStore(options: { file: string }): FrozenStore;
  saveSnapshot(store: FrozenStore, input: SaveSnapshotInput): unknown;
}

/** The store modules of `commit`, from a tree extracted once into the temporary directory. */
async function frozenStore(commit: string): Promise<StoreModules> {
  const tree = join(tmpdir(), `quotaplan-store-before-${commit}`);
  if (!existsSync(join(tree, 'src', 'store', 'snapshots.ts'))) {
    mkdirSync(tree, { recursive: true });
    const archive = execFileSync('git', ['-C', root, 'archive', commit, 'src', 'migrations', 'package.json'], { maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', tree], { input: archive });
    if (!existsSync(join(tree, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  }
  const open = (await import(pathToFileURL(join(tree, 'src', 'store', 'open.ts')).href)) as Pick<StoreModules, 'openStore'>;
  const snapshots = (await import(pathToFileURL(join(tree, 'src', 'store', 'snapshots.ts')).href)) as Pick<StoreModules, 'saveSnapshot'>;
  return { openStore: open.openStore, saveSnapshot: snapshots.saveSnapshot };
}

if (runSpeed) {
  const before = await frozenStore(values['before-commit']);
  const churn = churnScenarios.find((c) => c.name === 'typical churn')!;
  const cluster = new SyntheticCluster(random(42), NODE_COUNT, NAMESPACE_COUNT);
  const start = Date.UTC(2026, 0, 1);
  const files = { before: join(dir, 'speed-before.db'), warm: join(dir, 'speed-warm.db'), cold: join(dir, 'speed-cold.db') };
  const beforeStore = before.openStore({ file: files.before });
  const warmStore = await openStore({ file: files.warm });
  const times = { before: [] as number[], warm: [] as number[], cold: [] as number[] };
  let mismatches = 0;
  const save = async (kind: keyof typeof times, fn: () => unknown): Promise<void> => {
    const t0 = performance.now();
    await fn();
    times[kind].push(performance.now() - t0);
  };
  for (let hour = 0; hour <= SPEED_HOURS; hour++) {
    if (hour > 0) cluster.churn(churn);
    const inventory = cluster.inventory();
    const input = (inv: ClusterInventory) => ({ cluster: { name: 'big' }, takenAt: new Date(start + hour * 3_600_000), source: { kind: 'file' as const, ref: 'synthetic' }, inventory: inv });
    const forBefore = structuredClone(inventory);
    const forWarm = structuredClone(inventory);
    const forCold = structuredClone(inventory);
    await save('before', () => before.saveSnapshot(beforeStore, input(forBefore)));
    let warmId = 0;
    await save('warm', async () => (warmId = (await warmStore.saveSnapshot(input(forWarm))).id));
    const coldStore = await openStore({ file: files.cold });
    await save('cold', () => coldStore.saveSnapshot(input(forCold)));
    await coldStore.close();
    if (!isDeepStrictEqual(await warmStore.loadInventory(warmId), inventory)) mismatches += 1;
  }
  beforeStore.close();
  // Same stored blobs, byte for byte, in both trees: the format did not change.
  const blobSums = Object.fromEntries(
    Object.entries(files).map(([kind, file]) => {
      const s = SqliteStore.open({ file });
      const hash = createHash('sha256');
      let count = 0;
      for (const blob of s.sqlite.prepare('SELECT hash, body FROM blobs ORDER BY id').iterate() as Iterable<{ hash: Buffer; body: Buffer }>) {
        hash.update(blob.hash).update(blob.body);
        count += 1;
      }
      s.close();
      return [kind, `${count} blobs, sha256 of all ${hash.digest('hex').slice(0, 16)}`];
    }),
  );
  await warmStore.close();
  const stats = (kind: keyof typeof times) => {
    const later = times[kind].slice(1).sort((a, b) => a - b);
    return { first: Math.round(times[kind][0] as number), median: Math.round(quantile(later, 0.5)), p95: Math.round(quantile(later, 0.95)) };
  };
  const table = { before: stats('before'), warm: stats('warm'), cold: stats('cold') };
  results.speed = { hours: SPEED_HOURS, beforeCommit: values['before-commit'], ...table, loadMismatches: mismatches, blobs: blobSums };
  console.log(`saveSnapshot, ${NODE_COUNT} nodes, typical churn, ${SPEED_HOURS} hours after the first (ms):`);
  console.log('| variant | first snapshot | later: median | later: p95 | median vs before |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [label, kind] of [
    [`before (${values['before-commit']})`, 'before'],
    ['after, one connection (warm)', 'warm'],
    ['after, new connection per save (cold)', 'cold'],
  ] as const) {
    const s = table[kind];
    console.log(`| ${label} | ${s.first} | ${s.median} | ${s.p95} | ${(table.before.median / s.median).toFixed(1)}x |`);
  }
  console.log(`loadInventory equal to the inventory saved: ${SPEED_HOURS + 1 - mismatches} of ${SPEED_HOURS + 1} hours`);
  console.log('stored blobs (ids, hashes and bodies):');
  for (const [kind, text] of Object.entries(blobSums)) console.log(`  ${kind}: ${text}`);
}

// ---------------------------------------------------------------------------------------------------------
// Bytes per snapshot under each churn scenario
// ---------------------------------------------------------------------------------------------------------

if (runBytes) {
  console.log(`synthetic cluster: ${NODE_COUNT} nodes, ${NAMESPACE_COUNT} namespaces (one quota each), 100 limit ranges, 300 profiles; ${HOURS} hourly snapshots per scenario`);
  console.log('scenario        first snapshot   per later snapshot   a year of hourly   save ms (avg)   load ms   series ms');
  const rows: unknown[] = [];
  for (const [index, churn] of churnScenarios.entries()) {
    const store = await openStore({ file: join(dir, `bench-${index}.db`) });
    const cluster = new SyntheticCluster(random(42), NODE_COUNT, NAMESPACE_COUNT);
    const start = Date.UTC(2026, 0, 1);
    await store.saveSnapshot({ cluster: { name: 'big' }, takenAt: new Date(start), source: { kind: 'file', ref: 'synthetic' }, inventory: cluster.inventory() });
    const first = fileBytes(store);
    const firstTables = tableBytes(store);
    let saveMs = 0;
    let lastId = 0;
    for (let hour = 1; hour <= HOURS; hour += 1) {
      cluster.churn(churn);
      const inventory = structuredClone(cluster.inventory());
      const t0 = performance.now();
      lastId = (await store.saveSnapshot({ cluster: { name: 'big' }, takenAt: new Date(start + hour * 3_600_000), source: { kind: 'file', ref: 'synthetic' }, inventory })).id;
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
    await store.loadInventory(lastId);
    const loadMs = performance.now() - t1;
    const t2 = performance.now();
    await store.namespaceUsageSeries({ cluster: 'big', from: new Date(start), to: new Date(start + HOURS * 3_600_000), namespaces: ['team-0001', 'team-0002'] });
    const seriesMs = performance.now() - t2;
    rows.push({ scenario: churn.name, firstBytes: first, perSnapshotBytes: Math.round(perSnapshot), saveMsMean: Math.round(saveMs / HOURS), loadMs: Math.round(loadMs) });
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
    await store.close();
  }
  results.bytes = rows;
}

if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
rmSync(dir, { recursive: true, force: true });
