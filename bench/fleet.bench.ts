/**
 * A fleet in one shared PostgreSQL store (issue 19): `--clusters` synthetic clusters of `--nodes` nodes
 * (bench/synthetic-inventory.ts, "typical churn" every hour), each written by its own collector (its own
 * PostgresStore: its own connection pool and write queue) on a thread of its own (bench/fleet-collector-worker.ts,
 * as real collectors are processes of their own), all at once, `--hours` hourly snapshots each (a quarter is
 * 2,184). Meanwhile a dashboard (createApp over its own PostgresStore, requests through `app.request`, no network)
 * asks for the fleet view (`GET /api/fleet`) `--read-rate` times a second on a thread of its own
 * (bench/fleet-dashboard-worker.ts). Then, writers stopped: every cluster's snapshots read back through the store
 * (counted against what was written, the newest inventory loaded), and the fleet view and one cluster's Capacity
 * and History, each `--requests` times.
 *
 * Compared with the SQLite store holding one such cluster: the same hours written by one collector into a file,
 * the same dashboard requests.
 *
 *   node --import tsx bench/fleet.bench.ts [--clusters 20] [--nodes 1000] [--hours 72] [--read-rate 10]
 *        [--collectors threads|one-thread] [--stop-at ISO] [--sqlite-hours N] [--requests 50] [--json FILE]
 *        [--commit SHA]
 *
 * `--read-rate`: requests a second while writing (default 10; 0 asks back to back, a reader that takes a whole
 * core from the writers). The Fleet page does not poll: each time someone opens it, it asks once; 10 a second is
 * a dashboard with many people on it, well above what one team's sees. `--collectors one-thread`: all collectors
 * in this thread, as the bench ran before (their encoding and hashing share one thread), to compare.
 * `--stop-at`: no PostgreSQL collector starts a save after that time (the SQLite one is not stopped), so a run that
 * cannot write every hour stops when told and reports exactly what it wrote (each cluster's hours written, the
 * fewest and the most). `--sqlite-hours`: the SQLite cluster's hours (default `--hours`). `--commit`: the commit
 * measured when run from a frozen copy outside git (`git archive`). Reports write throughput (snapshots/s, and each
 * save's p50/p99), database size (pg_database_size; the SQLite file with its WAL), API latency p50/p99 (ms), the
 * load average at start and end, and the commit measured (with `+dirty` when the work tree differs). Asserts nothing
 * about time; stops with an error when the snapshots read back are not the ones written. The server is the tests'
 * throwaway one (test/support/postgres.ts: fsync, synchronous_commit and full_page_writes off, so writes are
 * faster than on a durable server; its settings are in the output).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createApp } from '../src/server/app.js';
import { openStore, type Store } from '../src/store/open.js';
import { freshDatabase, stopPostgres } from '../test/support/postgres.js';
import { collectHours, FLEET_START, HOUR } from './fleet-collector.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '20' },
    nodes: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '72' },
    requests: { type: 'string', default: '50' },
    'read-rate': { type: 'string', default: '10' },
    collectors: { type: 'string', default: 'threads' },
    'stop-at': { type: 'string' },
    commit: { type: 'string' },
    'sqlite-hours': { type: 'string' },
    json: { type: 'string' },
  },
});
const CLUSTERS = Number(values.clusters);
const NODES = Number(values.nodes);
const HOURS = Number(values.hours);
const REQUESTS = Number(values.requests);
const STOP_AT = values['stop-at'] === undefined ? Infinity : Date.parse(values['stop-at']);
const SQLITE_HOURS = Number(values['sqlite-hours'] ?? values.hours);
const READ_RATE = Number(values['read-rate']);
const COLLECTORS = values.collectors;
if (Number.isNaN(STOP_AT)) throw new Error(`--stop-at: not a time: ${values['stop-at']}`);
if (!(READ_RATE >= 0)) throw new Error(`--read-rate: not a rate: ${values['read-rate']}`);
if (COLLECTORS !== 'threads' && COLLECTORS !== 'one-thread') throw new Error(`--collectors: threads or one-thread, not ${COLLECTORS}`);
const START = FLEET_START;

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
};
const round = (value: number): number => Math.round(value * 10) / 10;
const load = (): number[] => loadavg().map((value) => Math.round(value * 100) / 100);
const log = (message: string): void => void process.stderr.write(`[fleet bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

let saved = 0;
const onSave = (): void => {
  saved += 1;
  if (saved % 500 === 0) log(`${saved} snapshots saved (load ${load().join(' ')})`);
};

/**
 * A worker thread running `file` (TypeScript). Node 20 does not pass `--import tsx` to a worker: the worker
 * registers tsx itself, then loads the file.
 */
function tsWorker(file: string, workerData: unknown): Worker {
  const href = JSON.stringify(new URL(file, import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${href}); })`, { eval: true, workerData });
}

/** One collector on a thread of its own (fleet-collector-worker.ts), open and waiting for `go`. */
interface ThreadCollector {
  go(): Promise<number[]>;
}

function collectorThread(url: string, name: string, seed: number): Promise<ThreadCollector> {
  const worker = tsWorker('./fleet-collector-worker.ts', { url, name, seed, nodes: NODES, hours: HOURS, stopAt: STOP_AT });
  const saves: number[] = [];
  let done = false;
  const finished = new Promise<number[]>((resolve, reject) => {
    worker.on('message', (message: number | 'ready' | 'done') => {
      if (message === 'ready') return;
      if (message === 'done') return void (done = true);
      saves.push(message);
      onSave();
    });
    worker.once('error', reject);
    // The worker ends by itself once its store is closed.
    worker.once('exit', (code) => (done ? resolve(saves) : reject(new Error(`collector ${name} exited (${code}) before it was done`))));
  });
  return new Promise((resolve, reject) => {
    finished.catch(reject);
    worker.once('message', () =>
      resolve({
        go: () => {
          worker.postMessage('go');
          return finished;
        },
      }),
    );
  });
}

/** Every cluster's snapshots read back through a store: their count against `written`, the newest inventory loaded. */
async function readBack(store: Store, written: ReadonlyMap<string, number>): Promise<number> {
  let total = 0;
  for (const [cluster, hours] of written) {
    const snapshots = await store.listSnapshots({ cluster });
    const newest = snapshots.at(-1);
    if (snapshots.length !== hours) throw new Error(`${cluster}: ${hours} snapshots written, ${snapshots.length} read back`);
    if (newest === undefined) continue;
    if (newest.takenAt.getTime() !== START + (hours - 1) * HOUR) throw new Error(`${cluster}: newest snapshot taken ${newest.takenAt.toISOString()}, not hour ${hours - 1}`);
    const nodes = (await store.loadInventory(newest.id)).nodes.length;
    if (nodes !== NODES) throw new Error(`${cluster}: newest snapshot has ${nodes} nodes, not ${NODES}`);
    total += snapshots.length;
  }
  return total;
}

/** Milliseconds of each GET, in order; a non-200 stops the bench. */
async function timeRequests(app: ReturnType<typeof createApp>, path: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await app.request(path);
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
  }
  return times;
}

async function dashboardRequests(app: ReturnType<typeof createApp>, cluster: string) {
  return {
    fleet: summary(await timeRequests(app, '/api/fleet', REQUESTS)),
    capacity: summary(await timeRequests(app, `/api/capacity?snapshot=latest&cluster=${encodeURIComponent(cluster)}`, REQUESTS)),
    history: summary(await timeRequests(app, `/api/history?cluster=${encodeURIComponent(cluster)}&resource=nvidia.com/gpu`, REQUESTS)),
  };
}

/** The rows of one query on a connection of its own. */
async function query<Row extends pg.QueryResultRow>(url: string, text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text)).rows;
  } finally {
    await client.end();
  }
}

const clusterName = (i: number): string => `cluster-${String(i + 1).padStart(2, '0')}`;

async function postgresFleet() {
  const url = await freshDatabase();
  const loadBefore = load();
  const settings = Object.fromEntries(
    (await query<{ name: string; setting: string }>(
      url,
      `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_wal_size', 'wal_level', 'max_connections') ORDER BY name`,
    )).map((row) => [row.name, row.setting]),
  );
  const dashboard = await openStore({ file: url });
  const app = createApp({ store: dashboard, clock: () => new Date(START + HOURS * HOUR), log: () => {} });
  // While they write, the dashboard reads the fleet view on its own thread (fleet-dashboard-worker.ts).
  const reader = tsWorker('./fleet-dashboard-worker.ts', { url, clusters: CLUSTERS, now: START + HOURS * HOUR, rate: READ_RATE });
  const during = new Promise<{ times: number[]; seconds: number; nice: number }>((resolve, reject) => {
    reader.once('message', resolve);
    reader.once('error', reject);
  });
  log(`postgres: ${CLUSTERS} collectors (${COLLECTORS}) x ${HOURS} hours x ${NODES} nodes, GET /api/fleet ${READ_RATE || 'back to back'}/s`);
  const names = Array.from({ length: CLUSTERS }, (_, i) => clusterName(i));
  let perCluster: number[][];
  let started: number;
  if (COLLECTORS === 'threads') {
    const threads = await Promise.all(names.map((name, i) => collectorThread(url, name, 1000 + i)));
    started = performance.now();
    perCluster = await Promise.all(threads.map((thread) => thread.go()));
  } else {
    // Collectors of different clusters save at once; on this loaded machine a save can still take longer than the
    // default 5 s busy timeout (the Node thread is shared by all of them), and the bench must not lose one to it.
    const collectors = await Promise.all(names.map(() => openStore({ file: url, busyTimeoutMs: 600_000 })));
    started = performance.now();
    perCluster = await Promise.all(collectors.map((store, i) => collectHours(store, { name: names[i] as string, seed: 1000 + i, nodes: NODES, hours: HOURS, stopAt: STOP_AT, onSave })));
    await Promise.all(collectors.map((store) => store.close()));
  }
  const seconds = (performance.now() - started) / 1000;
  const loadWritten = load();
  const saves = perCluster.flat();
  const hoursWritten = perCluster.map((times) => times.length);
  reader.postMessage('stop');
  const fleetWhileWriting = await during;
  await reader.terminate();
  log(`postgres: wrote ${saves.length} snapshots in ${round(seconds)} s`);
  const size = Number((await query<{ size: string }>(url, 'SELECT pg_database_size(current_database()) AS size'))[0]?.size);
  const counted = Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM snapshots'))[0]?.n);
  const readStarted = performance.now();
  const readBackCount = await readBack(dashboard, new Map(names.map((name, i) => [name, hoursWritten[i] as number])));
  const readBackSeconds = (performance.now() - readStarted) / 1000;
  log(`postgres: read back ${readBackCount} snapshots (${counted} rows) in ${round(readBackSeconds)} s`);
  const after = await dashboardRequests(app, 'cluster-01');
  await dashboard.close();
  return {
    collectors: COLLECTORS,
    server: settings,
    snapshots: saves.length,
    snapshotsCounted: counted,
    snapshotsReadBack: readBackCount,
    readBackSeconds: round(readBackSeconds),
    hoursPerCluster: { fewest: Math.min(...hoursWritten), most: Math.max(...hoursWritten) },
    seconds: round(seconds),
    snapshotsPerSecond: round(saves.length / seconds),
    save: summary(saves),
    databaseBytes: size,
    bytesPerSnapshot: Math.round(size / saves.length),
    fleetWhileWriting: { ...summary(fleetWhileWriting.times), reads: fleetWhileWriting.times.length, rate: READ_RATE, readerNice: fleetWhileWriting.nice, readsPerSecond: round(fleetWhileWriting.times.length / fleetWhileWriting.seconds) },
    afterWriting: after,
    load: { before: loadBefore, written: loadWritten, after: load() },
  };
}

async function sqliteCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'quotaplan-fleet-bench-'));
  try {
    const file = join(dir, 'one.db');
    const loadBefore = load();
    const store = await openStore({ file });
    saved = 0;
    log(`sqlite: 1 collector x ${SQLITE_HOURS} hours x ${NODES} nodes`);
    const started = performance.now();
    const saves = await collectHours(store, { name: 'cluster-01', seed: 1000, nodes: NODES, hours: SQLITE_HOURS, stopAt: Infinity, onSave });
    const seconds = (performance.now() - started) / 1000;
    const app = createApp({ store, clock: () => new Date(START + SQLITE_HOURS * HOUR), log: () => {} });
    const after = await dashboardRequests(app, 'cluster-01');
    await store.close();
    const bytes = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    return {
      snapshots: saves.length,
      seconds: round(seconds),
      snapshotsPerSecond: round(saves.length / seconds),
      save: summary(saves),
      databaseBytes: bytes,
      afterWriting: after,
      load: { before: loadBefore, after: load() },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const git = (args: string[]): string => execFileSync('git', args, { encoding: 'utf8' }).trim();
const commit = values.commit ?? `${git(['rev-parse', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) === '' ? '' : '+dirty'}`;
// The server stops when told; nothing else keeps this process alive while it does (its pipes are unref'd).
const keepAlive = setInterval(() => undefined, 1000);
try {
  const postgres = await postgresFleet();
  process.stderr.write(`${JSON.stringify({ commit, postgres })}\n`);
  const result = {
    commit,
    startedAt: new Date().toISOString(),
    clusters: CLUSTERS,
    nodes: NODES,
    hours: HOURS,
    sqliteHours: SQLITE_HOURS,
    readRate: READ_RATE,
    collectors: COLLECTORS,
    stopAt: values['stop-at'] ?? null,
    requests: REQUESTS,
    postgres,
    sqliteOneCluster: await sqliteCluster(),
    endedAt: '',
  };
  result.endedAt = new Date().toISOString();
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (values.json !== undefined) writeFileSync(values.json, text);
  process.stdout.write(text);
} finally {
  await stopPostgres();
  clearInterval(keepAlive);
}
