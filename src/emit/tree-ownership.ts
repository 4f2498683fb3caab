/**
 * Whether a file found in a tree's folder is one of that tree's objects, decided by an exact parse, never by a
 * text match: the file must hold exactly one YAML document, a kind quotaplan emits with its apiVersion, the
 * `app.kubernetes.io/managed-by: quotaplan` label, and sit exactly where the layout puts that object. A user's file
 * that mentions the label in a comment, another tool's object, or an object at another path is not the tree's.
 */
import { z } from 'zod';
import { MANAGED_BY_LABEL, MANAGER } from './changes.js';
import { strictYamlValue } from './strict-yaml.js';
import { emittedKindOfObject } from './targets/registry.js';
import { objectPath, type Layout, type ObjectPlace } from './tree-paths.js';

const objectSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.object({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()),
  }),
});

export interface TreeFileCandidate {
  /** The file's content. */
  text: string;
  /** Its path relative to `--out`, `/`-separated. */
  path: string;
  layout: Layout;
  cluster: string;
}

/** true when the file is an object of the `layout` tree of `cluster` (see the module comment). */
export function isTreeObjectFile(candidate: TreeFileCandidate): boolean {
  const place = emittedObjectIn(candidate.text);
  if (place === null) return false;
  try {
    return objectPath(candidate.layout, candidate.cluster, place) === candidate.path;
  } catch {
    // A name that cannot be a file name was never written by emit.
    return false;
  }
}

/** The kind, name and namespace of the one quotaplan object the text holds, or null. */
export function emittedObjectIn(text: string): ObjectPlace | null {
  const value = strictYamlValue(text);
  const parsed = objectSchema.safeParse(value);
  if (!parsed.success) return null;
  const { apiVersion, kind, metadata } = parsed.data;
  const emitted = emittedKindOfObject(apiVersion, kind);
  if (emitted === undefined) return null;
  if (metadata.labels[MANAGED_BY_LABEL] !== MANAGER) return null;
  if (emitted.namespaced !== (metadata.namespace !== undefined)) return null;
  return { kind: emitted.kind, name: metadata.name, namespace: metadata.namespace ?? '' };
}
