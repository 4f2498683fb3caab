/**
 * The facts quotaplan keeps about a cluster: what the planner, the store, the tables and the dashboard read.
 * Quantities stay exact (Quantity, bigint); a GPU-equivalent is an exact ratio and only becomes a JS number in JSON.
 */
import type { Quantity } from '../quantity.js';
import type { Rational } from '../rational.js';
import type { ResourceList } from '../resources.js';
import type { DeviceClassFacts, DraCapacity, ResourceClaimFacts, ResourceSliceFacts } from './dra/types.js';
import type { ClusterQueueFacts, CohortFacts, KaiQueueFacts, ResourceFlavorFacts, VolcanoQueueFacts } from './schedulers/types.js';

export type Vendor = 'nvidia' | 'amd' | 'intel' | 'habana' | 'aws' | 'google' | 'other';

/** How one physical accelerator is cut into the units a resource counts (domain.md section 1). */
export type Sharing = 'none' | 'mig' | 'time-slicing' | 'mps' | 'partition';

/** What one unit of an accelerator resource is: a whole device, a slice or partition of one, or a core of one. */
export type AcceleratorUnit = 'device' | 'mig-slice' | 'replica' | 'partition' | 'core';

/** One accelerator resource of one node (`nvidia.com/mig-1g.10gb` on node a100-1). */
export interface AcceleratorFacts {
  resource: string;
  vendor: Vendor;
  /** Model of the physical device, e.g. `NVIDIA-H100-80GB-HBM3`, `AMD_Instinct_MI300X`; null when no label says. */
  model: string | null;
  sharing: Sharing;
  /** MIG profile as the driver names it (`1g.10gb`, `1g.10gb+me`); null when not MIG. */
  migProfile: string | null;
  /** Units advertised per physical unit by time-slicing / MPS / shared-dev-num; 1 when not shared. */
  replicas: number;
  unit: AcceleratorUnit;
  capacity: Quantity;
  allocatable: Quantity;
  /** Fraction of one physical accelerator that one unit of this resource is, e.g. 3/7 for a `3g.40gb` MIG slice. */
  gpuEquivalent: Rational;
  /** Physical accelerators this resource's capacity stands for (exact; may be fractional for partial MIG use). */
  physical: Rational;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** Why a node's accelerator numbers are in flux and must not be planned on. */
export type TransitionalReason =
  | 'mig-config-pending'
  | 'device-plugin-paused'
  | 'partition-config-pending'
  | 'accelerator-not-ready';

export interface NodeFacts {
  name: string;
  labels: Record<string, string>;
  /** Node pool from well-known labels (GKE, EKS, Karpenter, AKS); null when none. */
  pool: string | null;
  /** Model of the node's main accelerator (the one with most physical devices); null for CPU nodes. */
  model: string | null;
  ready: boolean;
  /** false when cordoned (`spec.unschedulable`). */
  schedulable: boolean;
  taints: Taint[];
  transitional: boolean;
  transitionalReasons: TransitionalReason[];
  /** Physical accelerator devices on the node (never adds label counts, Neuron cores, or MIG slices as GPUs). */
  physicalAccelerators: number;
  accelerators: AcceleratorFacts[];
  capacity: ResourceList;
  allocatable: ResourceList;
  /** Sum of the effective requests of the non-terminal pods bound to this node. */
  requested: ResourceList;
  /** capacity - allocatable for accelerator resources where positive (devices the plugin reports unhealthy). */
  unhealthy: ResourceList;
  /** Accelerator resources reported as `0` in capacity: a stopped plugin or a removed profile. */
  staleZeroResources: string[];
  /** Non-terminal pods bound to this node. */
  pods: number;
}

export interface NamespaceFacts {
  name: string;
  labels: Record<string, string>;
  /**
   * Sum of effective requests of the namespace's non-terminal pods (bound or not: quota counts both), plus what
   * ResourceQuota charges its ResourceClaims (`<class>.deviceclass.resource.k8s.io/devices`, and the class's
   * extendedResourceName: dra/claim-use.ts).
   */
  requests: ResourceList;
  pods: number;
  /**
   * The part of `requests` of pods not bound to a node yet (Pending without a nodeName): queued demand, with how
   * many pods wait for each reason (their PodScheduled condition's: `Unschedulable`, `SchedulingGated`; `Pending`
   * when none is recorded). Absent when none waits, and in inventories taken before quotaplan kept it.
   */
  queued?: QueuedPods;
}

export interface QueuedPods {
  /** Resource names sorted. */
  requests: ResourceList;
  pods: number;
  /** Reason -> pods, sorted by reason. */
  reasons: Record<string, number>;
}

export interface ScopedResourceSelectorRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

export interface ResourceQuotaFacts {
  namespace: string;
  name: string;
  /** spec.hard: what the quota asks for. */
  hard: ResourceList;
  /** status.hard: what admission enforces (copied from spec by the resourcequota controller). */
  statusHard: ResourceList;
  used: ResourceList;
  scopes: string[];
  scopeSelector: ScopedResourceSelectorRequirement[];
}

export interface LimitRangeItemFacts {
  type: string;
  max: ResourceList;
  min: ResourceList;
  default: ResourceList;
  defaultRequest: ResourceList;
  maxLimitRequestRatio: ResourceList;
}

export interface LimitRangeFacts {
  namespace: string;
  name: string;
  limits: LimitRangeItemFacts[];
}

export interface ProfileOwner {
  kind: string;
  name: string;
}

export interface ProfileFacts {
  name: string;
  /** A Profile owns the namespace of the same name. */
  namespace: string;
  owner: ProfileOwner | null;
  hard: ResourceList;
  labels: Record<string, string>;
}

/** resource -> GPU model (or `unknown`) -> quantity. */
export type ResourceListByFlavor = Record<string, Record<string, Quantity>>;

export interface ClusterInventory {
  /** Sorted by name. */
  nodes: NodeFacts[];
  /** Sorted by name. */
  namespaces: NamespaceFacts[];
  /** Sorted by namespace, then name. */
  resourceQuotas: ResourceQuotaFacts[];
  limitRanges: LimitRangeFacts[];
  /** Sorted by name. */
  profiles: ProfileFacts[];
  /**
   * Dynamic Resource Allocation objects (resource.k8s.io/v1), sorted by name (claims by namespace, then name).
   * Absent from an inventory taken before quotaplan read them (an older snapshot or inventory JSON).
   */
  deviceClasses?: DeviceClassFacts[];
  resourceSlices?: ResourceSliceFacts[];
  resourceClaims?: ResourceClaimFacts[];
  /**
   * DRA devices of the complete pools and what each DeviceClass has (dra/capacity.ts); absent when the cluster
   * has no DeviceClass and no ResourceSlice. Not part of `plannable` (yet).
   */
  dra?: DraCapacity;
  /**
   * The batch schedulers' quota objects in force (Kueue, KAI Scheduler, Volcano), sorted by name; [] where none
   * was found (the CRD is not installed). Absent from an inventory taken before quotaplan read them.
   */
  kueueResourceFlavors?: ResourceFlavorFacts[];
  kueueCohorts?: CohortFacts[];
  kueueClusterQueues?: ClusterQueueFacts[];
  kaiQueues?: KaiQueueFacts[];
  volcanoQueues?: VolcanoQueueFacts[];
  /** Allocatable of ready, schedulable, non-transitional nodes, per resource. */
  plannable: ResourceList;
  /** The accelerator part of plannable split by model, for per-model (flavor) planning. */
  plannableByFlavor: ResourceListByFlavor;
  warnings: string[];
}

/** The flavor key used when no label names an accelerator's model. */
export const UNKNOWN_MODEL = 'unknown';
