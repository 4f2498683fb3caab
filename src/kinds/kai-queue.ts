/**
 * KAI Scheduler Queue (scheduling.run.ai/v2, cluster-scoped; the API kind is `Queue`, `KaiQueue` here since
 * Volcano's is `Queue` too): parent queue, quota/limit/overQuotaWeight per gpu, cpu and memory, and status.allocated.
 * A custom resource: JSON only, optional (no KAI CRD: its LIST answers 404).
 */
import { kaiQueueSchema, type KaiQueueObject } from '../inventory/schedulers/objects.js';
import type { KaiQueueFacts } from '../inventory/schedulers/types.js';
import { objectKind } from './kind.js';

export const kaiQueueKind = objectKind<KaiQueueObject, KaiQueueFacts>({
  kind: 'KaiQueue',
  apiKind: 'Queue',
  list: { apiVersion: 'scheduling.run.ai/v2', group: 'scheduling.run.ai', resource: 'queues', namespaced: false, optional: true },
  protobuf: null,
  schema: kaiQueueSchema,
  inventory: {
    key: (queue) => queue.metadata.name,
    facts: (queue) => ({
      name: queue.metadata.name,
      parent: queue.spec.parentQueue === null || queue.spec.parentQueue === '' ? null : queue.spec.parentQueue,
      resources: queue.spec.resources,
      allocated: queue.status?.allocated ?? {},
    }),
    field: 'kaiQueues',
  },
});
