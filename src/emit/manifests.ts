/**
 * Kubernetes objects from a quota change set. Two modes over the same value:
 * - `full`: the whole `spec.hard` (managed keys plus the keys quotaplan preserves), for files a GitOps tool or
 *   `kubectl apply` owns;
 * - `apply`: only the keys quotaplan manages, for server-side apply, where the API server keeps every other
 *   field owned by its own manager (maps such as `spec.hard` merge key by key).
 * Keys are inserted in a fixed order (apiVersion, kind, metadata, spec; maps sorted) so output is byte-stable.
 */
import { formatQuantity, type Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { sortedNames } from '../resources.js';
import { MANAGED_BY_LABEL, MANAGER, type NamespaceChange, type QuotaChangeSet } from './changes.js';
import { compareText } from '../text-order.js';

export type ManifestMode = 'full' | 'apply';

export type ManifestKind = 'Profile' | 'ResourceQuota' | 'LimitRange' | 'ResourceFlavor' | 'ClusterQueue' | 'LocalQueue';

export interface KubeManifest {
  apiVersion: string;
  kind: ManifestKind;
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface Manifest {
  kind: ManifestKind;
  name: string;
  /** The namespace the object governs (a Profile is cluster-scoped but owns the namespace of its name); '' for cluster-wide Kueue objects. */
  namespace: string;
  team: string;
  object: KubeManifest;
}

export const CYCLE_LABEL = 'quotaplan.io/cycle';
export const CYCLE_ANNOTATION = 'quotaplan.io/cycle';
export const PLAN_ANNOTATION = 'quotaplan.io/plan';
export const TEAM_ANNOTATION = 'quotaplan.io/team';

const kindOrder: Record<ManifestKind, number> = {
  ResourceFlavor: 0,
  ClusterQueue: 1,
  Profile: 2,
  ResourceQuota: 3,
  LimitRange: 4,
  LocalQueue: 5,
};

/** Every object of the change set, sorted by namespace, then Profile / ResourceQuota / LimitRange. */
export function buildManifests(changes: QuotaChangeSet, mode: ManifestMode): Manifest[] {
  const out: Manifest[] = [];
  for (const team of changes.teams) {
    for (const ns of team.namespaces) {
      out.push(quotaManifest(changes, ns, mode));
      if (ns.limitRange !== null) out.push(limitRangeManifest(changes, ns));
    }
  }
  return sortManifests(out);
}

/** Cluster-wide objects first, then by namespace, then kind, then name. */
export function sortManifests(manifests: readonly Manifest[]): Manifest[] {
  return [...manifests].sort(
    (a, b) => compareText(a.namespace, b.namespace) || kindOrder[a.kind] - kindOrder[b.kind] || compareText(a.name, b.name),
  );
}

function quotaManifest(changes: QuotaChangeSet, ns: NamespaceChange, mode: ManifestMode): Manifest {
  const hard: ResourceList = {};
  for (const change of ns.keys) hard[change.key] = change.next;
  if (mode === 'full') Object.assign(hard, ns.preserved);
  const hardStrings = formatList(hard);
  const metadata = metadataFor(changes, ns.team);
  if (ns.target.kind === 'Profile') {
    return {
      kind: 'Profile',
      name: ns.target.name,
      namespace: ns.namespace,
      team: ns.team,
      object: {
        apiVersion: 'kubeflow.org/v1',
        kind: 'Profile',
        metadata: { name: ns.target.name, ...metadata },
        spec: { resourceQuotaSpec: { hard: hardStrings } },
      },
    };
  }
  return {
    kind: 'ResourceQuota',
    name: ns.target.name,
    namespace: ns.namespace,
    team: ns.team,
    object: {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: ns.target.name, namespace: ns.namespace, ...metadata },
      spec: { hard: hardStrings },
    },
  };
}

function limitRangeManifest(changes: QuotaChangeSet, ns: NamespaceChange): Manifest {
  const lr = ns.limitRange;
  if (lr === null) throw new Error('limitRangeManifest: namespace has no LimitRange');
  const limits: Record<string, unknown>[] = [];
  if (Object.keys(lr.maxPerPod).length > 0) limits.push({ type: 'Pod', max: formatList(lr.maxPerPod) });
  const container: Record<string, unknown> = { type: 'Container' };
  if (Object.keys(lr.maxPerContainer).length > 0) container.max = formatList(lr.maxPerContainer);
  if (Object.keys(lr.defaultLimit).length > 0) container.default = formatList(lr.defaultLimit);
  if (Object.keys(lr.defaultRequest).length > 0) container.defaultRequest = formatList(lr.defaultRequest);
  if (Object.keys(container).length > 1) limits.push(container);
  return {
    kind: 'LimitRange',
    name: lr.name,
    namespace: ns.namespace,
    team: ns.team,
    object: {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: lr.name, namespace: ns.namespace, ...metadataFor(changes, ns.team) },
      spec: { limits },
    },
  };
}

/** Labels and annotations of every object quotaplan writes (team '' for cluster-wide objects: no team annotation). */
export function metadataFor(
  changes: Pick<QuotaChangeSet, 'cycle' | 'planId'>,
  team: string,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = { [MANAGED_BY_LABEL]: MANAGER };
  if (isLabelValue(changes.cycle)) labels[CYCLE_LABEL] = changes.cycle;
  return {
    labels: sortRecord(labels),
    annotations: sortRecord({
      [CYCLE_ANNOTATION]: changes.cycle,
      [PLAN_ANNOTATION]: changes.planId,
      ...(team === '' ? {} : { [TEAM_ANNOTATION]: team }),
    }),
  };
}

/** A valid label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
function isLabelValue(value: string): boolean {
  return value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);
}

function formatList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of sortedNames(list)) out[name] = formatQuantity(list[name] as Quantity);
  return out;
}

function sortRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort(compareText)) out[key] = record[key] as string;
  return out;
}
