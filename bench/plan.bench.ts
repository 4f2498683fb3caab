/**
 * Planner benchmark: 2,000 teams x 40 resources in a 4-level tree (8 x 4 x 6 parents, 1,768 leaves), every
 * team naming every resource: 80,000 allocations, planned with policy max-min and with policy drf. Reports the
 * median of N runs of buildPlan (target < 100 ms) and, separately, parsing the teams file and writing the
 * plan's JSON (which writes the explanations). Times are wall and process CPU (user + system, GC threads
 * included); on a loaded machine compare CPU medians. Once per policy, outside the timings, it checks that
 * the plan took the number path and that its JSON is byte-identical to buildPlanExact's.
 *
 * `--before CHECKOUT` also times the planner of another checkout (e.g. `git archive <commit> src | tar -x -C
 * /tmp/before`, with node_modules linked), imported in this process, runs alternating with this one, and
 * compares the two plans' JSON.
 *
 * `--memory-granularity Q` plans memory in units of Q (default 1Gi; `1` is bytes, the teams file default).
 *
 *   npx tsx bench/plan.bench.ts [runs=15] [--policy max-min|drf|both] [--before CHECKOUT] [--memory-granularity 1Gi]
 */
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildPlan, buildPlanExact } from '../src/plan/build-plan.js';
import type { PlanInventory } from '../src/plan/plan.js';
import { poolsOf } from '../src/plan/claims.js';
import { divideFast } from '../src/plan/fast-plan.js';
import { planToJsonText } from '../src/plan/plan-json.js';
import { poolState } from '../src/plan/pool-state.js';
import { teamsFileFromValue } from '../src/plan/teams-file.js';
import { parseQuantity } from '../src/quantity.js';

const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 15);
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const policyOption = option('--policy') ?? 'both';
if (!['max-min', 'drf', 'both'].includes(policyOption)) throw new Error(`--policy: max-min, drf or both (got ${policyOption})`);
const policies = (policyOption === 'both' ? ['max-min', 'drf'] : [policyOption]) as ('max-min' | 'drf')[];
const beforeRoot = option('--before');
const memoryGranularity = option('--memory-granularity') ?? '1Gi';

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

/** The planner under test: this checkout's, or the one of `--before`. */
interface Planner {
  label: string;
  parse: (value: unknown, file: string) => unknown;
  plan: (input: { teams: never; inventory: PlanInventory }) => unknown;
  json: (plan: never) => string;
}

async function plannerAt(root: string, label: string): Promise<Planner> {
  const load = (path: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(root, path)).href) as Promise<Record<string, unknown>>;
  const [build, json, teams] = await Promise.all([load('src/plan/build-plan.ts'), load('src/plan/plan-json.ts'), load('src/plan/teams-file.ts')]);
  return { label, plan: build.buildPlan as Planner['plan'], json: json.planToJsonText as Planner['json'], parse: teams.teamsFileFromValue as Planner['parse'] };
}

const current: Planner = { label: 'after', parse: teamsFileFromValue, plan: buildPlan as Planner['plan'], json: planToJsonText as Planner['json'] };
const planners = beforeRoot === undefined ? [current] : [await plannerAt(resolve(beforeRoot), 'before'), current];

const tree = buildTree();
const inventory = capacity();
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const md5 = (text: string): string => createHash('md5').update(text).digest('hex').slice(0, 12);
const lines = [
  `planner benchmark: ${TEAMS} teams, ${RESOURCES.length} resources, 4 levels, memory granularity ${memoryGranularity}`,
  `node ${process.version}, ${runs} runs after 3 warm-up runs, ${planners.length > 1 ? 'before and after alternating, ' : ''}load average at start ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`,
];
process.stdout.write(`${lines.join('\n')}\n`);
for (const policy of policies) {
  const raw = { cycle: 'bench', policy, granularity: { cpu: '1', memory: memoryGranularity }, teams: tree };
  const times = planners.map(() => ({ parse: [] as number[], plan: [] as number[], planCpu: [] as number[], json: [] as number[], jsonCpu: [] as number[], digest: '', allocations: 0, bytes: 0 }));
  for (let i = 0; i < runs + 3; i++) {
    // Alternate which planner goes first, so neither always runs right after the other's garbage.
    const order = i % 2 === 0 ? planners.map((_, k) => k) : planners.map((_, k) => planners.length - 1 - k);
    for (const k of order) {
      const planner = planners[k] as Planner;
      const into = times[k] as (typeof times)[number];
      const [teams, parseMs] = time(() => planner.parse(raw, 'bench.yaml'));
      const [plan, planMs, planCpuMs] = time(() => planner.plan({ teams: teams as never, inventory }));
      // Explanations are written here, when read (src/plan/allocation.ts), not in buildPlan.
      const [json, jsonMs, jsonCpuMs] = time(() => planner.json(plan as never));
      into.allocations = (plan as { allocations: unknown[] }).allocations.length;
      into.bytes = json.length;
      if (i === 0) into.digest = md5(json);
      if (i < 3) continue; // warm-up
      into.parse.push(parseMs);
      into.plan.push(planMs);
      into.planCpu.push(planCpuMs);
      into.json.push(jsonMs);
      into.jsonCpu.push(jsonCpuMs);
    }
  }
  // Outside the timings: the number path was taken, and the exact path gives the same JSON.
  const teams = teamsFileFromValue(raw, 'bench.yaml');
  const pools = poolsOf(teams).map((pool) => poolState(teams, inventory, pool));
  const division = divideFast(teams, pools, () => new Map());
  const fillings = division?.exactFillings;
  const numberPath =
    division === null
      ? 'NO (the exact path planned)'
      : `yes${fillings === undefined || policy !== 'drf' ? '' : ` (levels filled by drf.ts: ${fillings.levels}, of which went on in numbers: ${fillings.resumed}; level pools divided by the exact code: ${division.exactPools ?? 0})`}`;
  const exactDigest = md5(planToJsonText(buildPlanExact({ teams, inventory })));
  const out: string[] = [''];
  out.push(`policy ${policy}: ${times[0]?.allocations} allocations; number path taken: ${numberPath}; JSON equal to buildPlanExact's: ${exactDigest === times[times.length - 1]?.digest ? 'yes' : 'NO'}`);
  planners.forEach((planner, k) => {
    const t = times[k] as (typeof times)[number];
    out.push(
      `  ${planner.label.padEnd(6)} buildPlan median ${fmt(median(t.plan))} (min ${fmt(Math.min(...t.plan))})  CPU median ${fmt(median(t.planCpu))} (min ${fmt(Math.min(...t.planCpu))})  target < 100 ms`,
      `  ${''.padEnd(6)} parse teams median ${fmt(median(t.parse))}; plan JSON median ${fmt(median(t.json))}, CPU median ${fmt(median(t.jsonCpu))} (${(t.bytes / 1e6).toFixed(1)} MB, md5 ${t.digest}); plan + JSON CPU median ${fmt(median(t.planCpu.map((cpu, i) => cpu + (t.jsonCpu[i] as number))))}`,
    );
  });
  if (planners.length > 1) out.push(`  before and after JSON ${times[0]?.digest === times[1]?.digest ? 'identical' : 'DIFFER'}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
process.stdout.write(`load average at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
