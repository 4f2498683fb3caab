/**
 * Property tests over thousands of random team trees: exact sums, bounds, determinism, monotonicity in
 * capacity, and infeasible inputs failing with the right error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConflictError, ValidationError } from '../../../src/errors.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { compareAllocations, type Allocation, type Plan } from '../../../src/plan/plan.js';
import { planToJsonText } from '../../../src/plan/plan-json.js';
import { GPU, inventory, team, teamsFile, type TeamBuilder } from '../../builders/teams.js';

const RESOURCES = [GPU, 'cpu'] as const;
type Resource = (typeof RESOURCES)[number];
/** cpu is planned in units of 500m. */
const UNIT_MILLIS: Record<Resource, number> = { [GPU]: 1000, cpu: 500 };

interface GenBounds {
  guarantee: number | null;
  demand: number | null;
  cap: number | null;
}

interface GenTeam {
  weight: number;
  bounds: Partial<Record<Resource, GenBounds>>;
  children: GenTeam[];
}

const boundsArb: fc.Arbitrary<GenBounds> = fc
  .record({
    guarantee: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 6 }), weight: 1 }),
    demand: fc.option(fc.integer({ min: 0, max: 40 })),
    capExtra: fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: 30 }), weight: 1 }),
  })
  .map(({ guarantee, demand, capExtra }) => ({
    guarantee,
    demand,
    cap: capExtra === null ? null : (guarantee ?? 0) + capExtra,
  }));

function teamArb(depth: number): fc.Arbitrary<GenTeam> {
  return fc.record({
    weight: fc.integer({ min: 1, max: 5 }),
    bounds: fc.record({ [GPU]: boundsArb, cpu: boundsArb }, { requiredKeys: [] }),
    children: depth === 0 ? fc.constant([]) : fc.array(teamArb(depth - 1), { maxLength: 3 }),
  });
}

const treeArb = fc.array(teamArb(3), { minLength: 1, maxLength: 4 });

interface Scenario {
  tree: GenTeam[];
  surplus: 'distribute' | 'hold';
  policy: 'max-min' | 'drf';
  gpus: number;
  cpuMillis: number;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  tree: treeArb,
  surplus: fc.constantFrom('distribute' as const, 'hold' as const),
  policy: fc.constantFrom('max-min' as const, 'drf' as const),
  gpus: fc.integer({ min: 0, max: 150 }),
  cpuMillis: fc.integer({ min: 0, max: 80_000 }),
});

/** Children are named so that name order is the reverse of file order: ties must follow names, not input. */
function nameOf(index: number): string {
  return `t${String.fromCharCode(122 - index)}`;
}

function builders(tree: GenTeam[], order: (n: number) => number[] = (n) => [...Array(n).keys()], path = ''): TeamBuilder[] {
  return order(tree.length).map((index) => {
    const gen = tree[index] as GenTeam;
    const name = nameOf(index);
    const builder = team(name).weight(gen.weight);
    for (const resource of RESOURCES) {
      const bounds = gen.bounds[resource];
      if (bounds === undefined) continue;
      const text = (units: number | null): string | undefined =>
        units === null ? undefined : `${units * UNIT_MILLIS[resource]}m`;
      const fields: Record<string, string> = {};
      for (const field of ['guarantee', 'demand', 'cap'] as const) {
        const value = text(bounds[field]);
        if (value !== undefined) fields[field] = value;
      }
      builder.resource(resource, fields);
    }
    if (gen.children.length > 0) builder.teams(...builders(gen.children, order, `${path}${name}-`));
    else builder.namespaces(`${path}${name}`);
    return builder;
  });
}

function plan(scenario: Scenario, options: { reverse?: boolean; extraGpus?: number; previous?: Plan } = {}): Plan {
  const order = options.reverse === true ? (n: number) => [...Array(n).keys()].reverse() : undefined;
  const file = teamsFile(
    { surplus: scenario.surplus, policy: scenario.policy, granularity: { cpu: '500m' } },
    ...builders(scenario.tree, order),
  );
  return buildPlan({
    teams: file,
    inventory: inventory({ [GPU]: String(scenario.gpus + (options.extraGpus ?? 0)), cpu: `${scenario.cpuMillis}m` }),
    previous: options.previous ?? null,
  });
}

/** Test oracle for feasibility: effective guarantee and cap per team, the parent rules of docs/planning.md. */
function effective(gen: GenTeam, resource: Resource): { claims: boolean; guarantee: number; cap: number | null; capBelowGuarantee: boolean } {
  const kids = gen.children.map((child) => effective(child, resource)).filter((k) => k.claims);
  const own = gen.bounds[resource];
  const claims = own !== undefined || kids.length > 0;
  const kidGuarantees = kids.reduce((sum, k) => sum + k.guarantee, 0);
  const guarantee = Math.max(own?.guarantee ?? 0, kidGuarantees);
  const kidCaps = kids.length === 0 || kids.some((k) => k.cap === null) ? null : kids.reduce((sum, k) => sum + (k.cap as number), 0);
  const ownCap = own?.cap ?? null;
  const cap = kids.length === 0 ? ownCap : ownCap === null ? kidCaps : kidCaps === null ? ownCap : Math.min(ownCap, kidCaps);
  const capBelowGuarantee = kids.some((k) => k.capBelowGuarantee) || (cap !== null && guarantee > cap);
  return { claims, guarantee, cap, capBelowGuarantee };
}

function expectedOutcome(scenario: Scenario): 'ok' | 'validation' | 'conflict' {
  let conflict = false;
  for (const resource of RESOURCES) {
    const tops = scenario.tree.map((gen) => effective(gen, resource)).filter((t) => t.claims);
    if (tops.some((t) => t.capBelowGuarantee)) return 'validation';
    const units = resource === GPU ? scenario.gpus : Math.floor(scenario.cpuMillis / UNIT_MILLIS.cpu);
    if (tops.reduce((sum, t) => sum + t.guarantee, 0) > units) conflict = true;
  }
  return conflict ? 'conflict' : 'ok';
}

function units(q: { nanos: bigint } | null, resource: string): bigint | null {
  if (q === null) return null;
  const per = BigInt(UNIT_MILLIS[resource as Resource]) * 1_000_000n;
  assert.equal(q.nanos % per, 0n, 'quantities are whole granularity units');
  return q.nanos / per;
}

function outcomeOf(run: () => Plan): Plan | 'validation' | 'conflict' {
  try {
    return run();
  } catch (error) {
    if (error instanceof ConflictError) return 'conflict';
    if (error instanceof ValidationError) return 'validation';
    throw error;
  }
}

const RUNS = 2000;

describe('planner properties over random team trees', () => {
  it('sums exactly at every level, keeps guarantee <= quota <= cap, and binds only at the bound it names', () => {
    const seen = { ok: 0, conflict: 0, validation: 0 };
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const result = outcomeOf(() => plan(scenario));
        // Infeasible guarantees fail with ConflictError, sub-team guarantees above a cap with ValidationError.
        assert.equal(typeof result === 'string' ? result : 'ok', expectedOutcome(scenario));
        seen[typeof result === 'string' ? result : 'ok']++;
        if (typeof result === 'string') return;
        for (const pool of result.pools) {
          const resource = pool.resource;
          const mine = result.allocations.filter((a) => a.resource === resource);
          const childrenOf = (path: string | null): Allocation[] =>
            mine.filter((a) => (path === null ? !a.team.includes('/') : a.team.startsWith(`${path}/`) && !a.team.slice(path.length + 1).includes('/')));
          // Every level: children's quotas sum to at most what the level divides; exactly, unless every
          // claimant is capped or surplus is held. What is not given out is the pool's unallocated.
          const capacityNanos = pool.capacity.nanos - pool.reserve.nanos;
          const unitNanos = pool.granularity.nanos;
          let undivided = capacityNanos % unitNanos;
          const levels: [bigint, Allocation[]][] = [[capacityNanos - (capacityNanos % unitNanos), childrenOf(null)]];
          for (const a of mine) if (!a.terminal) levels.push([a.quota.nanos, childrenOf(a.team)]);
          for (const [amount, children] of levels) {
            const given = children.reduce((sum, a) => sum + a.quota.nanos, 0n);
            assert.ok(given <= amount, `${resource}: children get ${given} of ${amount}`);
            const someUncapped = children.some((a) => a.cap === null);
            if (scenario.surplus === 'distribute' && someUncapped) assert.equal(given, amount);
            undivided += amount - given;
          }
          assert.equal(pool.unallocated.nanos, undivided);
        }
        const sorted = [...result.allocations].sort(compareAllocations);
        assert.deepEqual(result.allocations.map((a) => [a.team, a.resource]), sorted.map((a) => [a.team, a.resource]));
        for (const a of result.allocations) {
          const quota = units(a.quota, a.resource) as bigint;
          const guarantee = units(a.guarantee, a.resource) as bigint;
          const demand = units(a.demand, a.resource);
          const cap = units(a.cap, a.resource);
          assert.ok(guarantee <= quota, `${a.team} ${a.resource}: guarantee ${guarantee} > quota ${quota}`);
          if (cap !== null) assert.ok(quota <= cap, `${a.team} ${a.resource}: quota ${quota} > cap ${cap}`);
          if (scenario.surplus === 'hold' && demand !== null) {
            assert.ok(quota <= (guarantee > demand ? guarantee : demand), `${a.team}: quota above max(guarantee, demand)`);
          }
          if (a.binding === 'guarantee') assert.equal(quota, guarantee);
          if (a.binding === 'cap') assert.equal(quota, cap);
          if (a.binding === 'demand') assert.equal(quota, demand);
          const subTeamShares = result.allocations.some((b) => b.resource === a.resource && b.team.startsWith(`${a.team}/`));
          assert.equal(a.terminal, !subTeamShares);
        }
      }),
      { numRuns: RUNS, seed: 20261128 },
    );
    assert.ok(seen.ok > RUNS / 2, `only ${seen.ok} of ${RUNS} scenarios were feasible`);
    assert.ok(seen.conflict > 20 && seen.validation > 20, `too few infeasible scenarios: ${JSON.stringify(seen)}`);
  });

  it('is deterministic: the same inputs, in any sibling order, give byte-identical JSON', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const first = outcomeOf(() => plan(scenario));
        if (typeof first === 'string') return;
        const again = plan(scenario);
        const reversed = plan(scenario, { reverse: true });
        assert.equal(planToJsonText(again), planToJsonText(first));
        assert.equal(planToJsonText(reversed), planToJsonText(first));
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('never lowers the total allocated when capacity grows', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 60 }), (scenario, extra) => {
        const before = outcomeOf(() => plan(scenario));
        if (typeof before === 'string') return;
        const after = plan(scenario, { extraGpus: extra });
        const total = (p: Plan): bigint =>
          p.allocations.filter((a) => a.resource === GPU && !a.team.includes('/')).reduce((sum, a) => sum + a.quota.nanos, 0n);
        assert.ok(total(after) >= total(before), `total fell from ${total(before)} to ${total(after)}`);
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});
