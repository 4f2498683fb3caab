/**
 * Small builders for emit tests: an inventory with only what emitting reads, and plans in the planner's shape
 * (`{ cycle, allocations: [{ team, resource, flavor?, quota }], warnings }`).
 */
import { parseQuantity } from '../../../src/quantity.js';
import { parseResourceList, type ResourceList } from '../../../src/resources.js';
import type {
  ClusterInventory,
  LimitRangeFacts,
  NamespaceFacts,
  NodeFacts,
  ProfileFacts,
  ResourceQuotaFacts,
} from '../../../src/inventory/types.js';
import type { PlanAllocationInput, PlanInput } from '../../../src/emit/changes.js';

export function list(raw: Record<string, string>): ResourceList {
  return parseResourceList(raw);
}

export function namespace(name: string, requests: Record<string, string> = {}, labels: Record<string, string> = {}): NamespaceFacts {
  return { name, labels, requests: list(requests), pods: 0 };
}

export function quota(ns: string, name: string, hard: Record<string, string>, scopes: string[] = []): ResourceQuotaFacts {
  return { namespace: ns, name, hard: list(hard), statusHard: list(hard), used: {}, scopes, scopeSelector: [] };
}

export function profile(name: string, hard: Record<string, string>, labels: Record<string, string> = {}): ProfileFacts {
  return { name, namespace: name, owner: { kind: 'User', name: `${name}@example.com` }, hard: list(hard), labels };
}

export function limitRange(ns: string, name: string, defaultRequest: Record<string, string>): LimitRangeFacts {
  return {
    namespace: ns,
    name,
    limits: [{ type: 'Container', max: {}, min: {}, default: {}, defaultRequest: list(defaultRequest), maxLimitRequestRatio: {} }],
  };
}

export function inventory(parts: {
  nodes?: NodeFacts[];
  namespaces?: NamespaceFacts[];
  quotas?: ResourceQuotaFacts[];
  profiles?: ProfileFacts[];
  limitRanges?: LimitRangeFacts[];
}): ClusterInventory {
  return {
    nodes: parts.nodes ?? [],
    namespaces: parts.namespaces ?? [],
    resourceQuotas: parts.quotas ?? [],
    limitRanges: parts.limitRanges ?? [],
    profiles: parts.profiles ?? [],
    plannable: {},
    plannableByFlavor: {},
    warnings: [],
  };
}

/** `allocation('platform/fraud', 'nvidia.com/gpu', '12')`, optionally with a flavor (GPU model). */
export function allocation(team: string, resource: string, quota: string, flavor?: string): PlanAllocationInput {
  return { team, resource, quota: parseQuantity(quota), ...(flavor === undefined ? {} : { flavor }) };
}

export function plan(allocations: PlanAllocationInput[], warnings: string[] = [], cycle = '2026-Q4'): PlanInput {
  return { cycle, allocations, warnings };
}

/** A node with only what the Kueue output reads: its labels and its main accelerator model. */
export function node(name: string, model: string | null, labels: Record<string, string> = {}): NodeFacts {
  return {
    name,
    labels,
    pool: null,
    model,
    ready: true,
    schedulable: true,
    taints: [],
    transitional: false,
    transitionalReasons: [],
    physicalAccelerators: 0,
    accelerators: [],
    capacity: {},
    allocatable: {},
    requested: {},
    unhealthy: {},
    staleZeroResources: [],
    pods: 0,
  };
}
