/**
 * The marker file in the root of every tree `emit` writes (`clusters/<cluster>/quotaplan-tree.txt`, or
 * `quotaplan-tree.txt` in a flat folder): the cluster's real name and the layout. Two clusters whose names map to
 * the same folder (`prod/east` and `prod:east` both give `clusters/prod-east`) are told apart by it, and emit
 * removes files only from a tree whose marker names the cluster and layout being emitted.
 * Not `.yaml` or `.json`, so `kubectl apply -f DIR` and kustomize never read it as a manifest.
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { strictYamlValue } from './strict-yaml.js';
import type { Layout } from './tree-paths.js';

export interface TreeOwner {
  /** The cluster's name as the plan records it, not the folder name. */
  cluster: string;
  layout: Layout;
}

const markerSchema = z.strictObject({ cluster: z.string().min(1), layout: z.enum(['gitops', 'flat']) });

const header =
  '# Written by `quotaplan emit`: the quota tree of this cluster. emit refuses to write another cluster\'s tree\n' +
  '# into this folder, and removes only files of this tree that the plan no longer has. Keep this file.\n';

export function renderTreeMarker(owner: TreeOwner): string {
  return header + stringify({ cluster: owner.cluster, layout: owner.layout }, { lineWidth: 0 });
}

/** The owner a marker names, or null when the text is not a marker quotaplan wrote. */
export function parseTreeMarker(text: string): TreeOwner | null {
  const value = strictYamlValue(text);
  const parsed = markerSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
