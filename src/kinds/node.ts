/** Node (v1, cluster-scoped): capacity, allocatable, state and accelerators (inventory/node-facts.ts). */
import { nodeFacts, type NodeFactsResult } from '../inventory/node-facts.js';
import { nodeSchema, type NodeObject } from '../inventory/objects.js';
import { objectKind } from './kind.js';

export const nodeKind = objectKind<NodeObject, NodeFactsResult>({
  kind: 'Node',
  list: { apiVersion: 'v1', group: '', resource: 'nodes', namespaced: false },
  protobuf: { file: 'core', package: 'k8s.io.api.core.v1' },
  schema: nodeSchema,
  inventory: { key: (node) => node.metadata.name, facts: nodeFacts },
});
