/**
 * Where each object goes in the two layouts. Pure: the same object always maps to the same path, so a file can be
 * recognised as part of a tree by where it is and what it holds (tree-ownership.ts). Every name taken from a
 * cluster or a teams file becomes exactly one path segment, or is refused: a name holding `/` never makes folders.
 */
import { ValidationError } from '../errors.js';
import { isSafeFileName, SAFE_FILE_NAME_RULE } from '../files/out-path.js';
import { emittedKindOf } from './targets/registry.js';
import type { ManifestKind } from './targets/target.js';

export type Layout = 'gitops' | 'flat';

/** What places an object in a tree: its kind, its name, and for namespaced kinds its namespace. */
export interface ObjectPlace {
  kind: ManifestKind;
  name: string;
  /** The object's namespace for ResourceQuota, LimitRange and LocalQueue; not read for cluster-scoped kinds. */
  namespace: string;
}

/** The file in each tree's root that records whose tree it is (tree-marker.ts). */
export const TREE_MARKER_FILE = 'quotaplan-tree.txt';

/** A cluster or context name as one folder name: `arn:aws:eks:...:cluster/prod` -> `arn-aws-eks-...-cluster-prod`. */
export function pathSegment(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return cleaned === '' ? 'cluster' : cleaned;
}

/** The folder (relative to `--out`, `''` for the folder itself) that holds a layout's tree. */
export function treeRoot(layout: Layout, cluster: string): string {
  return layout === 'gitops' ? `clusters/${pathSegment(cluster)}` : '';
}

/** `root/name`, or `name` when the root is the output folder itself. */
export function underRoot(root: string, path: string): string {
  return root === '' ? path : `${root}/${path}`;
}

/** The object's file, relative to `--out`. */
export function objectPath(layout: Layout, cluster: string, place: ObjectPlace): string {
  return underRoot(treeRoot(layout, cluster), layout === 'gitops' ? gitopsPath(place) : flatPath(place));
}

/** Relative to the cluster's folder. */
export function gitopsPath(place: ObjectPlace): string {
  const { namespaced, folder } = emittedKindOf(place.kind);
  if (namespaced) return `namespaces/${segment(place.namespace, 'namespace')}/${place.kind.toLowerCase()}.yaml`;
  return `${folder ?? place.kind.toLowerCase()}/${segment(place.name, place.kind)}.yaml`;
}

function flatPath(place: ObjectPlace): string {
  if (emittedKindOf(place.kind).namespaced) return `${segment(place.namespace, 'namespace')}.${place.kind.toLowerCase()}.yaml`;
  return `${place.kind.toLowerCase()}.${segment(place.name, place.kind)}.yaml`;
}

/** A name that is to become (part of) one file name, or a ValidationError naming it. */
function segment(name: string, what: string): string {
  if (isSafeFileName(name)) return name;
  throw new ValidationError(`${what} name ${JSON.stringify(name)} cannot be part of a file name (${SAFE_FILE_NAME_RULE}): nothing written`, {
    field: what,
    value: name,
  });
}
