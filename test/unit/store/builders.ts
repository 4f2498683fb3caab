/** Small inventories for store tests: every number is visible in the test that uses it. */
import type { ClusterInventory, NamespaceFacts, NodeFacts, ResourceQuotaFacts } from '../../../src/inventory/types.js';
import { parseResourceList, type ResourceList } from '../../../src/resources.js';

export function list(raw: Record<string, string>): ResourceList {
  return parseResourceList(raw);
}

export function node(name: string, options: { allocatable?: Record<string, string>; requested?: Record<string, string>; pods?: number; labels?: Record<string, string> } = {}): NodeFacts {
  const allocatable = list(options.allocatable ?? { cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '8' });
  return {
    name,
    labels: options.labels ?? { 'kubernetes.io/hostname': name },
    pool: 'gpu',
    model: 'NVIDIA-H100-80GB-HBM3',
    ready: true,
    schedulable: true,
    taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
    transitional: false,
    transitionalReasons: [],
    physicalAccelerators: 8,
    accelerators: [],
    capacity: allocatable,
    allocatable,
    requested: list(options.requested ?? {}),
    unhealthy: {},
    staleZeroResources: [],
    pods: options.pods ?? 0,
  };
}

export function namespace(name: string, requests: Record<string, string>, pods: number, labels: Record<string, string> = {}): NamespaceFacts {
  return { name, labels, requests: list(requests), pods };
}

export function quota(namespaceName: string, name: string, hard: Record<string, string>, used: Record<string, string>): ResourceQuotaFacts {
  return { namespace: namespaceName, name, hard: list(hard), statusHard: list(hard), used: list(used), scopes: [], scopeSelector: [] };
}

export function inventory(parts: Partial<ClusterInventory> = {}): ClusterInventory {
  const nodes = parts.nodes ?? [];
  return {
    nodes,
    namespaces: parts.namespaces ?? [],
    resourceQuotas: parts.resourceQuotas ?? [],
    limitRanges: parts.limitRanges ?? [],
    profiles: parts.profiles ?? [],
    plannable: parts.plannable ?? {},
    plannableByFlavor: parts.plannableByFlavor ?? {},
    warnings: parts.warnings ?? [],
  };
}

export const at = (iso: string): Date => new Date(iso);
