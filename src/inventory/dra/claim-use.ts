/**
 * What ResourceClaims use per namespace, two ways:
 *
 * - `quotaUsed`: what Kubernetes' ResourceQuota charges for them (k8s.io/kubernetes
 *   pkg/quota/v1/evaluator/core/resource_claims.go, Usage). The charge comes from the claim's spec, allocated or
 *   not: `count/resourceclaims.resource.k8s.io` 1 per claim; per request `<class>.deviceclass.resource.k8s.io/devices`
 *   its count in ExactCount mode and 32 in All mode (AllocationResultsMaxSize, "worst case"), for `firstAvailable`
 *   the largest alternative per class; with DRAExtendedResource (beta, on in 1.36) the same amounts again as
 *   `requests.deviceclass.resource.kubernetes.io/<class>` and, for a class with an extendedResourceName,
 *   `requests.<extendedResourceName>`. A claim the scheduler made for a pod's extended-resource request is
 *   charged only beyond what the pod itself is charged (addExtendedResourceQuota): the pod's request of
 *   `<extendedResourceName>` is already in its namespace's requests, so quotaplan adds no `requests.<name>` for
 *   such a claim (the class and implicit keys are still charged). Admin access is charged like any request.
 * - `allocated`: the devices the scheduler allocated (`status.allocation.devices.results`) per class, without
 *   admin-access results (those do not take the device from anyone: DRAAdminAccess).
 */
import { quantityFromUnits, type Quantity } from '../../quantity.js';
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

/** What ResourceQuota charges for one claim; `extendedResourceOf` names a class's extendedResourceName. */
export function claimQuotaCharge(claim: ResourceClaimFacts, extendedResourceOf: (className: string) => string | null): ResourceList {
  const charge: ResourceList = { [CLAIM_COUNT_KEY]: quantityFromUnits(1n) };
  const add = (key: string, n: number): void => {
    addInto(charge, { [key]: quantityFromUnits(BigInt(n)) });
  };
  for (const [className, n] of chargedDevicesByClass(claim)) {
    add(classDevicesKey(className), n);
    add(implicitExtendedKey(className), n);
    const extended = extendedResourceOf(className);
    if (extended !== null && claim.extendedResourceClaimOf === null) add(`requests.${extended}`, n);
  }
  return charge;
}

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

/** Per namespace (sorted), the quota charge and allocated devices of its ResourceClaims. */
export function claimUseByNamespace(
  claims: readonly ResourceClaimFacts[],
  classes: readonly DeviceClassFacts[],
  inUse: ReadonlyMap<string, { used: ReadonlySet<string>; extended: ReadonlySet<string> }> = new Map(),
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
  for (const claim of claims) {
    let entry = byNamespace.get(claim.namespace);
    if (entry === undefined) {
      byNamespace.set(claim.namespace, (entry = { claims: 0, quotaUsed: {}, allocated: new Map(), inUse: new Map(), inUseByExtendedResourceRequests: new Map() }));
    }
    entry.claims += 1;
    addInto(entry.quotaUsed, claimQuotaCharge(claim, (name) => extendedOf.get(name) ?? null));
    const pods = inUse.get(claim.namespace);
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
