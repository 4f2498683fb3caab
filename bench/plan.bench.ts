/**
 * Planner benchmark: 2,000 teams x 40 resources in a 4-level tree (8 x 4 x 6 parents, 1,768 leaves), every
 * team naming every resource: 80,000 allocations. Reports the median of N runs of buildPlan (target < 100 ms)
 * and, separately, parsing the teams file and writing the plan's JSON (which writes the explanations). Times
 * are wall and process CPU (user + system, GC threads included); on a loaded machine compare CPU medians.
 *
 *   npx tsx bench/plan.bench.ts [runs=15] [--policy drf]
 */
import { cpus, loadavg } from 'node:os';
import { buildPlan, type PlanInventory } from '../src/plan/build-plan.js';
import { planToJsonText } from '../src/plan/plan-json.js';
import { teamsFileFromValue } from '../src/plan/teams-file.js';
import { parseQuantity } from '../src/quantity.js';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 15);
const policy = args.includes('--policy') ? (args[args.indexOf('--policy') + 1] as 'drf' | 'max-min') : 'max-min';

const RESOURCES = ['cpu', 'memory', 'nvidia.com/gpu', ...Array.from({ length: 37 }, (_, i) => `example.com/device-${String(i).padStart(2, '0')}`)];
const TEAMS = 2000;
const FANOUT = [8, 4, 6];

// A fixed linear congruential sequence: the same tree on every run and machine.
let seed = 20261128;
function next(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}

interface RawTeam {
  name: string;
  weight: number;
  namespaces?: string[];
  resources: Record<string, { demand?: string; guarantee?: string; cap?: string }>;
  teams?: RawTeam[];
}

function resources(): RawTeam['resources'] {
  const out: RawTeam['resources'] = {};
  for (const resource of RESOURCES) {
    const unit = resource === 'memory' ? 'Gi' : '';
    const demand = 1 + next(64);
    const entry: RawTeam['resources'][string] = {};
    if (next(4) > 0) entry.demand = `${demand}${unit}`;
    if (next(10) === 0) entry.guarantee = `${1 + next(2)}${unit}`;
    if (next(5) === 0) entry.cap = `${demand + next(32) + 2}${unit}`;
    out[resource] = entry;
  }
  return out;
}

function buildTree(): RawTeam[] {
  let count = 0;
  const make = (name: string): RawTeam => {
    count++;
    return { name, weight: 1 + next(5), resources: {} };
  };
  const top = Array.from({ length: FANOUT[0] as number }, (_, i) => make(`org-${i}`));
  const second = top.flatMap((t) => (t.teams = Array.from({ length: FANOUT[1] as number }, (_, i) => make(`dept-${i}`))));
  const third = second.flatMap((t) => (t.teams = Array.from({ length: FANOUT[2] as number }, (_, i) => make(`group-${i}`))));
  const leaves = TEAMS - count;
  for (let i = 0; i < leaves; i++) {
    const parent = third[i % third.length] as RawTeam;
    const leaf = make(`team-${i}`);
    leaf.namespaces = [`ns-${i}`];
    leaf.resources = resources();
    (parent.teams ??= []).push(leaf);
  }
  return top;
}

function capacity(): PlanInventory {
  const plannable: PlanInventory['plannable'] = {};
  for (const resource of RESOURCES) plannable[resource] = parseQuantity(resource === 'memory' ? '40000Gi' : '30000');
  const namespaces = Array.from({ length: TEAMS }, (_, i) => ({
    name: `ns-${i}`,
    labels: {},
    requests: { cpu: parseQuantity(`${next(40)}`), 'nvidia.com/gpu': parseQuantity(`${next(8)}`) },
  }));
  return { plannable, plannableByFlavor: {}, namespaces };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Wall time, and CPU time of this process (user + system; counts GC threads too), in ms. */
function time<T>(fn: () => T): [T, number, number] {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = fn();
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return [result, wall, (used.user + used.system) / 1000];
}

const raw = { cycle: 'bench', policy, granularity: { cpu: '1', memory: '1Gi' }, teams: buildTree() };
const inventory = capacity();
const parseTimes: number[] = [];
const planTimes: number[] = [];
const planCpuTimes: number[] = [];
const jsonTimes: number[] = [];
const jsonCpuTimes: number[] = [];
let allocations = 0;
let bytes = 0;
for (let i = 0; i < runs + 3; i++) {
  const [teams, parseMs] = time(() => teamsFileFromValue(raw, 'bench.yaml'));
  const [plan, planMs, planCpuMs] = time(() => buildPlan({ teams, inventory }));
  // Explanations are written here, when read (src/plan/allocation.ts), not in buildPlan.
  const [json, jsonMs, jsonCpuMs] = time(() => planToJsonText(plan));
  allocations = plan.allocations.length;
  bytes = json.length;
  if (i < 3) continue; // warm-up
  parseTimes.push(parseMs);
  planTimes.push(planMs);
  planCpuTimes.push(planCpuMs);
  jsonTimes.push(jsonMs);
  jsonCpuTimes.push(jsonCpuMs);
}
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
process.stdout.write(
  [
    `planner benchmark: ${TEAMS} teams, ${RESOURCES.length} resources, 4 levels, policy ${policy}, ${allocations} allocations`,
    `node ${process.version}, ${runs} runs after 3 warm-up runs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`,
    `buildPlan       median ${fmt(median(planTimes))}  (min ${fmt(Math.min(...planTimes))}, max ${fmt(Math.max(...planTimes))})  target < 100 ms`,
    `buildPlan CPU   median ${fmt(median(planCpuTimes))}  (min ${fmt(Math.min(...planCpuTimes))}; process user + system time, less sensitive to other load)`,
    `parse teams     median ${fmt(median(parseTimes))}`,
    `plan JSON       median ${fmt(median(jsonTimes))}  CPU median ${fmt(median(jsonCpuTimes))}  (${(bytes / 1e6).toFixed(1)} MB, explanations included)`,
    `plan + JSON CPU median ${fmt(median(planCpuTimes.map((cpu, i) => cpu + (jsonCpuTimes[i] as number))))}`,
    '',
  ].join('\n'),
);
