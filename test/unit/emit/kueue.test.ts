import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/errors.js';
import { buildQuotaChanges } from '../../../src/emit/changes.js';
import { buildKueueObjects, flavorName, queueName } from '../../../src/emit/targets/kueue.js';
import { renderPrBody } from '../../../src/emit/pr-body.js';
import { parseQuantity } from '../../../src/quantity.js';
import { rational } from '../../../src/rational.js';
import { allocation, inventory, namespace, node, plan } from './builders.js';
import { nestedInput } from './scheduler-scenario.js';

const inv = inventory({
  nodes: [
    node('h100-0', 'NVIDIA-H100-80GB-HBM3', { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' }),
    node('h100-1', 'NVIDIA-H100-80GB-HBM3', { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' }),
    // MIG single: the product label carries the slice, so no label holds the bare model.
    node('h200-0', 'NVIDIA-H200', { 'nvidia.com/gpu.product': 'NVIDIA-H200-MIG-1g.18gb' }),
  ],
  namespaces: [namespace('cv'), namespace('cv-eval'), namespace('etl')],
});
const p = plan([
  allocation('ml/cv', 'cpu', '16'),
  allocation('ml/cv', 'nvidia.com/gpu', '6', 'NVIDIA-H100-80GB-HBM3'),
  allocation('ml/cv', 'nvidia.com/gpu', '2', 'NVIDIA-H200'),
  allocation('data/etl', 'cpu', '32'),
]);
const teams = [
  { team: 'ml/cv', namespaces: ['cv', 'cv-eval'] },
  { team: 'data/etl', namespaces: ['etl'] },
];

/** The Kueue objects of a one-team plan whose team `t` (namespace `t`) has these allocations. */
function oneTeam(allocations: ReturnType<typeof allocation>[], team = 't'): ReturnType<typeof buildKueueObjects> {
  const p1 = plan(allocations);
  const inv1 = inventory({ namespaces: [namespace('t')] });
  const c1 = buildQuotaChanges({ plan: p1, teams: [{ team, namespaces: ['t'] }], inventory: inv1, options: { cluster: 'c', planId: '1' } });
  return buildKueueObjects({ plan: p1, changes: c1, inventory: inv1 });
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a refusal');
}

describe('buildKueueObjects', () => {
  const changes = buildQuotaChanges({ plan: p, teams, inventory: inv, options: { cluster: 'prod', planId: '3' } });
  const kueue = buildKueueObjects({ plan: p, changes, inventory: inv });

  it('writes flavors, the root cohort, a cohort per parent team, a ClusterQueue per leaf and a LocalQueue per namespace, all kueue.x-k8s.io/v1beta2', () => {
    assert.deepEqual(
      kueue.manifests.map((m) => `${m.object.apiVersion} ${m.kind} ${m.namespace}/${m.name}`),
      [
        'kueue.x-k8s.io/v1beta2 ResourceFlavor /default-flavor',
        'kueue.x-k8s.io/v1beta2 ResourceFlavor /nvidia-h100-80gb-hbm3',
        'kueue.x-k8s.io/v1beta2 ResourceFlavor /nvidia-h200',
        'kueue.x-k8s.io/v1beta2 Cohort /data',
        'kueue.x-k8s.io/v1beta2 Cohort /ml',
        'kueue.x-k8s.io/v1beta2 Cohort /quotaplan-root',
        'kueue.x-k8s.io/v1beta2 ClusterQueue /data-etl',
        'kueue.x-k8s.io/v1beta2 ClusterQueue /ml-cv',
        'kueue.x-k8s.io/v1beta2 LocalQueue cv/ml-cv',
        'kueue.x-k8s.io/v1beta2 LocalQueue cv-eval/ml-cv',
        'kueue.x-k8s.io/v1beta2 LocalQueue etl/data-etl',
      ],
    );
  });

  it('selects a model by the label holding exactly its name, else asks for a quotaplan label and flags it', () => {
    const spec = (name: string): unknown => kueue.manifests.find((m) => m.name === name)?.object.spec;
    assert.deepEqual(spec('nvidia-h100-80gb-hbm3'), { nodeLabels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } });
    assert.deepEqual(spec('nvidia-h200'), { nodeLabels: { 'quotaplan.io/gpu-model': 'nvidia-h200' } });
    assert.deepEqual(kueue.flags.map((f) => f.kind), ['flavor-without-node-label']);
  });

  it('gives the ClusterQueue nominal quotas per flavor, in one group for plain and one for per-model resources, in its parent cohort', () => {
    assert.deepEqual(kueue.manifests.find((m) => m.name === 'ml-cv' && m.kind === 'ClusterQueue')?.object.spec, {
      cohortName: 'ml',
      fairSharing: { weight: '1' },
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['cv', 'cv-eval'] }] },
      resourceGroups: [
        { coveredResources: ['cpu'], flavors: [{ name: 'default-flavor', resources: [{ name: 'cpu', nominalQuota: '16' }] }] },
        {
          coveredResources: ['nvidia.com/gpu'],
          flavors: [
            { name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '6' }] },
            { name: 'nvidia-h200', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '2' }] },
          ],
        },
      ],
    });
    assert.deepEqual(kueue.manifests.find((m) => m.kind === 'LocalQueue' && m.namespace === 'cv')?.object.spec, { clusterQueue: 'ml-cv' });
  });

  it('lists every covered resource in every flavor of a group, 0 where the team has none of that flavor', () => {
    const cq = oneTeam([
      allocation('t', 'nvidia.com/gpu', '4', 'NVIDIA-H100-80GB-HBM3'),
      allocation('t', 'nvidia.com/mig-1g.10gb', '7', 'NVIDIA-A100-SXM4-80GB'),
    ]).manifests.find((m) => m.kind === 'ClusterQueue');
    assert.deepEqual(cq?.object.spec.resourceGroups, [
      {
        coveredResources: ['nvidia.com/gpu', 'nvidia.com/mig-1g.10gb'],
        flavors: [
          { name: 'nvidia-a100-sxm4-80gb', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '0' }, { name: 'nvidia.com/mig-1g.10gb', nominalQuota: '7' }] },
          { name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '4' }, { name: 'nvidia.com/mig-1g.10gb', nominalQuota: '0' }] },
        ],
      },
    ]);
    assert.equal(cq?.object.spec.cohortName, 'quotaplan-root');
  });

  it('names flavors and queues with DNS-label characters', () => {
    assert.equal(flavorName('AMD_Instinct_MI300X'), 'amd-instinct-mi300x');
    assert.equal(queueName('platform/fraud'), 'platform-fraud');
  });
});

describe('Kueue cohorts, borrowing and lending limits, fair-sharing weights', () => {
  const kueue = buildKueueObjects(nestedInput);
  const spec = (kind: string, name: string): unknown => kueue.manifests.find((m) => m.kind === kind && m.name === name)?.object.spec;

  it('nests cohorts by parentName under the root cohort, weights from the teams file (decimals as quantities)', () => {
    assert.deepEqual(spec('Cohort', 'quotaplan-root'), {});
    assert.deepEqual(spec('Cohort', 'data'), { fairSharing: { weight: '1' }, parentName: 'quotaplan-root' });
    assert.deepEqual((spec('ClusterQueue', 'data-etl') as Record<string, unknown>).fairSharing, { weight: '500m' });
    assert.equal((spec('ClusterQueue', 'data-etl') as Record<string, unknown>).cohortName, 'data');
  });

  it("puts a parent's own quota (memory, no sub-team names it) and its cap in its cohort: cap - quota is the borrowing limit", () => {
    assert.deepEqual(spec('Cohort', 'ml'), {
      fairSharing: { weight: '2' },
      parentName: 'quotaplan-root',
      resourceGroups: [
        {
          coveredResources: ['cpu', 'memory'],
          flavors: [
            {
              name: 'default-flavor',
              resources: [
                // ml: cpu quota 16 (all of it its sub-team's), guarantee 8, cap 40.
                { name: 'cpu', nominalQuota: '0', borrowingLimit: '24', lendingLimit: '8' },
                { name: 'memory', nominalQuota: '512Gi' },
              ],
            },
          ],
        },
        {
          // Not ml's own (nominal 0), but its bounds: H100 capped at 8 of 6, H200 guaranteed 2 of 2.
          coveredResources: ['nvidia.com/gpu'],
          flavors: [
            { name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '0', borrowingLimit: '2' }] },
            { name: 'nvidia-h200', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '0', lendingLimit: '0' }] },
          ],
        },
      ],
    });
  });

  it('gives a leaf cap - quota as borrowingLimit, quota - guarantee as lendingLimit, and covers its parent’s own resources at 0', () => {
    assert.deepEqual(spec('ClusterQueue', 'ml-cv'), {
      cohortName: 'ml',
      fairSharing: { weight: '3' },
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['cv', 'cv-eval'] }] },
      resourceGroups: [
        {
          coveredResources: ['cpu', 'memory'],
          flavors: [
            {
              name: 'default-flavor',
              resources: [
                { name: 'cpu', nominalQuota: '16', borrowingLimit: '8', lendingLimit: '8' },
                { name: 'memory', nominalQuota: '0' },
              ],
            },
          ],
        },
        {
          coveredResources: ['nvidia.com/gpu'],
          flavors: [
            { name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '6', borrowingLimit: '2' }] },
            { name: 'nvidia-h200', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '2', lendingLimit: '0' }] },
          ],
        },
      ],
    });
  });
});

describe('what Kueue cannot hold is refused, naming the limit', () => {
  it('more than 64 GPU models in one resource group', () => {
    const many = Array.from({ length: 65 }, (_, i) => allocation('t', 'nvidia.com/gpu', '1', `MODEL-${String(i).padStart(2, '0')}`));
    assert.equal(
      refusal(() => oneTeam(many)),
      'Kueue cannot hold this plan: ClusterQueue t (team t): per-model resources nvidia.com/gpu: 65 flavors (GPU models) in one resource group; Kueue allows at most 64 flavors per resource group',
    );
  });

  it('more than 64 resources in one resource group', () => {
    const many = Array.from({ length: 65 }, (_, i) => allocation('t', `example.com/r${String(i).padStart(2, '0')}`, '1'));
    assert.equal(
      refusal(() => oneTeam(many)),
      'Kueue cannot hold this plan: ClusterQueue t (team t): resources without flavors: 65 resources in one resource group; Kueue allows at most 64 coveredResources (and resources per flavor)',
    );
  });

  it('more than 512 flavor-resource combinations in one group', () => {
    const many: ReturnType<typeof allocation>[] = [];
    for (let m = 0; m < 33; m++) for (let r = 0; r < 16; r++) many.push(allocation('t', `example.com/r${String(r).padStart(2, '0')}`, '1', `M${String(m).padStart(2, '0')}`));
    assert.match(refusal(() => oneTeam(many)), /: 33 flavors x 16 resources; Kueue allows at most 512 flavor-resource combinations per resource group$/);
  });

  it('a queue name longer than the 63 characters of the kueue.x-k8s.io/queue-name label', () => {
    const team = 'q'.repeat(64);
    assert.equal(
      refusal(() => oneTeam([allocation(team, 'cpu', '1')], team)),
      `Kueue: the ClusterQueue and LocalQueue name of team ${team}, ${team}, has 64 characters; Kueue's label kueue.x-k8s.io/queue-name, whose value is the LocalQueue name, allows at most 63`,
    );
  });

  it('two teams that become one queue name', () => {
    const p2 = plan([allocation('a/b', 'cpu', '1'), allocation('a-b', 'cpu', '1')]);
    const inv2 = inventory({ namespaces: [namespace('x'), namespace('y')] });
    const c2 = buildQuotaChanges({
      plan: p2,
      teams: [
        { team: 'a-b', namespaces: ['x'] },
        { team: 'a/b', namespaces: ['y'] },
      ],
      inventory: inv2,
      options: { cluster: 'c', planId: '1' },
    });
    assert.equal(
      refusal(() => buildKueueObjects({ plan: p2, changes: c2, inventory: inv2 })),
      'Kueue: teams a-b and a/b would both be the ClusterQueue and LocalQueue a-b; rename one of them',
    );
  });

  it('a weight with more than 9 decimals', () => {
    const weights = new Map([['data/etl', rational(1n, 10_000_000_000n)]]);
    assert.equal(
      refusal(() => buildKueueObjects({ ...nestedInput, weights })),
      "Kueue cannot hold this plan: team data/etl's weight 1/10000000000 has more than 9 decimals; Kueue's fairSharing.weight is a quantity, exact to 10^-9",
    );
  });
});

describe('the PR body’s Kueue section', () => {
  it('shows per Cohort and ClusterQueue the nominal quota in force now (from the snapshot), the new one and the limits', () => {
    const kueue = buildKueueObjects(nestedInput);
    const inForce = {
      kueueCohorts: [],
      kueueClusterQueues: [
        {
          name: 'ml-cv',
          cohort: 'ml',
          weight: null,
          quotas: [{ flavor: 'default-flavor', resource: 'cpu', nominalQuota: parseQuantity('12'), borrowingLimit: null, lendingLimit: null }],
          usage: [],
          pendingWorkloads: 0,
          admittedWorkloads: 0,
        },
      ],
    };
    const body = renderPrBody(nestedInput.changes, { kueue, inForce });
    const start = body.indexOf('## Kueue');
    const section = body.slice(start, body.indexOf('\n\n## ', start) + 1);
    assert.equal(
      section,
      [
        '## Kueue',
        '',
        'ResourceFlavors: `default-flavor`, `nvidia-h100-80gb-hbm3`, `nvidia-h200`',
        '',
        '*Now*: the `nominalQuota` of that flavor and resource in the Cohort or ClusterQueue of the same name (`kueue.x-k8s.io/v1beta2`) in the snapshot; `-` where the object or the entry is new.',
        '',
        '| Object | Cohort | Flavor | Resource | Nominal quota now | Nominal quota | Borrowing limit | Lending limit |',
        '|---|---|---|---|---:|---:|---:|---:|',
        '| Cohort ml | quotaplan-root | default-flavor | `cpu` | - | 0 | 24 | 8 |',
        '| Cohort ml | quotaplan-root | default-flavor | `memory` | - | 512Gi | - | - |',
        '| Cohort ml | quotaplan-root | nvidia-h100-80gb-hbm3 | `nvidia.com/gpu` | - | 0 | 2 | - |',
        '| Cohort ml | quotaplan-root | nvidia-h200 | `nvidia.com/gpu` | - | 0 | - | 0 |',
        '| ClusterQueue data-etl | data | default-flavor | `cpu` | - | 32 | - | - |',
        '| ClusterQueue ml-cv | ml | default-flavor | `cpu` | 12 | 16 | 8 | 8 |',
        '| ClusterQueue ml-cv | ml | default-flavor | `memory` | - | 0 | - | - |',
        '| ClusterQueue ml-cv | ml | nvidia-h100-80gb-hbm3 | `nvidia.com/gpu` | - | 6 | 2 | - |',
        '| ClusterQueue ml-cv | ml | nvidia-h200 | `nvidia.com/gpu` | - | 2 | - | 0 |',
        '',
      ].join('\n'),
    );
  });
});
