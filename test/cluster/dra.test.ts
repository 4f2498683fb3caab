import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { V1PolicyRule } from '@kubernetes/client-node';
import { loadClusterTarget } from '../../src/collect/kubeconfig.js';
import { collectLive } from '../../src/collect/live.js';
import { collectorRules } from '../../src/collect/permissions.js';
import { runApply } from '../../src/commands/apply.js';
import { runCollect } from '../../src/commands/collect.js';
import { runPlan } from '../../src/commands/plan.js';
import type { ClusterInventory } from '../../src/inventory/types.js';
import { formatResourceList } from '../../src/resources.js';
import {
  controlPlaneSuiteOptions,
  namespaceObject,
  nodeObject,
  quantityValues,
  resourceQuotaObject,
  seedObjects,
  startControlPlane,
  waitUntil,
  type ControlPlane,
} from './harness/index.js';

/**
 * DRA on a real control plane (Kubernetes v1.36.3, default feature gates): the NVIDIA-shaped DeviceClasses and
 * ResourceSlices of test/fixtures/dra/nvidia-cluster.json (whole GPUs, a dynamic-MIG GPU with counters, a pool
 * mid-update), claims allocated by writing their status as the scheduler does, the quota controller's own
 * `status.used` for ResourceClaims held against what quotaplan computes, and quota admission of claims.
 */
const fixture = JSON.parse(readFileSync(new URL('../fixtures/dra/nvidia-cluster.json', import.meta.url), 'utf8')) as { items: DraObject[] };

interface DraObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec?: unknown;
  status?: unknown;
}

const classDevices = 'gpu.nvidia.com.deviceclass.resource.k8s.io/devices';
const migDevices = 'mig.nvidia.com.deviceclass.resource.k8s.io/devices';

describe('DRA on a real control plane (Kubernetes 1.36 default gates)', await controlPlaneSuiteOptions(), () => {
  let plane: ControlPlane;

  /** A JSON request as the admin; the parsed body, or an error carrying the HTTP status and body. */
  async function send(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await plane.admin.request(path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 300) throw Object.assign(new Error(`${method} ${path}: HTTP ${response.status}: ${response.body}`), { code: response.status, body: response.body });
    return JSON.parse(response.body) as Record<string, unknown>;
  }

  const claimsPath = (namespace: string): string => `/apis/resource.k8s.io/v1/namespaces/${namespace}/resourceclaims`;

  function claim(namespace: string, name: string, requests: unknown[]): DraObject {
    return { apiVersion: 'resource.k8s.io/v1', kind: 'ResourceClaim', metadata: { name, namespace }, spec: { devices: { requests } } };
  }

  const exactly = (name: string, deviceClassName: string, count: number): unknown => ({ name, exactly: { deviceClassName, allocationMode: 'ExactCount', count } });

  async function collect(): Promise<ClusterInventory> {
    const kubeconfig = await plane.createIdentity(`dra-collector-${Math.random().toString(36).slice(2, 8)}`, collectorRules() as V1PolicyRule[]);
    return (await collectLive({ target: loadClusterTarget({ kubeconfig }) })).inventory;
  }

  before(async () => {
    plane = await startControlPlane();
    await seedObjects(plane.admin, [
      nodeObject('dra-h100-0'),
      nodeObject('dra-h100-1'),
      nodeObject('dra-h100-2'),
      // A device-plugin node beside the DRA ones (a mixed cluster).
      nodeObject('a100-plugin', {
        capacity: { cpu: '8', memory: '32Gi', pods: '110', 'nvidia.com/gpu': '4' },
        labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB', 'nvidia.com/gpu.count': '4' },
      }),
      namespaceObject('vision'),
      // DRAAdminAccess: a request with adminAccess is admitted only in a namespace labelled so.
      namespaceObject('research', { 'resource.kubernetes.io/admin-access': 'true' }),
      namespaceObject('small'),
      namespaceObject('planned'),
    ]);
    for (const object of fixture.items) {
      if (object.kind === 'DeviceClass') await send('POST', '/apis/resource.k8s.io/v1/deviceclasses', object);
      if (object.kind === 'ResourceSlice') {
        const { name } = object.metadata;
        await send('POST', '/apis/resource.k8s.io/v1/resourceslices', { ...object, metadata: { name } });
      }
    }
  });

  after(async () => {
    await plane?.stop();
  });

  test('collects the DRA capacity: whole GPUs one each, the dynamic-MIG GPU once, the pool mid-update left out, beside the device plugin', async () => {
    const inventory = await collect();
    assert.deepEqual(
      inventory.dra?.classes.map((c) => [c.name, c.devices, c.physical, c.devicesByModel, c.partitionable, c.inPlannable]),
      [
        ['gpu.nvidia.com', 3, 3, { 'NVIDIA-H100-80GB-HBM3': 3 }, false, 3],
        ['mig.nvidia.com', 3, 1, { 'NVIDIA-H100-80GB-HBM3': 3 }, true, 3],
      ],
    );
    // nvidia.com/gpu: 4 from the device plugin on a100-plugin + 3 whole GPUs through DRA (KEP-5004).
    assert.equal(formatResourceList(inventory.plannable)['nvidia.com/gpu'], '7');
    assert.deepEqual(formatResourceList(inventory.plannableByFlavor['nvidia.com/gpu'] ?? {}), { 'NVIDIA-A100-SXM4-80GB': '4', 'NVIDIA-H100-80GB-HBM3': '3' });
    assert.equal(formatResourceList(inventory.plannable)[migDevices], '3');
    assert.ok(
      inventory.warnings.includes(
        'resource pool gpu.nvidia.com/dra-h100-2: 1 of 2 slice(s) of generation 2 published; its devices are not counted until the driver has published them all (transitional)',
      ),
    );
  });

  test("quotaplan's charge for ResourceClaims is the quota controller's: ExactCount, All as 32, firstAvailable's largest, admin access", async () => {
    const hard = { 'count/resourceclaims.resource.k8s.io': '10', [classDevices]: '100', [migDevices]: '100', 'requests.nvidia.com/gpu': '100' };
    await seedObjects(plane.admin, [resourceQuotaObject({ namespace: 'research', name: 'dra', hard })]);
    await waitUntil('ResourceQuota research/dra status.hard', 30_000, async () => {
      const quota = await plane.admin.core.readNamespacedResourceQuota({ namespace: 'research', name: 'dra' });
      return quota.status?.hard?.[classDevices] !== undefined ? quota : undefined;
    });
    const notebook = fixture.items.find((o) => o.kind === 'ResourceClaim' && o.metadata.name === 'notebook-mig') as DraObject;
    await send('POST', claimsPath('research'), { apiVersion: notebook.apiVersion, kind: notebook.kind, metadata: { name: 'notebook-mig', namespace: 'research' }, spec: notebook.spec });
    await send('POST', claimsPath('research'), claim('research', 'pair', [exactly('gpus', 'gpu.nvidia.com', 2)]));

    let lastUsed: Record<string, string> | undefined;
    const used = await waitUntil(
      'ResourceQuota research/dra status.used to count both claims',
      30_000,
      async () => {
        const quota = await plane.admin.core.readNamespacedResourceQuota({ namespace: 'research', name: 'dra' });
        lastUsed = quota.status?.used;
        return lastUsed?.['count/resourceclaims.resource.k8s.io'] === '2' ? lastUsed : undefined;
      },
      { lastSeen: () => JSON.stringify(lastUsed) },
    );
    const research = (await collect()).dra?.namespaces.find((n) => n.namespace === 'research');
    assert.ok(research !== undefined);
    const ours = formatResourceList(research.quotaUsed);
    const mine = Object.fromEntries(Object.keys(hard).map((key) => [key, ours[key] ?? '0']));
    assert.deepEqual(quantityValues(mine), quantityValues(used));
    // notebook-mig: All (32, admin access) + 2 of mig; pair: 2.
    assert.deepEqual(quantityValues(used), quantityValues({ 'count/resourceclaims.resource.k8s.io': '2', [classDevices]: '34', [migDevices]: '2', 'requests.nvidia.com/gpu': '34' }));
  });

  test('quota admission admits a ResourceClaim within <class>.deviceclass.resource.k8s.io/devices and refuses one beyond it', async () => {
    await seedObjects(plane.admin, [resourceQuotaObject({ namespace: 'small', name: 'gpus', hard: { [classDevices]: '2' } })]);
    await waitUntil('ResourceQuota small/gpus status.used', 30_000, async () => {
      const quota = await plane.admin.core.readNamespacedResourceQuota({ namespace: 'small', name: 'gpus' });
      return quota.status?.used?.[classDevices] !== undefined ? quota : undefined;
    });
    await send('POST', claimsPath('small'), claim('small', 'two', [exactly('gpus', 'gpu.nvidia.com', 2)]));
    const refused = await send('POST', claimsPath('small'), claim('small', 'one-more', [exactly('gpus', 'gpu.nvidia.com', 1)])).then(
      () => assert.fail('the API server admitted a third GPU claim under a quota of 2'),
      (error: { code?: number; body?: string }) => error,
    );
    assert.equal(refused.code, 403);
    assert.equal(
      (JSON.parse(String(refused.body)) as { message: string }).message,
      `resourceclaims.resource.k8s.io "one-more" is forbidden: exceeded quota: gpus, requested: ${classDevices}=1, used: ${classDevices}=2, limited: ${classDevices}=2`,
    );
  });

  test('devices allocated by the scheduler (status written through the status subresource) are counted per class and namespace', async () => {
    await send('POST', claimsPath('vision'), claim('vision', 'trainer-0-gpus', [exactly('gpus', 'gpu.nvidia.com', 2)]));
    const current = await send('GET', `${claimsPath('vision')}/trainer-0-gpus`);
    await send('PUT', `${claimsPath('vision')}/trainer-0-gpus/status`, {
      ...current,
      status: {
        allocation: {
          devices: {
            results: [
              { request: 'gpus', driver: 'gpu.nvidia.com', pool: 'dra-h100-0', device: 'gpu-0' },
              { request: 'gpus', driver: 'gpu.nvidia.com', pool: 'dra-h100-0', device: 'gpu-1' },
            ],
          },
          nodeSelector: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['dra-h100-0'] }] }] },
        },
      },
    });
    const vision = (await collect()).dra?.namespaces.find((n) => n.namespace === 'vision');
    assert.deepEqual(vision?.allocated, { 'gpu.nvidia.com': 2 });
    assert.equal(vision?.claims, 1);
  });

  test("pods' status joins them to their claims (a template's generated claim, the scheduler's KEP-5004 claim): devices in use, each GPU requested once as the quota controller counts", async () => {
    await seedObjects(plane.admin, [resourceQuotaObject({ namespace: 'vision', name: 'gpus', hard: { 'requests.nvidia.com/gpu': '100', [classDevices]: '100' } })]);
    const podsPath = '/api/v1/namespaces/vision/pods';
    const image = 'registry.invalid/workload:1';
    // trainer-0 takes its GPUs from a ResourceClaimTemplate; the claim made from it is trainer-0-gpus (the test above).
    await send('POST', podsPath, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'trainer-0', namespace: 'vision' },
      spec: {
        nodeName: 'dra-h100-0',
        resourceClaims: [{ name: 'gpus', resourceClaimTemplateName: 'two-gpus' }],
        containers: [{ name: 'main', image, resources: { requests: { cpu: '1' }, claims: [{ name: 'gpus' }] } }],
      },
    });
    const trainer0 = await send('GET', `${podsPath}/trainer-0`);
    await send('PUT', `${podsPath}/trainer-0/status`, { ...trainer0, status: { ...(trainer0.status as object), resourceClaimStatuses: [{ name: 'gpus', resourceClaimName: 'trainer-0-gpus' }] } });
    // trainer-1 asks for nvidia.com/gpu: 1 on a node without the device plugin: the scheduler makes a claim for it.
    const trainer1 = await send('POST', podsPath, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'trainer-1', namespace: 'vision' },
      spec: { nodeName: 'dra-h100-1', containers: [{ name: 'main', image, resources: { requests: { cpu: '1', 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } }] },
    });
    const uid = (trainer1.metadata as { uid: string }).uid;
    await send('POST', claimsPath('vision'), {
      ...claim('vision', 'trainer-1-extended', [exactly('container-0-request-0', 'gpu.nvidia.com', 1)]),
      metadata: {
        name: 'trainer-1-extended',
        namespace: 'vision',
        annotations: { 'resource.kubernetes.io/extended-resource-claim': 'true' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'trainer-1', uid, controller: true, blockOwnerDeletion: true }],
      },
    });
    const extended = await send('GET', `${claimsPath('vision')}/trainer-1-extended`);
    await send('PUT', `${claimsPath('vision')}/trainer-1-extended/status`, {
      ...extended,
      status: {
        allocation: {
          devices: { results: [{ request: 'container-0-request-0', driver: 'gpu.nvidia.com', pool: 'dra-h100-1', device: 'gpu-0' }] },
          nodeSelector: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['dra-h100-1'] }] }] },
        },
      },
    });
    const current = await send('GET', `${podsPath}/trainer-1`);
    await send('PUT', `${podsPath}/trainer-1/status`, {
      ...current,
      status: {
        ...(current.status as object),
        extendedResourceClaimStatus: {
          requestMappings: [{ containerName: 'main', resourceName: 'nvidia.com/gpu', requestName: 'container-0-request-0' }],
          resourceClaimName: 'trainer-1-extended',
        },
      },
    });

    // Pods are listed as protobuf: the claim names come through the .proto messages.
    const inventory = await collect();
    const vision = inventory.dra?.namespaces.find((n) => n.namespace === 'vision');
    assert.deepEqual([vision?.claims, vision?.allocated, vision?.inUse, vision?.inUseByExtendedResourceRequests], [
      2,
      { 'gpu.nvidia.com': 3 },
      { 'gpu.nvidia.com': 3 },
      { 'gpu.nvidia.com': 1 },
    ]);
    // 3 GPUs held (trainer-0's claim of 2, trainer-1's 1): requests.nvidia.com/gpu is 3, the quota controller's figure.
    const requests = formatResourceList(inventory.namespaces.find((n) => n.name === 'vision')?.requests ?? {});
    assert.equal(requests['nvidia.com/gpu'], '3');
    // The controller may first see the scheduler's claim before it can verify the pod owning it (and charge it
    // requests.nvidia.com/gpu once more): its figure settles once the pod's status names the claim.
    const quota = await waitUntil('ResourceQuota vision/gpus status.used to settle on quotaplan\'s figures', 60_000, async () => {
      const q = await plane.admin.core.readNamespacedResourceQuota({ namespace: 'vision', name: 'gpus' });
      const used = q.status?.used ?? {};
      return used[classDevices] === requests[classDevices] && used['requests.nvidia.com/gpu'] === requests['nvidia.com/gpu'] ? q : undefined;
    });
    assert.deepEqual(quantityValues(quota.status?.used), quantityValues({ 'requests.nvidia.com/gpu': requests['nvidia.com/gpu'] as string, [classDevices]: requests[classDevices] as string }));
  });

  test("a scheduler-made claim is covered by its pod's charge only when the quota controller verifies the pod: pod deleted, pod naming another claim, pod naming none yet (the older claim covered)", async () => {
    const implicitKey = 'requests.deviceclass.resource.kubernetes.io/gpu.nvidia.com';
    const hard = { 'count/resourceclaims.resource.k8s.io': '100', 'requests.nvidia.com/gpu': '100', [classDevices]: '100', [implicitKey]: '100' };
    await seedObjects(plane.admin, [namespaceObject('kep5004'), resourceQuotaObject({ namespace: 'kep5004', name: 'gpus', hard })]);
    await waitUntil('ResourceQuota kep5004/gpus status.used', 30_000, async () => {
      const quota = await plane.admin.core.readNamespacedResourceQuota({ namespace: 'kep5004', name: 'gpus' });
      return quota.status?.used?.[classDevices] !== undefined ? quota : undefined;
    });
    const podsPath = '/api/v1/namespaces/kep5004/pods';
    /** A pod asking for nvidia.com/gpu: 1 on a DRA node; its uid. */
    async function gpuPod(name: string): Promise<string> {
      const pod = await send('POST', podsPath, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'kep5004' },
        spec: { nodeName: 'dra-h100-1', containers: [{ name: 'main', image: 'registry.invalid/workload:1', resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } }] },
      });
      return (pod.metadata as { uid: string }).uid;
    }
    /** A claim as the scheduler makes it for pod `pod` (uid `uid`); allocated claims keep the delete-protection finalizer. */
    async function schedulerClaim(name: string, pod: string, uid: string): Promise<void> {
      await send('POST', claimsPath('kep5004'), {
        ...claim('kep5004', name, [exactly('container-0-request-0', 'gpu.nvidia.com', 1)]),
        metadata: {
          name,
          namespace: 'kep5004',
          annotations: { 'resource.kubernetes.io/extended-resource-claim': 'true' },
          finalizers: ['resource.kubernetes.io/delete-protection'],
          ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod, uid, controller: true, blockOwnerDeletion: true }],
        },
      });
    }
    async function namesClaim(pod: string, claimName: string): Promise<void> {
      const current = await send('GET', `${podsPath}/${pod}`);
      await send('PUT', `${podsPath}/${pod}/status`, {
        ...current,
        status: {
          ...(current.status as object),
          extendedResourceClaimStatus: {
            requestMappings: [{ containerName: 'main', resourceName: 'nvidia.com/gpu', requestName: 'container-0-request-0' }],
            resourceClaimName: claimName,
          },
        },
      });
    }
    // gone: its claim outlives it (the finalizer holds the claim the garbage collector deletes after the pod).
    const gone = await gpuPod('gone');
    await schedulerClaim('gone-gpu', 'gone', gone);
    await namesClaim('gone', 'gone-gpu');
    await send('DELETE', `${podsPath}/gone`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
    await waitUntil('pod kep5004/gone deleted', 30_000, async () =>
      send('GET', `${podsPath}/gone`).then(
        () => undefined,
        (error: { code?: number }) => (error.code === 404 ? true : undefined),
      ),
    );
    // twin: two claims made for it, its status names twin-b.
    const twin = await gpuPod('twin');
    await schedulerClaim('twin-a', 'twin', twin);
    await schedulerClaim('twin-b', 'twin', twin);
    await namesClaim('twin', 'twin-b');
    // early: its status names none yet; pending-a, made first, is covered, pending-b is not.
    const early = await gpuPod('early');
    await schedulerClaim('pending-a', 'early', early);
    await schedulerClaim('pending-b', 'early', early);

    const inventory = await collect();
    const requests = formatResourceList(inventory.namespaces.find((n) => n.name === 'kep5004')?.requests ?? {});
    const quotaUsed = formatResourceList(inventory.dra?.namespaces.find((n) => n.namespace === 'kep5004')?.quotaUsed ?? {});
    const ours = {
      'count/resourceclaims.resource.k8s.io': quotaUsed['count/resourceclaims.resource.k8s.io'] ?? '0',
      'requests.nvidia.com/gpu': requests['nvidia.com/gpu'] ?? '0',
      [classDevices]: quotaUsed[classDevices] ?? '0',
      [implicitKey]: quotaUsed[implicitKey] ?? '0',
    };
    // By hand: 5 claims of 1 GPU; requests.nvidia.com/gpu = twin's 1 + early's 1 (pods) + gone-gpu, twin-a and
    // pending-b in full (3); twin-b and pending-a are covered by their pods.
    assert.deepEqual(ours, { 'count/resourceclaims.resource.k8s.io': '5', 'requests.nvidia.com/gpu': '5', [classDevices]: '5', [implicitKey]: '5' });
    let lastUsed: Record<string, string> | undefined;
    const quota = await waitUntil(
      "ResourceQuota kep5004/gpus status.used to settle on quotaplan's figures",
      60_000,
      async () => {
        const q = await plane.admin.core.readNamespacedResourceQuota({ namespace: 'kep5004', name: 'gpus' });
        lastUsed = q.status?.used;
        return isDeepStrictEqual(quantityValues(lastUsed), quantityValues(ours)) ? q : undefined;
      },
      { lastSeen: () => JSON.stringify(lastUsed) },
    );
    assert.deepEqual(quantityValues(quota.status?.used), quantityValues(ours));
  });

  test('collect, plan, emit and apply quotas for a DRA plan: admission then holds claims to them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-dra-'));
    try {
      const db = join(dir, 'quotaplan.db');
      const teams = join(dir, 'teams.yaml');
      writeFileSync(
        teams,
        [
          'cycle: 2026-Q4',
          'surplus: hold',
          'teams:',
          '  - name: planned',
          '    namespaces: [planned]',
          '    resources:',
          '      nvidia.com/gpu: { guarantee: "1", demand: "1" }',
          `      ${migDevices}: { guarantee: "1", demand: "1" }`,
          '',
        ].join('\n'),
      );
      const now = { now: new Date('2026-11-28T04:00:00Z') };
      await runCollect({ kubeconfig: plane.kubeconfigPath, cluster: 'dra', db, quiet: true }, now);
      await runPlan({ teams, db, save: true, output: 'json' }, now);
      const out: string[] = [];
      await runApply({ plan: 'latest', db, kubeconfig: plane.kubeconfigPath, yes: true }, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });

      const quota = await waitUntil('ResourceQuota planned/quotaplan status.used', 30_000, async () => {
        const q = await plane.admin.core.readNamespacedResourceQuota({ namespace: 'planned', name: 'quotaplan' }).catch(() => undefined);
        return q?.status?.used?.[migDevices] !== undefined && q.status.used['requests.nvidia.com/gpu'] !== undefined ? q : undefined;
      });
      assert.deepEqual(quantityValues(quota.spec?.hard), quantityValues({ [migDevices]: '1', 'requests.nvidia.com/gpu': '1' }));

      // Within the quota: admitted. Beyond it: refused by the real API server's quota admission.
      await send('POST', claimsPath('planned'), claim('planned', 'one-mig', [exactly('mig', 'mig.nvidia.com', 1)]));
      const refusal = async (name: string, className: string, count: number): Promise<string> =>
        send('POST', claimsPath('planned'), claim('planned', name, [exactly('devices', className, count)])).then(
          () => assert.fail(`the API server admitted ${name} beyond the applied quota`),
          (error: { code?: number; body?: string }) => {
            assert.equal(error.code, 403);
            return (JSON.parse(String(error.body)) as { message: string }).message;
          },
        );
      assert.match(
        await refusal('second-mig', 'mig.nvidia.com', 1),
        new RegExp(`exceeded quota: quotaplan, requested: ${migDevices.replaceAll('.', '\\.')}=1, used: ${migDevices.replaceAll('.', '\\.')}=1, limited: ${migDevices.replaceAll('.', '\\.')}=1$`),
      );
      // requests.nvidia.com/gpu counts ResourceClaims of the class whose extendedResourceName it is (KEP-5004).
      assert.match(await refusal('two-gpus', 'gpu.nvidia.com', 2), /exceeded quota: quotaplan, requested: .*requests\.nvidia\.com\/gpu=2/);
      await send('POST', claimsPath('planned'), claim('planned', 'one-gpu', [exactly('gpu', 'gpu.nvidia.com', 1)]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
