/**
 * Kueue Cohort (kueue.x-k8s.io/v1beta2, cluster-scoped): its parent cohort, weight and own quotas. A custom
 * resource: JSON only, optional (no Kueue CRD: its LIST answers 404).
 */
import { cohortSchema, type CohortObject } from '../inventory/schedulers/objects.js';
import type { CohortFacts } from '../inventory/schedulers/types.js';
import { objectKind } from './kind.js';

export const kueueCohortKind = objectKind<CohortObject, CohortFacts>({
  kind: 'Cohort',
  list: { apiVersion: 'kueue.x-k8s.io/v1beta2', group: 'kueue.x-k8s.io', resource: 'cohorts', namespaced: false, optional: true },
  protobuf: null,
  schema: cohortSchema,
  inventory: {
    key: (cohort) => cohort.metadata.name,
    facts: (cohort) => ({
      name: cohort.metadata.name,
      parent: cohort.spec.parentName ?? null,
      weight: cohort.spec.fairSharing,
      quotas: cohort.spec.resourceGroups,
    }),
    field: 'kueueCohorts',
  },
});
