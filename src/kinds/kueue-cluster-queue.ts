/**
 * Kueue ClusterQueue (kueue.x-k8s.io/v1beta2, cluster-scoped): the quotas in force in Kueue (nominal quota,
 * borrowing and lending limits per flavor and resource), its cohort and weight, and from its status what admitted
 * workloads use and how many wait. A custom resource: JSON only, optional (no Kueue CRD: its LIST answers 404).
 */
import { clusterQueueSchema, usageOf, type ClusterQueueObject } from '../inventory/schedulers/objects.js';
import type { ClusterQueueFacts } from '../inventory/schedulers/types.js';
import { objectKind } from './kind.js';

export const kueueClusterQueueKind = objectKind<ClusterQueueObject, ClusterQueueFacts>({
  kind: 'ClusterQueue',
  list: { apiVersion: 'kueue.x-k8s.io/v1beta2', group: 'kueue.x-k8s.io', resource: 'clusterqueues', namespaced: false, optional: true },
  protobuf: null,
  schema: clusterQueueSchema,
  inventory: {
    key: (queue) => queue.metadata.name,
    facts: (queue) => ({
      name: queue.metadata.name,
      cohort: queue.spec.cohortName ?? null,
      weight: queue.spec.fairSharing,
      quotas: queue.spec.resourceGroups,
      usage: usageOf(queue),
      pendingWorkloads: queue.status?.pendingWorkloads ?? 0,
      admittedWorkloads: queue.status?.admittedWorkloads ?? 0,
    }),
    field: 'kueueClusterQueues',
  },
});
