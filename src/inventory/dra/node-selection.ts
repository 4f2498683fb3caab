/**
 * Which nodes a DRA device can be used from. A ResourceSlice says it once for all its devices (`nodeName`,
 * `nodeSelector`, `allNodes`) or leaves it to each device (`perDeviceNodeSelection`: the device's own
 * `nodeName`, `nodeSelector` or `allNodes`); k8s.io/api resource/v1 types.go. A node selector matches as the
 * scheduler matches one (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): any term, all of a term's
 * requirements; an empty term matches nothing; `matchFields` knows only `metadata.name`.
 */
import type { DeviceFacts, NodeSelector, NodeSelectorRequirement, ResourceSliceFacts } from './types.js';

export interface NodeLabels {
  name: string;
  labels: Record<string, string>;
}

/** Where a device is available: node names, or every node. */
export type Reach = { nodes: string[] } | { selector: NodeSelector } | 'all-nodes';

export function reachOf(slice: ResourceSliceFacts, device: DeviceFacts): Reach {
  const source = slice.perDeviceNodeSelection ? device : slice;
  if (source.nodeName !== null) return { nodes: [source.nodeName] };
  if (source.nodeSelector !== null) return { selector: source.nodeSelector };
  if (source.allNodes) return 'all-nodes';
  return { nodes: [] };
}

/** The names of the nodes (of `nodes`) a device is available on, in the order of `nodes`. */
export function reachableNodes(reach: Reach, nodes: readonly NodeLabels[]): string[] {
  if (reach === 'all-nodes') return nodes.map((n) => n.name);
  if ('nodes' in reach) return reach.nodes;
  return nodes.filter((n) => nodeSelectorMatches(reach.selector, n)).map((n) => n.name);
}

export function nodeSelectorMatches(selector: NodeSelector, node: NodeLabels): boolean {
  return selector.nodeSelectorTerms.some((term) => {
    if (term.matchExpressions.length === 0 && term.matchFields.length === 0) return false;
    return term.matchExpressions.every((r) => labelMatches(r, node.labels)) && term.matchFields.every((r) => fieldMatches(r, node.name));
  });
}

function labelMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const value = Object.hasOwn(labels, r.key) ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values.includes(value);
    case 'NotIn':
      return value === undefined || !r.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      // Both sides parsed as integers (strconv.ParseInt); anything else does not match.
      const [bound] = r.values;
      if (value === undefined || bound === undefined || r.values.length !== 1) return false;
      const a = integer(value);
      const b = integer(bound);
      if (a === null || b === null) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

function fieldMatches(r: NodeSelectorRequirement, name: string): boolean {
  if (r.key !== 'metadata.name') return false;
  if (r.operator === 'In') return r.values.includes(name);
  if (r.operator === 'NotIn') return !r.values.includes(name);
  return false;
}

function integer(text: string): bigint | null {
  return /^[+-]?\d+$/.test(text) ? BigInt(text) : null;
}
