/**
 * Files from manifests: the GitOps tree (kustomize-friendly), the flat layout, and one multi-document stream.
 * Pure: returns path -> content; the command writes them. The same change set always gives the same bytes.
 */
import { stringify } from 'yaml';
import { compareText, type QuotaChangeSet } from './changes.js';
import { buildManifests, type Manifest } from './manifests.js';

export type Layout = 'gitops' | 'flat';

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
 */
export function buildTree(
  changes: QuotaChangeSet,
  layout: Layout,
  manifests: readonly Manifest[] = buildManifests(changes, 'full'),
): EmittedFile[] {
  const files: EmittedFile[] = [];
  if (layout === 'flat') {
    for (const m of manifests) files.push({ path: flatPath(m), content: toYaml(m.object) });
    return files.sort((a, b) => compareText(a.path, b.path));
  }
  const root = `clusters/${pathSegment(changes.cluster)}`;
  for (const m of manifests) files.push({ path: `${root}/${gitopsPath(m)}`, content: toYaml(m.object) });
  const resources = files.map((f) => f.path.slice(root.length + 1)).sort(compareText);
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
  };
  files.push({ path: `${root}/kustomization.yaml`, content: toYaml(kustomization) });
  return files.sort((a, b) => compareText(a.path, b.path));
}

function gitopsPath(m: Manifest): string {
  switch (m.kind) {
    case 'Profile':
      return `profiles/${m.name}.yaml`;
    case 'ResourceFlavor':
      return `kueue/resourceflavors/${m.name}.yaml`;
    case 'ClusterQueue':
      return `kueue/clusterqueues/${m.name}.yaml`;
    default:
      return `namespaces/${m.namespace}/${m.kind.toLowerCase()}.yaml`;
  }
}

function flatPath(m: Manifest): string {
  switch (m.kind) {
    case 'Profile':
    case 'ResourceFlavor':
    case 'ClusterQueue':
      return `${m.kind.toLowerCase()}.${m.name}.yaml`;
    default:
      return `${m.namespace}.${m.kind.toLowerCase()}.yaml`;
  }
}

/** A cluster or context name as one folder name: `arn:aws:eks:...:cluster/prod` -> `arn-aws-eks-...-cluster-prod`. */
export function pathSegment(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return cleaned === '' ? 'cluster' : cleaned;
}
