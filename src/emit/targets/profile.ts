/**
 * Target Profile patch: a Kubeflow Profile's namespace gets its quota through the Profile, so quotaplan writes a
 * partial Profile, only `spec.resourceQuotaSpec.hard`, applied server-side so the rest of the Profile stays as it is.
 */
import { metadataFor } from './object-metadata.js';
import { hardOf } from './resource-quota.js';
import type { EmitTarget, Manifest, EmittedKind } from './target.js';

const kind: EmittedKind = { kind: 'Profile', apiVersion: 'kubeflow.org/v1', resource: 'profiles', namespaced: false, folder: 'profiles', order: 2 };

export const profileTarget: EmitTarget = {
  name: 'Profile patch',
  choice: 'resourcequota',
  kinds: [kind],
  emit: ({ changes, mode }) => {
    const manifests: Manifest[] = [];
    for (const team of changes.teams) {
      for (const ns of team.namespaces) {
        if (ns.target.kind !== 'Profile') continue;
        manifests.push({
          kind: 'Profile',
          name: ns.target.name,
          namespace: ns.namespace,
          team: ns.team,
          object: {
            apiVersion: kind.apiVersion,
            kind: 'Profile',
            metadata: { name: ns.target.name, ...metadataFor(changes, ns.team) },
            spec: { resourceQuotaSpec: { hard: hardOf(ns, mode) } },
          },
        });
      }
    }
    return { manifests, flags: [] };
  },
};
