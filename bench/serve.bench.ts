/**
 * Dashboard benchmark: `quotaplan serve` on a database (a year of hourly snapshots of the 5,000-node cluster,
 * bench/store-year.ts), and the latency of the page's main API calls under concurrent load from a second process
 * (autocannon), loopback only, bounded in time.
 *
 *   node --import tsx bench/serve.bench.ts [--db bench/results/year.db] [--connections 1,8] [--seconds 10]
 *                                          [--quotaplan-root CHECKOUT] [--resources nvidia.com/gpu,cpu,memory]
 *                                          [--cold-only] [--only REGEX] [--plain-client autocannon|node]
 *
 * First, right after the server starts: the cold History build (the first `/api/history` request) and, while it
 * runs, Capacity requests one after another (how many are answered before History answers, and their latencies;
 * a server that blocks during the build answers none). Then for every call: the first request's time, then for
 * each connection count an autocannon run of `--seconds`: p50 / p90 / p99 / max latency (ms), requests per second,
 * non-2xx responses. History is asked per resource, as the page does (`?resource=`), over the year, 30 days and
 * 7 days, plain and gzip; `--resources ''` asks the whole answer instead (a server without `resource=`).
 * Asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: join(root, 'bench', 'results', 'year.db') },
    connections: { type: 'string', default: '1,8' },
    seconds: { type: 'string', default: '10' },
    /** The checkout whose `quotaplan serve` runs (default: this one); a frozen copy is immune to edits in progress. */
    'quotaplan-root': { type: 'string', default: root },
    /** History per resource (the page's calls); empty: the whole answer, as before `resource=` existed. */
    resources: { type: 'string', default: 'nvidia.com/gpu,cpu,memory' },
    /** Only the cold-start measurement (e.g. on an older checkout). */
    'cold-only': { type: 'boolean', default: false },
    /** Internal: be the load client for one URL (`--connections N --seconds S [--gzip]`), print its result as JSON. */
    client: { type: 'string' },
    /** Load client for plain rows: autocannon (default, as the earlier measurements) or node (this file's client). */
    'plain-client': { type: 'string', default: 'autocannon' },
    /** Only the calls whose name matches this regular expression (e.g. `capacity|teams|plan`). */
    only: { type: 'string' },
    gzip: { type: 'boolean', default: false },
  },
});

/**
 * The load client for gzip rows: keep-alive connections through node:http (llhttp), each asking again as soon as
 * its answer has arrived, the body counted and dropped. autocannon appends every body chunk to a JS string
 * (`req.body += data`), which for gzip bytes is an expensive invalid-UTF-8 decode: its gzip latencies measured
 * the client, not the server (a 305 KiB gzip body: 69 req/s with autocannon, over 500 with this client).
 */
async function loadClient(url: string, connectionCount: number, seconds: number, gzip: boolean): Promise<CannonResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connectionCount });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const t = performance.now();
      get(url, { agent, headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (response) => {
        if ((response.statusCode ?? 0) >= 300) non2xx += 1;
        response.on('data', () => {});
        response.on('end', () => {
          latencies.push(performance.now() - t);
          resolve();
        });
      }).on('error', () => {
        errors += 1;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: connectionCount }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN).toFixed(1));
  return {
    latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), average: latencies.reduce((a, b) => a + b, 0) / latencies.length },
    requests: { average: latencies.length / seconds, total: latencies.length },
    non2xx,
    errors,
    timeouts: 0,
  };
}

if (values.client !== undefined) {
  console.log(JSON.stringify(await loadClient(values.client, Number(values.connections), Number(values.seconds), values.gzip)));
  process.exit(0);
}
const resources = values.resources.split(',').filter((r) => r !== '');
const connections = values.connections.split(',').map(Number);
const seconds = Number(values.seconds);

const db = new Database(values.db, { readonly: true });
const range = db.prepare('SELECT min(taken_at) AS first, max(taken_at) AS last, count(*) AS snapshots FROM snapshots').get() as { first: number; last: number; snapshots: number };
db.close();
const daysBefore = (days: number): string => new Date(range.last - days * 86_400_000).toISOString();

/** The calls the dashboard's pages make on load (web/pages/*.js), and the History page over shorter ranges. */
const historyCalls = (resource: string | null): { name: string; path: string; gzip?: boolean }[] => {
  const ask = resource === null ? '' : `resource=${encodeURIComponent(resource)}`;
  const path = (from: string | null): string => `/api/history${[ask, from === null ? '' : `from=${from}`].filter((p) => p !== '').map((p, i) => `${i === 0 ? '?' : '&'}${p}`).join('')}`;
  const label = resource ?? 'all resources';
  return [
    { name: `history ${label}, year`, path: path(null) },
    { name: `history ${label}, year, gzip`, path: path(null), gzip: true },
    { name: `history ${label}, 30 days`, path: path(daysBefore(30)) },
    { name: `history ${label}, 30 days, gzip`, path: path(daysBefore(30)), gzip: true },
    { name: `history ${label}, 7 days`, path: path(daysBefore(7)) },
    { name: `history ${label}, 7 days, gzip`, path: path(daysBefore(7)), gzip: true },
  ];
};
const calls: { name: string; path: string; gzip?: boolean }[] = [
  { name: 'capacity', path: '/api/capacity?snapshot=latest' },
  { name: 'teams', path: '/api/teams?plan=latest' },
  ...(resources.length === 0 ? historyCalls(null) : resources.flatMap(historyCalls)),
  { name: 'plans (list)', path: '/api/plans' },
  { name: 'plan (latest)', path: '/api/plans/latest' },
];

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('node', [join(values['quotaplan-root'], 'bin', 'quotaplan.js'), 'serve', '--db', values.db, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /dashboard at (http:\/\/\S+?)\/? \(/.exec(stderr);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`quotaplan serve exited ${code}: ${stderr}`)));
  });
}

interface CannonResult {
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * A load run from a second process: autocannon for plain JSON (as the earlier measurements), this file's own
 * node:http client (`--client`) for gzip (`Accept-Encoding: gzip`, as a browser sends).
 */
function load(url: string, connectionCount: number, gzip: boolean): Promise<CannonResult> {
  const argv = gzip || values['plain-client'] === 'node'
    ? ['--import', 'tsx', fileURLToPath(import.meta.url), '--client', url, '--connections', String(connectionCount), '--seconds', String(seconds), ...(gzip ? ['--gzip'] : [])]
    : [join(root, 'node_modules', 'autocannon', 'autocannon.js'), '-j', '-c', String(connectionCount), '-d', String(seconds), '-t', '30', url];
  return new Promise((resolve, reject) => {
    const child = spawn('node', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as CannonResult) : reject(new Error(`autocannon exited ${code}: ${err}`))));
  });
}

/**
 * The first History request after start (it builds the totals) and, meanwhile, Capacity requests one at a time:
 * their latencies, and how many were answered before History was.
 */
async function coldStart(url: string): Promise<{ historyMs: number; historyBytes: number; capacity: number[]; waited: number | null; loadDuring: number }> {
  const firstHistory = resources.length === 0 ? '/api/history' : historyCalls(resources[0] ?? null)[0]!.path;
  const t0 = performance.now();
  let historyMs = -1;
  let historyBytes = 0;
  const history = fetch(`${url}${firstHistory}`).then(async (response) => {
    historyBytes = (await response.arrayBuffer()).byteLength;
    if (!response.ok) throw new Error(`${firstHistory}: HTTP ${response.status}`);
    historyMs = performance.now() - t0;
  });
  const capacity: number[] = [];
  let waited: number | null = null;
  // Let the History request reach the server first.
  await new Promise((resolve) => setTimeout(resolve, 200));
  while (historyMs < 0) {
    const t = performance.now();
    const asked = fetch(`${url}/api/capacity?snapshot=latest`).then(async (r) => (await r.arrayBuffer(), performance.now() - t));
    const response = await Promise.race([asked, history.then(() => null)]);
    if (response === null) {
      // History answered first: a server that blocks held this Capacity request until the build ended.
      waited = await asked;
      break;
    }
    if (historyMs < 0) capacity.push(response);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await history;
  return { historyMs, historyBytes, capacity, waited, loadDuring: loadavg()[0]! };
}

const clientOf = (call: { gzip?: boolean }): string => (call.gzip === true || values['plain-client'] === 'node' ? 'node:http' : 'autocannon');

const server = await startServer();
const rows: string[] = [
  '| call | response | cold (ms) | client | connections | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | req/s | non-2xx |',
  '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
];
const raw: unknown[] = [];
let cold: Awaited<ReturnType<typeof coldStart>>;
try {
  cold = await coldStart(server.url);
} catch (error) {
  server.child.kill('SIGTERM');
  throw error;
}
const sorted = [...cold.capacity].sort((a, b) => a - b);
const coldLine = `cold History build: first History answer after ${cold.historyMs.toFixed(0)} ms (${(cold.historyBytes / 1024).toFixed(0)} KiB); Capacity answered ${cold.capacity.length} times meanwhile${sorted.length === 0 ? '' : ` (first ${cold.capacity[0]!.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms)`}${cold.waited === null ? '' : `; the Capacity request in flight when History answered took ${cold.waited.toFixed(0)} ms`}; load ${cold.loadDuring.toFixed(1)}`;
process.stderr.write(`${coldLine}\n`);
raw.push({ call: 'cold start', ...cold });
if (values['cold-only']) calls.length = 0;
if (values.only !== undefined) {
  const only = new RegExp(values.only);
  calls.splice(0, calls.length, ...calls.filter((call) => only.test(call.name)));
}
try {
  for (const call of calls) {
    const url = `${server.url}${call.path}`;
    const t0 = performance.now();
    const response = await fetch(url, { headers: { 'accept-encoding': call.gzip === true ? 'gzip' : 'identity' } });
    const body = await response.arrayBuffer();
    const coldMs = performance.now() - t0;
    // fetch inflates a gzip body; the size on the wire is the compressed one.
    const wire = call.gzip === true ? Number(response.headers.get('content-length') ?? body.byteLength) : body.byteLength;
    if (!response.ok) throw new Error(`${call.path}: HTTP ${response.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
    for (const count of connections) {
      const result = await load(url, count, call.gzip === true);
      raw.push({ call: call.name, path: call.path, bytes: body.byteLength, wireBytes: wire, coldMs, client: clientOf(call), connections: count, ...result });
      const l = result.latency;
      rows.push(
        `| ${call.name} \`${call.path}\` | ${(wire / 1024).toFixed(0)} KiB | ${coldMs.toFixed(0)} | ${clientOf(call)} | ${count} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} | ${result.requests.average.toFixed(0)} | ${result.non2xx + result.errors + result.timeouts} |`,
      );
      process.stderr.write(`${rows.at(-1)}  (load ${loadavg()[0]!.toFixed(1)})\n`);
    }
  }
} finally {
  server.child.kill('SIGTERM');
}
const file = join(root, 'bench', 'results', `serve-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ db: values.db, snapshots: range.snapshots, cpus: cpus().length, load: loadavg(), seconds, results: raw }, null, 2));
console.log(`${range.snapshots} snapshots from ${new Date(range.first).toISOString()} to ${new Date(range.last).toISOString()}\n\n${coldLine}\n\n${rows.join('\n')}\n\n${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; raw: ${file}`);
