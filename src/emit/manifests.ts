/**
 * Kubernetes objects from a quota change set, written by the emit targets (targets/registry.ts). Two modes over the
 * same value:
 * - `full`: the whole `spec.hard` (managed keys plus the keys quotaplan preserves), for files a GitOps tool or
 *   `kubectl apply` owns;
 * - `apply`: only the keys quotaplan manages, for server-side apply, where the API server keeps every other
 *   field owned by its own manager (maps such as `spec.hard` merge key by key).
 * Keys are inserted in a fixed order (apiVersion, kind, metadata, spec; maps sorted) so output is byte-stable.
 */
import { EMIT_KINDS, targetsOf } from './targets/registry.js';
import { sortManifests, type Manifest, type TargetChoice, type TargetInput, type TargetOutput } from './targets/target.js';

/** Every object of the targets `choice` names (`all`: every target), sorted by `inEmitOrder`. */
export function buildManifests(input: TargetInput, choice: TargetChoice | 'all' = 'resourcequota'): Manifest[] {
  return inEmitOrder(targetsOf(choice).flatMap((target) => target.emit(input).manifests));
}

/** What each target of `choice` writes, by target name. */
export function emitTargets(input: TargetInput, choice: TargetChoice | 'all'): Map<string, TargetOutput> {
  return new Map(targetsOf(choice).map((target) => [target.name, target.emit(input)]));
}

/**
 * Cluster-wide objects first, then by namespace, then kind (ResourceFlavor, Cohort, ClusterQueue, Profile,
 * ResourceQuota, LimitRange, LocalQueue, KAI and Volcano Queues), then name.
 */
export function inEmitOrder(manifests: readonly Manifest[]): Manifest[] {
  return sortManifests(manifests, EMIT_KINDS);
}
