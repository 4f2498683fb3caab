/**
 * The plan value: every output (table, JSON, YAML, PR body, dashboard) reads this one value.
 */
import type { NamespaceFacts, NodeFacts, ProfileFacts, ResourceListByFlavor } from '../inventory/types.js';
import type { Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import type { Binding, SurplusPolicy } from './divide-level.js';
import type { FairnessPolicy, TeamSpec } from './teams-file.js';
import { compareText } from '../text-order.js';

export type { Binding, SurplusPolicy } from './divide-level.js';
export type { FairnessPolicy } from './teams-file.js';

/** One team's quota of one resource (and flavor). Quantities are what the planner used, in granularity units. */
export interface Allocation {
  /** Team names from the top joined with `/`. */
  team: string;
  resource: string;
  /** GPU model for a resource planned per flavor; null otherwise. */
  flavor: string | null;
  quota: Quantity;
  /** Effective guarantee: the team's own, or its sub-teams' sum when larger. */
  guarantee: Quantity;
  /** Effective demand (own, else the sub-teams' sum); null = unlimited. */
  demand: Quantity | null;
  /** Effective cap (own, limited by the sub-teams' sum of caps); null = none. */
  cap: Quantity | null;
  binding: Binding;
  explanation: string;
  /** Current requests of the team's namespaces; null when not known (per-flavor use is not in the inventory). */
  used: Quantity | null;
  /** True when no sub-team shares in this resource: this quota is the one enforced on namespaces. */
  terminal: boolean;
}

/** One divided resource (and flavor): what there was, what was held back, what nobody took. */
export interface Pool {
  resource: string;
  flavor: string | null;
  /** Plannable capacity from the inventory. */
  capacity: Quantity;
  reserve: Quantity;
  granularity: Quantity;
  /** capacity - reserve - sum of the top-level quotas, plus what any level left undivided below. */
  unallocated: Quantity;
}

export type WarningKind =
  | 'use-above-quota'
  | 'flavor-split-unenforceable'
  | 'alabama-paradox'
  | 'unknown-flavor'
  | 'unknown-resource'
  | 'unused-reserve'
  | 'team-without-namespaces'
  | 'namespace-not-found';

export interface PlanWarning {
  kind: WarningKind;
  team: string | null;
  resource: string | null;
  flavor: string | null;
  message: string;
}

export interface PlannedTeam {
  team: string;
  leaf: boolean;
  /** The namespaces the team's quota applies to (leaves: its own; parents: its leaves'), sorted. */
  namespaces: string[];
}

export interface Plan {
  cycle: string;
  policy: FairnessPolicy;
  surplus: SurplusPolicy;
  /** Sorted by resource, then flavor (null first). */
  pools: Pool[];
  /** Sorted by team path, resource, flavor. */
  teams: PlannedTeam[];
  allocations: Allocation[];
  /** Sorted by kind, team, resource, flavor, message. */
  warnings: PlanWarning[];
}

export function compareNullableNames(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareText(a, b);
}

export function compareAllocations(
  a: Pick<Allocation, 'team' | 'resource' | 'flavor'>,
  b: Pick<Allocation, 'team' | 'resource' | 'flavor'>,
): number {
  return (
    compareNullableNames(a.team, b.team) ||
    compareNullableNames(a.resource, b.resource) ||
    compareNullableNames(a.flavor, b.flavor)
  );
}

/** The inventory facts the planner reads (a ClusterInventory has them all). */
export interface PlanInventory {
  plannable: ResourceList;
  plannableByFlavor: ResourceListByFlavor;
  namespaces: readonly Pick<NamespaceFacts, 'name' | 'labels' | 'requests'>[];
  /** Kubeflow Profiles and the namespace each owns (absent: a Profile owns the namespace of its name). */
  profiles?: readonly Pick<ProfileFacts, 'name' | 'namespace'>[];
  /** Every node's resources, plannable or not: what the cluster has at all (absent: only what is plannable). */
  nodes?: readonly Pick<NodeFacts, 'capacity' | 'allocatable'>[];
}

/** Current requests (nanos) of a team's namespaces, by resource; a resource nobody requests is absent (0). */
export type UseOf = (team: TeamSpec) => ReadonlyMap<string, bigint>;

/** What dividing every pool down the tree gave: allocations in plan order, and undivided units per pool. */
export interface Division {
  /** Sorted by team path, then pool (resource, flavor). */
  allocations: Allocation[];
  /** Per pool (same order as the pools), units no level gave out. */
  unallocatedUnits: bigint[];
  /** Number path, DRF: how many (level, pool) divisions it left to the exact code (their fractions passed 2^53). */
  exactPools?: number;
  /** Number path, DRF: how many levels' progressive filling it left to drf.ts, and how many of those went on in numbers. */
  exactFillings?: { levels: number; resumed: number };
}
