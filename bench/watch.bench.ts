/**
 * `collect` and `collect --watch` on one real control plane (issue 20): the one-shot collect against the raw protobuf
 * LISTs of the same objects, then the watch under pod churn, each of its snapshots compared with a fresh collect.
 *
 *   node --import tsx bench/watch.bench.ts [--kubeconfig K | --nodes 200 --pods 6000 --namespaces 100]
 *       [--quotaplan-root CHECKOUT] [--compare-root OTHER_CHECKOUT,...] [--runs 5] [--every 120s] [--snapshots 4]
 *       [--churn 3000] [--churn-seconds 60] [--quiet-intervals 1] [--skip-oneshot] [--skip-watch] [--cpu-prof DIR]
 *
 * `--kubeconfig` measures a cluster already seeded (bench/hold-cluster.ts); without it a control plane is started and
 * seeded here (bench/synthetic-cluster.ts) and stopped at the end. CHECKOUT's `bin/quotaplan.js` runs its compiled
 * `dist/` (build it first: a frozen copy, see docs/benchmarks.md).
 *
 * 1. One-shot, RUNS rounds after one unmeasured warm-up, alternating:
 *      quotaplan collect       node CHECKOUT/bin/quotaplan.js collect --kubeconfig K --db <fresh> --quiet
 *      (OTHER_CHECKOUT's)      the same for each --compare-root (an A/B of commits)
 *      raw protobuf LISTs      one curl process (HTTP/1.1) reading, one after the other over one connection, every LIST collect
 *                              makes (the kinds registry's order, paths and field selectors; Accept protobuf, JSON
 *                              for custom resources, as collect asks), bodies to /dev/null
 *    each under /usr/bin/time: wall (measured here), CPU (user + system, %U + %S), peak RSS (%M); and the API server's
 *    own CPU during the run (/proc/PID/stat utime + stime of the kube-apiserver serving K).
 * 2. Watch: QUIET_INTERVALS intervals of churn with no watcher (the API server's CPU for the churn alone), then
 *    `collect --watch --every EVERY` for SNAPSHOTS intervals. In each interval the churn driver makes CHURN pod
 *    changes spread evenly over CHURN_SECONDS (a quarter each: creates, deletes, rebinds = delete and create on
 *    another node, in-place resizes of the main container's CPU request), then stays quiet until the next snapshot.
 *    Per snapshot: the watcher's CPU since the previous one (/proc/PID/stat), its RSS, the API server's CPU. After
 *    each snapshot (the churn paused) a fresh one-shot collect stores into a second database and both stored
 *    inventories are compared whole (isDeepStrictEqual).
 *
 * Results: a JSON file in bench/results/ and Markdown tables on stdout. Asserts nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeConfig } from '@kubernetes/client-node';
import { listPath, listTargetOf } from '../src/collect/list.js';
import type { ClusterInventory } from '../src/inventory/types.js';
import { registry } from '../src/kinds/registry.js';
import { openStore } from '../src/store/open.js';
import { connect, seedObjects, startControlPlane, type KubeClients } from '../test/cluster/harness/index.js';
import { nodeName, syntheticNamespace, syntheticNode, syntheticPod, syntheticPolicyObjects } from './synthetic-cluster.js';
import { random } from './synthetic-inventory.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const results = join(root, 'bench', 'results');

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    nodes: { type: 'string', default: '200' },
    pods: { type: 'string', default: '6000' },
    namespaces: { type: 'string', default: '100' },
    'quotaplan-root': { type: 'string' },
    'compare-root': { type: 'string' },
    runs: { type: 'string', default: '5' },
    every: { type: 'string', default: '120s' },
    snapshots: { type: 'string', default: '4' },
    /** Pod changes per interval; default 2% of the pods. */
    churn: { type: 'string' },
    'churn-seconds': { type: 'string', default: '60' },
    'quiet-intervals': { type: 'string', default: '1' },
    'skip-oneshot': { type: 'boolean', default: false },
    'skip-watch': { type: 'boolean', default: false },
    /** Write a CPU profile of the watcher (and of each fresh collect) into this folder (`node --cpu-prof`). */
    'cpu-prof': { type: 'string' },
  },
});
const [nodes, pods, namespaces] = [Number(values.nodes), Number(values.pods), Number(values.namespaces)];
if (![nodes, pods, namespaces].every((n) => Number.isInteger(n) && n > 0) || pods % nodes !== 0) {
  throw new Error('--nodes, --pods and --namespaces must be positive whole numbers, --pods a multiple of --nodes');
}
const runs = Number(values.runs);
const everyMatch = /^(\d+)s$/.exec(values.every);
if (everyMatch === null) throw new Error('--every: whole seconds, e.g. 120s');
const everyMs = Number(everyMatch[1]) * 1000;
const snapshots = Number(values.snapshots);
const churnPerInterval = values.churn === undefined ? Math.round(pods * 0.02) : Number(values.churn);
const churnMs = Number(values['churn-seconds']) * 1000;
const quietIntervals = Number(values['quiet-intervals']);
const quotaplanRoot = values['quotaplan-root'] ?? root;
/** Other checkouts measured beside QUOTAPLAN_ROOT (comma-separated). */
const compareRoots = (values['compare-root'] ?? '').split(',').filter(Boolean);
const podsPerNode = pods / nodes;

const clockTick = 100; // USER_HZ on Linux: /proc/PID/stat counts CPU time in 1/100 s.

/** utime + stime of a process (its threads included), in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "(comm) ": field 3 is state; utime and stime are fields 14 and 15 of the whole line.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTick;
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** The kube-apiserver listening on `port` (others may run on the same machine). */
function apiServerPid(port: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('kube-apiserver') && argv.includes(`--secure-port=${port}`)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no kube-apiserver with --secure-port=${port} on this machine`);
}

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

// ---------------------------------------------------------------------------------------------------------------
// The cluster

mkdirSync(results, { recursive: true });
const work = join(results, 'watch-work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const header = { started: new Date().toISOString(), cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadBefore: loadavg(), quotaplanRoot, compareRoots };
console.log(JSON.stringify(header));

let stopPlane = async (): Promise<void> => undefined;
let kubeconfigPath: string;
if (values.kubeconfig !== undefined) {
  kubeconfigPath = values.kubeconfig;
} else {
  const plane = await startControlPlane({ resourceQuotaSyncPeriod: '10m', readyTimeoutMs: 180_000 });
  stopPlane = () => plane.stop();
  kubeconfigPath = plane.kubeconfigPath;
  const first: KubernetesObject[] = [];
  for (let i = 0; i < namespaces; i++) first.push(syntheticNamespace(i) as KubernetesObject);
  for (let i = 0; i < nodes; i++) first.push(syntheticNode(i) as KubernetesObject);
  await seedObjects(plane.admin, first);
  for (let start = 0; start < pods; start += 10_000) {
    const batch: KubernetesObject[] = [];
    for (let i = start; i < Math.min(pods, start + 10_000); i++) batch.push(syntheticPod(i, { podsPerNode, namespaces }) as KubernetesObject);
    await seedObjects(plane.admin, batch);
  }
  await seedObjects(plane.admin, syntheticPolicyObjects(namespaces) as KubernetesObject[]);
  process.stderr.write(`seeded ${nodes} nodes, ${pods} pods, ${namespaces} namespaces\n`);
}
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfigPath);
const cluster = kubeConfig.getCurrentCluster()!;
const user = kubeConfig.getCurrentUser()!;
const server = cluster.server.replace(/\/+$/, '');
const apiServer = apiServerPid(new URL(server).port);
const admin: KubeClients = connect(kubeconfigPath, { maxSockets: 16 });

// ---------------------------------------------------------------------------------------------------------------
// 1. One-shot

interface Run {
  tool: string;
  run: number;
  wallMs: number;
  cpuMs: number;
  peakRssKiB: number;
  apiServerCpuMs: number;
  exitCode: number;
  load: number;
}

/** argv under /usr/bin/time: wall measured here, CPU and peak RSS from time, the API server's CPU meanwhile. */
async function measure(argv: string[], stdoutFile: string): Promise<Omit<Run, 'tool' | 'run'> & { stdout: string; stderr: string }> {
  const timeFile = `${stdoutFile}.time`;
  const apiBefore = cpuMs(apiServer);
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const wallMs = performance.now() - started;
  const apiServerCpuMs = cpuMs(apiServer) - apiBefore;
  const [user, system, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(timeFile, { force: true });
  return { wallMs, cpuMs: (user! + system!) * 1000, peakRssKiB: rss!, apiServerCpuMs, exitCode, load: loadavg()[0]!, stdout, stderr };
}

const profile = values['cpu-prof'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`];
const collectArgv = (checkout: string, db: string, cluster: string): string[] => ['node', ...profile, join(checkout, 'bin', 'quotaplan.js'), 'collect', '--kubeconfig', kubeconfigPath, '--db', db, '--quiet', '--cluster', cluster];

/** Every LIST `collect` makes, in its order, as curl arguments (one process, one connection, bodies discarded). */
function curlArgv(): string[] {
  if (user.token === undefined) throw new Error('the raw LIST baseline needs a token user in the kubeconfig');
  const headerFile = join(work, 'curl-headers');
  writeFileSync(headerFile, `Authorization: Bearer ${user.token}\nAccept: application/vnd.kubernetes.protobuf, application/json\n`, { mode: 0o600 });
  // HTTP/1.1 as collect speaks it (Node's https); curl would otherwise negotiate HTTP/2 with the API server.
  const argv = ['curl', '--http1.1', '--silent', '--show-error', '-H', `@${headerFile}`, '-w', '%{http_code} %{size_download} %{content_type} %{url}\\n'];
  if (cluster.caFile !== undefined) argv.push('--cacert', cluster.caFile);
  for (const kind of registry.listed) {
    const target = listTargetOf(kind);
    const url = new URL(server + listPath(target));
    if (target.fieldSelector !== undefined) url.searchParams.set('fieldSelector', target.fieldSelector);
    argv.push('-o', '/dev/null', url.href);
  }
  return argv;
}

const oneShot: Run[] = [];
let curlReport = '';
if (!values['skip-oneshot']) {
  const tools: { name: string; argv: (run: string) => string[]; cleanup: (run: string) => string[] }[] = [
    { name: 'quotaplan collect', argv: (run) => collectArgv(quotaplanRoot, join(work, `oneshot-${run}.db`), 'bench'), cleanup: (run) => [join(work, `oneshot-${run}.db`)] },
  ];
  for (const compareRoot of compareRoots) {
    tools.push({ name: `quotaplan collect @${compareRoot}`, argv: (run) => collectArgv(compareRoot, join(work, `compare-${run}.db`), 'bench'), cleanup: (run) => [join(work, `compare-${run}.db`)] });
  }
  tools.push({ name: 'raw protobuf LISTs (curl)', argv: () => curlArgv(), cleanup: () => [] });
  for (let round = 0; round <= runs; round++) {
    for (const tool of tools) {
      const id = `${round}-${tool.name.replace(/[^a-z0-9]+/gi, '_')}`;
      const result = await measure(tool.argv(id), join(work, `${id}.out`));
      process.stderr.write(
        `  ${new Date().toISOString().slice(11, 19)} ${round === 0 ? 'warm-up' : `run ${round}`} ${tool.name}: ${Math.round(result.wallMs)} ms wall, ${Math.round(result.cpuMs)} ms CPU, ${Math.round(result.peakRssKiB / 1024)} MiB, API server ${Math.round(result.apiServerCpuMs)} ms CPU, exit ${result.exitCode}, load ${load()}\n`,
      );
      if (result.exitCode !== 0) process.stderr.write(`    stderr: ${result.stderr.trim()}\n`);
      if (tool.name.startsWith('raw') && curlReport === '') curlReport = result.stdout.trim();
      if (round > 0) oneShot.push({ tool: tool.name, run: round, wallMs: Math.round(result.wallMs), cpuMs: Math.round(result.cpuMs), peakRssKiB: result.peakRssKiB, apiServerCpuMs: Math.round(result.apiServerCpuMs), exitCode: result.exitCode, load: result.load });
      for (const file of tool.cleanup(id)) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    }
  }
  process.stderr.write(`curl, per LIST (status, bytes, type, url):\n${curlReport}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Watch under churn

interface LivePod {
  name: string;
  namespace: string;
  index: number;
  /** The main container's CPU request in millicores. */
  cpuMilli: number;
}

const rand = random(20);
const livePods: LivePod[] = [];
for (let i = 0; i < pods; i++) {
  const pod = syntheticPod(i, { podsPerNode, namespaces });
  livePods.push({ name: pod.metadata.name, namespace: pod.metadata.namespace!, index: i, cpuMilli: 250 * (1 + (i % 8)) });
}
let nextIndex = pods;

/** A new pod: synthetic pod `index`'s shape, on `node`. */
function podObject(index: number, name: string, node: string): KubernetesObject {
  const pod = syntheticPod(index, { podsPerNode, namespaces });
  pod.metadata.name = name;
  (pod.spec as { nodeName: string }).nodeName = node;
  return pod as KubernetesObject;
}

async function call(method: string, path: string, body: unknown, contentType = 'application/json'): Promise<void> {
  const answer = await admin.request(path, { method, headers: { 'Content-Type': contentType }, body: JSON.stringify(body) });
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path}: HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
}

const podPath = (pod: Pick<LivePod, 'namespace' | 'name'>): string => `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}`;
const deletePod = (pod: LivePod): Promise<void> => call('DELETE', podPath(pod), { gracePeriodSeconds: 0 });
const createPod = (pod: LivePod, node: string): Promise<void> => call('POST', `/api/v1/namespaces/${pod.namespace}/pods`, podObject(pod.index, pod.name, node));

/** One change: a create, a delete, a rebind or a resize (in turn). */
async function change(k: number): Promise<void> {
  const kind = k % 4;
  if (kind === 0) {
    const index = nextIndex++;
    const template = syntheticPod(index, { podsPerNode, namespaces });
    const pod: LivePod = { name: template.metadata.name, namespace: template.metadata.namespace!, index, cpuMilli: 250 * (1 + (index % 8)) };
    await createPod(pod, nodeName(Math.floor(rand() * nodes)));
    livePods.push(pod);
    return;
  }
  // Taken out of the live set before the request, so no two changes in flight touch the same pod.
  const at = Math.floor(rand() * livePods.length);
  const pod = livePods[at]!;
  livePods[at] = livePods[livePods.length - 1]!;
  livePods.pop();
  if (kind === 1) {
    await deletePod(pod);
    return;
  }
  if (kind === 2) {
    await deletePod(pod);
    await createPod(pod, nodeName(Math.floor(rand() * nodes)));
  } else {
    const cpuMilli = pod.cpuMilli >= 2000 ? pod.cpuMilli - 250 : pod.cpuMilli + 250;
    await call('PATCH', `${podPath(pod)}/resize`, { spec: { containers: [{ name: 'main', resources: { requests: { cpu: `${cpuMilli}m` } } }] } }, 'application/strategic-merge-patch+json');
    pod.cpuMilli = cpuMilli;
  }
  livePods.push(pod);
}

interface Churn {
  changes: number;
  failed: number;
  ms: number;
  firstError?: string;
}

/** `count` changes spread evenly over `ms` (at most 16 in flight), ending by `deadline` at the latest. */
async function churn(count: number, ms: number, deadline: number): Promise<Churn> {
  const started = performance.now();
  const spacing = ms / count;
  let done = 0;
  let failed = 0;
  let firstError: string | undefined;
  const inFlight = new Set<Promise<void>>();
  for (let k = 0; k < count; k++) {
    const due = started + k * spacing;
    const now = performance.now();
    if (now > deadline) break;
    if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
    while (inFlight.size >= 16) await Promise.race(inFlight);
    const request = change(k).then(
      () => void done++,
      (error: unknown) => {
        failed++;
        firstError ??= String(error);
      },
    );
    const tracked = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  return { changes: done, failed, ms: Math.round(performance.now() - started), ...(firstError === undefined ? {} : { firstError }) };
}

async function loadInventory(db: string, cluster: string): Promise<ClusterInventory> {
  const store = await openStore({ file: db });
  try {
    const [latest] = (await store.listSnapshots({ cluster })).slice(-1);
    return await store.loadInventory(latest!.id);
  } finally {
    await store.close();
  }
}

/** The paths where two inventories differ (`resourceQuotas.22.used.requests.cpu.nanos: 271000000000 / 269200000000`). */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b ? [] : [`${path.slice(1)}: ${String(a)} / ${String(b)}`];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`));
}

interface Interval {
  snapshot: number;
  line: string;
  churn?: Churn;
  /** The watcher's CPU since the previous snapshot (the first: since it started). */
  watcherCpuMs: number;
  watcherRssKiB: number;
  watcherPeakRssKiB: number;
  /** The API server's CPU from the start of this interval's churn to the snapshot, and that window's length. */
  apiServerCpuMs: number;
  apiWindowMs: number;
  intervalMs: number;
  equalsFreshCollect?: boolean;
  difference?: string;
  freshCollect?: { wallMs: number; cpuMs: number; exitCode: number };
  load: number;
}

const quiet: { churn: Churn; apiServerCpuMs: number; apiWindowMs: number; load: number }[] = [];
let idle: { apiServerCpuMs: number; apiWindowMs: number } | undefined;
const intervals: Interval[] = [];
let watcherExit: { code: number | null; signal: string | null } | undefined;
let watcherStderr = '';
if (!values['skip-watch']) {
  // The API server with nothing to do (its controller-manager's watches, leases), then with the churn alone.
  {
    const apiBefore = cpuMs(apiServer);
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    idle = { apiServerCpuMs: Math.round(cpuMs(apiServer) - apiBefore), apiWindowMs: Math.round(performance.now() - started) };
    process.stderr.write(`  API server idle: ${JSON.stringify(idle)}\n`);
  }
  for (let i = 0; i < quietIntervals; i++) {
    const apiBefore = cpuMs(apiServer);
    const started = performance.now();
    const result = await churn(churnPerInterval, churnMs, started + everyMs - 20_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + churnMs + 15_000 - performance.now())));
    const entry = { churn: result, apiServerCpuMs: Math.round(cpuMs(apiServer) - apiBefore), apiWindowMs: Math.round(performance.now() - started), load: loadavg()[0]! };
    quiet.push(entry);
    process.stderr.write(`  churn without a watcher: ${JSON.stringify(entry)}\n`);
  }

  const db = join(work, 'watch.db');
  const child = spawn('node', [...profile, join(quotaplanRoot, 'bin', 'quotaplan.js'), 'collect', '--watch', '--every', values.every, '--kubeconfig', kubeconfigPath, '--db', db, '--cluster', 'watched'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watcher = child.pid!;
  const exited = new Promise<void>((resolve) => child.on('exit', (code, signal) => ((watcherExit = { code, signal }), resolve())));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (watcherStderr = (watcherStderr + chunk).slice(-4000)));
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts.filter((line) => line.startsWith('snapshot ')));
    wake?.();
  });
  const nextLine = async (index: number): Promise<string> => {
    while (lines.length <= index) {
      if (watcherExit !== undefined) throw new Error(`the watcher exited (${JSON.stringify(watcherExit)}): ${watcherStderr}`);
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited]);
    }
    return lines[index]!;
  };

  let cpuBefore = 0;
  let apiBefore = cpuMs(apiServer);
  let apiAt = performance.now();
  let previousAt = apiAt;
  let pendingChurn: Churn | undefined;
  try {
    for (let k = 0; k <= snapshots; k++) {
      const line = await nextLine(k);
      const at = performance.now();
      const cpu = cpuMs(watcher);
      const api = cpuMs(apiServer);
      const interval: Interval = {
        snapshot: k,
        line,
        ...(pendingChurn === undefined ? {} : { churn: pendingChurn }),
        watcherCpuMs: Math.round(cpu - cpuBefore),
        watcherRssKiB: statusKiB(watcher, 'VmRSS'),
        watcherPeakRssKiB: statusKiB(watcher, 'VmHWM'),
        apiServerCpuMs: Math.round(api - apiBefore),
        apiWindowMs: Math.round(at - apiAt),
        intervalMs: Math.round(at - previousAt),
        load: loadavg()[0]!,
      };
      // A fresh collect now (the churn is paused), compared whole with the snapshot the watcher stored.
      const fresh = join(work, 'fresh.db');
      const result = await measure(collectArgv(quotaplanRoot, fresh, 'fresh'), join(work, 'fresh.out'));
      interval.freshCollect = { wallMs: Math.round(result.wallMs), cpuMs: Math.round(result.cpuMs), exitCode: result.exitCode };
      if (result.exitCode === 0) {
        const [watched, collected] = [await loadInventory(db, 'watched'), await loadInventory(fresh, 'fresh')];
        interval.equalsFreshCollect = isDeepStrictEqual(watched, collected);
        if (!interval.equalsFreshCollect) {
          const totals = (inventory: ClusterInventory): string => `${inventory.nodes.length} nodes, ${inventory.namespaces.length} namespaces, ${inventory.namespaces.reduce((sum, ns) => sum + ns.pods, 0)} pods`;
          const paths = differences(watched, collected);
          interval.difference = `watched: ${totals(watched)}; fresh collect: ${totals(collected)}; ${paths.length} fields differ, e.g. ${paths.slice(0, 5).join('; ')}`;
        }
      }
      for (const suffix of ['', '-wal', '-shm']) rmSync(fresh + suffix, { force: true });
      intervals.push(interval);
      process.stderr.write(`  ${new Date().toISOString().slice(11, 19)} snapshot ${k}: ${JSON.stringify(interval)}, load ${load()}\n`);
      // The API server measured from the churn's start: the fresh collect above is not the watcher's.
      cpuBefore = cpu;
      apiBefore = cpuMs(apiServer);
      apiAt = performance.now();
      previousAt = at;
      if (k < snapshots) {
        const tick = at + everyMs;
        pendingChurn = await churn(churnPerInterval, Math.max(1_000, Math.min(churnMs, tick - 20_000 - performance.now())), tick - 15_000);
      }
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

admin.close();
await stopPlane();

// ---------------------------------------------------------------------------------------------------------------
// Report

const rows: string[] = [];
if (oneShot.length > 0) {
  rows.push('| one-shot | wall median (ms) | CPU median (ms) | peak RSS median (MiB) | API server CPU median (ms) | runs (wall ms) | wall / raw LISTs | CPU / raw LISTs |', '|---|---:|---:|---:|---:|---|---:|---:|');
  const curl = oneShot.filter((r) => r.tool.startsWith('raw') && r.exitCode === 0);
  const [curlWall, curlCpu] = [median(curl.map((r) => r.wallMs)), median(curl.map((r) => r.cpuMs))];
  for (const tool of [...new Set(oneShot.map((r) => r.tool))]) {
    const mine = oneShot.filter((r) => r.tool === tool && r.exitCode === 0);
    const [wall, cpu] = [median(mine.map((r) => r.wallMs)), median(mine.map((r) => r.cpuMs))];
    rows.push(
      `| ${tool} | ${wall} | ${cpu} | ${Math.round(median(mine.map((r) => r.peakRssKiB)) / 1024)} | ${median(mine.map((r) => r.apiServerCpuMs))} | ${mine.map((r) => r.wallMs).join(', ')} | ${(wall / curlWall).toFixed(2)}x | ${(cpu / curlCpu).toFixed(2)}x |`,
    );
  }
}
if (intervals.length > 0) {
  const oneShotCpu = median([...oneShot.filter((r) => r.tool === 'quotaplan collect' && r.exitCode === 0).map((r) => r.cpuMs), ...intervals.map((i) => i.freshCollect?.cpuMs ?? NaN).filter((n) => !Number.isNaN(n))]);
  const rate = (cpu: number, windowMs: number): string => `${cpu} ms in ${(windowMs / 1000).toFixed(0)} s (${((cpu / windowMs) * 1000).toFixed(0)} ms/s)`;
  rows.push('', `| snapshot | pod changes (failed) in | watcher CPU (ms) | / one-shot CPU (${oneShotCpu} ms) | watcher RSS / peak (MiB) | API server CPU, churn start to snapshot | interval (ms) | equals a fresh collect |`, '|---:|---:|---:|---:|---|---:|---:|---|');
  for (const i of intervals) {
    rows.push(
      `| ${i.snapshot} | ${i.churn ? `${i.churn.changes} (${i.churn.failed}) in ${(i.churn.ms / 1000).toFixed(0)} s` : 'start (LISTs)'} | ${i.watcherCpuMs} | ${((i.watcherCpuMs / oneShotCpu) * 100).toFixed(1)}% | ${Math.round(i.watcherRssKiB / 1024)} / ${Math.round(i.watcherPeakRssKiB / 1024)} | ${rate(i.apiServerCpuMs, i.apiWindowMs)} | ${i.intervalMs} | ${i.equalsFreshCollect === undefined ? 'not compared' : i.equalsFreshCollect ? 'yes' : `NO: ${i.difference}`} |`,
    );
  }
  for (const q of quiet) rows.push(`| (no watcher) | ${q.churn.changes} (${q.churn.failed}) in ${(q.churn.ms / 1000).toFixed(0)} s | | | | ${rate(q.apiServerCpuMs, q.apiWindowMs)} | | |`);
  if (idle !== undefined) rows.push(`| (no watcher, no churn) | | | | | ${rate(idle.apiServerCpuMs, idle.apiWindowMs)} | | |`);
  const churnFailures = [...quiet.map((q) => q.churn), ...intervals.flatMap((i) => (i.churn ? [i.churn] : []))].map((c) => c.firstError).filter(Boolean);
  if (churnFailures.length > 0) rows.push('', `first churn error: ${churnFailures[0]}`);
  rows.push('', `watcher exit: ${JSON.stringify(watcherExit)}; stderr tail: ${JSON.stringify(watcherStderr.slice(-500))}`);
}
const file = join(results, `watch-${header.started.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ ...header, loadAfter: loadavg(), kubeconfig: kubeconfigPath, nodes, pods, namespaces, everyMs, churnPerInterval, churnMs, curlReport, oneShot, idle, quiet, intervals, watcherExit, watcherStderr }, null, 2));
if (!existsSync(file)) throw new Error(`could not write ${file}`);
console.log(`\n${rows.join('\n')}\n\nload average before: ${header.loadBefore.map((l) => l.toFixed(1)).join(' ')}, after: ${load()}\nraw: ${file}`);
