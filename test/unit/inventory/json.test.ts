import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { inventoryFromJson, inventoryToJson } from '../../../src/inventory/json.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { aNamespaceObject, aNode, aPod, aProfile, aResourceQuota } from '../../builders/kube.js';
import { quantityErrorMessage } from '../../builders/quantity-errors.js';

function smallInventory(): InventoryBuilder {
  const b = new InventoryBuilder();
  b.add(
    aNode('a100-0')
      .withLabels({ 'cloud.google.com/gke-nodepool': 'a100', 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB', 'nvidia.com/gpu.count': '1', 'nvidia.com/mig.strategy': 'mixed' })
      .withCapacity({ cpu: '8', memory: '64Gi', 'nvidia.com/mig-3g.40gb': '2' })
      .withTaint('nvidia.com/gpu', 'NoSchedule', 'present')
      .parsed(),
  );
  b.add(aNamespaceObject('vision', { team: 'vision' }));
  b.add(aPod('vision', 'p').onNode('a100-0').container({ cpu: '1500m', 'nvidia.com/mig-3g.40gb': '1' }).parsed());
  b.add(parseObject(aResourceQuota('vision', 'q', { 'requests.nvidia.com/mig-3g.40gb': '2' }, { 'requests.nvidia.com/mig-3g.40gb': '1' })));
  b.add(parseObject(aProfile('vision', 'v@example.com', { 'requests.cpu': '4' }, { team: 'vision' })));
  return b;
}

describe('inventoryToJson', () => {
  it('writes canonical quantities, sorted keys, GPU-equivalents as numbers with their exact ratio', () => {
    const json = inventoryToJson(smallInventory().build());
    assert.equal(
      JSON.stringify(json),
      JSON.stringify({
        deviceClasses: [],
        kaiQueues: [],
        kueueClusterQueues: [],
        kueueCohorts: [],
        kueueResourceFlavors: [],
        limitRanges: [],
        namespaces: [{ labels: { 'kubernetes.io/metadata.name': 'vision', team: 'vision' }, name: 'vision', pods: 1, requests: { cpu: '1500m', 'nvidia.com/mig-3g.40gb': '1' } }],
        nodes: [
          {
            accelerators: [
              {
                allocatable: '2',
                capacity: '2',
                gpuEquivalent: 0.428571, // 3/7 rounded to 6 places
                gpuEquivalentRatio: '3/7',
                migProfile: '3g.40gb',
                model: 'NVIDIA-A100-SXM4-80GB',
                physical: '6/7',
                replicas: 1,
                resource: 'nvidia.com/mig-3g.40gb',
                sharing: 'mig',
                unit: 'mig-slice',
                vendor: 'nvidia',
              },
            ],
            allocatable: { cpu: '8', memory: '64Gi', 'nvidia.com/mig-3g.40gb': '2' },
            capacity: { cpu: '8', memory: '64Gi', 'nvidia.com/mig-3g.40gb': '2' },
            labels: {
              'cloud.google.com/gke-nodepool': 'a100',
              'kubernetes.io/hostname': 'a100-0',
              'nvidia.com/gpu.count': '1',
              'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB',
              'nvidia.com/mig.strategy': 'mixed',
            },
            model: 'NVIDIA-A100-SXM4-80GB',
            name: 'a100-0',
            physicalAccelerators: 1, // 2 x 3/7 = 6/7 of one GPU, which gpu.count also says
            pods: 1,
            pool: 'a100',
            ready: true,
            requested: { cpu: '1500m', 'nvidia.com/mig-3g.40gb': '1' },
            schedulable: true,
            staleZeroResources: [],
            taints: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', value: 'present' }],
            transitional: false,
            transitionalReasons: [],
            unhealthy: {},
          },
        ],
        plannable: { cpu: '8', memory: '64Gi', 'nvidia.com/mig-3g.40gb': '2' },
        plannableByFlavor: { 'nvidia.com/mig-3g.40gb': { 'NVIDIA-A100-SXM4-80GB': '2' } },
        profiles: [{ hard: { 'requests.cpu': '4' }, labels: { team: 'vision' }, name: 'vision', namespace: 'vision', owner: { kind: 'User', name: 'v@example.com' } }],
        resourceClaims: [],
        resourceQuotas: [
          {
            hard: { 'requests.nvidia.com/mig-3g.40gb': '2' },
            name: 'q',
            namespace: 'vision',
            scopeSelector: [],
            scopes: [],
            statusHard: { 'requests.nvidia.com/mig-3g.40gb': '2' },
            used: { 'requests.nvidia.com/mig-3g.40gb': '1' },
          },
        ],
        resourceSlices: [],
        volcanoQueues: [],
        warnings: [],
      }),
    );
  });

  it('reads back what it wrote, byte for byte', () => {
    const json = inventoryToJson(smallInventory().build());
    const again = inventoryToJson(inventoryFromJson(JSON.parse(JSON.stringify(json))));
    assert.equal(JSON.stringify(again), JSON.stringify(json));
  });

  it('names the field when stored JSON does not fit', () => {
    const json = JSON.parse(JSON.stringify(inventoryToJson(smallInventory().build()))) as { nodes: { capacity: Record<string, string> }[] };
    const node = json.nodes[0];
    if (node !== undefined) node.capacity.cpu = 'lots';
    assert.throws(() => inventoryFromJson(json, { file: 'snap.json' }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.message, `snap.json: nodes[0].capacity.cpu: ${quantityErrorMessage('lots')}`);
      return true;
    });
  });
});
