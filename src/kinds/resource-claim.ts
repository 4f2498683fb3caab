/**
 * ResourceClaim (resource.k8s.io/v1, namespaced): the devices it requests and, once the scheduler allocated it,
 * the devices it holds. JSON only and optional, as DeviceClass (device-class.ts).
 */
import { resourceClaimSchema, type ResourceClaimObject } from '../inventory/dra/objects.js';
import type { ResourceClaimFacts } from '../inventory/dra/types.js';
import { objectKind } from './kind.js';
import { namespacedKey } from './resource-quota.js';

export const resourceClaimKind = objectKind<ResourceClaimObject, ResourceClaimFacts>({
  kind: 'ResourceClaim',
  list: { apiVersion: 'resource.k8s.io/v1', group: 'resource.k8s.io', resource: 'resourceclaims', namespaced: true, optional: true },
  protobuf: null,
  schema: resourceClaimSchema,
  inventory: {
    key: namespacedKey,
    facts: (claim) => ({
      namespace: claim.metadata.namespace,
      name: claim.metadata.name,
      extendedResourceClaimOf: claim.extendedResourceClaimOf,
      extendedResourceClaimOwner: claim.extendedResourceClaimOwner,
      requests: claim.requests,
      allocation: claim.allocation,
    }),
    field: 'resourceClaims',
  },
});
