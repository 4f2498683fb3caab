/**
 * How a snapshot is taken apart to be stored and put back together, the same for both stores (docs/store.md):
 * the keyed sets (nodes and their usage, quotas and their usage, limit ranges, profiles), the `rest` blob, the
 * counts and the summary. Each store writes and reads the parts; these functions say what the parts are.
 */
import { InternalError, NotFoundError, ValidationError } from '../errors.js';
import type { ClusterInventory, NamespaceFacts, NodeFacts, ResourceQuotaFacts } from '../inventory/types.js';
import type { ResourceList } from '../resources.js';
import { compareText } from '../text-order.js';
import { decodeValue } from './codec.js';
import { strictlyAscending } from './keyed-set-roots.js';
import type { SaveSnapshotInput, SnapshotSummary } from './store.js';

/** Inventory fields stored in their own structures; every other field goes to the `rest` blob as is. */
type RestOfInventory = Omit<ClusterInventory, 'nodes' | 'namespaces' | 'resourceQuotas' | 'limitRanges' | 'profiles'>;

export interface StoredRest {
  rest: RestOfInventory;
  /** Namespace names in inventory order, only when that order is not ascending by name. */
  namespaceOrder: string[] | null;
}

/** The per-node fields that change with every pod scheduled, kept apart so a node's other facts dedupe. */
export interface NodeUsage {
  requested: NodeFacts['requested'];
  pods: NodeFacts['pods'];
}

/** A quota's `used` changes with every pod too; its spec rarely does. */
export interface QuotaUsage {
  used: ResourceQuotaFacts['used'];
}

/** The snapshot columns that hold the root blob of a keyed set. */
export type SetColumn = 'nodesBlob' | 'nodeUsageBlob' | 'quotasBlob' | 'quotaUsageBlob' | 'limitRangesBlob' | 'profilesBlob';

/** One keyed set of a snapshot: which column holds its root, its name among a cluster's sets, and its items. */
export interface KeyedSetPart {
  column: SetColumn;
  slot: string;
  items: readonly unknown[];
  keyOf(item: unknown): string;
  storedValue(item: unknown): unknown;
}

function part<T>(column: SetColumn, slot: string, items: readonly T[], keyOf: (item: T) => string, storedValue: (item: T) => unknown = (item) => item): KeyedSetPart {
  return { column, slot, items, keyOf: keyOf as (item: unknown) => string, storedValue: storedValue as (item: unknown) => unknown };
}

const quotaKey = (item: { namespace: string; name: string }): string => `${item.namespace}\u0000${item.name}`;

/** A snapshot's keyed sets, in the order they are written. */
export function keyedSetsOf(inventory: ClusterInventory): KeyedSetPart[] {
  return [
    // requested and pods stay as keys (null) so the node's field order survives the round trip.
    part('nodesBlob', 'nodes', inventory.nodes, (node) => node.name, (node) => ({ ...node, requested: null, pods: null })),
    part('nodeUsageBlob', 'node-usage', inventory.nodes, (node) => node.name, (node): NodeUsage => ({ requested: node.requested, pods: node.pods })),
    part('quotasBlob', 'quotas', inventory.resourceQuotas, quotaKey, (quota) => ({ ...quota, used: null })),
    part('quotaUsageBlob', 'quota-usage', inventory.resourceQuotas, quotaKey, (quota): QuotaUsage => ({ used: quota.used })),
    part('limitRangesBlob', 'limit-ranges', inventory.limitRanges, quotaKey),
    part('profilesBlob', 'profiles', inventory.profiles, (profile) => profile.name),
  ];
}

/** The checks a snapshot passes before anything is written. */
export function checkSnapshotInput(input: SaveSnapshotInput): void {
  const name = input.cluster.name;
  if (name.trim() === '') throw new ValidationError('the cluster name is empty', { field: 'cluster', value: name });
  if (Number.isNaN(input.takenAt.getTime())) throw new ValidationError('the snapshot time is not a valid date', { field: 'takenAt' });
  // Both stores keep the same times: PostgreSQL's timestamptz reads no year past 9999 (nor before 1).
  const year = input.takenAt.getUTCFullYear();
  if (year < 1 || year > 9999) throw new ValidationError(`the snapshot time ${input.takenAt.toISOString()} is outside the years 1 to 9999`, { field: 'takenAt' });
  const namespaceNames = input.inventory.namespaces.map((ns) => ns.name);
  if (new Set(namespaceNames).size !== namespaceNames.length) throw new InternalError('the inventory lists a namespace twice');
}

/** The `rest` blob: every inventory field without a structure of its own, and the namespaces' order when not ascending. */
export function storedRestOf(inventory: ClusterInventory): StoredRest {
  const { nodes: _nodes, namespaces, resourceQuotas: _quotas, limitRanges: _limitRanges, profiles: _profiles, ...rest } = inventory;
  const names = namespaces.map((ns) => ns.name);
  return { rest, namespaceOrder: strictlyAscending(names) ? null : names };
}

/** The counts a snapshot row keeps, for listing snapshots without reading them. */
export function snapshotCounts(inventory: ClusterInventory): { nodeCount: number; namespaceCount: number; podCount: number; warningCount: number } {
  return {
    nodeCount: inventory.nodes.length,
    namespaceCount: inventory.namespaces.length,
    podCount: inventory.namespaces.reduce((sum, ns) => sum + ns.pods, 0),
    warningCount: inventory.warnings.length,
  };
}

/** A snapshot row's columns, as both stores' schemas name them. */
export interface SnapshotRowFields {
  id: number;
  seq: number;
  takenAt: Date;
  server: string | null;
  context: string | null;
  sourceKind: 'live' | 'file';
  sourceRef: string;
  nodeCount: number;
  namespaceCount: number;
  podCount: number;
  warningCount: number;
}

export function snapshotSummary(row: SnapshotRowFields, cluster: string): SnapshotSummary {
  return {
    id: row.id,
    cluster,
    seq: row.seq,
    takenAt: row.takenAt,
    server: row.server,
    context: row.context,
    source: { kind: row.sourceKind, ref: row.sourceRef },
    nodes: row.nodeCount,
    namespaces: row.namespaceCount,
    pods: row.podCount,
    warnings: row.warningCount,
  };
}

/** Summaries in cluster-name order (the one order of names, whatever the database's collation). */
export function byClusterName(summaries: SnapshotSummary[]): SnapshotSummary[] {
  return summaries.sort((a, b) => compareText(a.cluster, b.cluster));
}

export function snapshotNotFound(id: number | string): NotFoundError {
  return new NotFoundError(`no snapshot ${id} in the database`, { field: 'snapshot', value: id });
}

export function noSnapshotsIn(cluster: string): ValidationError {
  return new ValidationError(`cluster ${cluster} has no snapshots`, { field: 'snapshot', value: 'latest' });
}

/** The snapshot id `--snapshot` names (not `latest`): a positive whole number. */
export function snapshotIdOf(ref: string | number): number {
  const text = String(ref);
  if (!/^[1-9][0-9]*$/.test(text)) {
    throw new ValidationError(`--snapshot must be a snapshot id or "latest", got ${JSON.stringify(text)}`, { field: 'snapshot', value: text });
  }
  // Past 2^53 an id is not a number exactly; none that large exists.
  if (!Number.isSafeInteger(Number(text))) throw snapshotNotFound(text);
  return Number(text);
}

/** A snapshot named by id together with `--cluster` must be of that cluster. */
export function checkSnapshotCluster(summary: SnapshotSummary, cluster: string | undefined): SnapshotSummary {
  if (cluster !== undefined && summary.cluster !== cluster) {
    throw new ValidationError(`snapshot ${summary.id} belongs to cluster ${summary.cluster}, not ${cluster}`, { field: 'snapshot', value: String(summary.id) });
  }
  return summary;
}

/** A namespace's interval row as a stored snapshot is read back. */
export interface NamespaceRow {
  namespace: string;
  factsBlob: number;
  requests: string;
  pods: number;
}

/** What a store read of one snapshot, to put the inventory back together. */
export interface SnapshotParts {
  snapshotId: number;
  nodes: unknown[];
  nodeUsage: unknown[];
  stored: StoredRest;
  namespaceRows: readonly NamespaceRow[];
  /** The namespace facts stored in a blob (a fresh object each call: it is completed in place). */
  factsOf(blob: number): unknown;
  quotas: unknown[];
  quotaUsage: unknown[];
  limitRanges: unknown[];
  profiles: unknown[];
}

/** The inventory exactly as it was saved. */
export function assembleInventory(parts: SnapshotParts): ClusterInventory {
  const { snapshotId } = parts;
  const nodes = (parts.nodes as NodeFacts[]).map((node, i) => {
    const usage = parts.nodeUsage[i] as NodeUsage | undefined;
    if (usage === undefined) throw new InternalError(`snapshot ${snapshotId}: node usage is missing for ${node.name}`);
    node.requested = usage.requested;
    node.pods = usage.pods;
    return node;
  });
  const byName = new Map(parts.namespaceRows.map((row) => [row.namespace, row]));
  const order = parts.stored.namespaceOrder ?? [...byName.keys()].sort(compareText);
  const namespaces = order.map((name) => {
    const row = byName.get(name);
    if (row === undefined) throw new InternalError(`snapshot ${snapshotId}: namespace ${name} is missing`);
    const ns = parts.factsOf(row.factsBlob) as NamespaceFacts;
    ns.requests = decodeValue(row.requests) as ResourceList;
    ns.pods = row.pods;
    return ns;
  });
  const resourceQuotas = (parts.quotas as ResourceQuotaFacts[]).map((quota, i) => {
    const usage = parts.quotaUsage[i] as QuotaUsage | undefined;
    if (usage === undefined) throw new InternalError(`snapshot ${snapshotId}: usage is missing for quota ${quota.namespace}/${quota.name}`);
    quota.used = usage.used;
    return quota;
  });
  return {
    nodes,
    namespaces,
    resourceQuotas,
    limitRanges: parts.limitRanges as ClusterInventory['limitRanges'],
    profiles: parts.profiles as ClusterInventory['profiles'],
    ...parts.stored.rest,
  };
}
