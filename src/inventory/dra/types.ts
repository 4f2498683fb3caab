/**
 * What the inventory keeps of Dynamic Resource Allocation objects (resource.k8s.io/v1): DeviceClasses,
 * ResourceSlices and ResourceClaims, the parts quotaplan reads, with quantities exact. The shapes follow the API's
 * own (k8s.io/api/resource/v1 types.go) so a reader who knows the API knows these.
 */
import type { Quantity } from '../../quantity.js';
import type { ResourceList } from '../../resources.js';

/** One typed attribute value: exactly one of the four kinds the API allows (v1 DeviceAttribute). */
export type DeviceAttribute = { string: string } | { int: number } | { bool: boolean } | { version: string };

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values: string[];
}

export interface NodeSelectorTerm {
  matchExpressions: NodeSelectorRequirement[];
  matchFields: NodeSelectorRequirement[];
}

/** A core/v1 NodeSelector: a node matches when any term matches. */
export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

export interface DeviceTaint {
  key: string;
  value?: string;
  effect: string;
}

/** A named set of counters a partitionable device's parts draw from (the NVIDIA driver: one per physical GPU). */
export interface CounterSetFacts {
  name: string;
  counters: Record<string, Quantity>;
}

/** What one device takes from a counter set when it is allocated (a MIG placement: its share of its GPU). */
export interface CounterConsumptionFacts {
  counterSet: string;
  counters: Record<string, Quantity>;
}

export interface DeviceFacts {
  name: string;
  /** Keyed as published: a name without a domain belongs to the slice's driver (`type`, `productName`). */
  attributes: Record<string, DeviceAttribute>;
  capacity: Record<string, Quantity>;
  consumesCounters: CounterConsumptionFacts[];
  /** DRAConsumableCapacity: the device may be allocated to several claims at once (the CEL `device` field). */
  allowMultipleAllocations: boolean;
  /** Per-device node selection (only in a slice with `perDeviceNodeSelection: true`); null/false when not set. */
  nodeName: string | null;
  nodeSelector: NodeSelector | null;
  allNodes: boolean;
  taints: DeviceTaint[];
}

export interface ResourcePoolFacts {
  name: string;
  generation: number;
  resourceSliceCount: number;
}

export interface ResourceSliceFacts {
  name: string;
  driver: string;
  pool: ResourcePoolFacts;
  /** Exactly one of nodeName, nodeSelector, allNodes, perDeviceNodeSelection is set on a slice. */
  nodeName: string | null;
  nodeSelector: NodeSelector | null;
  allNodes: boolean;
  perDeviceNodeSelection: boolean;
  sharedCounters: CounterSetFacts[];
  devices: DeviceFacts[];
}

export interface DeviceClassFacts {
  name: string;
  /** The CEL expressions of `spec.selectors[].cel`; a device belongs to the class when all are true. */
  selectors: string[];
  /** KEP-5004: the extended resource name pods may request devices of this class by; null when none. */
  extendedResourceName: string | null;
}

export type AllocationMode = 'ExactCount' | 'All';

/** One way to satisfy a request: a class, how many devices, whether with admin access. */
export interface ExactDeviceRequestFacts {
  deviceClassName: string;
  allocationMode: AllocationMode;
  /** The devices asked for in ExactCount mode (the API's default is 1); 0 in All mode. */
  count: number;
  adminAccess: boolean;
}

export interface DeviceSubRequestFacts extends ExactDeviceRequestFacts {
  name: string;
}

/** A claim's request: `exactly` one class, or the first of `firstAvailable` that can be allocated. */
export interface DeviceRequestFacts {
  name: string;
  exactly: ExactDeviceRequestFacts | null;
  firstAvailable: DeviceSubRequestFacts[];
}

/** One allocated device, as the scheduler writes it into `status.allocation.devices.results`. */
export interface DeviceAllocationFacts {
  /** The request it satisfies (`<request>/<subrequest>` for a firstAvailable alternative). */
  request: string;
  driver: string;
  pool: string;
  device: string;
  adminAccess: boolean;
}

/** The controlling pod of a claim the scheduler made for that pod's extended-resource request (KEP-5004). */
export interface ExtendedResourceClaimOwner {
  /** The uid in the controller reference ('' when absent, as Go reads it). */
  uid: string;
  /** The claim's metadata.creationTimestamp; null when absent (Go's zero time). */
  createdAt: string | null;
}

export interface ResourceClaimFacts {
  namespace: string;
  name: string;
  /**
   * KEP-5004: the pod this claim was made for by the scheduler, serving the pod's extended-resource request
   * (annotation `resource.kubernetes.io/extended-resource-claim: "true"`, controlled by a v1 Pod); null otherwise.
   */
  extendedResourceClaimOf: string | null;
  /**
   * With extendedResourceClaimOf: the pod uid its controller reference names and the claim's creationTimestamp
   * (RFC 3339; null when absent), what the quota evaluator checks before it lets the pod's own charge cover the
   * claim (claim-use.ts verifiedPodUsage); null for any other claim, and in an inventory written before quotaplan
   * read them.
   */
  extendedResourceClaimOwner: ExtendedResourceClaimOwner | null;
  requests: DeviceRequestFacts[];
  /** null while the claim is not allocated. */
  allocation: { devices: DeviceAllocationFacts[] } | null;
}

/**
 * One device of a complete pool, as quotaplan counts it (dra/capacity.ts): where it can be used, what it is,
 * which classes select it and whether it is plannable.
 */
export interface DraDeviceFacts {
  driver: string;
  pool: string;
  name: string;
  /** Nodes it can be used from (the slice's or its own node selection), sorted; empty when none known. */
  nodes: string[];
  /** Published attributes (driver domain): `type` (gpu, mig), `productName`, `profile`, `uuid`, `parentUUID`. */
  type: string | null;
  productName: string | null;
  profile: string | null;
  uuid: string | null;
  parentUUID: string | null;
  /** The `memory` capacity (bytes); null when not published. */
  memory: Quantity | null;
  /** The model a flavor is named by: productName with spaces as `-` (as the `nvidia.com/gpu.product` label). */
  model: string | null;
  /** The device (of the same pool) that names the physical device it is part of (dra/pools.ts physicalGroups). */
  physical: string;
  /** The shared counter sets (of its pool) it draws on: a partitionable device (dynamic MIG); sorted. */
  counterSets: string[];
  taints: DeviceTaint[];
  /** DeviceClasses whose selectors select it, sorted. */
  classes: string[];
  /** Counted as plannable: usable from a plannable node and without a NoSchedule or NoExecute taint. */
  plannable: boolean;
  /**
   * Every node it can be used from has a device plugin advertising its vendor's GPUs (device-plugin-overlap.ts):
   * the same GPU published twice, counted from the device plugin, so this device counts in no plannable resource
   * and no physical-GPU total. False in an inventory written before quotaplan looked.
   */
  alsoByDevicePlugin: boolean;
}

/** What one DeviceClass has to give out: its plannable devices, per model, and the physical devices behind them. */
export interface DraClassCapacity {
  name: string;
  extendedResourceName: string | null;
  /** Plannable devices it selects. */
  devices: number;
  /** The physical devices those stand for (a dynamic-MIG GPU once, whatever it publishes). */
  physical: number;
  /** Plannable devices per model (`unknown` when a device names none), sorted. */
  devicesByModel: Record<string, number>;
  /** Devices it selects that are not plannable (node not plannable or unknown, device tainted). */
  unplannable: number;
  /** Two or more of its plannable devices draw on one shared counter set: not all can be allocated at once. */
  partitionable: boolean;
  /** Its selectors cannot be evaluated by quotaplan (a warning says why): no device is counted. */
  unsupported: boolean;
  /**
   * Devices counted in the inventory's `plannable`: with an extendedResourceName, under it, those usable from a
   * plannable node whose device plugin does not provide that resource (KEP-5004); without one, its plannable
   * devices, as `<class>.deviceclass.resource.k8s.io/devices`; in both cases none `alsoByDevicePlugin`.
   */
  inPlannable: number;
}

/** What a namespace's ResourceClaims use (dra/claim-use.ts). */
export interface DraNamespaceUse {
  namespace: string;
  claims: number;
  /** What ResourceQuota charges for them (resource_claims.go), keys sorted. */
  quotaUsed: ResourceList;
  /** Devices allocated to them per DeviceClass, admin access left out; sorted. */
  allocated: Record<string, number>;
  /**
   * The part of `allocated` held by claims a non-terminal pod of the namespace names in its status
   * (`resourceClaimStatuses`, `extendedResourceClaimStatus`): devices in use by pods; the rest is reserved for none.
   */
  inUse: Record<string, number>;
  /**
   * The part of `inUse` held by claims the scheduler made for pods' extended-resource requests (KEP-5004): the same
   * devices as those pods' `<extendedResourceName>` requests, which the namespace's `requests` already count.
   */
  inUseByExtendedResourceRequests: Record<string, number>;
}

/** DRA capacity and use: every device of the complete pools, per DeviceClass, and per namespace. */
export interface DraCapacity {
  /** Sorted by driver, pool, then device name. */
  devices: DraDeviceFacts[];
  /** Sorted by name. */
  classes: DraClassCapacity[];
  /** Namespaces with ResourceClaims, sorted. */
  namespaces: DraNamespaceUse[];
}
