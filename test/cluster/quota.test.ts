import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { V1ResourceQuota } from '@kubernetes/client-node';
import {
  apiRefusal,
  boundPodObject,
  connect,
  controlPlaneSuiteOptions,
  namespaceObject,
  nodeObject,
  quantityValues,
  readOnlyRules,
  resourceQuotaObject,
  rulesWithout,
  seedObjects,
  startControlPlane,
  waitUntil,
  type ControlPlane,
} from './harness/index.js';

const gpu = 'requests.nvidia.com/gpu';

describe('a real control plane: quota, RBAC, namespace and garbage-collector controllers', await controlPlaneSuiteOptions(), () => {
  let plane: ControlPlane;

  before(async () => {
    plane = await startControlPlane();
    process.stderr.write(`[cluster] quota.test.ts control plane ready in ${plane.timings.totalMs} ms\n`);
    await seedObjects(plane.admin, [
      nodeObject('gpu-a', { capacity: { cpu: '32', memory: '256Gi', pods: '110', 'nvidia.com/gpu': '8' } }),
      nodeObject('gpu-b', { capacity: { cpu: '32', memory: '256Gi', pods: '110', 'nvidia.com/gpu': '8' } }),
    ]);
  });

  after(async () => {
    await plane?.stop();
  });

  /**
   * Waits for kube-controller-manager's first sync of the quota: admission ignores a quota without status.hard
   * and refuses with `status unknown for quota` while status.used lacks the resource.
   */
  async function quotaReadyFor(namespace: string, name: string): Promise<V1ResourceQuota> {
    return waitUntil(`ResourceQuota ${namespace}/${name} status.hard and status.used`, 30_000, async () => {
      plane.assertRunning();
      const quota = await plane.admin.core.readNamespacedResourceQuota({ namespace, name });
      return quota.status?.hard?.[gpu] !== undefined && quota.status.used?.[gpu] !== undefined ? quota : undefined;
    });
  }

  test('a pod asking for 3 GPUs under a requests.nvidia.com/gpu: 2 quota is rejected with 403 exceeded quota', async () => {
    await seedObjects(plane.admin, [
      namespaceObject('team-a', { team: 'a' }),
      resourceQuotaObject({ namespace: 'team-a', name: 'gpu-quota', hard: { [gpu]: '2' } }),
    ]);
    await quotaReadyFor('team-a', 'gpu-quota');

    const greedy = boundPodObject({ namespace: 'team-a', name: 'greedy', nodeName: 'gpu-a', requests: { cpu: '1', 'nvidia.com/gpu': '3' } });
    const rejection = await apiRefusal(
      plane.admin.core.createNamespacedPod({ namespace: 'team-a', body: greedy }),
      'the API server admitted a pod over quota',
    );
    assert.equal(rejection.code, 403);
    const status = rejection.status;
    assert.equal(status.reason, 'Forbidden');
    assert.equal(
      status.message,
      'pods "greedy" is forbidden: exceeded quota: gpu-quota, requested: requests.nvidia.com/gpu=3, ' +
        'used: requests.nvidia.com/gpu=0, limited: requests.nvidia.com/gpu=2',
    );
  });

  test('the quota controller fills status.used with the requests of bound, non-terminal pods', async () => {
    await seedObjects(plane.admin, [
      namespaceObject('team-b'),
      resourceQuotaObject({ namespace: 'team-b', name: 'gpu-quota', hard: { [gpu]: '4', 'requests.cpu': '10' } }),
    ]);
    await quotaReadyFor('team-b', 'gpu-quota');
    await seedObjects(plane.admin, [
      boundPodObject({ namespace: 'team-b', name: 'trainer', nodeName: 'gpu-a', requests: { cpu: '2', 'nvidia.com/gpu': '2' }, phase: 'Running' }),
      boundPodObject({ namespace: 'team-b', name: 'notebook', nodeName: 'gpu-b', requests: { cpu: '500m', 'nvidia.com/gpu': '1' }, phase: 'Running' }),
      // Counted while Pending at admission, released once Succeeded (terminal pods do not count).
      boundPodObject({ namespace: 'team-b', name: 'done', nodeName: 'gpu-b', requests: { cpu: '1', 'nvidia.com/gpu': '1' }, phase: 'Succeeded' }),
    ]);

    const expected = quantityValues({ [gpu]: '3', 'requests.cpu': '2500m' });
    let last: V1ResourceQuota | undefined;
    const quota = await waitUntil(
      'ResourceQuota team-b/gpu-quota status.used to match the bound pods',
      30_000,
      async () => {
        plane.assertRunning();
        last = await plane.admin.core.readNamespacedResourceQuota({ namespace: 'team-b', name: 'gpu-quota' });
        const used = quantityValues(last.status?.used);
        return used[gpu] === expected[gpu] && used['requests.cpu'] === expected['requests.cpu'] ? last : undefined;
      },
      { lastSeen: () => JSON.stringify(last?.status) },
    );
    assert.deepEqual(quantityValues(quota.status?.used), expected);
    assert.deepEqual(quantityValues(quota.status?.hard), quantityValues({ [gpu]: '4', 'requests.cpu': '10' }));

    // One more GPU fits exactly; the next is over.
    await plane.admin.core.createNamespacedPod({
      namespace: 'team-b',
      body: boundPodObject({ namespace: 'team-b', name: 'last-gpu', nodeName: 'gpu-a', requests: { cpu: '1', 'nvidia.com/gpu': '1' } }),
    });
    const over = await apiRefusal(
      plane.admin.core.createNamespacedPod({
        namespace: 'team-b',
        body: boundPodObject({ namespace: 'team-b', name: 'one-too-many', nodeName: 'gpu-a', requests: { cpu: '1', 'nvidia.com/gpu': '1' } }),
      }),
      'the API server admitted a fifth GPU under a quota of 4',
    );
    assert.equal(over.code, 403);
    assert.match(String(over.status.message), /exceeded quota: gpu-quota, requested: requests\.nvidia\.com\/gpu=1, used: requests\.nvidia\.com\/gpu=4, limited: requests\.nvidia\.com\/gpu=4$/);
  });

  test('the read-only identity can list nodes but gets 403 creating a ResourceQuota', async () => {
    const reader = connect(plane.readerKubeconfigPath);
    try {
      const nodes = await reader.core.listNode();
      assert.deepEqual(nodes.items.map((n) => n.metadata?.name).sort(), ['gpu-a', 'gpu-b']);
      const denied = await apiRefusal(
        reader.core.createNamespacedResourceQuota({ namespace: 'team-a', body: resourceQuotaObject({ namespace: 'team-a', name: 'sneaky', hard: { [gpu]: '100' } }) }),
        'the reader created a ResourceQuota',
      );
      assert.equal(denied.code, 403);
      assert.equal(
        denied.status.message,
        'resourcequotas is forbidden: User "quotaplan-reader" cannot create resource "resourcequotas" in API group "" in the namespace "team-a"',
      );
    } finally {
      reader.close();
    }
  });

  test('an identity created without list on pods may list nodes but not pods', async () => {
    const kubeconfig = await plane.createIdentity('no-pod-list', rulesWithout(readOnlyRules, { apiGroup: '', resource: 'pods', verb: 'list' }));
    const limited = connect(kubeconfig);
    try {
      assert.equal((await limited.core.listNode()).items.length, 2);
      // get and watch on pods remain; only list is gone.
      const denied = await apiRefusal(limited.core.listPodForAllNamespaces(), 'the identity listed pods');
      assert.equal(denied.code, 403);
      assert.equal(
        denied.status.message,
        'pods is forbidden: User "system:serviceaccount:quotaplan-test-identities:no-pod-list" cannot list resource "pods" in API group "" at the cluster scope',
      );
    } finally {
      limited.close();
    }
  });
  test('deleting a namespace removes its pods and quotas, then the namespace (namespace controller)', async () => {
    await seedObjects(plane.admin, [
      namespaceObject('doomed'),
      boundPodObject({ namespace: 'doomed', name: 'worker', nodeName: 'gpu-a', requests: { cpu: '1' } }),
      resourceQuotaObject({ namespace: 'doomed', name: 'q', hard: { 'requests.cpu': '4' } }),
    ]);
    await plane.admin.core.deleteNamespace({ name: 'doomed' });
    await waitUntil('namespace doomed to be gone', 60_000, async () => {
      plane.assertRunning();
      return plane.admin.core.readNamespace({ name: 'doomed' }).then(
        () => false,
        (error: { code?: number }) => {
          if (error.code === 404) return true;
          throw error;
        },
      );
    });
    const pods = await plane.admin.core.listNamespacedPod({ namespace: 'doomed' });
    assert.equal(pods.items.length, 0);
  });

  test('a pod whose owner is deleted is collected (garbage-collector controller)', async () => {
    await seedObjects(plane.admin, [namespaceObject('owned')]);
    const owner = await plane.admin.core.createNamespacedConfigMap({ namespace: 'owned', body: { metadata: { name: 'owner' } } });
    const pod = boundPodObject({ namespace: 'owned', name: 'dependent', nodeName: 'gpu-a', requests: { cpu: '1' } });
    pod.metadata!.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }];
    // Created directly: seedObjects drops ownerReferences on purpose.
    await plane.admin.core.createNamespacedPod({ namespace: 'owned', body: pod });
    await plane.admin.core.deleteNamespacedConfigMap({ namespace: 'owned', name: 'owner', propagationPolicy: 'Background' });
    await waitUntil('pod owned/dependent to be collected', 60_000, async () => {
      plane.assertRunning();
      return (await plane.admin.core.listNamespacedPod({ namespace: 'owned' })).items.length === 0;
    });
  });
});
