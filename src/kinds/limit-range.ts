/** LimitRange (v1, namespaced): the defaults and bounds it sets per container or pod. */
import { limitRangeSchema, type LimitRangeObject } from '../inventory/objects.js';
import type { LimitRangeFacts } from '../inventory/types.js';
import { objectKind } from './kind.js';
import { namespacedKey } from './resource-quota.js';

export const limitRangeKind = objectKind<LimitRangeObject, LimitRangeFacts>({
  kind: 'LimitRange',
  list: { apiVersion: 'v1', group: '', resource: 'limitranges', namespaced: true },
  protobuf: { file: 'core', package: 'k8s.io.api.core.v1' },
  schema: limitRangeSchema,
  inventory: {
    key: namespacedKey,
    facts: (limitRange) => ({
      namespace: limitRange.metadata.namespace,
      name: limitRange.metadata.name,
      limits: limitRange.spec.limits.map((l) => ({
        type: l.type,
        max: l.max,
        min: l.min,
        default: l.default,
        defaultRequest: l.defaultRequest,
        maxLimitRequestRatio: l.maxLimitRequestRatio,
      })),
    }),
    field: 'limitRanges',
  },
});
