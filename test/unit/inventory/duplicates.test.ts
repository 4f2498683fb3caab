/**
 * One policy for an object listed twice in a dump (issue 13 item 6), the one nodes already had: a warning naming
 * it, and the last one is kept. Pods are counted once whether the copies share `namespace/name` or only a uid
 * (before, every copy was summed). Negative quantities are refused where they enter, naming object and field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpObjects } from '../../../src/collect/dump.js';
import { ValidationError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { inventoryToJson } from '../../../src/inventory/json.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import { aLimitRange, aList, aNamespace, aNode, aPod, aProfile, aResourceQuota } from '../../builders/kube.js';

type Raw = Record<string, unknown>;

function inventoryOf(...items: Raw[]): ClusterInventory {
  const builder = new InventoryBuilder();
  for (const object of dumpObjects(JSON.stringify(aList(...items)), { file: 'dump.json' })) builder.add(object);
  return builder.build();
}

function withUid(pod: Raw, uid: string): Raw {
  return { ...pod, metadata: { ...(pod.metadata as Raw), uid } };
}

describe('an object listed twice', () => {
  const node = aNode('n1').withCapacity({ cpu: '64', 'nvidia.com/gpu': '8' }).build();

  it('counts a pod listed twice under one namespace/name once, the last copy, on its namespace and its node', () => {
    const first = aPod('a', 'train').onNode('n1').container({ cpu: '4', 'nvidia.com/gpu': '2' }).build();
    const last = aPod('a', 'train').onNode('n1').container({ cpu: '1' }).build();
    const inventory = inventoryOf(node, aNamespace('a'), first, first, last);
    const json = inventoryToJson(inventory) as { namespaces: { name: string; requests: Record<string, string>; pods: number }[]; nodes: { name: string; requested: Record<string, string>; pods: number }[] };
    assert.deepEqual(json.namespaces, [{ name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' }, requests: { cpu: '1' }, pods: 1 }]);
    assert.deepEqual(
      json.nodes.map((n) => [n.name, n.requested, n.pods]),
      [['n1', { cpu: '1' }, 1]],
    );
    assert.deepEqual(inventory.warnings.filter((w) => w.startsWith('pod ')), [
      'pod a/train: listed twice; the last one is kept',
      'pod a/train: listed twice; the last one is kept',
    ]);
  });

  it('counts two pods with one uid once, the last one read', () => {
    const first = withUid(aPod('a', 'train-old').container({ cpu: '4' }).build(), 'u-1');
    const renamed = withUid(aPod('b', 'train-new').container({ cpu: '2' }).build(), 'u-1');
    const other = withUid(aPod('a', 'other').container({ cpu: '1' }).build(), 'u-2');
    const inventory = inventoryOf(first, other, renamed);
    assert.deepEqual(
      inventory.namespaces.map((n) => [n.name, n.pods, Object.fromEntries(Object.entries(n.requests).map(([k, v]) => [k, String(v.nanos)]))]),
      [
        ['a', 1, { cpu: '1000000000' }],
        ['b', 1, { cpu: '2000000000' }],
      ],
    );
    assert.deepEqual(inventory.warnings, ['pod b/train-new: same uid u-1 as pod a/train-old, listed earlier; the last one is kept']);
  });

  it('keeps the last copy of a pod that ended (Succeeded) after a running one: it counts nowhere', () => {
    const running = aPod('a', 'job').container({ cpu: '4' }).build();
    const done = aPod('a', 'job').container({ cpu: '4' }).inPhase('Succeeded').build();
    const inventory = inventoryOf(aNamespace('a'), running, done);
    assert.deepEqual(inventory.namespaces.map((n) => [n.name, n.pods, Object.keys(n.requests)]), [['a', 0, []]]);
  });

  it('keeps the last namespace, ResourceQuota, LimitRange and Profile of a name, with a warning for each', () => {
    const inventory = inventoryOf(
      aNamespace('a', { team: 'old' }),
      aNamespace('a', { team: 'new' }),
      aResourceQuota('a', 'gpu', { 'requests.nvidia.com/gpu': '4' }),
      aResourceQuota('a', 'gpu', { 'requests.nvidia.com/gpu': '2' }),
      aLimitRange('a', 'defaults', { cpu: '1' }),
      aLimitRange('a', 'defaults', { cpu: '2' }),
      aProfile('a', 'alice@example.com', { cpu: '8' }),
      aProfile('a', 'bob@example.com', { cpu: '4' }),
    );
    assert.deepEqual(inventory.namespaces.map((n) => [n.name, n.labels]), [['a', { 'kubernetes.io/metadata.name': 'a', team: 'new' }]]);
    assert.deepEqual(inventory.resourceQuotas.map((q) => [q.name, String(q.hard['requests.nvidia.com/gpu']?.nanos)]), [['gpu', '2000000000']]);
    assert.deepEqual(inventory.limitRanges.map((l) => [l.name, String(l.limits[0]?.defaultRequest.cpu?.nanos)]), [['defaults', '2000000000']]);
    assert.deepEqual(inventory.profiles.map((p) => [p.name, p.owner?.name, String(p.hard.cpu?.nanos)]), [['a', 'bob@example.com', '4000000000']]);
    assert.deepEqual(inventory.warnings, [
      'namespace a: listed twice; the last one is kept',
      'resourcequota a/gpu: listed twice; the last one is kept',
      'limitrange a/defaults: listed twice; the last one is kept',
      'profile a: listed twice; the last one is kept',
    ]);
  });
});

describe('a negative quantity', () => {
  function refused(item: Raw, message: string, field: string, value: string): void {
    assert.throws(
      () => [...dumpObjects(JSON.stringify(aList(item)), { file: 'dump.json' })],
      (error: unknown) => {
        assert.ok(error instanceof ValidationError, String(error));
        assert.equal(error.message, message);
        assert.deepEqual(error.where, { file: 'dump.json', field, value });
        return true;
      },
    );
  }

  it('is refused in node capacity and allocatable, pod requests and limits, quota hard and LimitRange lists', () => {
    refused(
      aNode('n1').withCapacity({ cpu: '8', 'nvidia.com/gpu': '-1' }).withAllocatable({ cpu: '8' }).build(),
      'dump.json: Node n1 (items[0]): status.capacity.nvidia.com/gpu: must not be negative (got "-1")',
      'status.capacity.nvidia.com/gpu',
      '-1',
    );
    refused(
      aNode('n1').withCapacity({ cpu: '8' }).withAllocatable({ cpu: '-500m' }).build(),
      'dump.json: Node n1 (items[0]): status.allocatable.cpu: must not be negative (got "-500m")',
      'status.allocatable.cpu',
      '-500m',
    );
    refused(
      aPod('a', 'p').container({ cpu: '-4' }).build(),
      'dump.json: Pod a/p (items[0]): spec.containers[0].resources.requests.cpu: must not be negative (got "-4")',
      'spec.containers[0].resources.requests.cpu',
      '-4',
    );
    refused(
      aPod('a', 'p').container({ cpu: '1' }, { memory: '-1Gi' }).build(),
      'dump.json: Pod a/p (items[0]): spec.containers[0].resources.limits.memory: must not be negative (got "-1Gi")',
      'spec.containers[0].resources.limits.memory',
      '-1Gi',
    );
    refused(
      aResourceQuota('a', 'q', { 'requests.nvidia.com/gpu': '-2' }),
      'dump.json: ResourceQuota a/q (items[0]): spec.hard.requests.nvidia.com/gpu: must not be negative (got "-2")',
      'spec.hard.requests.nvidia.com/gpu',
      '-2',
    );
    refused(
      aLimitRange('a', 'l', { cpu: '-1' }),
      'dump.json: LimitRange a/l (items[0]): spec.limits[0].defaultRequest.cpu: must not be negative (got "-1")',
      'spec.limits[0].defaultRequest.cpu',
      '-1',
    );
  });
});
