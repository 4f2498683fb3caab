/**
 * What the inventory keeps of Dynamic Resource Allocation objects (resource.k8s.io/v1): DeviceClasses,
 * ResourceSlices and ResourceClaims, the parts quotaplan reads, with quantities exact. The shapes follow the API's
 * own (k8s.io/api/resource/v1 types.go) so a reader who knows the API knows these.
 */
import type { Quantity } from '../../quantity.js';

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

export interface ResourceClaimFacts {
  namespace: string;
  name: string;
  requests: DeviceRequestFacts[];
  /** null while the claim is not allocated. */
  allocation: { devices: DeviceAllocationFacts[] } | null;
}
