import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildQuotaChanges } from '../../../src/emit/changes.js';
import { buildKueueObjects, flavorName, queueName } from '../../../src/emit/targets/kueue.js';
import { allocation, inventory, namespace, node, plan } from './builders.js';

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

describe('buildKueueObjects', () => {
  const changes = buildQuotaChanges({ plan: p, teams, inventory: inv, options: { cluster: 'prod', planId: '3' } });
  const kueue = buildKueueObjects({ plan: p, changes, inventory: inv });

  it('writes one flavor per model, a default flavor, a ClusterQueue per team and a LocalQueue per namespace', () => {
    assert.deepEqual(
      kueue.manifests.map((m) => `${m.kind} ${m.namespace}/${m.name}`),
      [
        'ResourceFlavor /default-flavor',
        'ResourceFlavor /nvidia-h100-80gb-hbm3',
        'ResourceFlavor /nvidia-h200',
        'ClusterQueue /data-etl',
        'ClusterQueue /ml-cv',
        'LocalQueue cv/ml-cv',
        'LocalQueue cv-eval/ml-cv',
        'LocalQueue etl/data-etl',
      ],
    );
  });

  it('selects a model by the label holding exactly its name, else asks for a quotaplan label and flags it', () => {
    const spec = (name: string): unknown => kueue.manifests.find((m) => m.name === name)?.object.spec;
    assert.deepEqual(spec('nvidia-h100-80gb-hbm3'), { nodeLabels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } });
    assert.deepEqual(spec('nvidia-h200'), { nodeLabels: { 'quotaplan.io/gpu-model': 'nvidia-h200' } });
    assert.deepEqual(kueue.flags.map((f) => f.kind), ['flavor-without-node-label']);
  });

  it('gives the ClusterQueue nominal quotas per flavor, in one group for plain and one for per-model resources', () => {
    assert.deepEqual(kueue.manifests.find((m) => m.name === 'ml-cv' && m.kind === 'ClusterQueue')?.object.spec, {
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
    const p2 = plan([
      allocation('t', 'nvidia.com/gpu', '4', 'NVIDIA-H100-80GB-HBM3'),
      allocation('t', 'nvidia.com/mig-1g.10gb', '7', 'NVIDIA-A100-SXM4-80GB'),
    ]);
    const c2 = buildQuotaChanges({ plan: p2, teams: [{ team: 't', namespaces: ['t'] }], inventory: inventory({ namespaces: [namespace('t')] }), options: { cluster: 'c', planId: '1' } });
    const cq = buildKueueObjects({ plan: p2, changes: c2, inventory: inventory({}) }).manifests.find((m) => m.kind === 'ClusterQueue');
    assert.deepEqual(cq?.object.spec.resourceGroups, [
      {
        coveredResources: ['nvidia.com/gpu', 'nvidia.com/mig-1g.10gb'],
        flavors: [
          { name: 'nvidia-a100-sxm4-80gb', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '0' }, { name: 'nvidia.com/mig-1g.10gb', nominalQuota: '7' }] },
          { name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '4' }, { name: 'nvidia.com/mig-1g.10gb', nominalQuota: '0' }] },
        ],
      },
    ]);
  });

  it('names flavors and queues with DNS-label characters', () => {
    assert.equal(flavorName('AMD_Instinct_MI300X'), 'amd-instinct-mi300x');
    assert.equal(queueName('platform/fraud'), 'platform-fraud');
  });
});
