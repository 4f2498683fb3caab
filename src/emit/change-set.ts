/**
 * The quota change set's shape: what a plan means for every namespace of every leaf team (built by changes.ts,
 * printed by every output), and what a target that can hold a namespace's quota (src/emit/targets/: Profile,
 * ResourceQuota) answers when the builder asks it. Types and constants only, below both the builder and the
 * targets, so the builder can ask the targets' registry without an import circle.
 */
import type { Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import type { ClusterInventory, NamespaceFacts } from '../inventory/types.js';
import type { EmitOptions } from './emit-options.js';
import type { Flag } from './flag.js';
import type { LimitRangeChange, LimitRangeSettings } from './limit-range.js';

/** One allocation of the plan, as `src/plan` produces it. */
export interface PlanAllocationInput {
  team: string;
  resource: string;
  flavor?: string | null | undefined;
  quota: Quantity;
  /** True when this quota is the one enforced on namespaces (no sub-team shares in the resource). */
  terminal?: boolean | undefined;
  /** The effective guarantee and cap (src/plan); read by the scheduler targets' lending and borrowing limits. */
  guarantee?: Quantity | undefined;
  cap?: Quantity | null | undefined;
}

export type PlanWarningInput = string | { message: string };

/** The parts of a plan that emitting reads. */
export interface PlanInput {
  cycle: string;
  allocations: readonly PlanAllocationInput[];
  warnings: readonly PlanWarningInput[];
}

/** A leaf team and where its quota goes. Built from the teams file by `targetsFromTeams`. */
export interface TeamTarget {
  /** Team path as the plan names it: `platform/fraud`. */
  team: string;
  namespaces?: readonly string[];
  profiles?: readonly string[];
  /** Namespaces whose labels include all of these. */
  selector?: Readonly<Record<string, string>>;
  /** Name of the ResourceQuota to write in plain namespaces (default: see `quotaNameFor`). */
  quotaName?: string;
  /** How to split the team's quota across its namespaces: weight per namespace (default: current use). */
  split?: Readonly<Record<string, bigint>>;
  /** Resources whose limits are quota'd too (`limits.cpu` = the requests quota). Only cpu, memory, storage. */
  limits?: readonly string[];
  limitRange?: LimitRangeSettings;
}


/** One quota key of one namespace: before, after, and what is in use now. */
export interface KeyChange {
  key: string;
  /** spec.hard before (null when the key is not set today). */
  previous: Quantity | null;
  next: Quantity;
  /** Current requests in the namespace (null when the inventory cannot tell, e.g. limits). */
  used: Quantity | null;
}

export type QuotaTarget =
  | { kind: 'ResourceQuota'; name: string; exists: boolean }
  /** A Kubeflow Profile: its `spec.resourceQuotaSpec.hard`, never `kf-resource-quota` (the controller reverts it). */
  | { kind: 'Profile'; name: string; exists: boolean };

export interface NamespaceChange {
  namespace: string;
  team: string;
  target: QuotaTarget;
  /** Keys quotaplan sets, sorted. */
  keys: KeyChange[];
  /** Keys of the existing quota quotaplan does not manage, kept as they are (sorted). */
  preserved: ResourceList;
  limitRange: LimitRangeChange | null;
}

/** Per team and key: the sums over the team's namespaces. */
export interface TeamKeyChange {
  key: string;
  previous: Quantity | null;
  next: Quantity;
  used: Quantity | null;
}

export interface TeamChange {
  team: string;
  namespaces: NamespaceChange[];
  keys: TeamKeyChange[];
  flags: Flag[];
}

export interface QuotaChangeSet {
  cluster: string;
  cycle: string;
  planId: string;
  /** Sorted by team path. */
  teams: TeamChange[];
  planWarnings: string[];
}

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGER = 'quotaplan';
export const DEFAULT_QUOTA_NAME = 'quotaplan';

/** What the change-set builder tells a quota-holding target about one namespace of a leaf team. */
export interface QuotaHolderInput {
  namespace: string;
  owner: TeamTarget;
  /** The keys quotaplan sets in the namespace and their new quotas. */
  wanted: ReadonlyMap<string, Quantity>;
  /** The namespace in the snapshot (undefined when it is not there). */
  facts: NamespaceFacts | undefined;
  inventory: ClusterInventory;
  options: EmitOptions;
  flag: (f: Flag) => void;
}

/** The object carrying a namespace's quota and its `hard` today. */
export interface QuotaHolding {
  target: QuotaTarget;
  previous: ResourceList;
}

/**
 * A target that can carry a namespace's quota. The builder asks the registry's holders by `precedence`, smallest
 * first; the first that answers holds the namespace's quota (a Profile's namespace before a plain one).
 */
export interface QuotaHolder {
  precedence: number;
  holderOf(input: QuotaHolderInput): QuotaHolding | null;
}
