/**
 * The one step from the facts the inventory keeps per object to a ClusterInventory: sorted lists, pods' requests
 * on their nodes and namespaces, plannable capacity and the warnings. The InventoryBuilder (one pass, pods summed
 * as they stream in) and the LiveInventory (objects added, replaced and removed) both end here, so their results
 * are the same value.
 */
import { addQuantities, quantityFromUnits, type Quantity } from '../quantity.js';
import { addInto, sortedNames, type ResourceList } from '../resources.js';
import type { AnyKind } from '../kinds/kind.js';
import type { NamespaceEntry } from '../kinds/namespace.js';
import type { KindRegistry } from '../kinds/registry.js';
import type { NodeFactsResult } from './node-facts.js';
import type { PodEntry } from '../kinds/pod.js';
import { readDraCapacity, type DraCapacityRead } from './dra/capacity.js';
import { chargedResourceOf, type ClaimOwnerPod } from './dra/claim-use.js';
import { isPlannable } from './node-facts.js';
import { aliasOf } from './same-devices.js';
import type { DeviceClassFacts, ResourceClaimFacts, ResourceSliceFacts } from './dra/types.js';
import type { ClusterInventory, NamespaceFacts, NodeFacts, ResourceListByFlavor } from './types.js';
import { UNKNOWN_MODEL } from './types.js';
import { compareKeys, compareText } from '../text-order.js';

/** Requests summed over pods, and how many; for queued pods, how many wait for each reason. */
export interface PodTotals {
  requests: ResourceList;
  pods: number;
  reasons?: Record<string, number>;
}

/** Adds one pod's requests to the totals under `key` (and, for a queued pod, its reason). */
export function foldPod(totals: Map<string, PodTotals>, key: string, requests: ResourceList, reason?: string): void {
  let entry = totals.get(key);
  if (entry === undefined) {
    entry = { requests: {}, pods: 0 };
    totals.set(key, entry);
  }
  addInto(entry.requests, requests);
  entry.pods += 1;
  if (reason !== undefined) {
    entry.reasons ??= {};
    entry.reasons[reason] = (entry.reasons[reason] ?? 0) + 1;
  }
}

export interface InventoryParts {
  kinds: KindRegistry;
  /** The facts of every kind but pods, by key. */
  facts(kind: AnyKind): ReadonlyMap<string, unknown>;
  /** Pods' quota requests per namespace, scheduler requests per node. */
  namespaceTotals: ReadonlyMap<string, PodTotals>;
  /** The quota requests of the pods not bound to a node yet, per namespace, with their reasons. */
  queuedTotals: ReadonlyMap<string, PodTotals>;
  nodeTotals: ReadonlyMap<string, PodTotals>;
  /** Warnings of the way the parts were gathered (a node listed twice), first in the inventory. */
  warnings: readonly string[];
  /** Per namespace, the ResourceClaims its non-terminal pods use (claimsInUse); none when absent. */
  claimsInUse?: ReadonlyMap<string, ClaimsInUse>;
}

/**
 * The ResourceClaims a namespace's pods use, by name, and those the scheduler made for their extended-resource
 * requests; and its pods that request an extended resource, by name (those whose own charge may cover a claim
 * the scheduler made for them: dra/claim-use.ts verifiedPodUsage).
 */
export interface ClaimsInUse {
  used: Set<string>;
  extended: Set<string>;
  extendedResourcePods: Map<string, ClaimOwnerPod>;
}

/**
 * Joins pods to ResourceClaims through the pods' status (`resourceClaimStatuses`, `extendedResourceClaimStatus`):
 * per namespace, the claims its non-terminal pods name. A claim generated from a ResourceClaimTemplate is named
 * there too (its generated name), so the join needs no template. `pods` are the entries by key (`namespace/name`).
 */
export function claimsInUse(pods: Iterable<readonly [string, PodEntry | null]>): Map<string, ClaimsInUse> {
  const out = new Map<string, ClaimsInUse>();
  for (const [key, pod] of pods) {
    if (pod === null || (pod.claims === undefined && pod.uid === undefined)) continue;
    let entry = out.get(pod.namespace);
    if (entry === undefined) out.set(pod.namespace, (entry = { used: new Set(), extended: new Set(), extendedResourcePods: new Map() }));
    for (const claim of pod.claims ?? []) entry.used.add(claim);
    if (pod.extendedResourceClaim !== undefined) entry.extended.add(pod.extendedResourceClaim);
    if (pod.uid !== undefined) {
      entry.extendedResourcePods.set(key.slice(pod.namespace.length + 1), { uid: pod.uid, extendedResourceClaim: pod.extendedResourceClaim ?? null, quota: pod.quota });
    }
  }
  return out;
}

export function assembleInventory(parts: InventoryParts): ClusterInventory {
  const { kinds, namespaceTotals, nodeTotals } = parts;
  const factsOf = <F>(kind: string): F[] => {
    const objectKind = kinds.byKind(kind);
    if (objectKind === undefined) return [];
    const facts = parts.facts(objectKind);
    return [...facts.keys()].sort(compareText).map((key) => facts.get(key) as F);
  };
  const warnings = [...parts.warnings];
  const nodeEntries = factsOf<NodeFactsResult>('Node');
  const known = new Set(nodeEntries.map((entry) => entry.facts.name));
  const nodes = nodeEntries.map(({ facts: n }) => {
    const totals = nodeTotals.get(n.name);
    return totals === undefined ? n : { ...n, requested: { ...totals.requests }, pods: totals.pods };
  });
  for (const entry of nodeEntries) warnings.push(...entry.warnings);
  for (const [nodeName, totals] of [...nodeTotals].sort(compareKeys)) {
    if (!known.has(nodeName)) warnings.push(`node ${nodeName}: ${totals.pods} pod(s) bound to a node not in the inventory`);
  }

  // Kinds whose facts are listed as they are, in registry order (resourceQuotas, limitRanges, profiles, ...).
  const listed: Record<string, unknown[]> = {};
  for (const kind of kinds.kinds) {
    const field = kind.inventory.field;
    if (field === undefined) continue;
    const facts = factsOf<unknown>(kind.kind);
    listed[field] = facts;
    if (kind.inventory.warnings !== undefined) for (const f of facts) warnings.push(...(kind.inventory.warnings(f) as string[]));
  }
  const dra = draCapacityOf({
    classes: (listed.deviceClasses ?? []) as DeviceClassFacts[],
    slices: (listed.resourceSlices ?? []) as ResourceSliceFacts[],
    claims: (listed.resourceClaims ?? []) as ResourceClaimFacts[],
    nodes,
    claimsInUse: parts.claimsInUse ?? new Map(),
  });
  if (dra !== undefined) warnings.push(...dra.warnings);

  const labels = new Map(factsOf<NamespaceEntry>('Namespace').map((ns) => [ns.name, ns.labels]));
  const claimUse = new Map((dra?.capacity.namespaces ?? []).map((use) => [use.namespace, use]));
  const namespaceNames = new Set([...labels.keys(), ...namespaceTotals.keys(), ...claimUse.keys()]);
  const namespaces: NamespaceFacts[] = [...namespaceNames].sort(compareText).map((name) => {
    const totals = namespaceTotals.get(name);
    const requests = withClaimCharges({ ...totals?.requests }, claimUse.get(name)?.quotaUsed);
    const facts: NamespaceFacts = { name, labels: labels.get(name) ?? {}, requests, pods: totals?.pods ?? 0 };
    const queued = parts.queuedTotals.get(name);
    if (queued !== undefined) {
      const reasons = Object.fromEntries(Object.entries(queued.reasons ?? {}).sort(compareKeys));
      facts.queued = { requests: sortedList(queued.requests), pods: queued.pods, reasons };
    }
    return facts;
  });

  const plannableNodes = nodes.filter(isPlannable);
  const plannable: ResourceList = {};
  for (const n of plannableNodes) addInto(plannable, n.allocatable);
  const plannableByFlavor = flavorsOf(plannableNodes, dra?.plannable ?? {});
  for (const [resource, byModel] of Object.entries(dra?.plannable ?? {})) {
    // DRA devices: under a class's extended resource name on nodes without a device plugin for it (KEP-5004), or
    // as `<class>.deviceclass.resource.k8s.io/devices` (dra/capacity.ts).
    const devices = Object.values(byModel).reduce((sum, n) => sum + n, 0);
    addInto(plannable, { [resource]: quantityFromUnits(BigInt(devices)) });
  }
  warnings.push(...mixedUnitWarnings(plannableNodes));
  warnings.push(...aliasWarnings(nodes));

  return {
    nodes,
    namespaces,
    ...(listed as Pick<
      ClusterInventory,
      | 'resourceQuotas'
      | 'limitRanges'
      | 'profiles'
      | 'deviceClasses'
      | 'resourceSlices'
      | 'resourceClaims'
      | 'kueueResourceFlavors'
      | 'kueueCohorts'
      | 'kueueClusterQueues'
      | 'kaiQueues'
      | 'volcanoQueues'
    >),
    ...(dra === undefined ? {} : { dra: dra.capacity }),
    plannable: sortedList(plannable),
    plannableByFlavor,
    warnings,
  };
}

/**
 * A namespace's pod requests plus what ResourceQuota charges its ResourceClaims, under the resource each quota key
 * counts (dra/claim-use.ts chargedResourceOf): what a quota on that resource sees as used.
 */
function withClaimCharges(requests: ResourceList, charges: ResourceList | undefined): ResourceList {
  if (charges === undefined) return requests;
  for (const [key, quantity] of Object.entries(charges)) {
    const resource = chargedResourceOf(key);
    if (resource !== null) addInto(requests, { [resource]: quantity });
  }
  return sortedList(requests);
}

/** DRA capacity and use when the cluster has a DeviceClass, ResourceSlice or ResourceClaim; undefined (left out) otherwise. */
function draCapacityOf(parts: {
  classes: DeviceClassFacts[];
  slices: ResourceSliceFacts[];
  claims: ResourceClaimFacts[];
  nodes: readonly NodeFacts[];
  claimsInUse: ReadonlyMap<string, ClaimsInUse>;
}): DraCapacityRead | undefined {
  const { classes, slices, claims, nodes } = parts;
  if (classes.length === 0 && slices.length === 0 && claims.length === 0) return undefined;
  return readDraCapacity({
    classes,
    slices,
    claims,
    claimsInUse: parts.claimsInUse,
    nodes: nodes.map((n) => ({
      name: n.name,
      labels: n.labels,
      plannable: isPlannable(n),
      serves: (resource: string) => (n.allocatable[resource]?.nanos ?? 0n) > 0n,
      accelerators: n.accelerators,
    })),
  });
}

/**
 * Accelerator allocatable of plannable nodes, per resource and per model, plus the plannable DRA devices
 * (resource -> model -> devices).
 */
function flavorsOf(nodes: NodeFacts[], draDevices: Record<string, Record<string, number>>): ResourceListByFlavor {
  const out: Record<string, Record<string, Quantity>> = {};
  for (const n of nodes) {
    for (const a of n.accelerators) {
      const model = a.model ?? UNKNOWN_MODEL;
      const byModel = (out[a.resource] ??= {});
      const existing = byModel[model];
      byModel[model] = existing === undefined ? a.allocatable : addQuantities(existing, a.allocatable);
    }
  }
  for (const [resource, byModel] of Object.entries(draDevices)) {
    for (const [model, devices] of Object.entries(byModel)) {
      const target = (out[resource] ??= {});
      const existing = target[model];
      target[model] = existing === undefined ? quantityFromUnits(BigInt(devices)) : addQuantities(existing, quantityFromUnits(BigInt(devices)));
    }
  }
  const sorted: ResourceListByFlavor = {};
  for (const resource of Object.keys(out).sort(compareText)) sorted[resource] = sortedList(out[resource] ?? {});
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
  return [...nodesWith].sort(compareKeys).map(([alias, count]) => {
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
  for (const [resource, set] of [...units].sort(compareKeys)) {
    if (set.size > 1) {
      out.push(`${resource}: one unit is worth different fractions of a GPU on different nodes (${[...set].sort().join(', ')}); a quota on it counts units, not GPUs`);
    }
  }
  return out;
}

function sortedList(list: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const name of sortedNames(list)) out[name] = list[name] as Quantity;
  return out;
}

