/**
 * Files from manifests: the GitOps tree (kustomize-friendly), the flat layout, and one multi-document stream.
 * Pure: returns path -> content; src/files/ writes them. The same change set always gives the same bytes.
 * Where each object goes is decided in tree-paths.ts; every tree carries its marker (tree-marker.ts).
 */
import { stringify } from 'yaml';
import { ConflictError } from '../errors.js';
import type { QuotaChangeSet } from './changes.js';
import type { Manifest } from './targets/target.js';
import { renderTreeMarker } from './tree-marker.js';
import { gitopsPath, objectPath, TREE_MARKER_FILE, treeRoot, underRoot, type Layout } from './tree-paths.js';
import { compareText } from '../text-order.js';

export type { Layout } from './tree-paths.js';

export interface EmittedFile {
  /** Relative to the output folder, `/`-separated. */
  path: string;
  content: string;
}

/** One YAML document, no folding, quantities as strings. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, indent: 2, aliasDuplicateObjects: false });
}

/** `kubectl apply -f -` input: every object, `---` between them. */
export function toMultiDocument(manifests: readonly Manifest[]): string {
  return manifests.map((m) => toYaml(m.object)).join('---\n');
}

/**
 * gitops: `clusters/<cluster>/namespaces/<ns>/resourcequota.yaml` and `limitrange.yaml`,
 * `clusters/<cluster>/profiles/<name>.yaml` (a partial Profile: only `spec.resourceQuotaSpec.hard`, to be applied
 * server-side so the rest of the Profile stays as it is), and `clusters/<cluster>/kustomization.yaml` listing them.
 * flat: `<namespace>.<kind>.yaml` in one folder, for tools that take a directory of manifests.
 * Both: `quotaplan-tree.txt` in the tree's root, naming the cluster and layout.
 * Two objects that would share a file (flat: namespace `profile`'s LimitRange and a Profile named `limitrange`)
 * are a ConflictError: neither may silently overwrite the other.
 */
export function buildTree(changes: QuotaChangeSet, layout: Layout, manifests: readonly Manifest[]): EmittedFile[] {
  const root = treeRoot(layout, changes.cluster);
  const files: EmittedFile[] = [];
  const owners = new Map<string, Manifest>();
  for (const m of manifests) {
    const path = objectPath(layout, changes.cluster, m);
    const other = owners.get(path);
    if (other !== undefined) {
      throw new ConflictError(`${describe(other)} and ${describe(m)} would both be written to ${JSON.stringify(path)}: use --layout gitops, or rename one`);
    }
    owners.set(path, m);
    files.push({ path, content: toYaml(m.object) });
  }
  if (layout === 'gitops') {
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: manifests.map((m) => gitopsPath(m)).sort(compareText),
    };
    files.push({ path: underRoot(root, 'kustomization.yaml'), content: toYaml(kustomization) });
  }
  files.push({ path: underRoot(root, TREE_MARKER_FILE), content: renderTreeMarker({ cluster: changes.cluster, layout }) });
  return files.sort((a, b) => compareText(a.path, b.path));
}

function describe(m: Manifest): string {
  return m.kind === 'Profile' || m.namespace === '' ? `${m.kind} ${JSON.stringify(m.name)}` : `${m.kind} ${JSON.stringify(`${m.namespace}/${m.name}`)}`;
}
