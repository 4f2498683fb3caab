/**
 * DRF plans are divided in JS numbers (src/plan/fast-drf.ts, fast-plan.ts divideDrfFast) when every count,
 * product and fraction provably stays a safe integer, and otherwise by the exact bigint path (buildPlanExact).
 * These tests check that the two give byte-identical JSON (explanations included: they carry each team's
 * dominant resource, its exact DRF share and the pool that stopped it) or the same error, over random trees,
 * and that the exact path takes over where the numbers cannot be proven exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildPlan, buildPlanExact, type PlanInput } from '../../../src/plan/build-plan.js';
import { poolsOf } from '../../../src/plan/claims.js';
import { divideDrfFast, divideMaxMinFast } from '../../../src/plan/fast-plan.js';
import { planToJsonText } from '../../../src/plan/plan-json.js';
import { poolState } from '../../../src/plan/pool-state.js';
import { formatQuantity } from '../../../src/quantity.js';
import { GPU, inventory, team, teamsFile, type Bounds, type TeamBuilder } from '../../builders/teams.js';

const FPGA = 'example.com/fpga';
const NIC = 'example.com/nic';

interface GenTeam {
  weight: number | string;
  gpu: Bounds | null;
  cpu: Bounds | null;
  memory: Bounds | null;
  nic: Bounds | null;
  fpga: { A?: Bounds; B?: Bounds } | null;
  children: GenTeam[];
}

const smallCountArb = fc.integer({ min: 0, max: 40 }).map(BigInt);
/** Counts from a few units to far beyond 2^53 (the number path must hand those to the bigint one). */
const anyCountArb = fc.oneof(
  { arbitrary: smallCountArb, weight: 6 },
  { arbitrary: fc.bigInt({ min: 2n ** 20n, max: 2n ** 40n }), weight: 1 },
  { arbitrary: fc.bigInt({ min: 2n ** 50n, max: 2n ** 54n }), weight: 1 },
);

function boundsArb(unit: string, big: boolean): fc.Arbitrary<Bounds> {
  const countArb = big ? anyCountArb : smallCountArb;
  const text = (n: bigint): string => `${n}${unit}`;
  return fc
    .record({
      guarantee: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 3 }).map(BigInt), weight: 1 }),
      // Mostly bounded: DRF's extra vectors then differ between teams, and teams stop at different times.
      demand: fc.oneof({ arbitrary: countArb, weight: 4 }, { arbitrary: fc.constant(null), weight: 1 }),
      capExtra: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: countArb, weight: 1 }),
    })
    .map(({ guarantee, demand, capExtra }) => {
      const bounds: Bounds = {};
      if (guarantee !== null) bounds.guarantee = text(guarantee);
      if (demand !== null) bounds.demand = text(demand);
      if (capExtra !== null) bounds.cap = text((guarantee ?? 0n) + capExtra);
      return bounds;
    });
}

const weightArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 4 },
  { arbitrary: fc.constantFrom('0.5', '1.5', '0.25', '2.2', '0.1', '3.75'), weight: 1 },
);

function teamArb(depth: number, big: boolean): fc.Arbitrary<GenTeam> {
  return fc.record({
    weight: weightArb,
    gpu: fc.option(boundsArb('', big), { freq: 4 }),
    cpu: fc.option(boundsArb('500m', big), { freq: 4 }),
    memory: fc.option(boundsArb('Gi', big), { freq: 3 }),
    nic: fc.option(boundsArb('', big), { freq: 2 }),
    fpga: fc.option(fc.record({ A: boundsArb('', big), B: boundsArb('', big) }, { requiredKeys: [] }), { freq: 3 }),
    children: depth === 0 ? fc.constant([]) : fc.array(teamArb(depth - 1, big), { maxLength: 3 }),
  });
}

interface Scenario {
  tree: GenTeam[];
  surplus: 'distribute' | 'hold';
  gpus: bigint;
  cpu: bigint;
  nics: bigint;
  fpgaA: bigint;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  tree: fc.oneof(
    // One wide level: many claimants and pools, so progressive filling runs several rounds.
    { arbitrary: fc.array(teamArb(0, false), { minLength: 2, maxLength: 7 }), weight: 2 },
    { arbitrary: fc.array(teamArb(3, false), { minLength: 1, maxLength: 4 }), weight: 2 },
    // Counts from 2^20 to beyond 2^53 anywhere: fractions grow, some beyond the safe range.
    { arbitrary: fc.array(teamArb(2, true), { minLength: 1, maxLength: 4 }), weight: 1 },
  ),
  surplus: fc.constantFrom('distribute' as const, 'hold' as const),
  gpus: fc.oneof({ arbitrary: fc.bigInt({ min: 0n, max: 200n }), weight: 4 }, { arbitrary: fc.bigInt({ min: 2n ** 30n, max: 2n ** 55n }), weight: 1 }),
  cpu: fc.bigInt({ min: 0n, max: 90n }),
  nics: fc.oneof({ arbitrary: fc.bigInt({ min: 0n, max: 60n }), weight: 4 }, { arbitrary: fc.bigInt({ min: 2n ** 20n, max: 2n ** 44n }), weight: 1 }),
  fpgaA: fc.bigInt({ min: 0n, max: 40n }),
});

const nameOf = (index: number): string => `t${String.fromCharCode(122 - index)}`;

function builders(tree: GenTeam[], path: string): TeamBuilder[] {
  return tree.map((gen, index) => {
    // Names sort against file order, so rounding ties must follow names.
    const name = nameOf(index);
    const builder = team(name).weight(gen.weight);
    if (gen.gpu !== null) builder.gpu(gen.gpu);
    if (gen.cpu !== null) builder.resource('cpu', gen.cpu);
    if (gen.memory !== null) builder.resource('memory', gen.memory);
    if (gen.nic !== null) builder.resource(NIC, gen.nic);
    if (gen.fpga !== null) for (const [flavor, bounds] of Object.entries(gen.fpga)) builder.flavor(FPGA, flavor, bounds);
    if (gen.children.length > 0) builder.teams(...builders(gen.children, `${path}${name}/`));
    else builder.namespaces(`${path}${name}`.replaceAll('/', '-'));
    return builder;
  });
}

function leafNamespaces(tree: GenTeam[], path: string): string[] {
  return tree.flatMap((gen, index) => {
    const name = nameOf(index);
    return gen.children.length > 0 ? leafNamespaces(gen.children, `${path}${name}/`) : [`${path}${name}`.replaceAll('/', '-')];
  });
}

function inputOf(scenario: Scenario): PlanInput {
  const teams = teamsFile(
    { policy: 'drf', surplus: scenario.surplus, granularity: { cpu: '500m', memory: '1Gi' }, reserve: { [GPU]: '1' } },
    ...builders(scenario.tree, ''),
  );
  const namespaces = leafNamespaces(scenario.tree, '').map((name, i) => ({
    name,
    requests: { [GPU]: String(i % 3), cpu: `${(i * 700) % 5000}m` },
  }));
  return {
    teams,
    inventory: inventory(
      { [GPU]: `${scenario.gpus + 1n}`, cpu: `${scenario.cpu * 1000n + 500n}m`, memory: '1Ti', [NIC]: `${scenario.nics}`, [FPGA]: '9' },
      { byFlavor: { [FPGA]: { A: `${scenario.fpgaA}`, B: `${scenario.fpgaA + 12n}` } }, namespaces },
    ),
  };
}

/** The plan's JSON, or the error it fails with. */
function outcome(run: () => unknown): string {
  try {
    return planToJsonText(run() as ReturnType<typeof buildPlan>);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

/** The number path's division of this input (null: the exact path, or a planning error). */
function numberDivision(input: PlanInput, divide = divideDrfFast): ReturnType<typeof divideDrfFast> {
  try {
    const pools = poolsOf(input.teams).map((pool) => poolState(input.teams, input.inventory, pool));
    return divide(input.teams, pools, () => new Map());
  } catch {
    return null;
  }
}

/** Whether buildPlan divides this input in numbers (false: the exact path, or a planning error). */
function takesNumberPath(input: PlanInput, divide = divideDrfFast): boolean {
  return numberDivision(input, divide) !== null;
}

describe('the number path of DRF planning', () => {
  it('gives byte-identical JSON, or the same error, as the exact bigint path', () => {
    const seen = { numbers: 0, exact: 0, stoppedAtDifferentTimes: 0, withExactPools: 0, resumed: 0, notResumed: 0 };
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const input = inputOf(scenario);
        const division = numberDivision(input);
        const numbers = division !== null;
        seen[numbers ? 'numbers' : 'exact']++;
        if ((division?.exactPools ?? 0) > 0) seen.withExactPools++;
        const fillings = division?.exactFillings ?? { levels: 0, resumed: 0 };
        if (fillings.resumed > 0) seen.resumed++;
        if (fillings.levels > fillings.resumed) seen.notResumed++;
        const fast = outcome(() => buildPlan(input));
        assert.equal(fast, outcome(() => buildPlanExact(input)));
        // Evidence that progressive filling ran several rounds: top-level teams stopped at different shares.
        const stops = new Set(
          [...fast.matchAll(/"team": "t[a-z]",[^}]*?DRF: dominant resource [^,]+, extra share ([^,"]+), stopped/g)].map((m) => m[1]),
        );
        if (numbers && stops.size > 1) seen.stoppedAtDifferentTimes++;
      }),
      { numRuns: 1500, seed: 20261128 },
    );
    assert.ok(seen.numbers > 500 && seen.exact > 300, `both paths must be exercised: ${JSON.stringify(seen)}`);
    assert.ok(seen.stoppedAtDifferentTimes > 200, `several filling rounds must be exercised: ${JSON.stringify(seen)}`);
    assert.ok(seen.withExactPools > 50, `pools left to the exact code must be exercised: ${JSON.stringify(seen)}`);
    // Levels filled by drf.ts whose progress then fit in numbers, and levels whose progress did not.
    assert.ok(seen.resumed > 50 && seen.notResumed > 5, `levels filled by drf.ts must be exercised: ${JSON.stringify(seen)}`);
  });

  it('takes the number path for the worked DRF case, with the same quotas and explanation', () => {
    const input: PlanInput = {
      teams: teamsFile(
        { policy: 'drf', granularity: { cpu: '500m', memory: '1Gi' } },
        team('a').resource('cpu', { demand: '4500m' }).resource('memory', { demand: '18Gi' }),
        team('b').resource('cpu', { demand: '9' }).resource('memory', { demand: '3Gi' }),
      ),
      inventory: inventory({ cpu: '9', memory: '18Gi' }),
    };
    assert.equal(takesNumberPath(input), true);
    const plan = buildPlan(input);
    assert.deepEqual(
      plan.allocations.map((a) => `${a.team} ${a.resource} ${formatQuantity(a.quota)}`),
      ['a cpu 3', 'a memory 15Gi', 'b cpu 6', 'b memory 3Gi'],
    );
    assert.equal(
      plan.allocations[0]?.explanation,
      'weighted share; weight 1 of 2 among 2 teams dividing 9 of the cluster (9 after guarantees); ' +
        'DRF: dominant resource memory, extra share 2/3, stopped when cpu ran out',
    );
    assert.equal(planToJsonText(plan), planToJsonText(buildPlanExact(input)));
  });

  it('fills a level by the exact code when its filling rates are beyond the safe integers, then goes on in numbers', () => {
    // Dominant wants 2^31 - 1 and 2^31 - 19 (primes): their lcm, the number form's common denominator of the
    // filling rates, is about 2^62, although every count is a safe integer. drf.ts fills the level; the
    // progress it finds fits in safe integers, so both pools are then divided in numbers.
    const file = (policy: 'drf' | 'max-min') =>
      teamsFile(
        { policy },
        team('a').gpu({ demand: `${2n ** 31n - 1n}` }).resource(NIC, { demand: '3' }),
        team('b').gpu({ demand: `${2n ** 31n - 19n}` }).resource(NIC, { demand: '5' }),
        team('c').gpu({ demand: '7' }).resource(NIC, { demand: `${2n ** 31n}` }),
      );
    const cluster = inventory({ [GPU]: `${2n ** 32n}`, [NIC]: `${2n ** 31n + 2n ** 30n}` });
    const drf: PlanInput = { teams: file('drf'), inventory: cluster };
    const division = numberDivision(drf);
    assert.deepEqual([division?.exactFillings, division?.exactPools], [{ levels: 1, resumed: 1 }, 0]);
    assert.equal(takesNumberPath({ teams: file('max-min'), inventory: cluster }, divideMaxMinFast), true);
    const plan = buildPlan(drf);
    assert.equal(planToJsonText(plan), planToJsonText(buildPlanExact(drf)));
    assert.equal(
      plan.allocations.reduce((sum, a) => (a.resource === GPU ? sum + a.quota.nanos : sum), 0n),
      2n ** 32n * 1_000_000_000n,
      'every GPU is given out',
    );
  });

  it('divides a pool by the exact code when its top-up would pass the safe integers, the rest in numbers', () => {
    // DRF gives a 5/6 and b 5/14 of their extras (the GPUs run out), so memory's top-up would be counted in
    // 1/42 bytes of 2^50 bytes: beyond 2^53. Memory is divided by the exact code, GPUs in numbers.
    const input: PlanInput = {
      teams: teamsFile(
        { policy: 'drf' },
        team('a').gpu({ demand: '3' }).resource('memory', { demand: '1Gi' }),
        team('b').gpu({ demand: '7' }).resource('memory', { demand: '2Gi' }),
      ),
      inventory: inventory({ [GPU]: '5', memory: '1Pi' }),
    };
    assert.equal(numberDivision(input)?.exactPools, 1);
    const plan = buildPlan(input);
    assert.equal(planToJsonText(plan), planToJsonText(buildPlanExact(input)));
    // GPUs: 2 1/2 each (equal dominant shares 1/2), the tie to the first name. Memory: both demands met, the
    // rest (2^50 - 3Gi bytes) shared 1:1 as surplus: 2^49 -/+ 2^29 bytes.
    assert.deepEqual(
      plan.allocations.map((a) => `${a.team} ${a.resource} ${formatQuantity(a.quota)}`),
      [`a memory ${2n ** 49n - 2n ** 29n}`, 'a nvidia.com/gpu 3', `b memory ${2n ** 49n + 2n ** 29n}`, 'b nvidia.com/gpu 2'],
    );
    assert.equal(
      plan.allocations[1]?.explanation,
      'weighted share; weight 1 of 2 among 2 teams dividing 5 of the cluster (5 after guarantees); ' +
        'DRF: dominant resource nvidia.com/gpu, extra share 1/2, stopped when nvidia.com/gpu ran out; ' +
        'exact 2 1/2, rounded up by largest remainder',
    );
  });

  it('leaves a plan to the exact path when a pool has more units than 2^53 - 1', () => {
    const input: PlanInput = {
      teams: teamsFile({ policy: 'drf' }, team('a').gpu({ demand: '3' }), team('b').gpu()),
      inventory: inventory({ [GPU]: `${2n ** 53n}` }),
    };
    assert.equal(takesNumberPath(input), false);
    assert.equal(planToJsonText(buildPlan(input)), planToJsonText(buildPlanExact(input)));
  });
});
