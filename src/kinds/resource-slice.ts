/**
 * ResourceSlice (resource.k8s.io/v1, cluster-scoped): the devices one driver publishes for one pool (the NVIDIA
 * DRA driver: one slice per node, whole GPUs, MIG devices, and for dynamic MIG the counters they share). JSON only
 * and optional, as DeviceClass (device-class.ts).
 */
import { resourceSliceSchema, type ResourceSliceObject } from '../inventory/dra/objects.js';
import type { ResourceSliceFacts } from '../inventory/dra/types.js';
import { objectKind } from './kind.js';

export const resourceSliceKind = objectKind<ResourceSliceObject, ResourceSliceFacts>({
  kind: 'ResourceSlice',
  list: { apiVersion: 'resource.k8s.io/v1', group: 'resource.k8s.io', resource: 'resourceslices', namespaced: false, optional: true },
  protobuf: null,
  schema: resourceSliceSchema,
  inventory: {
    key: (slice) => slice.metadata.name,
    facts: (slice) => ({ name: slice.metadata.name, ...slice.spec }),
    field: 'resourceSlices',
  },
});
