/**
 * Every kind quotaplan reads. The collector lists them in this order, the `streamed` kind (pods) last; an
 * inventory lists the facts of kinds with a `field` in this order too. A new kind is a module beside this one and
 * a line here (docs/architecture.md, "Adding a kind").
 */
import type { z } from 'zod';
import { InternalError } from '../errors.js';
import type { AnyKind } from './kind.js';
import { deviceClassKind } from './device-class.js';
import { kaiQueueKind } from './kai-queue.js';
import { kueueClusterQueueKind } from './kueue-cluster-queue.js';
import { kueueCohortKind } from './kueue-cohort.js';
import { kueueResourceFlavorKind } from './kueue-resource-flavor.js';
import { limitRangeKind } from './limit-range.js';
import { namespaceKind } from './namespace.js';
import { nodeKind } from './node.js';
import { podKind } from './pod.js';
import { profileKind } from './profile.js';
import { resourceClaimKind } from './resource-claim.js';
import { resourceQuotaKind } from './resource-quota.js';
import { resourceSliceKind } from './resource-slice.js';
import { volcanoQueueKind } from './volcano-queue.js';

export const objectKinds = [
  nodeKind,
  namespaceKind,
  podKind,
  resourceQuotaKind,
  limitRangeKind,
  profileKind,
  deviceClassKind,
  resourceSliceKind,
  resourceClaimKind,
  kueueResourceFlavorKind,
  kueueCohortKind,
  kueueClusterQueueKind,
  kaiQueueKind,
  volcanoQueueKind,
] as const;

/** An object of a registered kind, as its schema returns it. */
export type KubeObject = z.output<(typeof objectKinds)[number]['schema']>;

/** A set of kinds with its lookups; `kindRegistry(objectKinds)` is quotaplan's, a test may add a kind. */
export interface KindRegistry {
  /** In registration order. */
  kinds: readonly AnyKind[];
  /** In the order the collector lists them (and RBAC grants them): the streamed kind last. */
  listed: readonly AnyKind[];
  byKind(kind: string): AnyKind | undefined;
  /**
   * The kind of an object as the API or a dump names it (`Queue`): by its kind, and where several kinds share the
   * name, by its apiVersion's group; undefined when none (or several and no apiVersion tells them apart).
   */
  byApiKind(apiKind: string, apiVersion: string | undefined): AnyKind | undefined;
}

export function kindRegistry(kinds: readonly AnyKind[]): KindRegistry {
  const byName = new Map(kinds.map((kind) => [kind.kind as string, kind]));
  if (byName.size !== kinds.length) throw new InternalError('a kind is registered twice');
  // The collector restarts a streamed list into a builder seeded with the held kinds only (collect/live.ts).
  if (kinds.filter((kind) => kind.streamed === true).length > 1) throw new InternalError('more than one kind is streamed');
  const listed = [...kinds.filter((kind) => kind.streamed !== true), ...kinds.filter((kind) => kind.streamed === true)];
  const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
  // Looked up once per object read (every pod of a cluster): a map, not a scan.
  const byApiName = new Map<string, AnyKind[]>();
  for (const kind of kinds) byApiName.set(kind.apiKind ?? kind.kind, [...(byApiName.get(kind.apiKind ?? kind.kind) ?? []), kind]);
  const byApiKind = (apiKind: string, apiVersion: string | undefined): AnyKind | undefined => {
    const named = byApiName.get(apiKind);
    if (named === undefined || named.length === 1) return named?.[0];
    return apiVersion === undefined ? undefined : named.find((kind) => groupOf(kind.list.apiVersion) === groupOf(apiVersion));
  };
  return { kinds, listed, byKind: (kind) => byName.get(kind), byApiKind };
}

/** The kinds quotaplan reads. */
export const registry: KindRegistry = kindRegistry(objectKinds);
