/**
 * DeviceClass (resource.k8s.io/v1, cluster-scoped): the CEL selectors that say which devices belong to it, and
 * its extendedResourceName. JSON only: quotaplan's .proto files hold no resource.k8s.io messages. Optional: an API
 * server before Kubernetes 1.34 serves no resource.k8s.io/v1 (its LIST answers 404).
 */
import { deviceClassSchema, type DeviceClassObject } from '../inventory/dra/objects.js';
import type { DeviceClassFacts } from '../inventory/dra/types.js';
import { objectKind } from './kind.js';

export const deviceClassKind = objectKind<DeviceClassObject, DeviceClassFacts>({
  kind: 'DeviceClass',
  list: { apiVersion: 'resource.k8s.io/v1', group: 'resource.k8s.io', resource: 'deviceclasses', namespaced: false, optional: true },
  protobuf: null,
  schema: deviceClassSchema,
  inventory: {
    key: (deviceClass) => deviceClass.metadata.name,
    facts: (deviceClass) => ({ name: deviceClass.metadata.name, ...deviceClass.spec }),
    field: 'deviceClasses',
  },
});
