/**
 * What ResourceClaims use per namespace, two ways:
 *
 * - `quotaUsed`: what Kubernetes' ResourceQuota charges for them (k8s.io/kubernetes
 *   pkg/quota/v1/evaluator/core/resource_claims.go, Usage). The charge comes from the claim's spec, allocated or
 *   not: `count/resourceclaims.resource.k8s.io` 1 per claim; per request `<class>.deviceclass.resource.k8s.io/devices`
 *   its count in ExactCount mode and 32 in All mode (AllocationResultsMaxSize, "worst case"), for `firstAvailable`
 *   the largest alternative per class; with DRAExtendedResource (beta, on in 1.36) the same amounts again as
 *   `requests.deviceclass.resource.kubernetes.io/<class>` and, for a class with an extendedResourceName,
 *   `requests.<extendedResourceName>`, each only when above zero. A claim the scheduler made for a pod's
 *   extended-resource request is charged under those two keys only beyond what its pod is charged under them
 *   (addExtendedResourceQuota), and only when the pod is verified (getVerifiedPodUsage, verifiedPodUsage below);
 *   otherwise in full. Admin access is charged like any request.
 * - `allocated`: the devices the scheduler allocated (`status.allocation.devices.results`) per class, without
 *   admin-access results (those do not take the device from anyone: DRAAdminAccess).
 */
import { quantityFromNanos, quantityFromUnits, type Quantity } from '../../quantity.js';
import { addInto, type ResourceList } from '../../resources.js';
import { compareText } from '../../text-order.js';
import type { DeviceClassFacts, DraNamespaceUse, ExactDeviceRequestFacts, ResourceClaimFacts } from './types.js';

/** resourceapi.AllocationResultsMaxSize: what an `All`-mode request is charged. */
export const ALL_MODE_CHARGE = 32;

const CLAIM_COUNT_KEY = 'count/resourceclaims.resource.k8s.io';

/** `<class>.deviceclass.resource.k8s.io/devices` (corev1.ResourceClaimsPerClass). */
export function classDevicesKey(className: string): string {
  return `${className}.deviceclass.resource.k8s.io/devices`;
}

/** `requests.deviceclass.resource.kubernetes.io/<class>` (corev1.ResourceImplicitExtendedClaimsPerClass). */
export function implicitExtendedKey(className: string): string {
  return `requests.deviceclass.resource.kubernetes.io/${className}`;
}

/**
 * The resource a claim's quota key counts, as a namespace's requests name it: `<class>.deviceclass.resource.k8s.io/devices`
 * itself, `requests.<extendedResourceName>` -> `<extendedResourceName>`; null for the claim count and the implicit
 * `requests.deviceclass.resource.kubernetes.io/<class>` (no plan names them).
 */
export function chargedResourceOf(key: string): string | null {
  if (key.endsWith('.deviceclass.resource.k8s.io/devices')) return key;
  if (key.startsWith('requests.deviceclass.resource.kubernetes.io/')) return null;
  if (key.startsWith('requests.')) return key.slice('requests.'.length);
  return null;
}

function devicesCharged(request: ExactDeviceRequestFacts): number {
  return request.allocationMode === 'All' ? ALL_MODE_CHARGE : request.count;
}

/** Devices charged per class for one claim (resource_claims.go Usage, the requests loop). */
export function chargedDevicesByClass(claim: ResourceClaimFacts): Map<string, number> {
  const out = new Map<string, number>();
  const add = (className: string, n: number): void => {
    out.set(className, (out.get(className) ?? 0) + n);
  };
  for (const request of claim.requests) {
    if (request.firstAvailable.length > 0) {
      const most = new Map<string, number>();
      for (const sub of request.firstAvailable) most.set(sub.deviceClassName, Math.max(most.get(sub.deviceClassName) ?? 0, devicesCharged(sub)));
      for (const [className, n] of most) add(className, n);
    } else if (request.exactly !== null) {
      add(request.exactly.deviceClassName, devicesCharged(request.exactly));
    }
  }
  return out;
}

/** What quotaplan knows of a pod that requests an extended resource (kinds/pod.ts PodEntry): enough to verify it. */
export interface ClaimOwnerPod {
  uid: string;
  /** Its status.extendedResourceClaimStatus.resourceClaimName; null when it names none. */
  extendedResourceClaim: string | null;
  /** What ResourceQuota charges for it, by resource (`nvidia.com/gpu`, not `requests.nvidia.com/gpu`). */
  quota: ResourceList;
}

/** A creation time as Go compares it; an absent one is Go's zero time, earlier than any other. */
function createdAtMillis(createdAt: string | null): number {
  return createdAt === null ? Number.NEGATIVE_INFINITY : Date.parse(createdAt);
}

/**
 * The quota usage of the pod a claim was made for, when Kubernetes lets it cover the claim (resource_claims.go
 * getVerifiedPodUsage, v1.36.3); null otherwise. The claim must carry the annotation and a controller reference to
 * a v1 Pod (`extendedResourceClaimOf`); that pod must exist (non-terminal: a terminal pod is charged nothing, so it
 * covers nothing either) with the uid the reference names; and its `extendedResourceClaimStatus` must name this
 * claim, or, while it names none, no other claim the scheduler made for that pod uid may be older (same creation
 * time: a smaller name). `claims` are the claims of the claim's namespace; `pods` that namespace's pods that
 * request an extended resource, by name (a pod that requests none is charged nothing under the claim's keys, so
 * whether it is verified makes no difference). One difference stays: quota ignores a pod stuck terminating past
 * its grace period (QuotaV1Pod), which quotaplan counts (docs/inventory.md, Pods).
 */
export function verifiedPodUsage(claim: ResourceClaimFacts, claims: readonly ResourceClaimFacts[], pods: ReadonlyMap<string, ClaimOwnerPod>): ResourceList | null {
  const owner = claim.extendedResourceClaimOwner;
  if (claim.extendedResourceClaimOf === null || owner === null) return null;
  const pod = pods.get(claim.extendedResourceClaimOf);
  if (pod === undefined || pod.uid !== owner.uid) return null;
  if (pod.extendedResourceClaim !== null) return pod.extendedResourceClaim === claim.name ? pod.quota : null;
  const created = createdAtMillis(owner.createdAt);
  for (const other of claims) {
    // The evaluator's index: claims with the annotation and a controller reference to a v1 Pod, by that pod's uid.
    if (other.namespace !== claim.namespace || other.extendedResourceClaimOf === null || other.extendedResourceClaimOwner?.uid !== pod.uid) continue;
    const otherCreated = createdAtMillis(other.extendedResourceClaimOwner.createdAt);
    if (otherCreated < created || (otherCreated === created && compareText(other.name, claim.name) < 0)) return null;
  }
  return pod.quota;
}

/**
 * What ResourceQuota charges for one claim; `extendedResourceOf` names a class's extendedResourceName, `podUsage`
 * is its verified pod's charge (verifiedPodUsage; null when none), subtracted from the claim's charge under the
 * implicit and extended-resource keys (addExtendedResourceQuota), what is left charged only when above zero.
 */
export function claimQuotaCharge(claim: ResourceClaimFacts, extendedResourceOf: (className: string) => string | null, podUsage: ResourceList | null = null): ResourceList {
  const charge: ResourceList = { [CLAIM_COUNT_KEY]: quantityFromUnits(1n) };
  const add = (key: string, n: number): void => {
    addInto(charge, { [key]: quantityFromUnits(BigInt(n)) });
  };
  /** `requests.<resource>`: the claim's n less the pod's request of `<resource>`, when above zero. */
  const addBeyondPod = (resource: string, n: number): void => {
    const left = BigInt(n) * NANOS_PER_DEVICE - (podUsage?.[resource]?.nanos ?? 0n);
    if (left > 0n) addInto(charge, { [`requests.${resource}`]: quantityFromNanos(left) });
  };
  for (const [className, n] of chargedDevicesByClass(claim)) {
    add(classDevicesKey(className), n);
    addBeyondPod(implicitExtendedKey(className).slice('requests.'.length), n);
    const extended = extendedResourceOf(className);
    if (extended !== null) addBeyondPod(extended, n);
  }
  return charge;
}

const NANOS_PER_DEVICE = 1_000_000_000n;

/**
 * The ResourceQuota key that limits a class's devices as quotaplan plans them: `requests.<extendedResourceName>`
 * where it has one (it counts device-plugin and DRA devices alike), else `<class>.deviceclass.resource.k8s.io/devices`.
 */
export function draQuotaKey(deviceClass: { name: string; extendedResourceName: string | null }): string {
  return deviceClass.extendedResourceName === null ? classDevicesKey(deviceClass.name) : `requests.${deviceClass.extendedResourceName}`;
}

/** The class of an allocation result's request (`<request>` or `<request>/<subrequest>`); null when the spec has none. */
export function classOfResult(claim: ResourceClaimFacts, requestName: string): string | null {
  const [name, sub] = requestName.split('/');
  const request = claim.requests.find((r) => r.name === name);
  if (request === undefined) return null;
  if (sub === undefined) return request.exactly?.deviceClassName ?? null;
  return request.firstAvailable.find((s) => s.name === sub)?.deviceClassName ?? null;
}

/** Devices allocated per class (admin access left out). */
export function allocatedDevicesByClass(claim: ResourceClaimFacts): Map<string, number> {
  const out = new Map<string, number>();
  for (const result of claim.allocation?.devices ?? []) {
    if (result.adminAccess) continue;
    const className = classOfResult(claim, result.request);
    if (className !== null) out.set(className, (out.get(className) ?? 0) + 1);
  }
  return out;
}

/** Per namespace, what its pods tell of claims (assemble.ts claimsInUse). */
export interface ClaimsOfPods {
  /** Claims its pods name in their status. */
  used: ReadonlySet<string>;
  /** Claims its pods name as their extendedResourceClaimStatus. */
  extended: ReadonlySet<string>;
  /** Its pods that request an extended resource, by name; absent: none known. */
  extendedResourcePods?: ReadonlyMap<string, ClaimOwnerPod>;
}

/** Per namespace (sorted), the quota charge and allocated devices of its ResourceClaims. */
export function claimUseByNamespace(
  claims: readonly ResourceClaimFacts[],
  classes: readonly DeviceClassFacts[],
  inUse: ReadonlyMap<string, ClaimsOfPods> = new Map(),
): DraNamespaceUse[] {
  const extendedOf = new Map(classes.map((c) => [c.name, c.extendedResourceName]));
  interface Entry {
    claims: number;
    quotaUsed: ResourceList;
    allocated: Map<string, number>;
    inUse: Map<string, number>;
    inUseByExtendedResourceRequests: Map<string, number>;
  }
  const byNamespace = new Map<string, Entry>();
  const add = (counts: Map<string, number>, className: string, n: number): void => {
    counts.set(className, (counts.get(className) ?? 0) + n);
  };
  const noPods: ReadonlyMap<string, ClaimOwnerPod> = new Map();
  for (const claim of claims) {
    let entry = byNamespace.get(claim.namespace);
    if (entry === undefined) {
      byNamespace.set(claim.namespace, (entry = { claims: 0, quotaUsed: {}, allocated: new Map(), inUse: new Map(), inUseByExtendedResourceRequests: new Map() }));
    }
    entry.claims += 1;
    const pods = inUse.get(claim.namespace);
    const podUsage = claim.extendedResourceClaimOf === null ? null : verifiedPodUsage(claim, claims, pods?.extendedResourcePods ?? noPods);
    addInto(entry.quotaUsed, claimQuotaCharge(claim, (name) => extendedOf.get(name) ?? null, podUsage));
    for (const [className, n] of allocatedDevicesByClass(claim)) {
      add(entry.allocated, className, n);
      if (pods?.used.has(claim.name) === true) add(entry.inUse, className, n);
      if (pods?.extended.has(claim.name) === true) add(entry.inUseByExtendedResourceRequests, className, n);
    }
  }
  return [...byNamespace.keys()].sort(compareText).map((namespace) => {
    const entry = byNamespace.get(namespace) as Entry;
    return {
      namespace,
      claims: entry.claims,
      quotaUsed: sortedList(entry.quotaUsed),
      allocated: sortedCounts(entry.allocated),
      inUse: sortedCounts(entry.inUse),
      inUseByExtendedResourceRequests: sortedCounts(entry.inUseByExtendedResourceRequests),
    };
  });
}

function sortedList(list: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const name of Object.keys(list).sort(compareText)) out[name] = list[name] as Quantity;
  return out;
}

function sortedCounts(counts: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of [...counts.keys()].sort(compareText)) out[name] = counts.get(name) as number;
  return out;
}
