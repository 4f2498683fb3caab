/**
 * Startup benchmark: what a command costs before it does anything, for the layouts quotaplan could ship, beside
 * kubectl-view-allocations (a compiled Rust binary) and bare `node` (the floor no Node CLI goes under).
 *
 *   node --import tsx bench/startup.bench.ts [--runs 21] [--skip-tsx]
 *
 * Layouts, each run as a child process (wall time measured here, peak RSS from /usr/bin/time %M):
 *   bundle   node bin/quotaplan.js            dist/ from scripts/build.ts (esbuild, split per command): what ships
 *   tsc      node <tmp>/src/cli.js            the same sources compiled file by file by tsc (built here into .tmp/)
 *   tsx      node --import tsx src/cli.ts     the sources compiled on every run (what bin/ ran before issue 16)
 * Commands: `--version`, `--help`, `inventory --from-file test/fixtures/cluster-mixed-gpu.json`, and
 * `kubectl-view-allocations --version` (bench/.peers/bin, from bash bench/setup.sh) and `node -e 0`.
 * Rounds alternate between every command (A, B, C, ..., A, B, C, ...) so a change in the machine's load hits all
 * alike; the first round is a warm-up. Prints wall medians, p90, CPU time (user + system: on a machine busy with
 * other work, what the wall time would be on an idle one) and the ratio to kubectl-view-allocations, and writes
 * bench/results/startup.json. Asserts nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const results = join(root, 'bench', 'results');
const fixture = join(root, 'test/fixtures/cluster-mixed-gpu.json');
const viewAllocations = join(root, 'bench', '.peers', 'bin', 'kubectl-view-allocations');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' }, 'skip-tsx': { type: 'boolean', default: false } } });
const runs = Number(values.runs);

interface Case {
  name: string;
  argv: string[];
}

interface Sample {
  wallMs: number;
  /** User + system CPU time of the process (from /usr/bin/time): on a busy machine, what wall time would be on an idle one. */
  cpuMs: number;
  rssKiB: number;
}

/** The tsc layout: every source file compiled to JavaScript beside its folder structure, in .tmp/bench-tsc. */
function buildTscLayout(): string {
  const out = join(root, '.tmp', 'bench-tsc');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const config = join(out, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: false, rootDir: root, outDir: out, sourceMap: false, typeRoots: [join(root, 'node_modules/@types')] },
      include: [join(root, 'src')],
      exclude: [],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc failed');
  // package-files.ts finds the package root as the parent of src/: the tsc layout's root is `out`.
  for (const folder of ['migrations', 'web', 'src/collect/proto', 'src/demo']) cpSync(join(root, folder), join(out, folder), { recursive: true, filter: (file) => !file.endsWith('.ts') });
  return join(out, 'src', 'cli.js');
}

function measure(argv: string[]): Promise<Sample> {
  const timeFile = join(results, `.startup-${process.pid}.time`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, ...argv], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`));
      const [rssKiB, user, system] = (readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map(Number);
      rmSync(timeFile, { force: true });
      resolve({ wallMs, cpuMs: ((user ?? 0) + (system ?? 0)) * 1000, rssKiB: rssKiB ?? 0 });
    });
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = (sorted.length - 1) * q;
  const low = Math.floor(index);
  const high = Math.ceil(index);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
}

mkdirSync(results, { recursive: true });
spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts'), '--if-stale'], { cwd: root, stdio: 'inherit' });
const tscCli = buildTscLayout();
const bin = join(root, 'bin/quotaplan.js');
const node = process.execPath;
const commands: [string, string[]][] = [
  ['--version', ['--version']],
  ['--help', ['--help']],
  ['inventory --from-file', ['inventory', '--from-file', fixture]],
];
const cases: Case[] = [{ name: 'node -e 0', argv: [node, '-e', '0'] }];
if (existsSync(viewAllocations)) cases.push({ name: 'kubectl-view-allocations --version', argv: [viewAllocations, '--version'] });
else console.log(`kubectl-view-allocations not in ${dirname(viewAllocations)}: run bash bench/setup.sh`);
for (const [name, args] of commands) {
  cases.push({ name: `bundle ${name}`, argv: [node, bin, ...args] });
  cases.push({ name: `tsc ${name}`, argv: [node, tscCli, ...args] });
  if (!values['skip-tsx']) cases.push({ name: `tsx ${name}`, argv: [node, '--import', 'tsx', join(root, 'src/cli.ts'), ...args] });
}

const header = { started: new Date().toISOString(), cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, runs, loadBefore: loadavg() };
console.log(JSON.stringify(header));
const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
for (let round = 0; round <= runs; round++) {
  for (const c of cases) {
    const sample = await measure(c.argv);
    if (round > 0) samples.get(c.name)!.push(sample);
  }
  process.stderr.write(`round ${round}/${runs}, load ${loadavg()[0]!.toFixed(1)}\n`);
}

const peer = samples.get('kubectl-view-allocations --version');
const peerWall = peer === undefined ? undefined : quantile(peer.map((s) => s.wallMs), 0.5);
const rows = [
  '| command | wall median (ms) | wall p90 (ms) | CPU median (ms) | peak RSS median (MiB) | wall vs kubectl-view-allocations --version |',
  '|---|---:|---:|---:|---:|---:|',
];
const summary: Record<string, { wallMedianMs: number; wallP90Ms: number; cpuMedianMs: number; rssMedianMiB: number }> = {};
for (const c of cases) {
  const list = samples.get(c.name)!;
  const wall = quantile(list.map((s) => s.wallMs), 0.5);
  const p90 = quantile(list.map((s) => s.wallMs), 0.9);
  const cpu = quantile(list.map((s) => s.cpuMs), 0.5);
  const rss = quantile(list.map((s) => s.rssKiB), 0.5) / 1024;
  summary[c.name] = { wallMedianMs: Math.round(wall), wallP90Ms: Math.round(p90), cpuMedianMs: Math.round(cpu), rssMedianMiB: Math.round(rss) };
  rows.push(`| ${c.name} | ${wall.toFixed(0)} | ${p90.toFixed(0)} | ${cpu.toFixed(0)} | ${rss.toFixed(0)} | ${peerWall === undefined ? '' : `${(wall / peerWall).toFixed(1)}x`} |`);
}
const loadAfter = loadavg();
console.log(rows.join('\n'));
console.log(`load average before ${header.loadBefore.map((l) => l.toFixed(1)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(1)).join(' ')}`);
writeFileSync(join(results, 'startup.json'), `${JSON.stringify({ ...header, loadAfter, summary, samples: Object.fromEntries(samples) }, null, 2)}\n`);
rmSync(join(root, '.tmp', 'bench-tsc'), { recursive: true, force: true });
