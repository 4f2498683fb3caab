/**
 * Target Kueue (`--target kueue`): the plan as Kueue objects (`kueue.x-k8s.io/v1beta2`, the storage version since
 * Kueue 0.16; checked against v0.17.0's apis/kueue/v1beta2 and its CRDs), for clusters where per-model GPU quotas must
 * be enforced (a ResourceQuota counts by resource name and cannot tell an H100 from an A100).
 * - one ResourceFlavor per GPU model of the plan, selecting its nodes by a label whose value is the model;
 *   `default-flavor` (no node labels) for resources planned without flavors;
 * - a Cohort per parent team (`parentName` its parent's, top-level ones under the root cohort `quotaplan-root`),
 *   holding the parent's own (terminal) quotas, shared by its sub-teams;
 * - one ClusterQueue per leaf team with namespaces, in its parent's cohort: `nominalQuota` = the plan,
 *   `borrowingLimit` = cap - quota where the teams file gives a cap, `lendingLimit` = quota - guarantee where it
 *   gives a guarantee, `fairSharing.weight` = the team's weight; its namespaces selected by name;
 * - one LocalQueue per namespace, named after the team's ClusterQueue.
 * A resource is in one resource group, and every flavor of a group lists every covered resource (`nominalQuota: 0`
 * where the team has none of that flavor). What Kueue cannot hold (its limits, below) is a ValidationError. Pure.
 */
import { formatQuantity, quantityFromNanos, subtractQuantities, type Quantity } from '../../quantity.js';
import type { ClusterInventory } from '../../inventory/types.js';
import { ValidationError } from '../../errors.js';
import type { Rational } from '../../rational.js';
import { compareText } from '../../text-order.js';
import type { Flag } from '../flag.js';
import { metadataFor } from './object-metadata.js';
import { sortManifests, type EmitTarget, type Manifest, type EmittedKind, type TargetInput, type TargetOutput } from './target.js';
import { queueName, teamTree, uniqueNames, type SchedulerTeam } from './team-tree.js';

export { queueName } from './team-tree.js';

export const KUEUE_API_VERSION = 'kueue.x-k8s.io/v1beta2';
export const DEFAULT_FLAVOR = 'default-flavor';
/** The cohort every top-level team's ClusterQueue or Cohort belongs to, so they lend to and borrow from each other. */
export const ROOT_COHORT = 'quotaplan-root';
/** Label quotaplan asks an administrator to put on nodes whose model no existing label names exactly. */
export const MODEL_LABEL = 'quotaplan.io/gpu-model';

/**
 * Kueue's limits on what one ClusterQueue or Cohort holds: the CRD's `maxItems` (apis/kueue/v1beta2
 * clusterqueue_types.go) and the webhook's totals (pkg/webhooks/clusterqueue_webhook.go, which a bare API server
 * does not run, so quotaplan checks them itself).
 */
export const KUEUE_LIMITS = {
  resourceGroups: 16,
  coveredResourcesPerGroup: 64,
  flavorsPerGroup: 64,
  flavorResourcesPerGroup: 512,
  flavorsInAll: 256,
  coveredResourcesInAll: 256,
  /** A LocalQueue is chosen by the label `kueue.x-k8s.io/queue-name`: its name is a label value. */
  localQueueName: 63,
  objectName: 253,
} as const;

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
  { kind: 'ResourceFlavor', apiVersion: KUEUE_API_VERSION, resource: 'resourceflavors', namespaced: false, folder: 'kueue/resourceflavors', order: -1 },
  { kind: 'Cohort', apiVersion: KUEUE_API_VERSION, resource: 'cohorts', namespaced: false, folder: 'kueue/cohorts', order: 0 },
  { kind: 'ClusterQueue', apiVersion: KUEUE_API_VERSION, resource: 'clusterqueues', namespaced: false, folder: 'kueue/clusterqueues', order: 1 },
  { kind: 'LocalQueue', apiVersion: KUEUE_API_VERSION, resource: 'localqueues', namespaced: true, order: 5 },
];

export const kueueTarget: EmitTarget = {
  name: 'Kueue',
  choice: 'kueue',
  kinds: KINDS,
  emit: (input) => buildKueueObjects(input),
};

/** One (resource, flavor) of a ClusterQueue or Cohort. `flavor` null: `default-flavor`. */
interface QuotaEntry {
  resource: string;
  flavor: string | null;
  nominal: Quantity;
  borrowingLimit: Quantity | null;
  lendingLimit: Quantity | null;
}

export function buildKueueObjects(input: Pick<TargetInput, 'plan' | 'changes' | 'inventory' | 'weights'>): TargetOutput {
  const { changes, inventory } = input;
  const flags: Flag[] = [];
  const manifests: Manifest[] = [];
  const metadata = (team: string): ReturnType<typeof metadataFor> => metadataFor(changes, team);

  const teams = teamTree(input);
  const byPath = new Map(teams.map((t) => [t.team, t]));
  const queues = teams.filter((t) => t.leaf && t.namespaces.length > 0);
  const cohorts = teams.filter((t) => !t.leaf);
  const cohortNames = uniqueNames({
    teams: cohorts,
    scheduler: 'Kueue',
    what: 'Cohort',
    maxLength: KUEUE_LIMITS.objectName,
    why: 'a Kubernetes object name',
    reserved: new Map([[ROOT_COHORT, `(quotaplan's root cohort ${ROOT_COHORT})`]]),
  });
  const queueNames = uniqueNames({
    teams: queues,
    scheduler: 'Kueue',
    what: 'ClusterQueue and LocalQueue',
    maxLength: KUEUE_LIMITS.localQueueName,
    why: "Kueue's label kueue.x-k8s.io/queue-name, whose value is the LocalQueue name,",
  });
  const cohortOf = (team: SchedulerTeam): string => (team.parent === null ? ROOT_COHORT : (cohortNames.get(team.parent) as string));

  // Flavors: every model of an enforced quota (a leaf's, or a parent's own, held by its cohort).
  const models = new Set<string>();
  let needsDefault = false;
  for (const team of [...queues, ...cohorts]) {
    for (const a of team.allocations) {
      if (!(a.terminal ?? team.leaf)) continue;
      if (a.flavor === null || a.flavor === undefined) needsDefault = true;
      else models.add(a.flavor);
    }
  }
  const flavorNames = new Map<string, string>();
  const modelOfFlavor = new Map<string, string>();
  if (needsDefault) {
    manifests.push(clusterManifest('ResourceFlavor', DEFAULT_FLAVOR, '', { apiVersion: KUEUE_API_VERSION, kind: 'ResourceFlavor', metadata: { name: DEFAULT_FLAVOR, ...metadata('') }, spec: {} }));
  }
  for (const model of [...models].sort(compareText)) {
    const name = flavorName(model);
    const other = modelOfFlavor.get(name) ?? (name === DEFAULT_FLAVOR ? '(the default flavor)' : undefined);
    if (other !== undefined) {
      throw new ValidationError(`Kueue: GPU models ${other} and ${model} would both be the ResourceFlavor ${name}`, { field: 'flavor', value: model });
    }
    modelOfFlavor.set(name, model);
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
  const flavorOf = (model: string | null): string => (model === null ? DEFAULT_FLAVOR : (flavorNames.get(model) as string));

  manifests.push(
    clusterManifest('Cohort', ROOT_COHORT, '', { apiVersion: KUEUE_API_VERSION, kind: 'Cohort', metadata: { name: ROOT_COHORT, ...metadata('') }, spec: {} }),
  );
  for (const team of cohorts) {
    const name = cohortNames.get(team.team) as string;
    const entries = team.allocations
      .map((a) => entryOf(a, a.terminal ?? false))
      .filter((e) => e.terminal || e.entry.borrowingLimit !== null || e.entry.lendingLimit !== null)
      .map((e) => e.entry);
    const resourceGroups = resourceGroupsOf(entries, flavorOf, `Cohort ${name} (team ${team.team})`);
    manifests.push(
      clusterManifest('Cohort', name, team.team, {
        apiVersion: KUEUE_API_VERSION,
        kind: 'Cohort',
        metadata: { name, ...metadata(team.team) },
        spec: {
          fairSharing: { weight: kueueWeight(team) },
          parentName: cohortOf(team),
          ...(resourceGroups.length > 0 ? { resourceGroups } : {}),
        },
      }),
    );
  }

  for (const team of queues) {
    const queue = queueNames.get(team.team) as string;
    const entries = team.allocations.filter((a) => a.terminal ?? true).map((a) => entryOf(a, true).entry);
    // A parent's own quota is held by its cohort; the leaf must cover the resource to use it (nominal 0, borrowed).
    for (let parent = team.parent; parent !== null; parent = byPath.get(parent)?.parent ?? null) {
      for (const a of byPath.get(parent)?.allocations ?? []) {
        if (!(a.terminal ?? false)) continue;
        const flavor = a.flavor ?? null;
        if (entries.some((e) => e.resource === a.resource && e.flavor === flavor)) continue;
        entries.push({ resource: a.resource, flavor, nominal: quantityFromNanos(0n), borrowingLimit: null, lendingLimit: null });
      }
    }
    manifests.push(
      clusterManifest('ClusterQueue', queue, team.team, {
        apiVersion: KUEUE_API_VERSION,
        kind: 'ClusterQueue',
        metadata: { name: queue, ...metadata(team.team) },
        spec: {
          cohortName: cohortOf(team),
          fairSharing: { weight: kueueWeight(team) },
          namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: team.namespaces }] },
          resourceGroups: resourceGroupsOf(entries, flavorOf, `ClusterQueue ${queue} (team ${team.team})`),
        },
      }),
    );
    for (const ns of team.namespaces) {
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

/** A plan allocation as Kueue quota: cap -> borrowingLimit, guarantee -> lendingLimit, each only where set. */
function entryOf(
  a: TargetInput['plan']['allocations'][number],
  terminal: boolean,
): { terminal: boolean; entry: QuotaEntry } {
  const quota = a.quota;
  const nominal = terminal ? quota : quantityFromNanos(0n, quota.format);
  const borrowingLimit = a.cap === null || a.cap === undefined ? null : subtractQuantities(a.cap, quota);
  const lendingLimit = a.guarantee === undefined || a.guarantee.nanos === 0n ? null : subtractQuantities(quota, a.guarantee);
  return { terminal, entry: { resource: a.resource, flavor: a.flavor ?? null, nominal, borrowingLimit, lendingLimit } };
}

/**
 * The resource groups of one ClusterQueue or Cohort: one for resources without flavors (`default-flavor`), one for
 * per-model resources, every flavor listing every covered resource of its group. Throws where Kueue's limits are
 * exceeded, naming the limit.
 */
function resourceGroupsOf(entries: readonly QuotaEntry[], flavorOf: (model: string | null) => string, owner: string): Record<string, unknown>[] {
  const groups: Record<string, unknown>[] = [];
  let flavorsInAll = 0;
  let coveredInAll = 0;
  for (const plain of [true, false]) {
    const inGroup = entries.filter((e) => (e.flavor === null) === plain);
    if (inGroup.length === 0) continue;
    const covered = [...new Set(inGroup.map((e) => e.resource))].sort(compareText);
    const models = [...new Set(inGroup.map((e) => e.flavor))].sort((a, b) => compareText(a ?? '', b ?? ''));
    const where = `${owner}: ${plain ? 'resources without flavors' : `per-model resources ${covered.join(', ')}`}`;
    refuseOver(covered.length, KUEUE_LIMITS.coveredResourcesPerGroup, `${where}: ${covered.length} resources in one resource group`, 'coveredResources (and resources per flavor)');
    refuseOver(models.length, KUEUE_LIMITS.flavorsPerGroup, `${where}: ${models.length} flavors (GPU models) in one resource group`, 'flavors per resource group');
    refuseOver(models.length * covered.length, KUEUE_LIMITS.flavorResourcesPerGroup, `${where}: ${models.length} flavors x ${covered.length} resources`, 'flavor-resource combinations per resource group');
    flavorsInAll += models.length;
    coveredInAll += covered.length;
    groups.push({
      coveredResources: covered,
      flavors: models.map((model) => ({
        name: flavorOf(model),
        resources: covered.map((resource) => {
          const entry = inGroup.find((e) => e.resource === resource && e.flavor === model);
          if (entry === undefined) return { name: resource, nominalQuota: '0' };
          return {
            name: resource,
            nominalQuota: formatQuantity(entry.nominal),
            ...(entry.borrowingLimit === null ? {} : { borrowingLimit: formatQuantity(entry.borrowingLimit) }),
            ...(entry.lendingLimit === null ? {} : { lendingLimit: formatQuantity(entry.lendingLimit) }),
          };
        }),
      })),
    });
  }
  refuseOver(flavorsInAll, KUEUE_LIMITS.flavorsInAll, `${owner}: ${flavorsInAll} flavors in all`, 'flavors across all resource groups');
  refuseOver(coveredInAll, KUEUE_LIMITS.coveredResourcesInAll, `${owner}: ${coveredInAll} covered resources in all`, 'covered resources across all resource groups');
  return groups;
}

function refuseOver(count: number, limit: number, what: string, limitName: string): void {
  if (count <= limit) return;
  throw new ValidationError(`Kueue cannot hold this plan: ${what}; Kueue allows at most ${limit} ${limitName}`, { field: limitName, value: count });
}

/**
 * A team's weight as Kueue's `fairSharing.weight`, a quantity: exact to 10^-9 (a teams-file weight is a decimal),
 * else refused. Kueue reads a weight other than 0 as at least 10^-9 (fairsharing_types.go).
 */
function kueueWeight(team: SchedulerTeam): string {
  const w: Rational = team.weight;
  const nanos = w.numerator * 1_000_000_000n;
  if (nanos % w.denominator !== 0n) {
    throw new ValidationError(
      `Kueue cannot hold this plan: team ${team.team}'s weight ${w.numerator}/${w.denominator} has more than 9 decimals; Kueue's fairSharing.weight is a quantity, exact to 10^-9`,
      { field: 'weight', value: team.team },
    );
  }
  return formatQuantity(quantityFromNanos(nanos / w.denominator));
}

function clusterManifest(kind: 'ResourceFlavor' | 'Cohort' | 'ClusterQueue', name: string, team: string, object: Manifest['object']): Manifest {
  return { kind, name, namespace: '', team, object };
}

/** A flavor name from a model: lower case, DNS-label characters (`NVIDIA-H100-80GB-HBM3` -> `nvidia-h100-80gb-hbm3`). */
export function flavorName(model: string): string {
  const name = model.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return name === '' ? 'model' : name;
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

