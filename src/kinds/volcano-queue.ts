/**
 * Volcano Queue (scheduling.volcano.sh/v1beta1, cluster-scoped; the API kind is `Queue`, `VolcanoQueue` here since
 * KAI's is `Queue` too): parent, weight, deserved, guarantee, capability and status.allocated. A custom resource:
 * JSON only, optional (no Volcano CRD: its LIST answers 404).
 */
import { volcanoQueueSchema, type VolcanoQueueObject } from '../inventory/schedulers/objects.js';
import type { VolcanoQueueFacts } from '../inventory/schedulers/types.js';
import { objectKind } from './kind.js';

export const volcanoQueueKind = objectKind<VolcanoQueueObject, VolcanoQueueFacts>({
  kind: 'VolcanoQueue',
  apiKind: 'Queue',
  list: { apiVersion: 'scheduling.volcano.sh/v1beta1', group: 'scheduling.volcano.sh', resource: 'queues', namespaced: false, optional: true },
  protobuf: null,
  schema: volcanoQueueSchema,
  inventory: {
    key: (queue) => queue.metadata.name,
    facts: (queue) => ({
      name: queue.metadata.name,
      parent: queue.spec?.parent === null || queue.spec?.parent === undefined || queue.spec.parent === '' ? null : queue.spec.parent,
      // Volcano's default weight is 1 (+kubebuilder:default:=1).
      weight: queue.spec?.weight ?? 1,
      deserved: queue.spec?.deserved ?? {},
      guarantee: queue.spec?.guarantee?.resource ?? {},
      capability: queue.spec?.capability ?? {},
      allocated: queue.status?.allocated ?? {},
    }),
    field: 'volcanoQueues',
  },
});
