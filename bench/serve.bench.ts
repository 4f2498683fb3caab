/**
 * Dashboard benchmark: `quotaplan serve` on a database (a year of hourly snapshots of the 5,000-node cluster,
 * bench/store-year.ts), and the latency of the page's main API calls under concurrent load from a second process
 * (autocannon), loopback only, bounded in time.
 *
 *   node --import tsx bench/serve.bench.ts [--db bench/results/year.db] [--connections 1,8] [--seconds 10]
 *                                          [--quotaplan-root CHECKOUT]
 *
 * For every call: the first (cold) request's time, then for each connection count an autocannon run of
 * `--seconds`: p50 / p90 / p99 / max latency (ms), requests per second, non-2xx responses. Asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
  },
});
const connections = values.connections.split(',').map(Number);
const seconds = Number(values.seconds);

const db = new Database(values.db, { readonly: true });
const range = db.prepare('SELECT min(taken_at) AS first, max(taken_at) AS last, count(*) AS snapshots FROM snapshots').get() as { first: number; last: number; snapshots: number };
db.close();
const daysBefore = (days: number): string => new Date(range.last - days * 86_400_000).toISOString();

/** The calls the dashboard's pages make on load (web/pages/*.js), and the History page over shorter ranges. */
const calls: { name: string; path: string; gzip?: boolean }[] = [
  { name: 'capacity', path: '/api/capacity?snapshot=latest' },
  { name: 'teams', path: '/api/teams?plan=latest' },
  { name: 'history (all)', path: '/api/history' },
  { name: 'history (all), gzip', path: '/api/history', gzip: true },
  { name: 'history (30 days)', path: `/api/history?from=${daysBefore(30)}` },
  { name: 'history (30 days), gzip', path: `/api/history?from=${daysBefore(30)}`, gzip: true },
  { name: 'history (7 days)', path: `/api/history?from=${daysBefore(7)}` },
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

/** `gzip`: send `Accept-Encoding: gzip`, as a browser does (autocannon does not by default). */
function autocannon(url: string, connectionCount: number, gzip: boolean): Promise<CannonResult> {
  const argv = [join(root, 'node_modules', 'autocannon', 'autocannon.js'), '-j', '-c', String(connectionCount), '-d', String(seconds), '-t', '30', ...(gzip ? ['-H', 'accept-encoding=gzip'] : []), url];
  return new Promise((resolve, reject) => {
    const child = spawn('node', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as CannonResult) : reject(new Error(`autocannon exited ${code}: ${err}`))));
  });
}

const server = await startServer();
const rows: string[] = [
  '| call | response | cold (ms) | connections | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | req/s | non-2xx |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
const raw: unknown[] = [];
try {
  for (const call of calls) {
    const url = `${server.url}${call.path}`;
    const t0 = performance.now();
    const response = await fetch(url);
    const body = await response.arrayBuffer();
    const coldMs = performance.now() - t0;
    if (!response.ok) throw new Error(`${call.path}: HTTP ${response.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
    for (const count of connections) {
      const result = await autocannon(url, count, call.gzip === true);
      raw.push({ call: call.name, path: call.path, bytes: body.byteLength, coldMs, connections: count, ...result });
      const l = result.latency;
      rows.push(
        `| ${call.name} \`${call.path}\` | ${(body.byteLength / 1024).toFixed(0)} KiB | ${coldMs.toFixed(0)} | ${count} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} | ${result.requests.average.toFixed(0)} | ${result.non2xx + result.errors + result.timeouts} |`,
      );
      process.stderr.write(`${rows.at(-1)}  (load ${loadavg()[0]!.toFixed(1)})\n`);
    }
  }
} finally {
  server.child.kill('SIGTERM');
}
const file = join(root, 'bench', 'results', `serve-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ db: values.db, snapshots: range.snapshots, cpus: cpus().length, load: loadavg(), seconds, results: raw }, null, 2));
console.log(`${range.snapshots} snapshots from ${new Date(range.first).toISOString()} to ${new Date(range.last).toISOString()}\n\n${rows.join('\n')}\n\n${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; raw: ${file}`);
