import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, ValidationError } from '../../../src/errors.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import type { Allocation, Plan } from '../../../src/plan/plan.js';
import { formatQuantity } from '../../../src/quantity.js';
import { GPU, inventory, team, teamsFile } from '../../builders/teams.js';

function row(plan: Plan, teamPath: string, resource = GPU, flavor: string | null = null): Record<string, string | boolean | null> {
  const a = plan.allocations.find((x) => x.team === teamPath && x.resource === resource && x.flavor === flavor) as Allocation;
  assert.ok(a, `no allocation for ${teamPath} ${resource} ${flavor}`);
  const q = (v: Allocation['demand']): string | null => (v === null ? null : formatQuantity(v));
  return { quota: q(a.quota), guarantee: q(a.guarantee), demand: q(a.demand), cap: q(a.cap), binding: a.binding, used: q(a.used), terminal: a.terminal };
}

function pools(plan: Plan): string[][] {
  return plan.pools.map((p) => [
    p.resource,
    p.flavor ?? '-',
    formatQuantity(p.capacity),
    formatQuantity(p.reserve),
    formatQuantity(p.unallocated),
  ]);
}

describe('planning a tree', () => {
  it('lets a parent without its own demand or cap take its sub-teams sums, guarantee at least theirs', () => {
    const file = teamsFile(
      {},
      team('p').teams(team('x').gpu({ demand: '3', guarantee: '1', cap: '5' }), team('y').gpu({ demand: '2', guarantee: '2', cap: '4' })),
      team('q').gpu(),
    );
    const plan = buildPlan({ teams: file, inventory: inventory({ [GPU]: '100' }) });
    assert.deepEqual(row(plan, 'p'), { quota: '5', guarantee: '3', demand: '5', cap: '9', binding: 'demand', used: '0', terminal: false });
    // q's demand is unlimited, so everything p does not demand goes to q: no surplus is left to distribute.
    assert.deepEqual(row(plan, 'q'), { quota: '95', guarantee: '0', demand: null, cap: null, binding: 'share', used: '0', terminal: true });
    assert.deepEqual(row(plan, 'p/x'), { quota: '3', guarantee: '1', demand: '3', cap: '5', binding: 'demand', used: '0', terminal: true });
    assert.deepEqual(row(plan, 'p/y'), { quota: '2', guarantee: '2', demand: '2', cap: '4', binding: 'guarantee', used: '0', terminal: true });
  });

  it('distributes surplus beyond every demand by weight up to the caps, through the levels', () => {
    const file = teamsFile(
      {},
      team('p').teams(team('x').gpu({ demand: '3', cap: '5' }), team('y').gpu({ demand: '2', cap: '4' })),
      team('q').gpu({ demand: '1' }),
    );
    const plan = buildPlan({ teams: file, inventory: inventory({ [GPU]: '100' }) });
    assert.deepEqual(row(plan, 'p'), { quota: '9', guarantee: '0', demand: '5', cap: '9', binding: 'cap', used: '0', terminal: false });
    assert.deepEqual(row(plan, 'q'), { quota: '91', guarantee: '0', demand: '1', cap: null, binding: 'share', used: '0', terminal: true });
    assert.deepEqual([row(plan, 'p/x').quota, row(plan, 'p/y').quota], ['5', '4']);
    assert.match(
      plan.allocations.find((a) => a.team === 'q')?.explanation ?? '',
      /; includes 90 of surplus beyond demand \(surplus: distribute\)$/,
    );
  });

  it("keeps a parent's own demand and limits its own cap by its sub-teams' caps", () => {
    const file = teamsFile(
      { surplus: 'hold' },
      team('p').gpu({ demand: '6', cap: '50', guarantee: '1' }).teams(team('x').gpu({ cap: '4' }), team('y').gpu({ cap: '3' })),
      team('q').gpu({ demand: '100' }),
    );
    const plan = buildPlan({ teams: file, inventory: inventory({ [GPU]: '20' }) });
    assert.deepEqual(row(plan, 'p'), { quota: '6', guarantee: '1', demand: '6', cap: '7', binding: 'demand', used: '0', terminal: false });
    assert.equal(row(plan, 'q').quota, '14');
    assert.deepEqual([row(plan, 'p/x').quota, row(plan, 'p/y').quota], ['3', '3']);
  });

  it("gives a parent's quota to itself when none of its sub-teams names the resource", () => {
    const file = teamsFile({}, team('p').resource('cpu').teams(team('x').gpu()), team('q').gpu());
    const plan = buildPlan({ teams: file, inventory: inventory({ [GPU]: '4', cpu: '8' }) });
    assert.deepEqual(row(plan, 'p', 'cpu'), { quota: '8', guarantee: '0', demand: null, cap: null, binding: 'share', used: '0', terminal: true });
    assert.equal(plan.allocations.some((a) => a.team === 'p/x' && a.resource === 'cpu'), false);
  });

  it('reports undivided capacity of nested levels as unallocated when surplus is held', () => {
    const file = teamsFile({ surplus: 'hold' }, team('p').gpu({ demand: '10' }).teams(team('x').gpu({ demand: '3' }), team('y').gpu({ demand: '4' })));
    const plan = buildPlan({ teams: file, inventory: inventory({ [GPU]: '16' }) });
    assert.deepEqual([row(plan, 'p').quota, row(plan, 'p/x').quota, row(plan, 'p/y').quota], ['10', '3', '4']);
    // 6 left at the top, 3 more inside p.
    assert.deepEqual(pools(plan), [[GPU, '-', '16', '0', '9']]);
  });

  it('takes the reserve off before dividing and fails when the reserve is above capacity', () => {
    const file = teamsFile({ reserve: { [GPU]: '2' } }, team('a').gpu(), team('b').gpu());
    const plan = buildPlan({ teams: file, inventory: inventory({ [GPU]: '10' }) });
    assert.deepEqual([row(plan, 'a').quota, row(plan, 'b').quota], ['4', '4']);
    assert.deepEqual(pools(plan), [[GPU, '-', '10', '2', '0']]);
    assert.throws(
      () => buildPlan({ teams: file, inventory: inventory({ [GPU]: '1' }) }),
      new ConflictError('infeasible plan: teams.yaml: reserve of nvidia.com/gpu is 2, above the plannable capacity 1'),
    );
  });

  it('fails when guarantees exceed what a level has, naming the resource, the sum and the capacity', () => {
    const file = teamsFile({ reserve: { [GPU]: '1' } }, team('a').gpu({ guarantee: '6' }), team('b').gpu({ guarantee: '4' }));
    assert.throws(
      () => buildPlan({ teams: file, inventory: inventory({ [GPU]: '10' }) }),
      new ConflictError(
        'infeasible plan: nvidia.com/gpu guarantees of the top-level teams sum to 10 but the cluster has 9 ' +
          '(capacity 10 - reserve 1) [a: 6, b: 4]',
      ),
    );
  });

  it("rejects sub-team guarantees above a parent's cap", () => {
    const file = teamsFile({}, team('p').gpu({ cap: '3' }).teams(team('x').gpu({ guarantee: '2' }), team('y').gpu({ guarantee: '2' })));
    assert.throws(
      () => buildPlan({ teams: file, inventory: inventory({ [GPU]: '10' }) }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.message ===
          "teams.yaml: teams[0].resources.nvidia.com/gpu: the nvidia.com/gpu guarantees of p's sub-teams sum to 4, above its cap of 3" &&
        error.where.field === 'teams[0].resources.nvidia.com/gpu.cap',
    );
  });

  it('plans cpu and memory in granularity units: quotas are multiples, the rest below one unit is unallocated', () => {
    const file = teamsFile(
      { granularity: { memory: '1Gi', cpu: '500m' } },
      team('a').resource('memory', { demand: '1500Mi' }).resource('cpu', { demand: '1200m' }),
      team('b').resource('memory').resource('cpu'),
    );
    const plan = buildPlan({ teams: file, inventory: inventory({ memory: '10752Mi', cpu: '4100m' }) });
    // demand rounds up to whole units (1500Mi -> 2Gi, 1200m -> 1500m); 10.5Gi holds 10 units of 1Gi.
    assert.deepEqual(row(plan, 'a', 'memory'), { quota: '2Gi', guarantee: '0', demand: '2Gi', cap: null, binding: 'demand', used: '0', terminal: true });
    assert.equal(row(plan, 'b', 'memory').quota, '8Gi');
    assert.equal(row(plan, 'a', 'cpu').quota, '1500m');
    assert.equal(row(plan, 'b', 'cpu').quota, '2500m');
    assert.deepEqual(pools(plan), [
      ['cpu', '-', '4100m', '0', '100m'],
      ['memory', '-', '10752Mi', '0', '512Mi'],
    ]);
  });

  it("records each team's current use from its namespaces, selectors and profiles, and warns when it is above the new quota", () => {
    const file = teamsFile(
      {},
      team('p').teams(team('x').namespaces('x1', 'x2').gpu({ demand: '2' }), team('y').selector({ team: 'y' }).gpu()),
      team('k').profiles('alice').gpu({ demand: '1' }),
    );
    const plan = buildPlan({
      teams: file,
      inventory: inventory(
        { [GPU]: '8' },
        {
          namespaces: [
            { name: 'x1', requests: { [GPU]: '2' } },
            { name: 'x2', requests: { [GPU]: '1' } },
            { name: 'y-a', labels: { team: 'y' }, requests: { [GPU]: '1' } },
            { name: 'other', labels: { team: 'z' }, requests: { [GPU]: '5' } },
            { name: 'alice', requests: { [GPU]: '1' } },
          ],
        },
      ),
    });
    assert.deepEqual(plan.teams, [
      { team: 'k', leaf: true, namespaces: ['alice'] },
      { team: 'p', leaf: false, namespaces: ['x1', 'x2', 'y-a'] },
      { team: 'p/x', leaf: true, namespaces: ['x1', 'x2'] },
      { team: 'p/y', leaf: true, namespaces: ['y-a'] },
    ]);
    assert.deepEqual([row(plan, 'p').used, row(plan, 'p/x').used, row(plan, 'p/y').used, row(plan, 'k').used], ['4', '3', '1', '1']);
    assert.equal(row(plan, 'p/x').quota, '2');
    assert.deepEqual(plan.warnings, [
      {
        kind: 'use-above-quota',
        team: 'p/x',
        resource: GPU,
        flavor: null,
        message:
          'p/x requests 3 nvidia.com/gpu now, above its new quota 2: running pods stay, new ones are rejected until use falls below the quota',
      },
    ]);
  });
});

describe('planning per flavor (GPU model)', () => {
  const file = teamsFile(
    { reserve: { [GPU]: { H100: '1' } } },
    team('a').flavor(GPU, 'H100', { demand: '4' }).flavor(GPU, 'A100', {}),
    team('b').flavor(GPU, 'H100', {}).flavor(GPU, 'B200', { demand: '1' }),
  );
  const plan = buildPlan({
    teams: file,
    inventory: inventory(
      { [GPU]: '24' },
      { byFlavor: { [GPU]: { H100: '16', A100: '8' } }, namespaces: [{ name: 'a', requests: { [GPU]: '13' } }, { name: 'b' }] },
    ),
  });

  it('divides each flavor on its own from the per-model plannable capacity', () => {
    assert.deepEqual(row(plan, 'a', GPU, 'H100').quota, '4');
    assert.deepEqual(row(plan, 'b', GPU, 'H100').quota, '11');
    assert.deepEqual(row(plan, 'a', GPU, 'A100').quota, '8');
    assert.deepEqual(row(plan, 'b', GPU, 'B200').quota, '0');
    assert.equal(row(plan, 'a', GPU, 'H100').used, null);
    assert.deepEqual(pools(plan), [
      [GPU, 'A100', '8', '0', '0'],
      [GPU, 'B200', '0', '0', '0'],
      [GPU, 'H100', '16', '1', '0'],
    ]);
  });

  it('warns that a ResourceQuota cannot enforce the split, about unknown models, and about use above the summed quota', () => {
    assert.deepEqual(
      plan.warnings.map((w) => [w.kind, w.team, w.resource, w.flavor]),
      [
        ['flavor-split-unenforceable', null, GPU, null],
        ['unknown-flavor', null, GPU, 'B200'],
        ['use-above-quota', 'a', GPU, null],
      ],
    );
    assert.equal(
      plan.warnings[0]?.message,
      'nvidia.com/gpu is split by flavor (A100, B200, H100) but a ResourceQuota counts requests.nvidia.com/gpu by name and ' +
        'cannot tell the models apart (the cluster has A100, H100); enforce per-model quotas with a scheduler-level quota ' +
        'such as Kueue ResourceFlavors, or only the per-team sum is enforced',
    );
    assert.equal(
      plan.warnings[2]?.message,
      'a requests 13 nvidia.com/gpu now, above its new quota 12: running pods stay, new ones are rejected until use falls below the quota',
    );
  });
});

describe('the Alabama paradox', () => {
  // domain.md section 5: weights 1500:1500:900:500:500:200 at 25 units, then 26.
  const file = teamsFile(
    {},
    team('a').weight(1500).gpu(),
    team('b').weight(1500).gpu(),
    team('c').weight(900).gpu(),
    team('d').weight(500).gpu(),
    team('e').weight(500).gpu(),
    team('f').weight(200).gpu(),
  );
  const quotasOf = (plan: Plan): string[] => plan.allocations.map((a) => formatQuantity(a.quota));

  it('is what largest remainder does: one more unit lowers two quotas', () => {
    const before = buildPlan({ teams: file, inventory: inventory({ [GPU]: '25' }) });
    const after = buildPlan({ teams: file, inventory: inventory({ [GPU]: '26' }), previous: before });
    assert.deepEqual(quotasOf(before), ['7', '7', '4', '3', '3', '1']);
    assert.deepEqual(quotasOf(after), ['8', '8', '5', '2', '2', '1']);
    assert.deepEqual(
      after.warnings.map((w) => [w.kind, w.team]),
      [
        ['alabama-paradox', 'd'],
        ['alabama-paradox', 'e'],
      ],
    );
    assert.equal(
      after.warnings[0]?.message,
      'd: nvidia.com/gpu quota fell from 3 to 2 although the capacity divided grew from 25 to 26 (previous plan test); ' +
        'its guarantee, demand and cap did not change: the Alabama paradox of largest-remainder rounding',
    );
  });

  it('is not reported when capacity did not grow', () => {
    const before = buildPlan({ teams: file, inventory: inventory({ [GPU]: '26' }) });
    const after = buildPlan({ teams: file, inventory: inventory({ [GPU]: '25' }), previous: before });
    assert.deepEqual(after.warnings, []);
  });
});

describe('Dominant Resource Fairness', () => {
  // Ghodsi et al. 2011, section 4: 9 CPUs and 18 GB; A's tasks need <1 CPU, 4 GB>, B's <3 CPUs, 1 GB>.
  // As whole demands in the same proportions: A { cpu 4.5, memory 18Gi }, B { cpu 9, memory 3Gi }.
  const teams = (policy: 'drf' | 'max-min') =>
    teamsFile(
      { policy, granularity: { cpu: '500m', memory: '1Gi' } },
      team('a').resource('cpu', { demand: '4500m' }).resource('memory', { demand: '18Gi' }),
      team('b').resource('cpu', { demand: '9' }).resource('memory', { demand: '3Gi' }),
    );
  const cluster = inventory({ cpu: '9', memory: '18Gi' });

  it('equalizes dominant shares (A: 3 CPUs 12Gi, B: 6 CPUs 2Gi), then tops up the memory DRF left', () => {
    const plan = buildPlan({ teams: teams('drf'), inventory: cluster });
    assert.deepEqual(
      [row(plan, 'a', 'cpu').quota, row(plan, 'b', 'cpu').quota, row(plan, 'a', 'memory').quota, row(plan, 'b', 'memory').quota],
      ['3', '6', '15Gi', '3Gi'],
    );
    const a = plan.allocations.find((x) => x.team === 'a' && x.resource === 'cpu');
    assert.equal(
      a?.explanation,
      'weighted share; weight 1 of 2 among 2 teams dividing 9 of the cluster (9 after guarantees); ' +
        'DRF: dominant resource memory, extra share 2/3, stopped when cpu ran out',
    );
  });

  it('differs from max-min, which shares each resource on its own', () => {
    const plan = buildPlan({ teams: teams('max-min'), inventory: cluster });
    assert.deepEqual(
      [row(plan, 'a', 'cpu').quota, row(plan, 'b', 'cpu').quota, row(plan, 'a', 'memory').quota, row(plan, 'b', 'memory').quota],
      ['4500m', '4500m', '15Gi', '3Gi'],
    );
  });

  it('stops a team whose dominant resource has nothing to divide, then tops up the others per resource', () => {
    const file = teamsFile(
      { policy: 'drf', surplus: 'hold' },
      team('a').gpu({ demand: '2' }).resource('cpu', { demand: '4' }),
      team('b').resource('cpu', { demand: '8' }),
    );
    const plan = buildPlan({ teams: file, inventory: inventory({ [GPU]: '0', cpu: '10' }) });
    // DRF: a needs GPUs, there are none, so a gets no cpu from DRF; b takes its 8. The 2 cpus left go to a.
    assert.deepEqual([row(plan, 'a', 'cpu').quota, row(plan, 'b', 'cpu').quota, row(plan, 'a').quota], ['2', '8', '0']);
    assert.match(
      plan.allocations.find((x) => x.team === 'a' && x.resource === 'cpu')?.explanation ?? '',
      /; DRF: dominant resource cpu, extra share 0, stopped when nvidia\.com\/gpu ran out$/,
    );
  });
});
