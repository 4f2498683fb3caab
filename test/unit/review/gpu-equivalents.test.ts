import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { rational } from '../../../src/rational.js';
import { gpuEquivalentsOf, mixedGpuEquivalents } from '../../../src/review/gpu-equivalents.js';
import { aNode, gfd } from '../../builders/kube.js';

function nodes(...builders: ReturnType<typeof aNode>[]) {
  const builder = new InventoryBuilder();
  for (const b of builders) builder.add(parseObject(b.build()));
  return builder.build().nodes;
}

describe('GPU-equivalents per resource', () => {
  it('a resource with one size everywhere: MIG 3g.40gb slices are 3/7 of an A100', () => {
    const list = nodes(
      aNode('a100').withLabels(gfd('NVIDIA-A100-SXM4-80GB', 1, { 'nvidia.com/mig.strategy': 'mixed' })).withCapacity({ 'nvidia.com/mig-3g.40gb': '2' }),
      aNode('h100').withLabels(gfd('NVIDIA-H100-80GB-HBM3', 8)).withCapacity({ 'nvidia.com/gpu': '8' }),
    );
    assert.deepEqual(gpuEquivalentsOf({ nodes: list }), { 'nvidia.com/gpu': rational(1n), 'nvidia.com/mig-3g.40gb': rational(3n, 7n) });
    assert.deepEqual(mixedGpuEquivalents({ nodes: list }), []);
  });

  it('whole GPUs on one node and time-sliced x4 on another under one name: capacity-weighted, and reported as mixed', () => {
    const list = nodes(
      aNode('h100').withLabels(gfd('NVIDIA-H100-80GB-HBM3', 8)).withCapacity({ 'nvidia.com/gpu': '8' }),
      aNode('t4')
        .withLabels(gfd('Tesla-T4', 4, { 'nvidia.com/gpu.replicas': '4', 'nvidia.com/gpu.sharing-strategy': 'time-slicing', 'nvidia.com/gpu.product': 'Tesla-T4-SHARED' }))
        .withCapacity({ 'nvidia.com/gpu': '16' }),
    );
    // (8 x 1 + 16 x 1/4) GPUs over 24 units.
    assert.deepEqual(gpuEquivalentsOf({ nodes: list }), { 'nvidia.com/gpu': rational(1n, 2n) });
    assert.deepEqual(mixedGpuEquivalents({ nodes: list }), ['nvidia.com/gpu']);
  });
});
