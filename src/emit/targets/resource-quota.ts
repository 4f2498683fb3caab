/** Target ResourceQuota: one ResourceQuota per plain namespace of a team, its `spec.hard` the namespace's quota. */
import type { ResourceList } from '../../resources.js';
import type { NamespaceChange, QuotaChangeSet } from '../changes.js';
import { formatList, metadataFor } from './object-metadata.js';
import type { EmitTarget, EmittedKind, Manifest, ManifestMode } from './target.js';

const kind: EmittedKind = { kind: 'ResourceQuota', apiVersion: 'v1', resource: 'resourcequotas', namespaced: true, order: 3 };

export const resourceQuotaTarget: EmitTarget = {
  name: 'ResourceQuota',
  choice: 'resourcequota',
  kinds: [kind],
  emit: ({ changes, mode }) => ({ manifests: quotaManifests(changes, mode, kind, (hard) => ({ hard })), flags: [] }),
};

/**
 * The object holding the quota of each namespace whose quota `holder` holds (the change set says which: a
 * Profile's namespace, else a ResourceQuota), its `hard` placed in the spec by `spec`.
 */
export function quotaManifests(
  changes: QuotaChangeSet,
  mode: ManifestMode,
  holder: EmittedKind,
  spec: (hard: Record<string, string>) => Record<string, unknown>,
): Manifest[] {
  const manifests: Manifest[] = [];
  for (const team of changes.teams) {
    for (const ns of team.namespaces) {
      if (ns.target.kind !== holder.kind) continue;
      const name = ns.target.name;
      manifests.push({
        kind: holder.kind,
        name,
        namespace: ns.namespace,
        team: ns.team,
        object: {
          apiVersion: holder.apiVersion,
          kind: holder.kind,
          metadata: { name, ...(holder.namespaced ? { namespace: ns.namespace } : {}), ...metadataFor(changes, ns.team) },
          spec: spec(hardOf(ns, mode)),
        },
      });
    }
  }
  return manifests;
}

/**
 * A namespace's `hard`: `full` (files a GitOps tool or `kubectl apply` owns) is the managed keys plus the keys
 * quotaplan preserves; `apply` (server-side apply, where maps merge key by key) only the managed keys.
 */
function hardOf(ns: NamespaceChange, mode: ManifestMode): Record<string, string> {
  const hard: ResourceList = {};
  for (const change of ns.keys) hard[change.key] = change.next;
  if (mode === 'full') Object.assign(hard, ns.preserved);
  return formatList(hard);
}
