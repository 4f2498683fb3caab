import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryFromDumpFile } from '../../../src/collect/dump.js';
import { allocatedDevicesByClass, claimQuotaCharge } from '../../../src/inventory/dra/claim-use.js';
import type { ResourceClaimFacts } from '../../../src/inventory/dra/types.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { formatResourceList } from '../../../src/resources.js';
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

  it("does not charge requests.<extendedResourceName> again for a claim made for a pod's extended-resource request (the pod is charged)", () => {
    const parsed = parseObject(extendedClaim) as unknown as ResourceClaimFacts & { metadata: { name: string; namespace: string } };
    const claim: ResourceClaimFacts = { ...parsed, name: parsed.metadata.name, namespace: parsed.metadata.namespace };
    assert.equal(claim.extendedResourceClaimOf, 'trainer-1');
    assert.deepEqual(formatResourceList(claimQuotaCharge(claim, extendedOf)), {
      'count/resourceclaims.resource.k8s.io': '1',
      'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '1',
      'requests.deviceclass.resource.kubernetes.io/gpu.nvidia.com': '1',
    });
    // The same claim without the annotation is an ordinary one.
    const plain = parseObject({ ...extendedClaim, metadata: { ...extendedClaim.metadata, annotations: {} } }) as unknown as ResourceClaimFacts;
    assert.equal(plain.extendedResourceClaimOf, null);
  });

  it('counts allocated devices per class through the request (and firstAvailable subrequest) they answer, without admin access', () => {
    const claim: ResourceClaimFacts = {
      namespace: 'research',
      name: 'c',
      extendedResourceClaimOf: null,
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
    const trainer1 = aPod('vision', 'trainer-1').onNode('dra-h100-1').container({ cpu: '1', 'nvidia.com/gpu': '1' }).build();
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
