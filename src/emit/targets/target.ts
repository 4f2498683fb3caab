/**
 * The shape every emit target has (registry.ts lists them): the kinds it writes, with what `apply` and the tree
 * need to know of each, which namespaces' quota it carries (the change set asks), and what it writes for a plan's
 * change set. Adding a target (KAI, Volcano) is one module of
 * this shape and one line in the registry.
 */
import type { ClusterInventory } from '../../inventory/types.js';
import type { Rational } from '../../rational.js';
import type { PlanInput, QuotaChangeSet, QuotaHolder } from '../change-set.js';
import type { Flag } from '../flag.js';
import { compareText } from '../../text-order.js';

export type ManifestMode = 'full' | 'apply';

/**
 * quotaplan's name of a kind it writes: the API kind, except where two targets write one kind name (KAI's and
 * Volcano's `Queue`): `KaiQueue`, `VolcanoQueue` (`EmittedKind.apiKind` is the API's).
 */
export type ManifestKind =
  | 'Profile'
  | 'ResourceQuota'
  | 'LimitRange'
  | 'ResourceFlavor'
  | 'Cohort'
  | 'ClusterQueue'
  | 'LocalQueue'
  | 'KaiQueue'
  | 'VolcanoQueue';

export interface KubeManifest {
  apiVersion: string;
  /** The API kind (`Queue` for a KAI or Volcano queue). */
  kind: string;
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

/** One kind a target writes: how it is applied and where its file goes in a tree. */
export interface EmittedKind {
  kind: ManifestKind;
  /** The kind as the API names it, where it differs from `kind` (`Queue`). */
  apiKind?: string;
  apiVersion: string;
  /** The REST resource (`resourcequotas`): its API path is `/api[s]/<apiVersion>[/namespaces/<ns>]/<resource>/<name>`. */
  resource: string;
  /** Namespaced objects go to `namespaces/<ns>/<kind>.yaml` (gitops) or `<ns>.<kind>.yaml` (flat). */
  namespaced: boolean;
  /** Cluster-scoped kinds: their folder in the gitops tree (`profiles`), one `<name>.yaml` each; flat: `<kind>.<name>.yaml`. */
  folder?: string;
  /** Place among the kinds in output, smallest first (cluster-wide Kueue objects before what refers to them). */
  order: number;
}

/** `--target`: which targets `emit` writes. */
export type TargetChoice = 'resourcequota' | 'kueue' | 'kai' | 'volcano';

export interface TargetInput {
  changes: QuotaChangeSet;
  /** The plan and the inventory the change set was built from. */
  plan: PlanInput;
  inventory: ClusterInventory;
  /** `full` for files, `apply` for server-side apply (only the keys quotaplan manages). */
  mode: ManifestMode;
  /** Each team's weight from the teams file (absent: 1), for the schedulers' fair-sharing weights. */
  weights?: ReadonlyMap<string, Rational>;
}

export interface TargetOutput {
  manifests: Manifest[];
  /** What a reviewer must see beyond the change set's own flags. */
  flags: Flag[];
}

export interface EmitTarget {
  name: string;
  /** The `--target` choice that includes it. */
  choice: TargetChoice;
  kinds: readonly EmittedKind[];
  /** A target that can carry a namespace's quota says here which namespaces' and what they hold today. */
  quotaHolder?: QuotaHolder;
  emit(input: TargetInput): TargetOutput;
}

/** Cluster-wide objects first, then by namespace, then by the kinds' order, then by name. */
export function sortManifests(manifests: readonly Manifest[], kinds: readonly EmittedKind[]): Manifest[] {
  const order = new Map(kinds.map((k) => [k.kind, k.order]));
  const orderOf = (kind: ManifestKind): number => order.get(kind) ?? Number.MAX_SAFE_INTEGER;
  return [...manifests].sort((a, b) => compareText(a.namespace, b.namespace) || orderOf(a.kind) - orderOf(b.kind) || compareText(a.name, b.name));
}
