/**
 * The Capacity page's totals (cards) on a mixed cluster count DRA GPUs: each physical GPU once (a dynamic-MIG GPU
 * publishing itself and three MIG placements is one), and a GPU a device plugin serves on its node is not counted
 * again from its DRA devices (KEP-5004). Expected values are counted from the fixture by hand
 * (test/unit/review/dra-review.test.ts mixedInventory).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { capacityView } from '../../../src/server/capacity-view.js';
import { aNamespace, aNode, aPod, gfd } from '../../builders/kube.js';
import { FIXTURE, MODEL, mixedInventory } from '../review/dra-mixed.js';

const H100 = 'NVIDIA-H100-80GB-HBM3';

describe('Capacity totals with DRA', () => {
  it('4 device-plugin GPUs + 3 DRA GPUs (2 whole, 1 dynamic-MIG publishing 4 devices) = 7 physical; 2 of them allocated to a claim', () => {
    const view = capacityView(mixedInventory());
    assert.deepEqual(view.totals, {
      nodes: 4,
      plannableNodes: 4,
      // a100-0, dra-h100-0, dra-h100-1 (dra-h100-2's pool is in transition: no device counted)
      acceleratorNodes: 3,
      physicalAccelerators: 7,
      // free: a100-0's 4 + dra-h100-1's GPU; dra-h100-0's two are vision's claim's.
      gpuEquivalent: { capacity: 7, allocatable: 7, requested: 2, free: 5, plannable: 7 },
    });
    assert.deepEqual(
      view.pools.map((p) => [p.pool, p.nodes, p.models, p.physicalAccelerators]),
      [
        ['dra', 3, [MODEL], 3],
        ['plugin', 1, ['NVIDIA-A100-SXM4-80GB'], 4],
      ],
    );
  });

  it('a node running the device plugin and the DRA driver counts its GPUs once, from the device plugin (KEP-5004)', () => {
    const b = new InventoryBuilder();
    b.add(aNode('a100-0').withLabels({ ...gfd('NVIDIA-A100-SXM4-80GB', 4), 'karpenter.sh/nodepool': 'plugin' }).withCapacity({ cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': '4' }).parsed());
    // dra-h100-0: the same two GPUs by device plugin (nvidia.com/gpu: 2) and by the DRA driver.
    b.add(aNode('dra-h100-0').withLabels({ ...gfd(H100, 2), 'karpenter.sh/nodepool': 'dra' }).withCapacity({ cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': '2' }).parsed());
    for (const name of ['dra-h100-1', 'dra-h100-2']) b.add(aNode(name).withLabels({ 'karpenter.sh/nodepool': 'dra' }).withCapacity({ cpu: '64', memory: '512Gi', pods: '110' }).parsed());
    b.add(parseObject(aNamespace('research')));
    b.add(aPod('research', 'eval').onNode('a100-0').container({ cpu: '1', 'nvidia.com/gpu': '1' }).parsed());
    for (const item of (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { items: unknown[] }).items) b.add(parseObject(item));
    const view = capacityView(b.build());
    assert.deepEqual(view.totals, {
      nodes: 4,
      plannableNodes: 4,
      acceleratorNodes: 3,
      // 4 (a100-0) + 2 (dra-h100-0, device plugin) + 1 (dra-h100-1, DRA)
      physicalAccelerators: 7,
      // requested: the pod's GPU; the claim on dra-h100-0's DRA devices is not added to the plugin's GPUs there.
      gpuEquivalent: { capacity: 7, allocatable: 7, requested: 1, free: 6, plannable: 7 },
    });
    assert.deepEqual(
      view.pools.map((p) => [p.pool, p.models, p.physicalAccelerators]),
      [
        ['dra', [H100], 3],
        ['plugin', ['NVIDIA-A100-SXM4-80GB'], 4],
      ],
    );
  });
});
