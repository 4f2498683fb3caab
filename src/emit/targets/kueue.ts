/**
 * Target Kueue (`--target kueue`): the plan as Kueue objects, for clusters where per-model GPU quotas must be enforced (a
 * ResourceQuota counts by resource name and cannot tell an H100 from an A100; domain.md section 2).
 * - one ResourceFlavor per GPU model of the plan, selecting its nodes by a label whose value is the model;
 * - `default-flavor` (no node labels) for resources planned without flavors;
 * - one ClusterQueue per leaf team with namespaces, `nominalQuota` per flavor, its namespaces selected by name;
 * - one LocalQueue per namespace, named after the team's ClusterQueue.
 * Kueue `kueue.x-k8s.io/v1beta1`: a resource is in one resource group, and every flavor of a group lists every
 * covered resource (`nominalQuota: 0` where the team has none of that flavor). Pure.
 */
import { addQuantities, formatQuantity, type Quantity } from '../../quantity.js';
import type { ClusterInventory } from '../../inventory/types.js';
import { compareText } from '../../text-order.js';
import type { PlanInput, QuotaChangeSet } from '../changes.js';
import type { Flag } from '../flag.js';
import { metadataFor } from './object-metadata.js';
import { sortManifests, type EmitTarget, type Manifest, type EmittedKind, type TargetOutput } from './target.js';

export const KUEUE_API_VERSION = 'kueue.x-k8s.io/v1beta1';
export const DEFAULT_FLAVOR = 'default-flavor';
/** Label quotaplan asks an administrator to put on nodes whose model no existing label names exactly. */
export const MODEL_LABEL = 'quotaplan.io/gpu-model';

/** Labels that name an accelerator model, in the order a flavor's node label is chosen from. */
const modelLabelKeys = [
  'nvidia.com/gpu.product',
  'amd.com/gpu.product-name',
  'cloud.google.com/gke-accelerator',
  'karpenter.k8s.aws/instance-gpu-name',
  'karpenter.k8s.aws/instance-accelerator-name',
  'node.kubernetes.io/instance-type',
];

const KINDS: readonly EmittedKind[] = [
  { kind: 'ResourceFlavor', apiVersion: KUEUE_API_VERSION, resource: 'resourceflavors', namespaced: false, folder: 'kueue/resourceflavors', order: 0 },
  { kind: 'ClusterQueue', apiVersion: KUEUE_API_VERSION, resource: 'clusterqueues', namespaced: false, folder: 'kueue/clusterqueues', order: 1 },
  { kind: 'LocalQueue', apiVersion: KUEUE_API_VERSION, resource: 'localqueues', namespaced: true, order: 5 },
];

export const kueueTarget: EmitTarget = {
  name: 'Kueue',
  choice: 'kueue',
  kinds: KINDS,
  emit: ({ plan, changes, inventory }) => buildKueueObjects({ plan, changes, inventory }),
};

export function buildKueueObjects(input: { plan: PlanInput; changes: QuotaChangeSet; inventory: ClusterInventory }): TargetOutput {
  const { plan, changes, inventory } = input;
  const flags: Flag[] = [];
  const manifests: Manifest[] = [];
  const metadata = (team: string): ReturnType<typeof metadataFor> => metadataFor(changes, team);

  const leaves = changes.teams.filter((t) => t.namespaces.length > 0);
  const leafNames = new Set(leaves.map((t) => t.team));
  const models = new Set<string>();
  let needsDefault = false;
  for (const allocation of plan.allocations) {
    const terminal = allocation.terminal ?? leafNames.has(allocation.team);
    if (!terminal) continue;
    if (!leafNames.has(allocation.team)) {
      flags.push({
        kind: 'parent-quota-not-in-kueue',
        team: allocation.team,
        message: `${allocation.team}: its ${allocation.resource} quota covers several sub-teams; the Kueue output has one ClusterQueue per leaf and leaves it out`,
      });
      continue;
    }
    if (allocation.flavor === null || allocation.flavor === undefined) needsDefault = true;
    else models.add(allocation.flavor);
  }

  const flavorNames = new Map<string, string>();
  if (needsDefault) {
    manifests.push(clusterManifest('ResourceFlavor', DEFAULT_FLAVOR, '', { apiVersion: KUEUE_API_VERSION, kind: 'ResourceFlavor', metadata: { name: DEFAULT_FLAVOR, ...metadata('') }, spec: {} }));
  }
  for (const model of [...models].sort(compareText)) {
    const name = flavorName(model);
    flavorNames.set(model, name);
    const nodeLabels = nodeLabelsFor(model, inventory);
    if (nodeLabels.kind === 'missing') {
      flags.push({
        kind: 'flavor-without-node-label',
        team: '',
        message:
          `model ${model}: no node label has exactly this value on every node of the model; ` +
          `label them ${MODEL_LABEL}=${name} for ResourceFlavor ${name} to select them`,
      });
    }
    manifests.push(
      clusterManifest('ResourceFlavor', name, '', {
        apiVersion: KUEUE_API_VERSION,
        kind: 'ResourceFlavor',
        metadata: { name, ...metadata('') },
        spec: { nodeLabels: nodeLabels.labels },
      }),
    );
  }

  for (const team of leaves) {
    const queue = queueName(team.team);
    const allocations = plan.allocations.filter((a) => a.team === team.team && (a.terminal ?? true));
    const plain = new Map<string, Quantity>();
    const flavored = new Map<string, Map<string, Quantity>>();
    for (const a of allocations) {
      if (a.flavor === null || a.flavor === undefined) {
        const current = plain.get(a.resource);
        plain.set(a.resource, current === undefined ? a.quota : addQuantities(current, a.quota));
      } else {
        const byModel = flavored.get(a.flavor) ?? new Map<string, Quantity>();
        byModel.set(a.resource, a.quota);
        flavored.set(a.flavor, byModel);
      }
    }
    const resourceGroups: Record<string, unknown>[] = [];
    if (plain.size > 0) {
      const covered = [...plain.keys()].sort(compareText);
      resourceGroups.push({
        coveredResources: covered,
        flavors: [{ name: DEFAULT_FLAVOR, resources: covered.map((r) => ({ name: r, nominalQuota: formatQuantity(plain.get(r) as Quantity) })) }],
      });
    }
    if (flavored.size > 0) {
      const covered = [...new Set([...flavored.values()].flatMap((m) => [...m.keys()]))].sort(compareText);
      resourceGroups.push({
        coveredResources: covered,
        flavors: [...flavored.keys()].sort(compareText).map((model) => ({
          name: flavorNames.get(model) as string,
          resources: covered.map((r) => {
            const quota = flavored.get(model)?.get(r);
            return { name: r, nominalQuota: quota === undefined ? '0' : formatQuantity(quota) };
          }),
        })),
      });
    }
    const namespaces = team.namespaces.map((ns) => ns.namespace).sort(compareText);
    manifests.push(
      clusterManifest('ClusterQueue', queue, team.team, {
        apiVersion: KUEUE_API_VERSION,
        kind: 'ClusterQueue',
        metadata: { name: queue, ...metadata(team.team) },
        spec: {
          namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: namespaces }] },
          resourceGroups,
        },
      }),
    );
    for (const ns of namespaces) {
      manifests.push({
        kind: 'LocalQueue',
        name: queue,
        namespace: ns,
        team: team.team,
        object: {
          apiVersion: KUEUE_API_VERSION,
          kind: 'LocalQueue',
          metadata: { name: queue, namespace: ns, ...metadata(team.team) },
          spec: { clusterQueue: queue },
        },
      });
    }
  }
  return { manifests: sortManifests(manifests, KINDS), flags };
}

function clusterManifest(kind: 'ResourceFlavor' | 'ClusterQueue', name: string, team: string, object: Manifest['object']): Manifest {
  return { kind, name, namespace: '', team, object };
}

/** A flavor name from a model: lower case, DNS-label characters (`NVIDIA-H100-80GB-HBM3` -> `nvidia-h100-80gb-hbm3`). */
export function flavorName(model: string): string {
  const name = model.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return name === '' ? 'model' : name;
}

/** A ClusterQueue name from a team path: `platform/fraud` -> `platform-fraud`. */
export function queueName(team: string): string {
  return team.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The label selecting the nodes of a model: the first model label whose value is the model on every such node. */
function nodeLabelsFor(model: string, inventory: ClusterInventory): { kind: 'found' | 'missing'; labels: Record<string, string> } {
  const nodes = inventory.nodes.filter((n) => n.model === model || n.accelerators.some((a) => a.model === model));
  if (nodes.length > 0) {
    const others = [...new Set(nodes.flatMap((n) => Object.keys(n.labels)))].filter((k) => !modelLabelKeys.includes(k)).sort(compareText);
    for (const key of [...modelLabelKeys, ...others]) {
      if (nodes.every((n) => n.labels[key] === model)) return { kind: 'found', labels: { [key]: model } };
    }
  }
  return { kind: 'missing', labels: { [MODEL_LABEL]: flavorName(model) } };
}
