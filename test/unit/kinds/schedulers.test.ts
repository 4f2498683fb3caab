/** The schedulers' quota objects as collected: listed (optional CRDs), parsed from dumps, kept, and as JSON. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpObjects } from '../../../src/collect/dump.js';
import { listPath, listTargetOf } from '../../../src/collect/list.js';
import { ValidationError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { inventoryFromJson, inventoryToJson } from '../../../src/inventory/json.js';
import { inventoryTable } from '../../../src/emit/inventory-table.js';
import { kaiQueueKind } from '../../../src/kinds/kai-queue.js';
import { kueueClusterQueueKind } from '../../../src/kinds/kueue-cluster-queue.js';
import { kueueCohortKind } from '../../../src/kinds/kueue-cohort.js';
import { kueueResourceFlavorKind } from '../../../src/kinds/kueue-resource-flavor.js';
import { volcanoQueueKind } from '../../../src/kinds/volcano-queue.js';
import { formatQuantity } from '../../../src/quantity.js';

const dump = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ClusterQueue',
      metadata: { name: 'ml-cv' },
      spec: {
        cohortName: 'ml',
        fairSharing: { weight: '3' },
        resourceGroups: [
          { coveredResources: ['cpu'], flavors: [{ name: 'default-flavor', resources: [{ name: 'cpu', nominalQuota: '16', borrowingLimit: '8', lendingLimit: '8' }] }] },
        ],
      },
      status: {
        flavorsUsage: [{ name: 'default-flavor', resources: [{ name: 'cpu', total: '4', borrowed: '0' }] }],
        pendingWorkloads: 2,
        admittedWorkloads: 1,
      },
    },
    {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'Cohort',
      metadata: { name: 'ml' },
      spec: { parentName: 'quotaplan-root', resourceGroups: [{ coveredResources: ['memory'], flavors: [{ name: 'default-flavor', resources: [{ name: 'memory', nominalQuota: '64Gi' }] }] }] },
    },
    { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name: 'default-flavor' }, spec: {} },
    {
      apiVersion: 'scheduling.run.ai/v2',
      kind: 'Queue',
      metadata: { name: 'ml-cv' },
      spec: { parentQueue: 'ml', resources: { gpu: { quota: 8, limit: -1, overQuotaWeight: 3 }, cpu: { quota: 16000, limit: 24000, overQuotaWeight: 3 } } },
      status: { allocated: { 'nvidia.com/gpu': '2' } },
    },
    {
      apiVersion: 'scheduling.volcano.sh/v1beta1',
      kind: 'Queue',
      metadata: { name: 'ml-cv' },
      spec: { parent: 'ml', weight: 6, deserved: { cpu: '16' }, guarantee: { resource: { cpu: '8' } }, capability: { cpu: '24' } },
      status: { allocated: { cpu: '4' } },
    },
  ],
};

function inventoryOf(items: unknown[]): ReturnType<InventoryBuilder['build']> {
  const builder = new InventoryBuilder();
  for (const object of dumpObjects(JSON.stringify({ ...dump, items }), { file: 'dump.json' })) builder.add(object);
  return builder.build();
}

describe('scheduler quota kinds', () => {
  it('are listed cluster-wide as JSON from their own APIs, optional (no CRD: none)', () => {
    assert.deepEqual(
      [kueueResourceFlavorKind, kueueCohortKind, kueueClusterQueueKind, kaiQueueKind, volcanoQueueKind].map((kind) => {
        const target = listTargetOf(kind);
        return [target.kind, listPath(target), target.protobuf, target.optional];
      }),
      [
        ['ResourceFlavor', '/apis/kueue.x-k8s.io/v1beta2/resourceflavors', false, true],
        ['Cohort', '/apis/kueue.x-k8s.io/v1beta2/cohorts', false, true],
        ['ClusterQueue', '/apis/kueue.x-k8s.io/v1beta2/clusterqueues', false, true],
        ['Queue', '/apis/scheduling.run.ai/v2/queues', false, true],
        ['Queue', '/apis/scheduling.volcano.sh/v1beta1/queues', false, true],
      ],
    );
  });

  it("read from a dump: Kueue's quotas, usage and pending workloads, KAI's and Volcano's Queue told apart by apiVersion", () => {
    const inv = inventoryOf(dump.items);
    const cq = inv.kueueClusterQueues?.[0];
    assert.equal(cq?.name, 'ml-cv');
    assert.equal(cq?.cohort, 'ml');
    assert.equal(cq?.weight === null || cq?.weight === undefined ? null : formatQuantity(cq.weight), '3');
    assert.deepEqual(
      cq?.quotas.map((x) => [x.flavor, x.resource, formatQuantity(x.nominalQuota), x.borrowingLimit && formatQuantity(x.borrowingLimit), x.lendingLimit && formatQuantity(x.lendingLimit)]),
      [['default-flavor', 'cpu', '16', '8', '8']],
    );
    assert.deepEqual(cq?.usage.map((u) => [u.flavor, u.resource, formatQuantity(u.total), formatQuantity(u.borrowed)]), [['default-flavor', 'cpu', '4', '0']]);
    assert.deepEqual([cq?.pendingWorkloads, cq?.admittedWorkloads], [2, 1]);
    assert.deepEqual(inv.kueueCohorts?.map((c) => [c.name, c.parent, c.weight, c.quotas.map((x) => formatQuantity(x.nominalQuota))]), [['ml', 'quotaplan-root', null, ['64Gi']]]);
    assert.deepEqual(inv.kueueResourceFlavors, [{ name: 'default-flavor', nodeLabels: {} }]);
    assert.deepEqual(
      inv.kaiQueues?.map((k) => ({ ...k, allocated: Object.keys(k.allocated) })),
      [
        {
          name: 'ml-cv',
          parent: 'ml',
          resources: [
            { resource: 'cpu', quota: 16000, limit: 24000, overQuotaWeight: 3 },
            { resource: 'gpu', quota: 8, limit: -1, overQuotaWeight: 3 },
          ],
          allocated: ['nvidia.com/gpu'],
        },
      ],
    );
    assert.deepEqual(
      inv.volcanoQueues?.map((v) => [v.name, v.parent, v.weight, formatQuantity(v.deserved.cpu!), formatQuantity(v.guarantee.cpu!), formatQuantity(v.capability.cpu!), formatQuantity(v.allocated.cpu!)]),
      [['ml-cv', 'ml', 6, '16', '8', '24', '4']],
    );
  });

  it('refuses a Queue without an apiVersion: KAI Scheduler or Volcano cannot be told', () => {
    assert.throws(
      () => inventoryOf([{ kind: 'Queue', metadata: { name: 'q' } }]),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.message === 'dump.json: Queue q (items[0]): apiVersion: a Queue of which API? quotaplan reads scheduling.run.ai/v2 and scheduling.volcano.sh/v1beta1 (got null)',
    );
  });

  it('keep every value through the inventory JSON, and print as the SCHEDULER QUOTAS table', () => {
    const inv = inventoryOf(dump.items);
    const json = inventoryToJson(inv);
    assert.deepEqual(inventoryToJson(inventoryFromJson(JSON.parse(JSON.stringify(json)))), json);
    const table = inventoryTable(inv);
    const section = table.slice(table.indexOf('SCHEDULER QUOTAS'));
    assert.equal(
      section,
      [
        'SCHEDULER QUOTAS (in force in Kueue, KAI Scheduler, Volcano)',
        'SCHEDULER  OBJECT              PARENT          FLAVOR          RESOURCE          GUARANTEE  QUOTA  LIMIT      IN-USE  PENDING',
        'kueue      Cohort ml           quotaplan-root  default-flavor  memory            -          64Gi   -          -       -',
        'kueue      ClusterQueue ml-cv  ml              default-flavor  cpu               8          16     24         4       2',
        'kai        Queue ml-cv         ml              -               cpu (millicores)  -          16000  24000      -       -',
        'kai        Queue ml-cv         ml              -               gpu (GPUs)        -          8      unlimited  -       -',
        'volcano    Queue ml-cv         ml              -               cpu               8          16     24         4       -',
        '',
      ].join('\n'),
    );
  });
});
