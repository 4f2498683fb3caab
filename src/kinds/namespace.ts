/** Namespace (v1, cluster-scoped): its labels; the pods in it are summed into it. */
import { namespaceSchema, type NamespaceObject } from '../inventory/objects.js';
import { objectKind } from './kind.js';

export interface NamespaceEntry {
  name: string;
  labels: Record<string, string>;
}

export const namespaceKind = objectKind<NamespaceObject, NamespaceEntry>({
  kind: 'Namespace',
  list: { apiVersion: 'v1', group: '', resource: 'namespaces', namespaced: false },
  protobuf: { file: 'core', package: 'k8s.io.api.core.v1' },
  schema: namespaceSchema,
  inventory: {
    key: (namespace) => namespace.metadata.name,
    facts: (namespace) => ({ name: namespace.metadata.name, labels: namespace.metadata.labels }),
  },
});
