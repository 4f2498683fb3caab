import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryFromDumpFile } from '../../../src/collect/dump.js';
import { allocatedDevicesByClass, claimQuotaCharge, verifiedPodUsage, type ClaimOwnerPod } from '../../../src/inventory/dra/claim-use.js';
import type { ResourceClaimFacts } from '../../../src/inventory/dra/types.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { formatResourceList, parseResourceList } from '../../../src/resources.js';
import { readFileSync } from 'node:fs';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { inventoryFromJson, inventoryToJson } from '../../../src/inventory/json.js';
import { LiveInventory } from '../../../src/inventory/live-inventory.js';
import { podSchema, readPod } from '../../../src/inventory/objects.js';
import { aNode, aPod } from '../../builders/kube.js';

const cluster = new URL('../../fixtures/dra/nvidia-cluster.json', import.meta.url).pathname;

/** A claim as the scheduler makes it for a pod asking for `nvidia.com/gpu: 1` served by DRA (KEP-5004). */
const extendedClaim = {
  apiVersion: 'resource.k8s.io/v1',
  kind: 'ResourceClaim',
  metadata: {
    name: 'trainer-1-extended-resources-8xq2z',
    namespace: 'vision',
    annotations: { 'resource.kubernetes.io/extended-resource-claim': 'true' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'trainer-1', uid: 'u', controller: true, blockOwnerDeletion: true }],
  },
  spec: { devices: { requests: [{ name: 'container-0-request-0', exactly: { deviceClassName: 'gpu.nvidia.com', allocationMode: 'ExactCount', count: 1 } }] } },
  status: {
    allocation: {
      devices: {
        results: [{ request: 'container-0-request-0', driver: 'gpu.nvidia.com', pool: 'dra-h100-1', device: 'gpu-0' }],
      },
    },
  },
};

const extendedOf = (className: string): string | null => (className === 'gpu.nvidia.com' ? 'nvidia.com/gpu' : null);

describe('ResourceClaims: quota charge and allocated devices per namespace', () => {
  it('charges as ResourceQuota does: ExactCount its count, All 32, firstAvailable the largest alternative per class, also under the implicit and extended-resource keys', async () => {
    const inv = await inventoryFromDumpFile(cluster);
    assert.deepEqual(
      inv.dra?.namespaces.map((n) => ({ ...n, quotaUsed: formatResourceList(n.quotaUsed) })),
      [
        {
          namespace: 'research',
          claims: 1,
          quotaUsed: {
            'count/resourceclaims.resource.k8s.io': '1',
            // all-gpus: All mode (adminAccess is charged too), and mig: the larger of 1 (small) and 2 (medium)
            'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '32',
            'mig.nvidia.com.deviceclass.resource.k8s.io/devices': '2',
            'requests.deviceclass.resource.kubernetes.io/gpu.nvidia.com': '32',
            'requests.deviceclass.resource.kubernetes.io/mig.nvidia.com': '2',
            'requests.nvidia.com/gpu': '32',
          },
          allocated: {},
          // No pod in the fixture: nothing in use.
          inUse: {},
          inUseByExtendedResourceRequests: {},
        },
        {
          namespace: 'vision',
          claims: 1,
          quotaUsed: {
            'count/resourceclaims.resource.k8s.io': '1',
            'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '2',
            'requests.deviceclass.resource.kubernetes.io/gpu.nvidia.com': '2',
            'requests.nvidia.com/gpu': '2',
          },
          allocated: { 'gpu.nvidia.com': 2 },
          inUse: {},
          inUseByExtendedResourceRequests: {},
        },
      ],
    );
    // The namespaces' requests count the claims under the resource each key counts.
    assert.deepEqual(
      inv.namespaces.map((n) => [n.name, formatResourceList(n.requests), n.pods]),
      [
        ['research', { 'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '32', 'mig.nvidia.com.deviceclass.resource.k8s.io/devices': '2', 'nvidia.com/gpu': '32' }, 0],
        ['vision', { 'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '2', 'nvidia.com/gpu': '2' }, 0],
      ],
    );
    assert.deepEqual(Object.keys(inv.dra?.namespaces[0]?.quotaUsed ?? {}), [
      'count/resourceclaims.resource.k8s.io',
      'gpu.nvidia.com.deviceclass.resource.k8s.io/devices',
      'mig.nvidia.com.deviceclass.resource.k8s.io/devices',
      'requests.deviceclass.resource.kubernetes.io/gpu.nvidia.com',
      'requests.deviceclass.resource.kubernetes.io/mig.nvidia.com',
      'requests.nvidia.com/gpu',
    ]);
  });

  it('reads the owner of a claim the scheduler made: the pod, its uid and the claim\'s creation time; an ordinary claim has none', () => {
    const parsed = parseObject({ ...extendedClaim, metadata: { ...extendedClaim.metadata, creationTimestamp: '2026-12-08T01:00:00Z' } }) as unknown as ResourceClaimFacts;
    assert.deepEqual([parsed.extendedResourceClaimOf, parsed.extendedResourceClaimOwner], ['trainer-1', { uid: 'u', createdAt: '2026-12-08T01:00:00Z' }]);
    // The same claim without the annotation is an ordinary one.
    const plain = parseObject({ ...extendedClaim, metadata: { ...extendedClaim.metadata, annotations: {} } }) as unknown as ResourceClaimFacts;
    assert.deepEqual([plain.extendedResourceClaimOf, plain.extendedResourceClaimOwner], [null, null]);
    // A controller that is not a v1 Pod makes no owner either.
    const notPod = parseObject({ ...extendedClaim, metadata: { ...extendedClaim.metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u', controller: true }] } }) as unknown as ResourceClaimFacts;
    assert.deepEqual([notPod.extendedResourceClaimOf, notPod.extendedResourceClaimOwner], [null, null]);
    assert.throws(() => parseObject({ ...extendedClaim, metadata: { ...extendedClaim.metadata, creationTimestamp: 'yesterday\u001b[2J' } }), /creationTimestamp: must be an RFC 3339 time/);
  });
  it('counts allocated devices per class through the request (and firstAvailable subrequest) they answer, without admin access', () => {
    const claim: ResourceClaimFacts = {
      namespace: 'research',
      name: 'c',
      extendedResourceClaimOf: null,
      extendedResourceClaimOwner: null,
      requests: [
        { name: 'mig', exactly: null, firstAvailable: [{ name: 'small', deviceClassName: 'mig.nvidia.com', allocationMode: 'ExactCount', count: 1, adminAccess: false }, { name: 'whole', deviceClassName: 'gpu.nvidia.com', allocationMode: 'ExactCount', count: 1, adminAccess: false }] },
        { name: 'monitor', exactly: { deviceClassName: 'gpu.nvidia.com', allocationMode: 'All', count: 0, adminAccess: true }, firstAvailable: [] },
      ],
      allocation: {
        devices: [
          { request: 'mig/whole', driver: 'gpu.nvidia.com', pool: 'dra-h100-0', device: 'gpu-1', adminAccess: false },
          { request: 'monitor', driver: 'gpu.nvidia.com', pool: 'dra-h100-0', device: 'gpu-0', adminAccess: true },
          { request: 'monitor', driver: 'gpu.nvidia.com', pool: 'dra-h100-0', device: 'gpu-1', adminAccess: true },
        ],
      },
    };
    assert.deepEqual([...allocatedDevicesByClass(claim)], [['gpu.nvidia.com', 1]]);
    assert.deepEqual(formatResourceList(claimQuotaCharge(claim, extendedOf)), {
      'count/resourceclaims.resource.k8s.io': '1',
      'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '33',
      'mig.nvidia.com.deviceclass.resource.k8s.io/devices': '1',
      'requests.deviceclass.resource.kubernetes.io/gpu.nvidia.com': '33',
      'requests.deviceclass.resource.kubernetes.io/mig.nvidia.com': '1',
      'requests.nvidia.com/gpu': '33',
    });
  });
});

describe('pods joined to their ResourceClaims through their status', () => {
  /** The fixture (vision's claim of 2 GPUs on dra-h100-0, research's unallocated claim), the scheduler's claim for trainer-1, and pods. */
  function objects(): unknown[] {
    const fixture = (JSON.parse(readFileSync(cluster, 'utf8')) as { items: unknown[] }).items;
    // trainer-0 uses a claim generated from a ResourceClaimTemplate: its status names the generated claim.
    const trainer0 = aPod('vision', 'trainer-0').onNode('dra-h100-0').container({ cpu: '1' }).build();
    trainer0.status = { ...(trainer0.status as object), resourceClaimStatuses: [{ name: 'gpus', resourceClaimName: 'trainer-0-gpus-x7k2p' }] };
    // trainer-1 asks for nvidia.com/gpu: 1, served by DRA (KEP-5004): the scheduler's claim is named in its status.
    const trainer1 = aPod('vision', 'trainer-1').withUid('u').onNode('dra-h100-1').container({ cpu: '1', 'nvidia.com/gpu': '1' }).build();
    trainer1.status = {
      ...(trainer1.status as object),
      extendedResourceClaimStatus: {
        requestMappings: [{ containerName: 'c0', resourceName: 'nvidia.com/gpu', requestName: 'container-0-request-0' }],
        resourceClaimName: 'trainer-1-extended-resources-8xq2z',
      },
      // A pod claim whose claim is not needed has no resourceClaimName.
      resourceClaimStatuses: [{ name: 'optional' }],
    };
    // A pod that ended names research's claim: it is not in use.
    const done = aPod('research', 'old').onNode('dra-h100-0').container({ cpu: '1' }).build();
    done.status = { ...(done.status as object), phase: 'Succeeded', resourceClaimStatuses: [{ name: 'mig', resourceClaimName: 'notebook-mig' }] };
    const nodes = ['dra-h100-0', 'dra-h100-1', 'dra-h100-2'].map((name) => aNode(name).withCapacity({ cpu: '64', memory: '512Gi', pods: '110' }).build());
    return [...nodes, ...fixture, extendedClaim, trainer0, trainer1, done];
  }

  it('counts the devices of claims pods use per namespace, and those serving extended-resource requests apart; requests count each GPU once', () => {
    const b = new InventoryBuilder();
    for (const raw of objects()) b.add(parseObject(raw));
    const inv = b.build();
    const vision = inv.dra?.namespaces.find((n) => n.namespace === 'vision');
    assert.deepEqual([vision?.claims, vision?.allocated, vision?.inUse, vision?.inUseByExtendedResourceRequests], [
      2,
      // trainer-0's 2 GPUs and trainer-1's 1
      { 'gpu.nvidia.com': 3 },
      { 'gpu.nvidia.com': 3 },
      { 'gpu.nvidia.com': 1 },
    ]);
    assert.deepEqual(inv.dra?.namespaces.find((n) => n.namespace === 'research')?.inUse, {});
    // trainer-1's nvidia.com/gpu: 1 (its pod request) + trainer-0's claim of 2: three GPUs held, three counted.
    assert.deepEqual(formatResourceList(inv.namespaces.find((n) => n.name === 'vision')?.requests ?? {}), {
      cpu: '2',
      'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '3',
      'nvidia.com/gpu': '3',
    });
  });

  it('the live inventory (objects in any order) and the inventory JSON give the same join', () => {
    const b = new InventoryBuilder();
    const live = new LiveInventory();
    for (const raw of objects()) b.add(parseObject(raw));
    for (const raw of objects().reverse()) live.upsert(parseObject(raw));
    const built = b.build();
    assert.deepEqual(live.snapshot().dra, built.dra);
    assert.deepEqual(inventoryFromJson(JSON.parse(JSON.stringify(inventoryToJson(built)))).dra, built.dra);
  });

  it('reads the claim names alike on the schema path and the fast path', () => {
    const pod = aPod('vision', 'p').container({ cpu: '1' }).build();
    pod.status = { resourceClaimStatuses: [{ name: 'a', resourceClaimName: 'a-1' }, { name: 'b', resourceClaimName: null }], extendedResourceClaimStatus: { resourceClaimName: 'x', requestMappings: [] } };
    const fast = readPod(pod);
    const slow = podSchema.parse(pod);
    assert.deepEqual([fast?.status.resourceClaims, fast?.status.extendedResourceClaim], [['a-1'], 'x']);
    assert.deepEqual(fast?.status, slow.status);
  });
});

describe("KEP-5004: a scheduler-made claim is covered by its pod's own charge only when the pod is verified (getVerifiedPodUsage)", () => {
  /** A claim the scheduler made for pod `pod` (uid `uid`) asking `count` GPUs of gpu.nvidia.com. */
  function schedulerClaim(name: string, options: { pod?: string; uid?: string; createdAt?: string | null; count?: number; className?: string } = {}): ResourceClaimFacts {
    return {
      namespace: 'vision',
      name,
      extendedResourceClaimOf: options.pod ?? 'trainer-1',
      extendedResourceClaimOwner: { uid: options.uid ?? 'uid-1', createdAt: options.createdAt === undefined ? '2026-12-08T01:00:00Z' : options.createdAt },
      requests: [{ name: 'container-0-request-0', exactly: { deviceClassName: options.className ?? 'gpu.nvidia.com', allocationMode: 'ExactCount', count: options.count ?? 1, adminAccess: false }, firstAvailable: [] }],
      allocation: null,
    };
  }
  const gpuPod = (requests: Record<string, string>, extendedResourceClaim: string | null, uid = 'uid-1'): ClaimOwnerPod => ({
    uid,
    extendedResourceClaim,
    quota: parseResourceList({ cpu: '1', ...requests }),
  });
  const charged = (claim: ResourceClaimFacts, claims: ResourceClaimFacts[], pods: Record<string, ClaimOwnerPod>): Record<string, string> =>
    formatResourceList(claimQuotaCharge(claim, extendedOf, verifiedPodUsage(claim, claims, new Map(Object.entries(pods)))));
  const full = {
    'count/resourceclaims.resource.k8s.io': '1',
    'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '1',
    'requests.deviceclass.resource.kubernetes.io/gpu.nvidia.com': '1',
    'requests.nvidia.com/gpu': '1',
  };
  const covered = {
    'count/resourceclaims.resource.k8s.io': '1',
    'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '1',
    'requests.deviceclass.resource.kubernetes.io/gpu.nvidia.com': '1',
  };

  const cases: { name: string; claim: ResourceClaimFacts; others?: ResourceClaimFacts[]; pods: Record<string, ClaimOwnerPod>; expected: Record<string, string> }[] = [
    {
      name: "the pod exists with the owner's uid and its status names the claim: requests.nvidia.com/gpu is the pod's, not the claim's",
      claim: schedulerClaim('c1'),
      pods: { 'trainer-1': gpuPod({ 'nvidia.com/gpu': '1' }, 'c1') },
      expected: covered,
    },
    { name: 'the pod is gone (or ended: not listed): the claim is charged in full', claim: schedulerClaim('c1'), pods: {}, expected: full },
    {
      name: 'a pod of that name with another uid (deleted and made again): charged in full',
      claim: schedulerClaim('c1'),
      pods: { 'trainer-1': gpuPod({ 'nvidia.com/gpu': '1' }, 'c1', 'uid-2') },
      expected: full,
    },
    {
      name: 'the pod names another claim as its extended-resource claim: charged in full',
      claim: schedulerClaim('c1'),
      pods: { 'trainer-1': gpuPod({ 'nvidia.com/gpu': '1' }, 'c2') },
      expected: full,
    },
    {
      name: 'the pod names none yet and no older claim is owned by its uid: covered',
      claim: schedulerClaim('c2'),
      others: [schedulerClaim('c1', { createdAt: '2026-12-08T01:00:01Z' }), schedulerClaim('c0', { uid: 'uid-other', createdAt: '2026-12-08T00:00:00Z' })],
      pods: { 'trainer-1': gpuPod({ 'nvidia.com/gpu': '1' }, null) },
      expected: covered,
    },
    {
      name: 'the pod names none yet and an older claim is owned by its uid: charged in full',
      claim: schedulerClaim('c2'),
      others: [schedulerClaim('c1', { createdAt: '2026-12-08T00:59:59Z' })],
      pods: { 'trainer-1': gpuPod({ 'nvidia.com/gpu': '1' }, null) },
      expected: full,
    },
    {
      name: 'the pod names none yet and a claim of the same creation time with a smaller name is owned by its uid: charged in full',
      claim: schedulerClaim('c2'),
      others: [schedulerClaim('c1')],
      pods: { 'trainer-1': gpuPod({ 'nvidia.com/gpu': '1' }, null) },
      expected: full,
    },
    {
      name: 'the pod names none yet and a claim without a creation time (Go\'s zero time, the oldest) is owned by its uid: charged in full',
      claim: schedulerClaim('c1'),
      others: [schedulerClaim('c9', { createdAt: null })],
      pods: { 'trainer-1': gpuPod({ 'nvidia.com/gpu': '1' }, null) },
      expected: full,
    },
    {
      name: 'a claim of 3 GPUs for a pod charged 1: the 2 beyond the pod are charged (the subtraction, not an exemption)',
      claim: schedulerClaim('c1', { count: 3 }),
      pods: { 'trainer-1': gpuPod({ 'nvidia.com/gpu': '1' }, 'c1') },
      expected: {
        'count/resourceclaims.resource.k8s.io': '1',
        'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '3',
        'requests.deviceclass.resource.kubernetes.io/gpu.nvidia.com': '3',
        'requests.nvidia.com/gpu': '2',
      },
    },
    {
      name: "a pod asking for the class's implicit name (deviceclass.resource.kubernetes.io/gpu.nvidia.com) covers the implicit key",
      claim: schedulerClaim('c1'),
      pods: { 'trainer-1': gpuPod({ 'deviceclass.resource.kubernetes.io/gpu.nvidia.com': '1' }, 'c1') },
      expected: { 'count/resourceclaims.resource.k8s.io': '1', 'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '1', 'requests.nvidia.com/gpu': '1' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(charged(c.claim, [c.claim, ...(c.others ?? [])], c.pods), c.expected);
    });
  }

  it('an ordinary claim (no annotation) is never covered, whatever pod bears its owner\'s name', () => {
    const claim: ResourceClaimFacts = { ...schedulerClaim('c1'), extendedResourceClaimOf: null, extendedResourceClaimOwner: null };
    assert.equal(verifiedPodUsage(claim, [claim], new Map([['trainer-1', gpuPod({ 'nvidia.com/gpu': '1' }, 'c1')]])), null);
  });

  /** trainer-1 (uid u) asks nvidia.com/gpu: 1 and the scheduler made `extendedClaim` for it; `pod` changes what is listed. */
  function visionRequests(pod: Record<string, unknown> | null): Record<string, string> {
    const b = new InventoryBuilder();
    const live = new LiveInventory();
    const classes = (JSON.parse(readFileSync(cluster, 'utf8')) as { items: { kind: string }[] }).items.filter((o) => o.kind === 'DeviceClass');
    for (const raw of [...classes, extendedClaim, ...(pod === null ? [] : [pod])]) {
      b.add(parseObject(structuredClone(raw)));
      live.upsert(parseObject(structuredClone(raw)));
    }
    const built = b.build();
    assert.deepEqual(live.snapshot().namespaces, built.namespaces);
    return formatResourceList(built.namespaces.find((n) => n.name === 'vision')?.requests ?? {});
  }
  const trainer1 = (uid: string, names: string | null): Record<string, unknown> => {
    const pod = aPod('vision', 'trainer-1').withUid(uid).onNode('dra-h100-1').container({ cpu: '1', 'nvidia.com/gpu': '1' }).build();
    if (names !== null) pod.status = { ...(pod.status as object), extendedResourceClaimStatus: { requestMappings: [], resourceClaimName: names } };
    return pod;
  };

  it("in the inventory (built and live alike): the GPU is counted once while the pod is verified, and the claim's too once the pod is gone, recreated or names another claim", () => {
    const gpuOf = (pod: Record<string, unknown> | null): string | undefined => visionRequests(pod)['nvidia.com/gpu'];
    assert.equal(gpuOf(trainer1('u', 'trainer-1-extended-resources-8xq2z')), '1');
    assert.equal(gpuOf(null), '1');
    assert.equal(gpuOf(trainer1('u-2', 'trainer-1-extended-resources-8xq2z')), '2');
    assert.equal(gpuOf(trainer1('u', 'trainer-1-extended-resources-other')), '2');
    // Not yet named in the pod's status, and the only claim of its uid: covered.
    assert.equal(gpuOf(trainer1('u', null)), '1');
  });
});
