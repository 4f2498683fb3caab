import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryFromDumpFile } from '../../../src/collect/dump.js';
import { allocatedDevicesByClass, claimQuotaCharge } from '../../../src/inventory/dra/claim-use.js';
import type { ResourceClaimFacts } from '../../../src/inventory/dra/types.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { formatResourceList } from '../../../src/resources.js';

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
