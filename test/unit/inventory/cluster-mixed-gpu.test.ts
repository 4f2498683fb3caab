/**
 * The shared fixture test/fixtures/cluster-mixed-gpu.json, read through the real dump reader. Every
 * expected value below is worked out by hand from the fixture and domain.md, in the comments.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inventoryFromDumpFile } from '../../../src/collect/dump.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import { formatResourceList } from '../../../src/resources.js';
import { formatQuantity } from '../../../src/quantity.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/cluster-mixed-gpu.json', import.meta.url));

describe('cluster-mixed-gpu.json', () => {
  let inv: ClusterInventory;
  before(async () => {
    inv = await inventoryFromDumpFile(FIXTURE);
  });

  it('counts physical accelerators per node', () => {
    const physical = Object.fromEntries(inv.nodes.map((n) => [n.name, n.physicalAccelerators]));
    assert.deepEqual(physical, {
      'cpu-1': 0,
      // mixed MIG: 2 whole + 6 x 1/7 + 4 x 2/7 (+ 0 x 3/7) = 4, matching nvidia.com/gpu.count=4
      'gpu-a100-mig': 4,
      // capacity 8 (allocatable 7: one unhealthy device is still a physical GPU)
      'gpu-h100-a': 8,
      'gpu-h100-b': 8,
      'gpu-h100-cordoned': 8,
      // i915: 2; i915_monitoring and monitoring are not devices
      'gpu-intel-flex': 2,
      'gpu-mi300x': 8,
      // 12 time-sliced replicas of 1 T4 (gpu.replicas=12, gpu.count=1)
      'gpu-t4-shared': 1,
    });
  });

  it('knows each node state and model', () => {
    const state = inv.nodes.map((n) => [n.name, n.pool, n.model, n.ready, n.schedulable, n.transitional]);
    assert.deepEqual(state, [
      ['cpu-1', 'general', null, true, true, false],
      ['gpu-a100-mig', 'a100', 'NVIDIA-A100-SXM4-80GB', true, true, false],
      ['gpu-h100-a', 'h100', 'NVIDIA-H100-80GB-HBM3', true, true, false],
      ['gpu-h100-b', 'h100', 'NVIDIA-H100-80GB-HBM3', true, true, false],
      ['gpu-h100-cordoned', 'h100', 'NVIDIA-H100-80GB-HBM3', true, false, false],
      ['gpu-intel-flex', 'intel', 'intel-56c0', true, true, false],
      ['gpu-mi300x', 'mi300x', 'AMD_Instinct_MI300X', true, true, false],
      ['gpu-t4-shared', 't4', 'Tesla-T4', true, true, false],
    ]);
    const t4 = inv.nodes.find((n) => n.name === 'gpu-t4-shared')?.accelerators[0];
    assert.deepEqual([t4?.sharing, t4?.replicas, t4?.gpuEquivalent], ['time-slicing', 12, { numerator: 1n, denominator: 12n }]);
    const h100a = inv.nodes.find((n) => n.name === 'gpu-h100-a');
    assert.deepEqual(formatResourceList(h100a?.unhealthy ?? {}), { 'nvidia.com/gpu': '1' });
  });

  it('plans on the allocatable of the 7 ready, schedulable, non-transitional nodes (not the cordoned H100)', () => {
    assert.deepEqual(formatResourceList(inv.plannable), {
      'amd.com/gpu': '8',
      cpu: '444500m', // 7 x 63500m
      'ephemeral-storage': '12616940Mi', // 7 x 1845678080Ki = 7 x 1802420Mi
      'gpu.intel.com/i915': '2',
      'gpu.intel.com/i915_monitoring': '1',
      'gpu.intel.com/monitoring': '0',
      memory: '3637615716Ki', // 7 x 519659388Ki, not a whole number of Mi
      'nvidia.com/gpu': '29', // h100-a 7 + h100-b 8 + a100 2 + t4 12
      'nvidia.com/mig-1g.10gb': '6',
      'nvidia.com/mig-2g.20gb': '4',
      'nvidia.com/mig-3g.40gb': '0',
      pods: '770', // 7 x 110
    });
  });

  it('splits plannable accelerators by model for per-model planning', () => {
    const flavors = Object.fromEntries(Object.entries(inv.plannableByFlavor).map(([r, m]) => [r, formatResourceList(m)]));
    assert.deepEqual(flavors, {
      'amd.com/gpu': { AMD_Instinct_MI300X: '8' },
      'gpu.intel.com/i915': { 'intel-56c0': '2' },
      'nvidia.com/gpu': { 'NVIDIA-A100-SXM4-80GB': '2', 'NVIDIA-H100-80GB-HBM3': '15', 'Tesla-T4': '12' },
      'nvidia.com/mig-1g.10gb': { 'NVIDIA-A100-SXM4-80GB': '6' },
      'nvidia.com/mig-2g.20gb': { 'NVIDIA-A100-SXM4-80GB': '4' },
      'nvidia.com/mig-3g.40gb': { 'NVIDIA-A100-SXM4-80GB': '0' },
    });
  });

  it('sums effective pod requests per namespace, ignoring the Succeeded pod', () => {
    const namespaces = inv.namespaces.map((ns) => [ns.name, ns.pods, formatResourceList(ns.requests)]);
    assert.deepEqual(namespaces, [
      ['alice-research', 1, { 'amd.com/gpu': '2', cpu: '8', memory: '64Gi' }],
      ['fraud-serve', 1, { cpu: '2', memory: '16Gi', 'nvidia.com/mig-1g.10gb': '1' }],
      // trainer-0 + trainer-1; old-job (Succeeded) does not count
      ['fraud-train', 2, { cpu: '32', memory: '256Gi', 'nvidia.com/gpu': '8' }],
      ['kube-system', 1, { cpu: '100m', memory: '70Mi' }],
      // notebook: max(init fetch {cpu 4, memory 2Gi}, app {cpu 1, memory 8Gi, gpu 1}) per resource
      ['vision', 1, { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': '1' }],
    ]);
    assert.deepEqual(inv.namespaces.find((ns) => ns.name === 'fraud-train')?.labels, {
      'cost-centre': 'cc-114',
      'kubernetes.io/metadata.name': 'fraud-train',
      team: 'fraud',
    });
  });

  it('sums requests per node from the pods bound to it', () => {
    const requested = Object.fromEntries(inv.nodes.map((n) => [n.name, formatResourceList(n.requested)]));
    assert.deepEqual(requested, {
      'cpu-1': { cpu: '100m', memory: '70Mi' },
      'gpu-a100-mig': { cpu: '2', memory: '16Gi', 'nvidia.com/mig-1g.10gb': '1' },
      'gpu-h100-a': { cpu: '16', memory: '128Gi', 'nvidia.com/gpu': '4' },
      'gpu-h100-b': { cpu: '16', memory: '128Gi', 'nvidia.com/gpu': '4' }, // old-job is Succeeded
      'gpu-h100-cordoned': {},
      'gpu-intel-flex': {},
      'gpu-mi300x': { 'amd.com/gpu': '2', cpu: '8', memory: '64Gi' },
      'gpu-t4-shared': { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': '1' },
    });
  });

  it('reads quotas and the Kubeflow Profile', () => {
    assert.deepEqual(
      inv.resourceQuotas.map((q) => [q.namespace, q.name, formatResourceList(q.hard), formatResourceList(q.used)]),
      [
        ['alice-research', 'kf-resource-quota', { 'requests.amd.com/gpu': '8', 'requests.cpu': '50', 'requests.memory': '200Gi' }, { 'requests.amd.com/gpu': '2', 'requests.cpu': '8', 'requests.memory': '64Gi' }],
        ['fraud-train', 'gpu-quota', { 'requests.cpu': '64', 'requests.memory': '512Gi', 'requests.nvidia.com/gpu': '12' }, { 'requests.cpu': '32', 'requests.memory': '256Gi', 'requests.nvidia.com/gpu': '8' }],
      ],
    );
    assert.equal(inv.profiles.length, 1);
    const profile = inv.profiles[0];
    assert.deepEqual(
      [profile?.name, profile?.namespace, profile?.owner, formatQuantity(profile?.hard['requests.amd.com/gpu'] ?? { nanos: 0n, format: 'DecimalSI' }), profile?.labels['compliance-tier']],
      ['alice-research', 'alice-research', { kind: 'User', name: 'alice@example.com' }, '8', 'internal'],
    );
  });

  it('warns about the unhealthy GPU, the stale MIG profile, the cordoned node and mixed units', () => {
    assert.deepEqual(inv.warnings, [
      'node gpu-a100-mig: nvidia.com/mig-3g.40gb is 0 (stale: device plugin stopped, profile removed, or not yet ready)',
      'node gpu-h100-a: 1 of 8 nvidia.com/gpu unhealthy or reserved (allocatable < capacity)',
      'node gpu-h100-cordoned: cordoned; its capacity is not plannable',
      'nvidia.com/gpu: one unit is worth different fractions of a GPU on different nodes (1/1, 1/12); a quota on it counts units, not GPUs',
    ]);
  });
});
