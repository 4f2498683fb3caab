/**
 * Folds cluster objects into a ClusterInventory. Pods are reduced to their effective request the moment they
 * arrive and nothing else of them is kept, so a collector can stream 150,000 pods through it.
 */
import { addQuantities, type Quantity } from '../quantity.js';
import { addInto, sortedNames, type ResourceList } from '../resources.js';
import { isAcceleratorResource } from './accelerators.js';
import { aliasOf } from './same-devices.js';
import { isPlannable, nodeFacts } from './node-facts.js';
import type { KubeObject, LimitRangeObject, NamespaceObject, NodeObject, PodObject, ProfileObject, ResourceQuotaObject } from './objects.js';
import { effectivePodRequests, TERMINAL_PHASES } from './pod-requests.js';
import type {
  ClusterInventory,
  LimitRangeFacts,
  NamespaceFacts,
  NodeFacts,
  ProfileFacts,
  ResourceListByFlavor,
  ResourceQuotaFacts,
} from './types.js';
import { UNKNOWN_MODEL } from './types.js';

interface PodTotals {
  requests: ResourceList;
  pods: number;
}

export class InventoryBuilder {
  private readonly nodes = new Map<string, NodeFacts>();
  private readonly nodeWarnings = new Map<string, string[]>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly namespaceTotals = new Map<string, PodTotals>();
  private readonly nodeTotals = new Map<string, PodTotals>();
  private readonly quotas = new Map<string, ResourceQuotaFacts>();
  private readonly limitRanges = new Map<string, LimitRangeFacts>();
  private readonly profiles = new Map<string, ProfileFacts>();
  private readonly warnings: string[] = [];

  /** Adds any object quotaplan reads, by kind. */
  add(object: KubeObject): void {
    switch (object.kind) {
      case 'Node':
        return this.addNode(object);
      case 'Namespace':
        return this.addNamespace(object);
      case 'Pod':
        return this.addPod(object);
      case 'ResourceQuota':
        return this.addResourceQuota(object);
      case 'LimitRange':
        return this.addLimitRange(object);
      case 'Profile':
        return this.addProfile(object);
    }
  }

  addNode(node: NodeObject): void {
    const { facts, warnings } = nodeFacts(node);
    if (this.nodes.has(facts.name)) this.warnings.push(`node ${facts.name}: listed twice; the last one is kept`);
    this.nodes.set(facts.name, facts);
    this.nodeWarnings.set(facts.name, warnings);
  }

  addNamespace(namespace: NamespaceObject): void {
    this.namespaceLabels.set(namespace.metadata.name, namespace.metadata.labels);
  }

  /**
   * Adds a pod's effective request to its namespace (what quota charges) and, when bound, to its node (what the
   * scheduler counts; they differ only during a pod-level in-place resize). Terminal pods are ignored.
   */
  addPod(pod: PodObject): void {
    if (pod.status.phase !== undefined && TERMINAL_PHASES.has(pod.status.phase)) return;
    const requests = effectivePodRequests(pod);
    fold(this.namespaceTotals, pod.metadata.namespace, requests.quota);
    const nodeName = pod.spec.nodeName;
    if (nodeName !== undefined && nodeName !== '') fold(this.nodeTotals, nodeName, requests.scheduler);
  }

  addResourceQuota(quota: ResourceQuotaObject): void {
    const { namespace, name } = quota.metadata;
    this.quotas.set(`${namespace}/${name}`, {
      namespace,
      name,
      hard: quota.spec.hard,
      statusHard: quota.status.hard,
      used: quota.status.used,
      scopes: [...quota.spec.scopes],
      scopeSelector: quota.spec.scopeSelector.matchExpressions.map((e) =>
        e.values === undefined ? { scopeName: e.scopeName, operator: e.operator } : { scopeName: e.scopeName, operator: e.operator, values: [...e.values] },
      ),
    });
  }

  addLimitRange(limitRange: LimitRangeObject): void {
    const { namespace, name } = limitRange.metadata;
    this.limitRanges.set(`${namespace}/${name}`, {
      namespace,
      name,
      limits: limitRange.spec.limits.map((l) => ({
        type: l.type,
        max: l.max,
        min: l.min,
        default: l.default,
        defaultRequest: l.defaultRequest,
        maxLimitRequestRatio: l.maxLimitRequestRatio,
      })),
    });
  }

  addProfile(profile: ProfileObject): void {
    const name = profile.metadata.name;
    this.profiles.set(name, {
      name,
      namespace: name,
      owner: profile.spec.owner,
      hard: profile.spec.resourceQuotaSpec.hard,
      labels: profile.metadata.labels,
    });
  }

  build(): ClusterInventory {
    const warnings = [...this.warnings];
    const nodes = [...this.nodes.values()].sort(byName).map((n) => {
      const totals = this.nodeTotals.get(n.name);
      return totals === undefined ? n : { ...n, requested: { ...totals.requests }, pods: totals.pods };
    });
    for (const n of nodes) warnings.push(...(this.nodeWarnings.get(n.name) ?? []));
    for (const [nodeName, totals] of [...this.nodeTotals].sort(([a], [b]) => compare(a, b))) {
      if (!this.nodes.has(nodeName)) warnings.push(`node ${nodeName}: ${totals.pods} pod(s) bound to a node not in the inventory`);
    }

    const namespaceNames = new Set([...this.namespaceLabels.keys(), ...this.namespaceTotals.keys()]);
    const namespaces: NamespaceFacts[] = [...namespaceNames].sort(compare).map((name) => {
      const totals = this.namespaceTotals.get(name);
      return { name, labels: this.namespaceLabels.get(name) ?? {}, requests: { ...totals?.requests }, pods: totals?.pods ?? 0 };
    });

    const resourceQuotas = [...this.quotas.values()].sort(byNamespaceThenName);
    for (const q of resourceQuotas) warnings.push(...quotaWarnings(q));
    const limitRanges = [...this.limitRanges.values()].sort(byNamespaceThenName);
    const profiles = [...this.profiles.values()].sort(byName);

    const plannableNodes = nodes.filter(isPlannable);
    const plannable: ResourceList = {};
    for (const n of plannableNodes) addInto(plannable, n.allocatable);
    const plannableByFlavor = flavorsOf(plannableNodes);
    warnings.push(...mixedUnitWarnings(plannableNodes));
    warnings.push(...aliasWarnings(nodes));

    return {
      nodes,
      namespaces,
      resourceQuotas,
      limitRanges,
      profiles,
      plannable: sortedList(plannable),
      plannableByFlavor,
      warnings,
    };
  }
}

function fold(totals: Map<string, PodTotals>, key: string, requests: ResourceList): void {
  let entry = totals.get(key);
  if (entry === undefined) {
    entry = { requests: {}, pods: 0 };
    totals.set(key, entry);
  }
  addInto(entry.requests, requests);
  entry.pods += 1;
}

/** Accelerator allocatable of plannable nodes, per resource and per model. */
function flavorsOf(nodes: NodeFacts[]): ResourceListByFlavor {
  const out: Record<string, Record<string, Quantity>> = {};
  for (const n of nodes) {
    for (const a of n.accelerators) {
      const model = a.model ?? UNKNOWN_MODEL;
      const byModel = (out[a.resource] ??= {});
      const existing = byModel[model];
      byModel[model] = existing === undefined ? a.allocatable : addQuantities(existing, a.allocatable);
    }
  }
  const sorted: ResourceListByFlavor = {};
  for (const resource of Object.keys(out).sort(compare)) sorted[resource] = sortedList(out[resource] ?? {});
  return sorted;
}

/** Nodes that advertise a device resource under two names (the Neuron device plugin up to 2.19): counted once. */
function aliasWarnings(nodes: NodeFacts[]): string[] {
  const nodesWith = new Map<string, number>();
  for (const n of nodes) {
    for (const a of n.accelerators) {
      const name = aliasOf(a.resource);
      if (name !== null && n.accelerators.some((other) => other.resource === name)) nodesWith.set(a.resource, (nodesWith.get(a.resource) ?? 0) + 1);
    }
  }
  return [...nodesWith].sort(([a], [b]) => compare(a, b)).map(([alias, count]) => {
    const name = aliasOf(alias) as string;
    return (
      `${alias} is another name for ${name} on ${count} node(s) (the Neuron device plugin advertised both up to Neuron 2.19): ` +
      `their devices are counted once; plan and quota ${name}`
    );
  });
}

/** One resource name counting different things (whole GPUs and time-sliced replicas) cannot be one quota. */
function mixedUnitWarnings(nodes: NodeFacts[]): string[] {
  const units = new Map<string, Set<string>>();
  for (const n of nodes) {
    for (const a of n.accelerators) {
      let seen = units.get(a.resource);
      if (seen === undefined) {
        seen = new Set();
        units.set(a.resource, seen);
      }
      seen.add(`${a.gpuEquivalent.numerator}/${a.gpuEquivalent.denominator}`);
    }
  }
  const out: string[] = [];
  for (const [resource, set] of [...units].sort(([a], [b]) => compare(a, b))) {
    if (set.size > 1) {
      out.push(`${resource}: one unit is worth different fractions of a GPU on different nodes (${[...set].sort().join(', ')}); a quota on it counts units, not GPUs`);
    }
  }
  return out;
}

/** Extended resources are enforced only as `requests.<name>` (kubernetes pkg/quota/v1/evaluator/core/pods.go). */
function quotaWarnings(q: ResourceQuotaFacts): string[] {
  const out: string[] = [];
  const where = `resourcequota ${q.namespace}/${q.name}`;
  for (const name of sortedNames(q.hard)) {
    if (name.startsWith('requests.')) continue;
    const resource = name.startsWith('limits.') ? name.slice('limits.'.length) : name;
    if (isAcceleratorResource(resource)) {
      out.push(`${where}: ${name} is accepted by the API but never enforced for extended resources; use requests.${resource}`);
    }
  }
  if (!sameValues(q.hard, q.statusHard)) {
    out.push(`${where}: status.hard differs from spec.hard; admission enforces status.hard (is the resourcequota controller running?)`);
  }
  return out;
}

/** The same names with the same values (compared as quantities, not strings). */
function sameValues(a: ResourceList, b: ResourceList): boolean {
  const names = sortedNames(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => b[name] !== undefined && b[name].nanos === a[name]?.nanos);
}

function sortedList(list: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const name of sortedNames(list)) out[name] = list[name] as Quantity;
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: { name: string }, b: { name: string }): number {
  return compare(a.name, b.name);
}

function byNamespaceThenName(a: { namespace: string; name: string }, b: { namespace: string; name: string }): number {
  return compare(a.namespace, b.namespace) || compare(a.name, b.name);
}

