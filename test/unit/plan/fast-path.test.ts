/**
 * buildPlan divides max-min plans in JS numbers when every count provably stays a safe integer and otherwise
 * falls back to the exact bigint path (buildPlanExact). These tests check that the two give byte-identical
 * JSON (explanations included) or the same error, over random trees whose values range from a few units to far
 * beyond 2^53, and that the number path is taken exactly up to the safe-integer bound.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildPlan, buildPlanExact, type PlanInput } from '../../../src/plan/build-plan.js';
import { poolsOf } from '../../../src/plan/claims.js';
import { divideMaxMinFast } from '../../../src/plan/fast-plan.js';
import { planToJsonText } from '../../../src/plan/plan-json.js';
import { poolState } from '../../../src/plan/pool-state.js';
import { formatQuantity } from '../../../src/quantity.js';
import { GPU, inventory, team, teamsFile, type Bounds, type TeamBuilder } from '../../builders/teams.js';

const FPGA = 'example.com/fpga';

interface GenTeam {
  weight: number | string;
  gpu: Bounds | null;
  cpu: Bounds | null;
  memory: Bounds | null;
  fpga: { A?: Bounds; B?: Bounds } | null;
  children: GenTeam[];
}

const smallCountArb = fc.integer({ min: 0, max: 40 }).map(BigInt);
/** Counts from a few units to far beyond 2^53 (the number path must hand those to the bigint one). */
const anyCountArb = fc.oneof(
  { arbitrary: smallCountArb, weight: 6 },
  { arbitrary: fc.bigInt({ min: 2n ** 50n, max: 2n ** 54n }), weight: 1 },
  { arbitrary: fc.bigInt({ min: 0n, max: 10n ** 20n }), weight: 1 },
);

function boundsArb(unit: string, big: boolean): fc.Arbitrary<Bounds> {
  const countArb = big ? anyCountArb : smallCountArb;
  const text = (n: bigint): string => `${n}${unit}`;
  return fc
    .record({
      guarantee: fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: fc.integer({ min: 0, max: 3 }).map(BigInt), weight: 1 }),
      demand: fc.option(countArb),
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
    gpu: fc.option(boundsArb('', big)),
    cpu: fc.option(boundsArb('500m', big)),
    memory: fc.option(boundsArb('Gi', big), { freq: 3 }),
    fpga: fc.option(fc.record({ A: boundsArb('', big), B: boundsArb('', big) }, { requiredKeys: [] }), { freq: 3 }),
    children: depth === 0 ? fc.constant([]) : fc.array(teamArb(depth - 1, big), { maxLength: 3 }),
  });
}

interface Scenario {
  tree: GenTeam[];
  surplus: 'distribute' | 'hold';
  gpus: bigint;
  cpu: bigint;
  fpgaA: bigint;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  // One scenario in three may hold counts beyond 2^53 anywhere.
  tree: fc.oneof(
    { arbitrary: fc.array(teamArb(3, false), { minLength: 1, maxLength: 4 }), weight: 2 },
    { arbitrary: fc.array(teamArb(3, true), { minLength: 1, maxLength: 4 }), weight: 1 },
  ),
  surplus: fc.constantFrom('distribute' as const, 'hold' as const),
  gpus: fc.oneof(fc.bigInt({ min: 0n, max: 200n }), fc.bigInt({ min: 2n ** 48n, max: 2n ** 55n })),
  cpu: fc.bigInt({ min: 0n, max: 90n }),
  fpgaA: fc.bigInt({ min: 0n, max: 40n }),
});

function builders(tree: GenTeam[], path: string): TeamBuilder[] {
  return tree.map((gen, index) => {
    // Names sort against file order, so rounding ties must follow names.
    const name = `t${String.fromCharCode(122 - index)}`;
    const builder = team(name).weight(gen.weight);
    if (gen.gpu !== null) builder.gpu(gen.gpu);
    if (gen.cpu !== null) builder.resource('cpu', gen.cpu);
    if (gen.memory !== null) builder.resource('memory', gen.memory);
    if (gen.fpga !== null) for (const [flavor, bounds] of Object.entries(gen.fpga)) builder.flavor(FPGA, flavor, bounds);
    if (gen.children.length > 0) builder.teams(...builders(gen.children, `${path}${name}/`));
    else builder.namespaces(`${path}${name}`.replaceAll('/', '-'));
    return builder;
  });
}

function leafNamespaces(tree: GenTeam[], path: string): string[] {
  return tree.flatMap((gen, index) => {
    const name = `t${String.fromCharCode(122 - index)}`;
    return gen.children.length > 0 ? leafNamespaces(gen.children, `${path}${name}/`) : [`${path}${name}`.replaceAll('/', '-')];
  });
}

function inputOf(scenario: Scenario): PlanInput {
  const teams = teamsFile(
    { surplus: scenario.surplus, granularity: { cpu: '500m', memory: '1Gi' }, reserve: { [GPU]: '1' } },
    ...builders(scenario.tree, ''),
  );
  const namespaces = leafNamespaces(scenario.tree, '').map((name, i) => ({
    name,
    requests: { [GPU]: String(i % 3), cpu: `${(i * 700) % 5000}m` },
  }));
  return {
    teams,
    inventory: inventory(
      { [GPU]: `${scenario.gpus + 1n}`, cpu: `${scenario.cpu * 1000n + 500n}m`, memory: '1Ti', [FPGA]: '9' },
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

/** Whether buildPlan takes the number path for this input (null: the exact path, or a planning error). */
function takesNumberPath(input: PlanInput): boolean {
  try {
    const pools = poolsOf(input.teams).map((pool) => poolState(input.teams, input.inventory, pool));
    return divideMaxMinFast(input.teams, pools, () => new Map()) !== null;
  } catch {
    return false;
  }
}

describe('the number path of max-min planning', () => {
  it('gives byte-identical JSON, or the same error, as the exact bigint path', () => {
    const seen = { numbers: 0, exact: 0 };
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const input = inputOf(scenario);
        seen[takesNumberPath(input) ? 'numbers' : 'exact']++;
        assert.equal(outcome(() => buildPlan(input)), outcome(() => buildPlanExact(input)));
      }),
      { numRuns: 1500, seed: 20261128 },
    );
    assert.ok(seen.numbers > 300 && seen.exact > 300, `both paths must be exercised: ${JSON.stringify(seen)}`);
  });

  it('is taken up to the safe-integer bound and left to the exact path beyond it', () => {
    const plan = (units: bigint): PlanInput => ({
      teams: teamsFile({}, team('a').gpu(), team('b').weight(2).gpu()),
      inventory: inventory({ [GPU]: `${units}` }),
    });
    // (largest count + 1) x total weight 3 must stay <= 2^53 - 1.
    const limit = (2n ** 53n - 1n) / 3n - 1n;
    for (const [units, numbers] of [
      [limit, true],
      [limit + 1n, false],
    ] as const) {
      const input = plan(units);
      assert.equal(takesNumberPath(input), numbers, `${units} units`);
      const fast = buildPlan(input);
      assert.equal(planToJsonText(fast), planToJsonText(buildPlanExact(input)));
      assert.equal(
        fast.allocations.reduce((sum, a) => sum + a.quota.nanos, 0n),
        units * 1_000_000_000n,
        `${units} units are all given out`,
      );
    }
  });

  it('writes the explanation when it is read, the same text every time', () => {
    const input: PlanInput = {
      teams: teamsFile({}, team('b').gpu(), team('a').gpu(), team('c').gpu()),
      inventory: inventory({ [GPU]: '10' }),
    };
    const [a] = buildPlan(input).allocations;
    assert.equal(a?.team, 'a');
    assert.equal(formatQuantity(a.quota), '4');
    const text =
      'weighted share; weight 1 of 3 among 3 teams dividing 10 of the cluster (10 after guarantees); exact 3 1/3, rounded up by largest remainder';
    assert.equal(a.explanation, text);
    assert.equal(a.explanation, text);
  });
});
