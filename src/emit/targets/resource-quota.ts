/**
 * Target ResourceQuota: one ResourceQuota per plain namespace of a team, its `spec.hard` the namespace's quota. It
 * holds the quota of every namespace no other target holds (the last of the registry's quota holders).
 */
import { compareQuantities, formatQuantity } from '../../quantity.js';
import type { ResourceQuotaFacts } from '../../inventory/types.js';
import type { ResourceList } from '../../resources.js';
import { compareKeys, compareText } from '../../text-order.js';
import { DEFAULT_QUOTA_NAME, type NamespaceChange, type QuotaChangeSet, type QuotaHolder } from '../change-set.js';
import { formatList, metadataFor } from './object-metadata.js';
import type { EmitTarget, EmittedKind, Manifest, ManifestMode } from './target.js';

const kind: EmittedKind = { kind: 'ResourceQuota', apiVersion: 'v1', resource: 'resourcequotas', namespaced: true, order: 3 };

/**
 * A plain namespace's quota: the ResourceQuota `managedQuotaOf` picks, its `hard` today, and a flag for each other
 * unscoped quota of the namespace that sets a key lower than the new quota (the lower limit is the one enforced).
 */
const holder: QuotaHolder = {
  precedence: 100,
  holderOf: ({ namespace: ns, owner, wanted, facts, inventory, options, flag }) => {
    const team = owner.team;
    if (facts === undefined) {
      flag({ kind: 'namespace-not-found', team, namespace: ns, message: `${ns}: namespace is not in the snapshot; applying fails until it exists` });
    }
    const quotas = inventory.resourceQuotas.filter((q) => q.namespace === ns);
    const managed = managedQuotaOf(quotas, [...wanted.keys()], owner.quotaName ?? options.quotaName ?? null, options.defaultQuotaName);
    for (const other of quotas) {
      if (other.name === managed.name || isScoped(other)) continue;
      for (const [key, next] of [...wanted].sort(compareKeys)) {
        const hard = other.hard[key];
        if (hard !== undefined && compareQuantities(hard, next) < 0) {
          flag({
            kind: 'other-quota-limits',
            team,
            namespace: ns,
            key,
            message:
              `${ns}: ResourceQuota ${other.name} also sets ${key}: ${formatQuantity(hard)}, below the new ` +
              `${formatQuantity(next)}; the lower limit is the one enforced`,
          });
        }
      }
    }
    const previous: ResourceList = managed.existing?.hard ?? {};
    return { target: { kind: 'ResourceQuota', name: managed.name, exists: managed.existing !== undefined }, previous };
  },
};

export const resourceQuotaTarget: EmitTarget = {
  name: 'ResourceQuota',
  choice: 'resourcequota',
  kinds: [kind],
  quotaHolder: holder,
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

/**
 * The ResourceQuota quotaplan writes in a plain namespace: the team's configured name; else the quota already
 * labelled managed-by quotaplan; else the one unscoped quota already holding a key quotaplan sets (so the old limit
 * does not keep binding beside the new one; first by name when several); else the default name.
 */
function managedQuotaOf(
  quotas: readonly ResourceQuotaFacts[],
  keys: readonly string[],
  configured: string | null,
  fallback: string | undefined,
): { name: string; existing: ResourceQuotaFacts | undefined } {
  const byName = [...quotas].sort((a, b) => compareText(a.name, b.name));
  const pick = (name: string): { name: string; existing: ResourceQuotaFacts | undefined } => ({
    name,
    existing: byName.find((q) => q.name === name),
  });
  if (configured !== null) return pick(configured);
  const fallbackName = fallback ?? DEFAULT_QUOTA_NAME;
  const own = byName.find((q) => q.name === fallbackName);
  if (own !== undefined) return { name: own.name, existing: own };
  const holding = byName.find((q) => !isScoped(q) && keys.some((key) => q.hard[key] !== undefined));
  if (holding !== undefined) return { name: holding.name, existing: holding };
  return pick(fallbackName);
}

function isScoped(quota: ResourceQuotaFacts): boolean {
  return quota.scopes.length > 0 || quota.scopeSelector.length > 0;
}
