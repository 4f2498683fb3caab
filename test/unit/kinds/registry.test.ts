import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dumpFileObjects, dumpObjects } from '../../../src/collect/dump.js';
import { listPath, listTargetOf } from '../../../src/collect/list.js';
import { collectorRules, rbacManifests } from '../../../src/collect/permissions.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { kindRegistry, objectKinds } from '../../../src/kinds/registry.js';
import { aNode } from '../../builders/kube.js';
import { priorityClassKind, withPriorityClasses } from '../../support/priority-class-kind.js';

const priorityClass = (name: string, value: number, globalDefault?: boolean): Record<string, unknown> => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name, uid: 'u', resourceVersion: '7' },
  value,
  ...(globalDefault === undefined ? {} : { globalDefault }),
  description: 'dropped on parse',
});

describe('a kind added as one module (test/support/priority-class-kind.ts)', () => {
  it('is validated by its own schema: only the parts it reads are kept, a bad field is named', () => {
    assert.deepEqual(parseObject(priorityClass('high', 1000), {}, withPriorityClasses), {
      kind: 'PriorityClass',
      metadata: { name: 'high', labels: {} },
      value: 1000,
    });
    assert.throws(() => parseObject({ ...priorityClass('high', 1000), value: 'lots' }, { file: 'dump.json' }, withPriorityClasses), {
      name: 'ValidationError',
      message: /^dump\.json: PriorityClass high: value: /,
    });
  });

  it('is read from a dump, YAML or a streamed JSON List, beside the kinds quotaplan reads', async () => {
    const yaml = `kind: PriorityClass\napiVersion: scheduling.k8s.io/v1\nmetadata: {name: high}\nvalue: 1000\n---\nkind: Namespace\napiVersion: v1\nmetadata: {name: a}\n`;
    assert.deepEqual(
      [...dumpObjects(yaml, { file: 'dump.yaml', kinds: withPriorityClasses })].map((object) => object.kind),
      ['PriorityClass', 'Namespace'],
    );
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-kinds-'));
    try {
      const file = join(dir, 'dump.json');
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'PriorityClassList', items: [{ metadata: { name: 'low' }, value: 1 }] }));
      const objects = [];
      for await (const object of dumpFileObjects(file, withPriorityClasses)) objects.push(object);
      assert.deepEqual(objects, [{ kind: 'PriorityClass', metadata: { name: 'low', labels: {} }, value: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is unknown to quotaplan without it', () => {
    assert.throws(() => parseObject(priorityClass('high', 1000), { file: 'dump.json' }), {
      name: 'ValidationError',
      message: 'dump.json: PriorityClass high: kind: unknown kind "PriorityClass" (quotaplan reads Node, Namespace, Pod, ResourceQuota, LimitRange, Profile, DeviceClass, ResourceSlice, ResourceClaim, ResourceFlavor, Cohort, ClusterQueue, Queue)',
    });
  });

  it('is listed cluster-wide from its API group, as JSON (it names no protobuf form)', () => {
    const target = listTargetOf(priorityClassKind);
    assert.equal(listPath(target), '/apis/scheduling.k8s.io/v1/priorityclasses');
    assert.deepEqual(
      withPriorityClasses.listed.map((kind) => kind.kind),
      [
        'Node',
        'Namespace',
        'ResourceQuota',
        'LimitRange',
        'Profile',
        'DeviceClass',
        'ResourceSlice',
        'ResourceClaim',
        'ResourceFlavor',
        'Cohort',
        'ClusterQueue',
        'KaiQueue',
        'VolcanoQueue',
        'PriorityClass',
        'Pod',
      ],
    );
    assert.equal(target.protobuf, false);
    assert.equal(listTargetOf(objectKinds[0]).protobuf, true);
  });

  it('is granted `list` in the collector role, before the pods that are listed last', () => {
    const [role] = rbacManifests({ role: 'collect', subject: { kind: 'User', name: 'u' }, kinds: withPriorityClasses });
    assert.deepEqual((role as { rules: unknown }).rules, [
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['list'] },
      { apiGroups: [''], resources: ['resourcequotas'], verbs: ['list'] },
      { apiGroups: [''], resources: ['limitranges'], verbs: ['list'] },
      { apiGroups: ['kubeflow.org'], resources: ['profiles'], verbs: ['list'] },
      { apiGroups: ['resource.k8s.io'], resources: ['deviceclasses'], verbs: ['list'] },
      { apiGroups: ['resource.k8s.io'], resources: ['resourceslices'], verbs: ['list'] },
      { apiGroups: ['resource.k8s.io'], resources: ['resourceclaims'], verbs: ['list'] },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['resourceflavors'], verbs: ['list'] },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['cohorts'], verbs: ['list'] },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['clusterqueues'], verbs: ['list'] },
      { apiGroups: ['scheduling.run.ai'], resources: ['queues'], verbs: ['list'] },
      { apiGroups: ['scheduling.volcano.sh'], resources: ['queues'], verbs: ['list'] },
      { apiGroups: ['scheduling.k8s.io'], resources: ['priorityclasses'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    ]);
    assert.equal(collectorRules().length, 14);
  });

  it('is kept by the inventory under its field, in key order, the last of one name replacing the first, with its warnings', () => {
    const builder = new InventoryBuilder(withPriorityClasses);
    for (const raw of [priorityClass('low', 1), priorityClass('high', 5), priorityClass('low', 2, true)]) builder.add(parseObject(raw, {}, withPriorityClasses));
    builder.add(aNode('n1').parsed());
    const inventory = builder.build() as unknown as Record<string, unknown>;
    assert.deepEqual(inventory.priorityClasses, [
      { name: 'high', value: 5, globalDefault: false },
      { name: 'low', value: 2, globalDefault: true },
    ]);
    assert.deepEqual(inventory.warnings, ['priorityclass low: listed twice; the last one is kept', 'priorityclass low: the default for pods that name none']);
    assert.deepEqual(
      Object.keys(inventory),
      [
        'nodes',
        'namespaces',
        'resourceQuotas',
        'limitRanges',
        'profiles',
        'deviceClasses',
        'resourceSlices',
        'resourceClaims',
        'kueueResourceFlavors',
        'kueueCohorts',
        'kueueClusterQueues',
        'kaiQueues',
        'volcanoQueues',
        'priorityClasses',
        'plannable',
        'plannableByFlavor',
        'warnings',
      ],
    );
  });
});

describe('the registry', () => {
  it('refuses a kind registered twice, and a second streamed kind', () => {
    assert.throws(() => kindRegistry([...objectKinds, priorityClassKind, priorityClassKind]), { message: 'a kind is registered twice' });
    assert.throws(() => kindRegistry([...objectKinds, { ...priorityClassKind, streamed: true }]), { message: 'more than one kind is streamed' });
  });
});
