/**
 * Node objects transcribed from upstream issues (test/fixtures/nodes/, each file cites its source), read
 * through the real dump reader. Expected facts are worked out by hand from each file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inventoryFromDumpFile } from '../../../src/collect/dump.js';
import type { NodeFacts } from '../../../src/inventory/types.js';
import { formatQuantity } from '../../../src/quantity.js';
import { formatResourceList } from '../../../src/resources.js';

async function onlyNode(file: string): Promise<NodeFacts> {
  const inv = await inventoryFromDumpFile(fileURLToPath(new URL(`../../fixtures/nodes/${file}`, import.meta.url)));
  assert.equal(inv.nodes.length, 1);
  return inv.nodes[0] as NodeFacts;
}

const brief = (n: NodeFacts): string[] =>
  n.accelerators.map((a) => `${a.resource} ${a.vendor} ${a.sharing} ${a.gpuEquivalent.numerator}/${a.gpuEquivalent.denominator} x${formatQuantity(a.capacity)}`);

describe('real node shapes from upstream issues', () => {
  it('gpu-operator#637: mixed MIG is 4 A100s (2 whole + 14 slices / 7), cerit.io resources are not GPUs', async () => {
    const n = await onlyNode('gpu-operator-637-mixed-mig.yaml');
    assert.deepEqual(brief(n), [
      'nvidia.com/gpu nvidia none 1/1 x2',
      'nvidia.com/mig-1g.10gb nvidia mig 1/7 x6',
      'nvidia.com/mig-2g.20gb nvidia mig 2/7 x4',
      'nvidia.com/mig-3g.40gb nvidia mig 3/7 x0',
    ]);
    assert.equal(n.physicalAccelerators, 4);
    assert.deepEqual(n.staleZeroResources, ['nvidia.com/mig-3g.40gb']);
  });

  it('k8s-device-plugin#58: 16 GPUs in capacity, 0 allocatable, all 16 reported unhealthy', async () => {
    const n = await onlyNode('k8s-device-plugin-58-allocatable-zero.yaml');
    assert.deepEqual(brief(n), ['nvidia.com/gpu nvidia none 1/1 x16']);
    assert.equal(n.physicalAccelerators, 16);
    assert.deepEqual(formatResourceList(n.unhealthy), { 'nvidia.com/gpu': '16' });
    assert.deepEqual(n.staleZeroResources, []);
  });

  it('kubernetes#55005: a GKE K80 node with no nvidia.com/gpu is transitional, not a zero-GPU node', async () => {
    const n = await onlyNode('kubernetes-55005-gke-k80-no-gpu-resource.yaml');
    assert.deepEqual([n.pool, n.physicalAccelerators, n.transitionalReasons, n.ready], ['default-pool', 0, ['accelerator-not-ready'], false]);
  });

  it('karpenter#1219: p4d with 4 whole GPUs and 28 x 1g.5gb is 8 GPUs', async () => {
    const n = await onlyNode('karpenter-1219-p4d-mixed-mig.yaml');
    assert.deepEqual(brief(n), ['nvidia.com/gpu nvidia none 1/1 x4', 'nvidia.com/mig-1g.5gb nvidia mig 1/7 x28']);
    assert.equal(n.physicalAccelerators, 8);
  });

  it('terraform-aws-eks#2060: one Inferentia device; EBS attachment slots are not accelerators', async () => {
    const n = await onlyNode('terraform-aws-eks-2060-inf1.yaml');
    assert.deepEqual(brief(n), ['aws.amazon.com/neuron aws none 1/1 x1']);
    assert.equal(n.physicalAccelerators, 1);
    assert.deepEqual(formatResourceList(n.unhealthy), {});
  });

  it('projectbluefin#586: amd.com/gpu 0 is a stale zero resource, no GPUs', async () => {
    const n = await onlyNode('projectbluefin-586-amd-gpu-zero.yaml');
    assert.deepEqual([n.physicalAccelerators, n.staleZeroResources], [0, ['amd.com/gpu']]);
  });

  it('k8s-device-plugin#1014: an Xid leaves 8 H100s in capacity and 7 allocatable: 8 physical, 1 unhealthy', async () => {
    const n = await onlyNode('k8s-device-plugin-1014-xid-unhealthy.yaml');
    assert.deepEqual([brief(n), n.physicalAccelerators, formatResourceList(n.unhealthy)], [['nvidia.com/gpu nvidia none 1/1 x8'], 8, { 'nvidia.com/gpu': '1' }]);
    assert.equal(formatQuantity(n.allocatable['nvidia.com/gpu'] ?? { nanos: 0n, format: 'DecimalSI' }), '7');
  });

  it('ROCm/gpu-operator#382: 63 CPX partitions listed as spx_nps1 count as CPX (8 GPUs), amd.com/gpu 0 is stale', async () => {
    const inv = await inventoryFromDumpFile(fileURLToPath(new URL('../../fixtures/nodes/rocm-gpu-operator-382-cpx-under-spx-name.yaml', import.meta.url)));
    const n = inv.nodes[0] as NodeFacts;
    assert.deepEqual(brief(n), ['amd.com/gpu amd partition 1/8 x0', 'amd.com/spx_nps1 amd partition 1/8 x63']);
    // 63 x 1/8 = 7 7/8, rounded up: 8 MI300X.
    assert.equal(n.physicalAccelerators, 8);
    assert.deepEqual(n.staleZeroResources, ['amd.com/gpu']);
    assert.deepEqual(inv.warnings, [
      'node mi300x-dcm-382: amd CPX partitions on unknown model (no label): assuming 8 XCDs per GPU as on MI300X',
      'node mi300x-dcm-382: amd.com/spx_nps1: the applied DCM profile cpx-nps4 makes cpx partitions; counting its units as cpx (ROCm/gpu-operator#382)',
      'node mi300x-dcm-382: not Ready; its capacity is not plannable', // the issue shows no conditions
      'node mi300x-dcm-382: amd.com/gpu is 0 (stale: device plugin stopped, profile removed, or not yet ready)',
    ]);
  });

  it('k8s-device-plugin#995: only what the plugin advertises is counted (1 of the node\'s 4 GPUs)', async () => {
    const n = await onlyNode('k8s-device-plugin-995-one-of-four-advertised.yaml');
    assert.deepEqual([brief(n), n.physicalAccelerators], [['nvidia.com/gpu nvidia none 1/1 x1'], 1]);
  });
});
