/** Target ResourceQuota: one ResourceQuota per plain namespace of a team, its `spec.hard` the namespace's quota. */
import type { ResourceList } from '../../resources.js';
import type { NamespaceChange } from '../changes.js';
import { formatList, metadataFor } from './object-metadata.js';
import type { EmitTarget, Manifest, ManifestMode, EmittedKind } from './target.js';

const kind: EmittedKind = { kind: 'ResourceQuota', apiVersion: 'v1', resource: 'resourcequotas', namespaced: true, order: 3 };

export const resourceQuotaTarget: EmitTarget = {
  name: 'ResourceQuota',
  choice: 'resourcequota',
  kinds: [kind],
  emit: ({ changes, mode }) => {
    const manifests: Manifest[] = [];
    for (const team of changes.teams) {
      for (const ns of team.namespaces) {
        if (ns.target.kind === 'Profile') continue;
        manifests.push({
          kind: 'ResourceQuota',
          name: ns.target.name,
          namespace: ns.namespace,
          team: ns.team,
          object: {
            apiVersion: kind.apiVersion,
            kind: 'ResourceQuota',
            metadata: { name: ns.target.name, namespace: ns.namespace, ...metadataFor(changes, ns.team) },
            spec: { hard: hardOf(ns, mode) },
          },
        });
      }
    }
    return { manifests, flags: [] };
  },
};

/**
 * A namespace's `hard`: `full` (files a GitOps tool or `kubectl apply` owns) is the managed keys plus the keys
 * quotaplan preserves; `apply` (server-side apply, where maps merge key by key) only the managed keys.
 */
export function hardOf(ns: NamespaceChange, mode: ManifestMode): Record<string, string> {
  const hard: ResourceList = {};
  for (const change of ns.keys) hard[change.key] = change.next;
  if (mode === 'full') Object.assign(hard, ns.preserved);
  return formatList(hard);
}
