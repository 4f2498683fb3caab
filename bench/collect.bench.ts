/**
 * Collector benchmark: `quotaplan collect` against the tools people use today, on one real control plane
 * (test/cluster/harness) seeded with a synthetic GPU cluster (bench/synthetic-cluster.ts).
 *
 *   node --import tsx bench/collect.bench.ts [--stages 1000:30000,5000:150000] [--runs 3] [--cpu-prof]
 *                                            [--page-sizes 100] [--quotaplan-root CHECKOUT] [--compare-root OTHER_CHECKOUT] [--skip-peers]
 *                                            [--with-json] [--skip kubectl@5000:150000,...]
 *
 * Each stage grows the same cluster to NODES nodes and PODS bound pods (30 a node by default), then runs every
 * tool RUNS times, alternating (tool A, B, C, D, A, B, ...), after one unmeasured warm-up round in the first stage
 * (tsx compile cache, API server watch cache). Each tool is a
 * child process under /usr/bin/time: wall time (ms, measured here) and peak RSS (`%M`, KiB). Peers come from
 * bench/.peers/bin (bash bench/setup.sh); a peer that is missing is left out and said so.
 *
 *   quotaplan                 node bin/quotaplan.js collect --kubeconfig K --db <fresh> --quiet
 *   kubectl get (the floor)   kubectl get nodes,pods -A -o json > file
 *   kubectl-view-allocations  kubectl-view-allocations > file (its default table: resource > node > pod)
 *   kube-capacity             kube-capacity --pods > file
 *
 * Namespaces (1,000), one ResourceQuota each, 50 LimitRanges and 100 Profiles are seeded before the last stage's
 * measurements (quota admission would slow every later pod create). Pods are created Pending and bound (no kubelet
 * runs): one request each. Results: a JSON file in bench/results/ and a Markdown table on stdout. Asserts nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { connect, seedObjects, startControlPlane, type ControlPlane } from '../test/cluster/harness/index.js';
import { syntheticNamespace, syntheticNode, syntheticPod, syntheticPolicyObjects } from './synthetic-cluster.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const peers = join(root, 'bench', '.peers', 'bin');
const results = join(root, 'bench', 'results');
const pauseFile = join(results, '.pause-store-year');

const { values } = parseArgs({
  options: {
    stages: { type: 'string', default: '1000:30000,5000:150000' },
    runs: { type: 'string', default: '3' },
    namespaces: { type: 'string', default: '1000' },
    'cpu-prof': { type: 'boolean', default: false },
    'page-sizes': { type: 'string', default: '100' },
    /** The checkout whose `quotaplan collect` is measured (default: this one). A frozen copy (git archive + a node_modules link) is immune to edits in progress. */
    'quotaplan-root': { type: 'string' },
    /** Another checkout of quotaplan (with node_modules) measured beside this one, e.g. a worktree of an older commit. */
    'compare-root': { type: 'string' },
    'skip-peers': { type: 'boolean', default: false },
    /** Also measure `quotaplan collect --encoding json` (the JSON wire format) in the same rotation. */
    'with-json': { type: 'boolean', default: false },
    /** TOOL@NODES:PODS pairs (comma-separated) not to run, e.g. `kubectl@5000:150000` (matched on the tool name's start). */
    skip: { type: 'string', default: '' },
    /**
     * Measure a cluster that is already seeded (e.g. by bench/hold-cluster.ts) instead of starting and seeding one;
     * `--stages` then names its one size.
     */
    kubeconfig: { type: 'string' },
    /** The memory guard kills a tool when the machine has less than this available (GiB). */
    'min-available-gib': { type: 'string', default: '3' },
  },
});
const stages = values.stages.split(',').map((stage) => {
  const [nodes, pods] = stage.split(':').map(Number);
  if (!Number.isInteger(nodes) || !Number.isInteger(pods) || nodes! < 1 || pods! % nodes! !== 0) {
    throw new Error(`--stages: each stage is NODES:PODS with PODS a multiple of NODES, got ${JSON.stringify(stage)}`);
  }
  return { nodes: nodes!, pods: pods! };
});
const podsPerNode = stages[0]!.pods / stages[0]!.nodes;
if (stages.some((s) => s.pods / s.nodes !== podsPerNode)) throw new Error('--stages: every stage needs the same pods per node');
const runs = Number(values.runs);
const quotaplanRoot = values['quotaplan-root'] ?? root;
const namespaceCount = Number(values.namespaces);

interface Measurement {
  tool: string;
  stage: string;
  run: number;
  wallMs: number;
  peakRssKiB: number;
  outputBytes: number;
  exitCode: number;
  killedAtKiB?: number;
}

interface Tool {
  name: string;
  /** argv and the file stdout goes to. */
  command(kubeconfig: string, run: string): { argv: string[]; env?: Record<string, string>; stdout: string; cleanup?: string[] };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Below this much available memory the tool being measured is killed: a 24 GiB machine shared with others. */
const MIN_AVAILABLE_KIB = Number(values['min-available-gib']) * 1024 * 1024;

function availableKiB(): number {
  const match = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}

/** VmRSS (KiB) of the process /usr/bin/time started, or 0 before it exists. */
function toolRssKiB(timePid: number): number {
  try {
    const children = readFileSync(`/proc/${timePid}/task/${timePid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    let total = 0;
    for (const pid of children) {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += match ? Number(match[1]) : 0;
    }
    return total;
  } catch {
    return 0;
  }
}

/**
 * Runs argv under /usr/bin/time, stdout to a file; wall time measured here, peak RSS from time's %M. If the machine
 * runs low on memory the tool is killed (exit code -9, `killedAtKiB` = its RSS then).
 */
async function measure(
  argv: string[],
  stdoutFile: string,
  env: Record<string, string> = {},
): Promise<{ wallMs: number; peakRssKiB: number; exitCode: number; stderr: string; killedAtKiB?: number }> {
  const timeFile = `${stdoutFile}.time`;
  const out = openSync(stdoutFile, 'w');
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, ...argv], { stdio: ['ignore', out, 'pipe'], env: { ...process.env, ...env }, detached: true });
  let stderr = '';
  let killedAtKiB: number | undefined;
  let sampledKiB = 0;
  const guard = setInterval(() => {
    sampledKiB = Math.max(sampledKiB, toolRssKiB(child.pid!));
    if (killedAtKiB === undefined && availableKiB() < MIN_AVAILABLE_KIB) {
      killedAtKiB = sampledKiB;
      process.kill(-child.pid!, 'SIGKILL');
    }
  }, 250);
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -9)));
  clearInterval(guard);
  const wallMs = performance.now() - started;
  closeSync(out);
  const lines = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n') : [];
  const peakRssKiB = Number(lines[lines.length - 1] ?? sampledKiB) || sampledKiB;
  rmSync(timeFile, { force: true });
  if (killedAtKiB !== undefined) stderr += `\nkilled: the machine had less than ${MIN_AVAILABLE_KIB / 1024 / 1024} GiB available (tool RSS ${killedAtKiB} KiB)`;
  return { wallMs, peakRssKiB, exitCode: killedAtKiB !== undefined ? -9 : exitCode, stderr, ...(killedAtKiB !== undefined ? { killedAtKiB } : {}) };
}

function tools(work: string, extraQuotaplanArgs: string[] = []): Tool[] {
  const list: Tool[] = [
    {
      name: extraQuotaplanArgs.length ? `quotaplan collect ${extraQuotaplanArgs.join(' ')}` : 'quotaplan collect',
      command: (kubeconfig, run) => {
        const db = join(work, `collect-${run}.db`);
        return {
          argv: ['node', join(quotaplanRoot, 'bin', 'quotaplan.js'), 'collect', '--kubeconfig', kubeconfig, '--db', db, '--quiet', '--cluster', 'bench', ...extraQuotaplanArgs],
          stdout: join(work, `quotaplan-${run}.out`),
          cleanup: [db, `${db}-wal`, `${db}-shm`],
        };
      },
    },
  ];
  if (values['with-json'] && !extraQuotaplanArgs.length) {
    list.push({
      name: 'quotaplan collect --encoding json',
      command: (kubeconfig, run) => {
        const db = join(work, `json-${run}.db`);
        return {
          argv: ['node', join(quotaplanRoot, 'bin', 'quotaplan.js'), 'collect', '--kubeconfig', kubeconfig, '--db', db, '--quiet', '--cluster', 'bench', '--encoding', 'json'],
          stdout: join(work, `json-${run}.out`),
          cleanup: [db, `${db}-wal`, `${db}-shm`],
        };
      },
    });
  }
  const compareRoot = values['compare-root'];
  if (compareRoot !== undefined && !extraQuotaplanArgs.length) {
    list.push({
      name: `quotaplan collect @${compareRoot}`,
      command: (kubeconfig, run) => {
        const db = join(work, `compare-${run}.db`);
        return {
          argv: ['node', join(compareRoot, 'bin', 'quotaplan.js'), 'collect', '--kubeconfig', kubeconfig, '--db', db, '--quiet', '--cluster', 'bench'],
          stdout: join(work, `compare-${run}.out`),
          cleanup: [db, `${db}-wal`, `${db}-shm`],
        };
      },
    });
  }
  if (extraQuotaplanArgs.length || values['skip-peers']) return list;
  const kubectl = join(peers, 'kubectl');
  if (existsSync(kubectl)) {
    list.push({
      name: 'kubectl get nodes,pods -A -o json',
      command: (kubeconfig, run) => ({ argv: [kubectl, '--kubeconfig', kubeconfig, 'get', 'nodes,pods', '-A', '-o', 'json'], stdout: join(work, `kubectl-${run}.json`) }),
    });
  } else console.log(`kubectl not in ${peers}: run bash bench/setup.sh`);
  const viewAllocations = join(peers, 'kubectl-view-allocations');
  if (existsSync(viewAllocations)) {
    list.push({
      name: 'kubectl-view-allocations',
      command: (kubeconfig, run) => ({ argv: [viewAllocations], env: { KUBECONFIG: kubeconfig }, stdout: join(work, `view-allocations-${run}.txt`) }),
    });
  } else console.log(`kubectl-view-allocations not in ${peers}: run bash bench/setup.sh`);
  const kubeCapacity = join(peers, 'kube-capacity');
  if (existsSync(kubeCapacity)) {
    list.push({
      name: 'kube-capacity --pods',
      command: (kubeconfig, run) => ({ argv: [kubeCapacity, '--kubeconfig', kubeconfig, '--pods'], stdout: join(work, `kube-capacity-${run}.txt`) }),
    });
  } else console.log(`kube-capacity not in ${peers}: left out (bash bench/setup.sh says why)`);
  return list;
}

async function seedStage(plane: Pick<ControlPlane, 'admin'>, from: { nodes: number; pods: number }, to: { nodes: number; pods: number }): Promise<Record<string, number>> {
  const started = performance.now();
  const first: KubernetesObject[] = [];
  if (from.nodes === 0) for (let i = 0; i < namespaceCount; i++) first.push(syntheticNamespace(i) as KubernetesObject);
  for (let i = from.nodes; i < to.nodes; i++) first.push(syntheticNode(i) as KubernetesObject);
  const nodeReport = await seedObjects(plane.admin, first);
  const podsStarted = performance.now();
  const chunk = 10_000;
  for (let start = from.pods; start < to.pods; start += chunk) {
    const pods: KubernetesObject[] = [];
    for (let i = start; i < Math.min(to.pods, start + chunk); i++) pods.push(syntheticPod(i, { podsPerNode, namespaces: namespaceCount }) as KubernetesObject);
    await seedObjects(plane.admin, pods);
    const done = Math.min(to.pods, start + chunk) - from.pods;
    const seconds = (performance.now() - podsStarted) / 1000;
    process.stderr.write(`  seeded ${done} pods in ${seconds.toFixed(0)} s (${Math.round(done / seconds)}/s), load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  const podSeconds = (performance.now() - podsStarted) / 1000;
  return {
    nodesAndNamespaces: nodeReport.objects,
    nodeSeedMs: nodeReport.ms,
    pods: to.pods - from.pods,
    podSeedSeconds: Math.round(podSeconds),
    podsPerSecond: Math.round((to.pods - from.pods) / podSeconds),
    totalSeconds: Math.round((performance.now() - started) / 1000),
  };
}

async function seedPolicyObjects(plane: Pick<ControlPlane, 'admin'>): Promise<number> {
  const report = await seedObjects(plane.admin, syntheticPolicyObjects(namespaceCount) as KubernetesObject[]);
  return report.objects;
}

async function runRounds(plane: Pick<ControlPlane, 'kubeconfigPath'>, stageName: string, toolList: Tool[], rounds: number, work: string, all: Measurement[], warmUp: boolean): Promise<void> {
  // bench/store-year.ts waits while this file exists, so it does not compete with the measurements.
  writeFileSync(pauseFile, '');
  try {
    await runRoundsNow(plane, stageName, toolList, rounds, work, all, warmUp);
  } finally {
    rmSync(pauseFile, { force: true });
  }
}

async function runRoundsNow(plane: Pick<ControlPlane, 'kubeconfigPath'>, stageName: string, toolList: Tool[], rounds: number, work: string, all: Measurement[], warmUp: boolean): Promise<void> {
  const skipped = values.skip.split(',').filter(Boolean).map((pair) => pair.split('@') as [string, string]);
  for (let round = warmUp ? 0 : 1; round <= rounds; round++) {
    for (const tool of toolList) {
      const stageKey = stageName.replace(' nodes / ', ':').replace(' pods', '');
      // A tool's name, or its first words: `kubectl` is `kubectl get ...`, never `kubectl-view-allocations`.
      if (skipped.some(([prefix, stage]) => stage === stageKey && (tool.name === prefix || tool.name.startsWith(`${prefix} `)))) continue;
      const runId = `${stageName}-${round}-${tool.name}`.replace(/[^a-z0-9]+/gi, '_');
      const command = tool.command(plane.kubeconfigPath, runId);
      const result = await measure(command.argv, command.stdout, command.env);
      const outputBytes = statSync(command.stdout).size;
      const line = { tool: tool.name, stage: stageName, run: round, wallMs: Math.round(result.wallMs), peakRssKiB: result.peakRssKiB, outputBytes, exitCode: result.exitCode, ...(result.killedAtKiB !== undefined ? { killedAtKiB: result.killedAtKiB } : {}) };
      process.stderr.write(`  ${round === 0 ? 'warm-up' : `run ${round}`} ${tool.name}: ${line.wallMs} ms, ${(line.peakRssKiB / 1024).toFixed(0)} MiB, exit ${line.exitCode}, load ${loadavg()[0]!.toFixed(1)}\n`);
      if (result.exitCode !== 0) process.stderr.write(`    stderr: ${result.stderr.trim().split('\n').slice(-5).join('\n    ')}\n`);
      if (round > 0) all.push(line);
      rmSync(command.stdout, { force: true });
      for (const file of command.cleanup ?? []) rmSync(file, { force: true });
    }
  }
}

function summarize(all: Measurement[]): string {
  const rows: string[] = ['| stage | tool | wall median (ms) | peak RSS median (MiB) | runs | wall vs quotaplan | RSS vs quotaplan |', '|---|---|---:|---:|---:|---:|---:|'];
  const stageNames = [...new Set(all.map((m) => m.stage))];
  for (const stage of stageNames) {
    const inStage = all.filter((m) => m.stage === stage && m.exitCode === 0);
    const toolNames = [...new Set(inStage.map((m) => m.tool))];
    for (const failed of new Set(all.filter((m) => m.stage === stage && m.exitCode !== 0).map((m) => m.tool))) {
      const runsOf = all.filter((m) => m.stage === stage && m.tool === failed && m.exitCode !== 0);
      const detail = runsOf.map((m) => (m.killedAtKiB !== undefined ? `killed by the memory guard at ${(m.killedAtKiB / 1024).toFixed(0)} MiB after ${(m.wallMs / 1000).toFixed(0)} s` : `exit ${m.exitCode} after ${(m.wallMs / 1000).toFixed(0)} s`));
      rows.push(`| ${stage} | ${failed} | did not finish: ${detail.join('; ')} | | ${runsOf.length} | | |`);
    }
    const ours = inStage.filter((m) => m.tool === 'quotaplan collect');
    const ourWall = median(ours.map((m) => m.wallMs));
    const ourRss = median(ours.map((m) => m.peakRssKiB));
    for (const tool of toolNames) {
      const mine = inStage.filter((m) => m.tool === tool);
      const wall = median(mine.map((m) => m.wallMs));
      const rss = median(mine.map((m) => m.peakRssKiB));
      rows.push(`| ${stage} | ${tool} | ${wall.toFixed(0)} | ${(rss / 1024).toFixed(0)} | ${mine.length} | ${(wall / ourWall).toFixed(2)}x | ${(rss / ourRss).toFixed(2)}x |`);
    }
  }
  return rows.join('\n');
}

mkdirSync(results, { recursive: true });
const work = join(results, 'collect-work');
mkdirSync(work, { recursive: true });
const header = {
  started: new Date().toISOString(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadBefore: loadavg(),
  quotaplanRoot,
  compareRoot: values['compare-root'],
};
console.log(JSON.stringify(header));
const existing = values.kubeconfig;
const plane: Pick<ControlPlane, 'kubeconfigPath' | 'admin' | 'assertRunning' | 'stop'> =
  existing === undefined
    ? await startControlPlane({ resourceQuotaSyncPeriod: '10m', readyTimeoutMs: 180_000 })
    : { kubeconfigPath: existing, admin: connect(existing), assertRunning: () => undefined, stop: async () => undefined };
const all: Measurement[] = [];
const seeding: Record<string, Record<string, number>> = {};
try {
  let previous = { nodes: 0, pods: 0 };
  for (const [index, stage] of stages.entries()) {
    const stageName = `${stage.nodes} nodes / ${stage.pods} pods`;
    if (existing === undefined) {
      process.stderr.write(`seeding ${stageName}\n`);
      seeding[stageName] = await seedStage(plane, previous, stage);
      if (index === stages.length - 1) seeding[stageName]!.policyObjects = await seedPolicyObjects(plane);
      console.log(JSON.stringify({ seeded: stageName, ...seeding[stageName] }));
      previous = stage;
      plane.assertRunning();
      // Let the controller-manager's informers settle (it watches every pod) before measuring.
      await new Promise((resolve) => setTimeout(resolve, 15_000));
    }
    const toolList = tools(work);
    await runRounds(plane, stageName, toolList, runs, work, all, index === 0);
    if (index === stages.length - 1) {
      for (const pageSize of values['page-sizes'].split(',').filter(Boolean)) {
        await runRounds(plane, stageName, tools(work, ['--page-size', pageSize]), 1, work, all, false);
      }
      if (values['cpu-prof']) {
        const profDir = join(results, 'cpu-prof');
        mkdirSync(profDir, { recursive: true });
        const db = join(work, 'prof.db');
        const result = await measure(
          ['node', '--cpu-prof', `--cpu-prof-dir=${profDir}`, join(quotaplanRoot, 'bin', 'quotaplan.js'), 'collect', '--kubeconfig', plane.kubeconfigPath, '--db', db, '--quiet', '--cluster', 'bench'],
          join(work, 'prof.out'),
        );
        console.log(JSON.stringify({ cpuProfile: profDir, wallMs: Math.round(result.wallMs), exitCode: result.exitCode }));
        rmSync(db, { force: true });
      }
    }
  }
} finally {
  await plane.stop();
}
const table = summarize(all);
const file = join(results, `collect-${header.started.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ ...header, loadAfter: loadavg(), seeding, measurements: all }, null, 2));
console.log(`\n${table}\n\nseeding: ${JSON.stringify(seeding)}\nload average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}\nraw: ${file}`);
