/**
 * Kubeflow Profile (kubeflow.org/v1, cluster-scoped): it owns the namespace of the same name. A custom resource:
 * JSON only, and optional (a cluster without Kubeflow has no Profile CRD: its LIST answers 404).
 */
import { profileSchema, type ProfileObject } from '../inventory/objects.js';
import type { ProfileFacts } from '../inventory/types.js';
import { objectKind } from './kind.js';

export const profileKind = objectKind<ProfileObject, ProfileFacts>({
  kind: 'Profile',
  list: { apiVersion: 'kubeflow.org/v1', group: 'kubeflow.org', resource: 'profiles', namespaced: false, optional: true },
  protobuf: null,
  schema: profileSchema,
  inventory: {
    key: (profile) => profile.metadata.name,
    facts: (profile) => ({
      name: profile.metadata.name,
      namespace: profile.metadata.name,
      owner: profile.spec.owner,
      hard: profile.spec.resourceQuotaSpec.hard,
      labels: profile.metadata.labels,
    }),
    field: 'profiles',
  },
});
