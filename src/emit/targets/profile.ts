/**
 * Target Profile patch: a Kubeflow Profile's namespace gets its quota through the Profile, so quotaplan writes a
 * partial Profile, only `spec.resourceQuotaSpec.hard`, applied server-side so the rest of the Profile stays as it is.
 */
import { quotaManifests } from './resource-quota.js';
import type { EmitTarget, EmittedKind } from './target.js';

const kind: EmittedKind = { kind: 'Profile', apiVersion: 'kubeflow.org/v1', resource: 'profiles', namespaced: false, folder: 'profiles', order: 2 };

export const profileTarget: EmitTarget = {
  name: 'Profile patch',
  choice: 'resourcequota',
  kinds: [kind],
  emit: ({ changes, mode }) => ({ manifests: quotaManifests(changes, mode, kind, (hard) => ({ resourceQuotaSpec: { hard } })), flags: [] }),
};
