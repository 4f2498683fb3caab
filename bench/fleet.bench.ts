/**
 * A fleet in one shared PostgreSQL store (issue 19): `--clusters` synthetic clusters of `--nodes` nodes
 * (bench/synthetic-inventory.ts, "typical churn" every hour), each written by its own collector (its own
 * PostgresStore: its own connection pool and write queue), all at once, `--hours` hourly snapshots each (a quarter
 * is 2,184; the default is what a shared 2-core machine can do in minutes, say which in the numbers). Meanwhile
 * a dashboard (createApp over its own PostgresStore, requests through `app.request`, no network) asks for the
 * fleet view (`GET /api/fleet`) in a loop, on a thread of its own (bench/fleet-dashboard-worker.ts). Then, with writers stopped: the fleet view and one cluster's Capacity
 * and History, each `--requests` times.
 *
 * Compared with the SQLite store holding one such cluster: the same hours written by one collector into a file,
 * the same dashboard requests.
 *
 *   nice -n 10 node --import tsx bench/fleet.bench.ts [--clusters 20] [--nodes 1000] [--hours 72]
 *        [--stop-at ISO] [--sqlite-hours N] [--requests 50] [--json FILE]
 *
 * `--stop-at`: no PostgreSQL collector starts a save after that time (the SQLite one is not stopped), so a run that cannot write every hour stops when told
 * and reports exactly what it wrote (each cluster's hours written, the fewest and the most). `--sqlite-hours`: the
 * SQLite cluster's hours (default `--hours`). Reports write throughput (snapshots/s, and each save's p50/p99),
 * database size (pg_database_size; the SQLite file with its WAL), API latency p50/p99 (ms), the load average at
 * start and end, and the commit measured (with `+dirty` when the work tree differs). Asserts nothing about time.
 * The server is the tests' throwaway one (test/support/postgres.ts: fsync off, so writes are faster than on a
 * durable server). All collectors run in this one Node process: their CPU work (encoding, hashing) shares one
 * thread, where real collectors would each have their own.
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
import { churnScenarios, random, SyntheticCluster } from './synthetic-inventory.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '20' },
    nodes: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '72' },
    requests: { type: 'string', default: '50' },
    'stop-at': { type: 'string' },
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
if (Number.isNaN(STOP_AT)) throw new Error(`--stop-at: not a time: ${values['stop-at']}`);
const START = Date.UTC(2026, 6, 1);
const HOUR = 3_600_000;
const typical = churnScenarios.find((c) => c.name === 'typical churn') ?? (churnScenarios[1] as (typeof churnScenarios)[number]);

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
};
const round = (value: number): number => Math.round(value * 10) / 10;
const load = (): number[] => loadavg().map((value) => Math.round(value * 100) / 100);
const log = (message: string): void => void process.stderr.write(`[fleet bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

let saved = 0;

/** One collector: a cluster's hourly snapshots into its own store; each save's milliseconds. */
async function collect(store: Store, name: string, seed: number, hours: number, stopAt = Infinity): Promise<number[]> {
  const cluster = new SyntheticCluster(random(seed), NODES);
  const saves: number[] = [];
  for (let hour = 0; hour < hours && Date.now() < stopAt; hour += 1) {
    if (hour > 0) cluster.churn(typical);
    const inventory = cluster.inventory();
    const started = performance.now();
    await store.saveSnapshot({ cluster: { name }, takenAt: new Date(START + hour * HOUR), source: { kind: 'live', ref: name }, inventory });
    saves.push(performance.now() - started);
    saved += 1;
    if (saved % 100 === 0) log(`${saved} snapshots saved`);
  }
  return saves;
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

async function postgresFleet() {
  const url = await freshDatabase();
  const loadBefore = load();
  // Collectors of different clusters save at once; on this loaded machine a save can still take longer than the
  // default 5 s busy timeout (the Node thread is shared by all 20), and the bench must not lose one to it.
  const collectors = await Promise.all(Array.from({ length: CLUSTERS }, () => openStore({ file: url, busyTimeoutMs: 600_000 })));
  const dashboard = await openStore({ file: url });
  const app = createApp({ store: dashboard, clock: () => new Date(START + HOURS * HOUR), log: () => {} });
  // While they write, the dashboard reads the fleet view on its own thread (fleet-dashboard-worker.ts).
  // Node 20 does not pass `--import tsx` to a worker: the worker registers tsx itself, then loads the TypeScript file.
  const workerFile = JSON.stringify(new URL('./fleet-dashboard-worker.ts', import.meta.url).href);
  const reader = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${workerFile}); })`, {
    eval: true,
    workerData: { url, clusters: CLUSTERS, now: START + HOURS * HOUR },
  });
  const during = new Promise<number[]>((resolve, reject) => {
    reader.once('message', resolve);
    reader.once('error', reject);
  });
  log(`postgres: ${CLUSTERS} collectors x ${HOURS} hours x ${NODES} nodes`);
  const started = performance.now();
  const perCluster = await Promise.all(collectors.map((store, i) => collect(store, `cluster-${String(i + 1).padStart(2, '0')}`, 1000 + i, HOURS, STOP_AT)));
  const saves = perCluster.flat();
  const hoursWritten = perCluster.map((times) => times.length);
  const seconds = (performance.now() - started) / 1000;
  reader.postMessage('stop');
  const fleetWhileWriting = await during;
  await reader.terminate();
  log(`postgres: wrote ${saves.length} snapshots in ${round(seconds)} s`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const size = Number((await client.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size')).rows[0]?.size);
  const counted = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM snapshots')).rows[0]?.n);
  await client.end();
  const after = await dashboardRequests(app, 'cluster-01');
  await Promise.all([...collectors, dashboard].map((store) => store.close()));
  return {
    snapshots: saves.length,
    snapshotsCounted: counted,
    hoursPerCluster: { fewest: Math.min(...hoursWritten), most: Math.max(...hoursWritten) },
    seconds: round(seconds),
    snapshotsPerSecond: round(saves.length / seconds),
    save: summary(saves),
    databaseBytes: size,
    fleetWhileWriting: { ...summary(fleetWhileWriting), reads: fleetWhileWriting.length },
    afterWriting: after,
    load: { before: loadBefore, after: load() },
  };
}

async function sqliteCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'quotaplan-fleet-bench-'));
  try {
    const file = join(dir, 'one.db');
    const loadBefore = load();
    const store = await openStore({ file });
    log(`sqlite: 1 collector x ${SQLITE_HOURS} hours x ${NODES} nodes`);
    const started = performance.now();
    const saves = await collect(store, 'cluster-01', 1000, SQLITE_HOURS);
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
const commit = `${git(['rev-parse', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) === '' ? '' : '+dirty'}`;
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
