/**
 * Kueue ResourceFlavor (kueue.x-k8s.io/v1beta2, cluster-scoped): the node labels that make a flavor (a GPU model).
 * A custom resource: JSON only, optional (no Kueue CRD: its LIST answers 404).
 */
import { resourceFlavorSchema, type ResourceFlavorObject } from '../inventory/schedulers/objects.js';
import type { ResourceFlavorFacts } from '../inventory/schedulers/types.js';
import { objectKind } from './kind.js';

export const kueueResourceFlavorKind = objectKind<ResourceFlavorObject, ResourceFlavorFacts>({
  kind: 'ResourceFlavor',
  list: { apiVersion: 'kueue.x-k8s.io/v1beta2', group: 'kueue.x-k8s.io', resource: 'resourceflavors', namespaced: false, optional: true },
  protobuf: null,
  schema: resourceFlavorSchema,
  inventory: {
    key: (flavor) => flavor.metadata.name,
    facts: (flavor) => ({ name: flavor.metadata.name, nodeLabels: flavor.spec.nodeLabels }),
    field: 'kueueResourceFlavors',
  },
});
