import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/errors.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import type { PlanInventory } from '../../../src/plan/plan.js';
import { parseQuantity } from '../../../src/quantity.js';
import { GPU, inventory, team, teamsFile } from '../../builders/teams.js';

/** Plannable GPUs and cpu; a cordoned node's shared GPUs are known but not plannable. */
function cluster(): PlanInventory {
  return {
    ...inventory({ cpu: '64', memory: '256Gi', [GPU]: '8' }, { byFlavor: { [GPU]: { H100: '8' } } }),
    nodes: [
      { capacity: { cpu: parseQuantity('64'), memory: parseQuantity('256Gi'), [GPU]: parseQuantity('8') }, allocatable: { cpu: parseQuantity('64') } },
      { capacity: { 'nvidia.com/gpu.shared': parseQuantity('40') }, allocatable: { 'nvidia.com/gpu.shared': parseQuantity('40') } },
    ],
  };
}

// A typo (gpus): quota 0, written by emit, without a word until now.
const typo = () => teamsFile({}, team('a').resource('nvidia.com/gpus', { demand: '4' }).resource('cpu'), team('b').gpu());

describe('a resource the cluster does not have', () => {
  it('plans 0 with an unknown-resource warning naming the team, the resource and the nearest names the cluster has', () => {
    const plan = buildPlan({ teams: typo(), inventory: cluster() });
    assert.deepEqual(
      plan.allocations.filter((a) => a.resource === 'nvidia.com/gpus').map((a) => [a.team, a.quota.nanos]),
      [['a', 0n]],
    );
    // distance to nvidia.com/gpus: nvidia.com/gpu 1, nvidia.com/gpu.shared 7 (on a node that is not plannable), cpu 12.
    assert.deepEqual(
      plan.warnings.filter((w) => w.kind === 'unknown-resource'),
      [
        {
          kind: 'unknown-resource',
          team: 'a',
          resource: 'nvidia.com/gpus',
          flavor: null,
          message:
            'a: the cluster has no resource nvidia.com/gpus (teams.yaml: teams[0].resources.nvidia.com/gpus), so its quota is 0; ' +
            'nearest the cluster has: nvidia.com/gpu, nvidia.com/gpu.shared, cpu',
        },
      ],
    );
  });

  it('does not warn about a resource known only on nodes that are not plannable (its capacity is 0 for another reason)', () => {
    const plan = buildPlan({ teams: teamsFile({}, team('a').resource('nvidia.com/gpu.shared')), inventory: cluster() });
    assert.deepEqual(plan.warnings.filter((w) => w.kind === 'unknown-resource'), []);
  });

  it('under strict, refuses the plan naming every such resource and model (ValidationError, exit 2)', () => {
    const teams = teamsFile({}, team('a').resource('nvidia.com/gpus').flavor('amd.com/gpu', 'MI300X'), team('b').flavor(GPU, 'B200').flavor(GPU, 'H100'));
    assert.throws(
      () => buildPlan({ teams, inventory: cluster(), strict: true }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.message ===
          'teams.yaml: refused under --strict: ' +
            'the teams file plans nvidia.com/gpu (flavor B200) but the inventory has no plannable nvidia.com/gpu of that model (it has H100); its capacity is 0; ' +
            'a: the cluster has no resource amd.com/gpu (teams.yaml: teams[0].resources.amd.com/gpu.flavors.MI300X), so its quota is 0; ' +
            'nearest the cluster has: nvidia.com/gpu, cpu, memory; ' +
            'a: the cluster has no resource nvidia.com/gpus (teams.yaml: teams[0].resources.nvidia.com/gpus), so its quota is 0; ' +
            'nearest the cluster has: nvidia.com/gpu, nvidia.com/gpu.shared, cpu',
    );
    // Without strict the same file plans, with the warnings.
    assert.deepEqual(
      buildPlan({ teams, inventory: cluster() }).warnings.map((w) => [w.kind, w.team, w.resource, w.flavor]),
      [
        ['flavor-split-unenforceable', null, 'amd.com/gpu', null],
        ['flavor-split-unenforceable', null, GPU, null],
        ['unknown-flavor', null, GPU, 'B200'],
        ['unknown-resource', 'a', 'amd.com/gpu', null],
        ['unknown-resource', 'a', 'nvidia.com/gpus', null],
      ],
    );
  });
});

describe('a guarantee or reserve of a resource the cluster does not have', () => {
  // The example teams file guarantees amd.com/gpu; a cluster without AMD GPUs must still get a plan (not exit 4).
  const teams = () =>
    teamsFile(
      { reserve: { 'amd.com/gpu': '1', [GPU]: '2' } },
      team('a').resource('amd.com/gpu', { guarantee: '2' }).gpu({ guarantee: '1' }),
      team('b').resource('amd.com/gpu', { demand: '4' }).gpu(),
    );

  it('plans 0 of it and the rest as if it were absent, instead of failing as infeasible', () => {
    const plan = buildPlan({ teams: teams(), inventory: cluster() });
    assert.deepEqual(
      plan.allocations.map((a) => [a.team, a.resource, a.quota.nanos, a.guarantee?.nanos]),
      // 8 - 2 reserved = 6: a's guarantee 1, then the 5 left shared evenly on top (3.5 and 2.5; the tie of
      // remainders goes to a by name).
      [
        ['a', 'amd.com/gpu', 0n, 0n],
        ['a', GPU, 4_000_000_000n, 1_000_000_000n],
        ['b', 'amd.com/gpu', 0n, 0n],
        ['b', GPU, 2_000_000_000n, 0n],
      ],
    );
    assert.deepEqual(
      plan.pools.map((p) => [p.resource, p.capacity.nanos, p.reserve.nanos]),
      [
        ['amd.com/gpu', 0n, 0n],
        [GPU, 8_000_000_000n, 2_000_000_000n],
      ],
    );
  });

  it('says so: the guarantee in the unknown-resource warning, the reserve in an unused-reserve warning', () => {
    const plan = buildPlan({ teams: teams(), inventory: cluster() });
    assert.deepEqual(
      plan.warnings.filter((w) => w.kind === 'unknown-resource' || w.kind === 'unused-reserve').map((w) => w.message),
      [
        'a: the cluster has no resource amd.com/gpu (teams.yaml: teams[0].resources.amd.com/gpu), so its quota is 0 ' +
          'and its guarantee 2 cannot be met (planned as 0, not refused); nearest the cluster has: nvidia.com/gpu, cpu, memory',
        'b: the cluster has no resource amd.com/gpu (teams.yaml: teams[1].resources.amd.com/gpu), so its quota is 0; ' +
          'nearest the cluster has: nvidia.com/gpu, cpu, memory',
        'teams.yaml: reserve of amd.com/gpu has no effect: the cluster has no amd.com/gpu',
      ],
    );
  });

  it('is still refused under strict (exit 2, not 4)', () => {
    assert.throws(() => buildPlan({ teams: teams(), inventory: cluster(), strict: true }), ValidationError);
  });

  it('keeps a guarantee above what the cluster has of a resource it does have infeasible', () => {
    const over = teamsFile({}, team('a').gpu({ guarantee: '9' }));
    assert.throws(() => buildPlan({ teams: over, inventory: cluster() }), /infeasible plan: nvidia.com\/gpu guarantees of the top-level teams sum to 9 but the cluster has 8/);
  });
});
