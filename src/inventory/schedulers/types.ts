/**
 * The batch schedulers' quota objects as collected (docs/inventory.md "Scheduler quotas"): Kueue ClusterQueues,
 * Cohorts and ResourceFlavors (kueue.x-k8s.io/v1beta2), KAI Scheduler Queues (scheduling.run.ai/v2) and Volcano
 * Queues (scheduling.volcano.sh/v1beta1). Each list is absent from an inventory when none was found (the CRD is not
 * installed, or an inventory taken before quotaplan read them).
 */
import type { Quantity } from '../../quantity.js';
import type { ResourceList } from '../../resources.js';

/** One (flavor, resource) of a ClusterQueue's or Cohort's resource groups. */
export interface KueueQuotaFacts {
  flavor: string;
  resource: string;
  nominalQuota: Quantity;
  /** null: no limit (or, for a ClusterQueue without a cohort, nothing to borrow). */
  borrowingLimit: Quantity | null;
  lendingLimit: Quantity | null;
}

/** What a ClusterQueue's admitted workloads use of one (flavor, resource), from its status. */
export interface KueueUsageFacts {
  flavor: string;
  resource: string;
  total: Quantity;
  borrowed: Quantity;
}

export interface ClusterQueueFacts {
  name: string;
  cohort: string | null;
  /** `fairSharing.weight`; null when not set (Kueue's default is 1). */
  weight: Quantity | null;
  /** In resource-group order. */
  quotas: KueueQuotaFacts[];
  usage: KueueUsageFacts[];
  pendingWorkloads: number;
  admittedWorkloads: number;
}

export interface CohortFacts {
  name: string;
  parent: string | null;
  weight: Quantity | null;
  quotas: KueueQuotaFacts[];
}

export interface ResourceFlavorFacts {
  name: string;
  nodeLabels: Record<string, string>;
}

/** One of KAI's three resources. KAI's numbers are float64 in its API, kept as the numbers read (-1: unlimited). */
export interface KaiResourceFacts {
  resource: 'cpu' | 'gpu' | 'memory';
  quota: number;
  limit: number;
  overQuotaWeight: number;
}

export interface KaiQueueFacts {
  name: string;
  parent: string | null;
  resources: KaiResourceFacts[];
  /** status.allocated: what the queue's running jobs use. */
  allocated: ResourceList;
}

export interface VolcanoQueueFacts {
  name: string;
  parent: string | null;
  weight: number;
  deserved: ResourceList;
  guarantee: ResourceList;
  capability: ResourceList;
  /** status.allocated. */
  allocated: ResourceList;
}
