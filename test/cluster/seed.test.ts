import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { KubernetesObject, V1Namespace, V1Node, V1Pod, V1ResourceQuota } from '@kubernetes/client-node';
import {
  boundPodObject,
  controlPlaneSuiteOptions,
  limitRangeObject,
  namespaceObject,
  nodeObject,
  plain,
  profileObject,
  quantityValues,
  seedDump,
  seedObjects,
  startControlPlane,
  waitUntil,
  type ControlPlane,
  type ProfileObject,
} from './harness/index.js';

const fixturePath = new URL('../fixtures/cluster-mixed-gpu.json', import.meta.url);
const profiles = { group: 'kubeflow.org', version: 'v1', plural: 'profiles' } as const;

interface Dump {
  items: Array<KubernetesObject & { spec?: unknown; status?: unknown }>;
}

function itemsOf<T>(dump: Dump, kind: string): T[] {
  return dump.items.filter((item) => item.kind === kind) as T[];
}

function key(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
}

describe('seeding a control plane and reading it back', await controlPlaneSuiteOptions(), () => {
  let plane: ControlPlane;

  before(async () => {
    plane = await startControlPlane();
    process.stderr.write(`[cluster] seed.test.ts control plane ready in ${plane.timings.totalMs} ms\n`);
  });

  after(async () => {
    await plane?.stop();
  });

  describe('the cluster-mixed-gpu.json dump', () => {
    const dump = JSON.parse(readFileSync(fixturePath, 'utf8')) as Dump;

    before(async () => {
      // Through the generated client-node APIs; the other tests seed with the default plain-JSON writer.
      const report = await seedDump(plane.admin, fixturePath.pathname, { via: 'client-node' });
      // One create per object, the pods' phase through status, and a label patch for the existing kube-system.
      assert.equal(report.requests, 23 + 7 + 1);
      assert.deepEqual(report.byKind, { Namespace: 5, Node: 8, Pod: 7, Profile: 1, ResourceQuota: 2 });
    });

    test('nodes come back with the same labels, spec and capacity/allocatable values', async () => {
      const live = new Map((await plane.admin.core.listNode()).items.map((node) => [key(node), node]));
      const expected = itemsOf<V1Node>(dump, 'Node');
      assert.deepEqual([...live.keys()].sort(), expected.map(key).sort());
      for (const node of expected) {
        const actual = live.get(key(node))!;
        assert.deepEqual(actual.metadata?.labels, node.metadata?.labels, `labels of ${key(node)}`);
        assert.equal(actual.spec?.unschedulable, node.spec?.unschedulable, `unschedulable of ${key(node)}`);
        assert.deepEqual(plain(actual.spec?.taints), node.spec?.taints, `taints of ${key(node)}`);
        assert.deepEqual(quantityValues(actual.status?.capacity), quantityValues(node.status?.capacity), `capacity of ${key(node)}`);
        assert.deepEqual(quantityValues(actual.status?.allocatable), quantityValues(node.status?.allocatable), `allocatable of ${key(node)}`);
      }
    });

    test('namespaces come back with the same labels', async () => {
      const live = new Map((await plane.admin.core.listNamespace()).items.map((namespace) => [key(namespace), namespace]));
      for (const namespace of itemsOf<V1Namespace>(dump, 'Namespace')) {
        assert.deepEqual(live.get(key(namespace))?.metadata?.labels, namespace.metadata?.labels, `labels of ${key(namespace)}`);
      }
    });

    test('pods come back bound to the same nodes, with the same requests, limits and phase', async () => {
      const live = new Map((await plane.admin.core.listPodForAllNamespaces()).items.map((pod) => [key(pod), pod]));
      const expected = itemsOf<V1Pod>(dump, 'Pod');
      assert.deepEqual([...live.keys()].sort(), expected.map(key).sort());
      for (const pod of expected) {
        const actual = live.get(key(pod))!;
        assert.equal(actual.spec?.nodeName, pod.spec?.nodeName, `nodeName of ${key(pod)}`);
        assert.equal(actual.status?.phase, pod.status?.phase, `phase of ${key(pod)}`);
        for (const field of ['containers', 'initContainers'] as const) {
          const want = pod.spec?.[field] ?? [];
          const got = actual.spec?.[field] ?? [];
          assert.deepEqual(got.map((c) => c.name), want.map((c) => c.name), `${field} of ${key(pod)}`);
          want.forEach((container, i) => {
            const resources = got[i]?.resources;
            assert.deepEqual(quantityValues(resources?.requests), quantityValues(container.resources?.requests), `requests of ${key(pod)} ${container.name}`);
            assert.deepEqual(quantityValues(resources?.limits), quantityValues(container.resources?.limits), `limits of ${key(pod)} ${container.name}`);
          });
        }
      }
    });

    test('quotas come back with the same hard limits, and the controller recomputes the same status.used', async () => {
      for (const quota of itemsOf<V1ResourceQuota>(dump, 'ResourceQuota')) {
        const { namespace, name } = { namespace: quota.metadata!.namespace!, name: quota.metadata!.name! };
        let last: V1ResourceQuota | undefined;
        const settled = await waitUntil(
          `ResourceQuota ${namespace}/${name} status.used to equal the dump's`,
          30_000,
          async () => {
            plane.assertRunning();
            last = await plane.admin.core.readNamespacedResourceQuota({ namespace, name });
            const used = quantityValues(last.status?.used);
            const want = quantityValues(quota.status?.used);
            return Object.keys(want).every((resource) => used[resource] === want[resource]) ? last : undefined;
          },
          { lastSeen: () => JSON.stringify(last?.status) },
        );
        assert.deepEqual(quantityValues(settled.spec?.hard), quantityValues(quota.spec?.hard), `spec.hard of ${namespace}/${name}`);
        assert.deepEqual(quantityValues(settled.status?.hard), quantityValues(quota.status?.hard), `status.hard of ${namespace}/${name}`);
        assert.deepEqual(quantityValues(settled.status?.used), quantityValues(quota.status?.used), `status.used of ${namespace}/${name}`);
      }
    });

    test('profiles come back with the same labels, owner and resourceQuotaSpec', async () => {
      const list = (await plane.admin.customObjects.listClusterCustomObject(profiles)) as { items: ProfileObject[] };
      const expected = itemsOf<ProfileObject>(dump, 'Profile');
      assert.deepEqual(list.items.map(key), expected.map(key));
      for (const profile of expected) {
        const actual = list.items.find((item) => key(item) === key(profile))!;
        assert.deepEqual(actual.metadata.labels, profile.metadata.labels);
        assert.deepEqual(actual.spec, profile.spec);
      }
    });
  });

  test('built objects keep taints, unschedulable, namespace labels, LimitRanges and Profile hard limits', async () => {
    const tainted = nodeObject('tainted-h100', {
      capacity: { cpu: '96', memory: '1Ti', pods: '110', 'nvidia.com/gpu': '8' },
      allocatable: { cpu: '95500m', memory: '1000Gi', pods: '110', 'nvidia.com/gpu': '7' },
      labels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
      taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
      unschedulable: true,
    });
    await seedObjects(plane.admin, [
      tainted,
      namespaceObject('builders', { team: 'platform', 'cost-centre': 'cc-1' }),
      limitRangeObject({
        namespace: 'builders',
        name: 'defaults',
        limits: [{ type: 'Container', defaultRequest: { cpu: '250m', memory: '256Mi' }, _default: { cpu: '1', memory: '1Gi' } }],
      }),
      profileObject({ name: 'builders', owner: 'owner@example.com', hard: { 'requests.nvidia.com/gpu': '4' }, labels: { team: 'platform' } }),
    ]);
    // After the LimitRange exists, LimitRanger fills a pod's missing requests from defaultRequest.
    await seedObjects(plane.admin, [boundPodObject({ namespace: 'builders', name: 'defaulted', nodeName: 'tainted-h100', requests: { 'nvidia.com/gpu': '1' } })]);

    const node = await plane.admin.core.readNode({ name: 'tainted-h100' });
    assert.deepEqual(plain(node.spec?.taints), [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }]);
    assert.equal(node.spec?.unschedulable, true);
    assert.deepEqual(quantityValues(node.status?.allocatable), quantityValues(tainted.status?.allocatable));
    assert.deepEqual(node.metadata?.labels, { 'kubernetes.io/hostname': 'tainted-h100', 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });

    const namespace = await plane.admin.core.readNamespace({ name: 'builders' });
    assert.deepEqual(namespace.metadata?.labels, { 'kubernetes.io/metadata.name': 'builders', team: 'platform', 'cost-centre': 'cc-1' });

    const limitRange = await plane.admin.core.readNamespacedLimitRange({ namespace: 'builders', name: 'defaults' });
    assert.deepEqual(quantityValues(limitRange.spec?.limits[0]?.defaultRequest), quantityValues({ cpu: '250m', memory: '256Mi' }));

    const pod = await plane.admin.core.readNamespacedPod({ namespace: 'builders', name: 'defaulted' });
    assert.deepEqual(
      quantityValues(pod.spec?.containers[0]?.resources?.requests),
      quantityValues({ cpu: '250m', memory: '256Mi', 'nvidia.com/gpu': '1' }),
    );

    const profile = (await plane.admin.customObjects.getClusterCustomObject({ ...profiles, name: 'builders' })) as ProfileObject;
    assert.deepEqual(profile.spec, {
      owner: { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'owner@example.com' },
      resourceQuotaSpec: { hard: { 'requests.nvidia.com/gpu': '4' } },
    });
  });

  test('a profile whose hard limit is not a quantity is rejected by the CRD schema', async () => {
    const bad = profileObject({ name: 'bad-quantity', owner: 'x@example.com', hard: { 'requests.nvidia.com/gpu': 'lots' } });
    await assert.rejects(seedObjects(plane.admin, [bad]), (error: Error) => {
      assert.match(error.message, /^seeding Profile bad-quantity: HTTP 422: /);
      assert.match(error.message, /spec\.resourceQuotaSpec\.hard\.requests\.nvidia\.com\/gpu/);
      return true;
    });
  });

  test('thousands of objects seed with bounded concurrency and all read back', async (t) => {
    const nodes = Array.from({ length: 100 }, (_, i) =>
      nodeObject(`bulk-node-${i}`, { capacity: { cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': '8' } }),
    );
    const namespaces = Array.from({ length: 20 }, (_, i) => namespaceObject(`bulk-${i}`, { team: `team-${i % 5}` }));
    const pods = Array.from({ length: 2000 }, (_, i) =>
      boundPodObject({
        namespace: `bulk-${i % 20}`,
        name: `worker-${i}`,
        nodeName: `bulk-node-${i % 100}`,
        requests: { cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': '1' },
        phase: 'Running',
      }),
    );
    const report = await seedObjects(plane.admin, [...nodes, ...namespaces, ...pods]);
    t.diagnostic(`seeded ${report.objects} objects (${report.requests} requests) in ${report.ms} ms: ${report.objectsPerSecond} objects/s`);
    process.stderr.write(`[cluster] seeded ${report.objects} objects (${report.requests} requests) in ${report.ms} ms: ${report.objectsPerSecond} objects/s\n`);
    assert.equal(report.requests, 100 + 20 + 2000 * 2);

    const live = await plane.admin.core.listPodForAllNamespaces({ labelSelector: '', fieldSelector: 'status.phase=Running' });
    const bulk = live.items.filter((pod) => pod.metadata?.name?.startsWith('worker-'));
    assert.equal(bulk.length, 2000);
    const perNode = new Map<string, number>();
    for (const pod of bulk) perNode.set(pod.spec!.nodeName!, (perNode.get(pod.spec!.nodeName!) ?? 0) + 1);
    assert.equal(perNode.size, 100);
    assert.deepEqual(new Set(perNode.values()), new Set([20]));
  });
});
