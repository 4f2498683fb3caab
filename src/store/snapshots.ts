/**
 * Snapshots: one collection of one cluster. `saveSnapshot` writes it in one transaction (nothing partial ever
 * exists); `loadInventory` gives back exactly the ClusterInventory that was saved. How the parts are stored
 * (keyed sets of content-addressed blobs, usage intervals) is explained in docs/store.md.
 */
import { and, asc, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import { ConflictError, InternalError, ValidationError } from '../errors.js';
import type { ClusterInventory, NamespaceFacts, NodeFacts, ResourceQuotaFacts } from '../inventory/types.js';
import { formatQuantity, quantityFromNanos, type Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { BlobReader, BlobWriter } from './blobs.js';
import { decodeValue, encodeValue } from './codec.js';
import { ensureCluster, requireCluster, soleCluster } from './clusters.js';
import { readKeyedSet, writeKeyedSet } from './keyed-set.js';
import type { Store, StoreDatabase } from './open.js';
import { inWriteTransaction } from './transaction.js';
import { capacityPoints, clusters, namespaceUsage, snapshots } from './schema.js';

export interface ClusterIdentity {
  /** The name the database knows the cluster by (`--cluster`). */
  name: string;
  /** API server URL, when known. */
  server?: string | null;
  /** kubeconfig context, when collected live. */
  context?: string | null;
}

export interface SnapshotSource {
  kind: 'live' | 'file';
  /** The context read, or the dump file's path. */
  ref: string;
}

export interface SaveSnapshotInput {
  cluster: ClusterIdentity;
  /** When the collection happened: passed in, never read from a clock here. */
  takenAt: Date;
  source: SnapshotSource;
  inventory: ClusterInventory;
}

export interface SnapshotSummary {
  id: number;
  cluster: string;
  /** 1, 2, ... in time order within the cluster. */
  seq: number;
  takenAt: Date;
  server: string | null;
  context: string | null;
  source: SnapshotSource;
  nodes: number;
  namespaces: number;
  pods: number;
  warnings: number;
}

/** Inventory fields stored in their own structures; every other field goes to the `rest` blob as is. */
type RestOfInventory = Omit<ClusterInventory, 'nodes' | 'namespaces' | 'resourceQuotas' | 'limitRanges' | 'profiles'>;

interface StoredRest {
  rest: RestOfInventory;
  /** Namespace names in inventory order, only when that order is not ascending by name. */
  namespaceOrder: string[] | null;
}

/** The per-node fields that change with every pod scheduled, kept apart so a node's other facts dedupe. */
interface NodeUsage {
  requested: NodeFacts['requested'];
  pods: NodeFacts['pods'];
}

/** A quota's `used` changes with every pod too; its spec rarely does. */
interface QuotaUsage {
  used: ResourceQuotaFacts['used'];
}

const quotaKey = (item: { namespace: string; name: string }): string => `${item.namespace}\u0000${item.name}`;

export function saveSnapshot(store: Store, input: SaveSnapshotInput): SnapshotSummary {
  const name = input.cluster.name;
  if (name.trim() === '') throw new ValidationError('the cluster name is empty', { field: 'cluster', value: name });
  if (Number.isNaN(input.takenAt.getTime())) throw new ValidationError('the snapshot time is not a valid date', { field: 'takenAt' });
  const namespaceNames = input.inventory.namespaces.map((ns) => ns.name);
  if (new Set(namespaceNames).size !== namespaceNames.length) {
    throw new InternalError('the inventory lists a namespace twice');
  }
  const db = store.db;
  const writer = new BlobWriter(store);
  const summary = inWriteTransaction(store, (): SnapshotSummary => {
    const cluster = ensureCluster(db, name, input.takenAt);
    const previous = db.select().from(snapshots).where(eq(snapshots.clusterId, cluster.id)).orderBy(desc(snapshots.seq)).limit(1).get();
    if (previous !== undefined && previous.takenAt.getTime() > input.takenAt.getTime()) {
      throw new ConflictError(
        `cluster ${name} already has a snapshot taken at ${previous.takenAt.toISOString()}, later than ` +
          `${input.takenAt.toISOString()}: a cluster's snapshots are stored in time order`,
      );
    }
    const reader = new BlobReader(store);
    const inventory = input.inventory;
    const nodesBlob = writeKeyedSet(writer, reader, {
      items: inventory.nodes,
      keyOf: (node) => node.name,
      // requested and pods stay as keys (null) so the node's field order survives the round trip.
      storedValue: (node) => ({ ...node, requested: null, pods: null }),
      previousRoot: previous?.nodesBlob ?? null,
      slot: `${cluster.id}/nodes`,
    });
    const nodeUsageBlob = writeKeyedSet(writer, reader, {
      items: inventory.nodes,
      keyOf: (node) => node.name,
      storedValue: (node): NodeUsage => ({ requested: node.requested, pods: node.pods }),
      previousRoot: previous?.nodeUsageBlob ?? null,
      slot: `${cluster.id}/node-usage`,
    });
    const quotasBlob = writeKeyedSet<ResourceQuotaFacts>(writer, reader, {
      items: inventory.resourceQuotas,
      keyOf: quotaKey,
      storedValue: (quota) => ({ ...quota, used: null }),
      previousRoot: previous?.quotasBlob ?? null,
      slot: `${cluster.id}/quotas`,
    });
    const quotaUsageBlob = writeKeyedSet<ResourceQuotaFacts>(writer, reader, {
      items: inventory.resourceQuotas,
      keyOf: quotaKey,
      storedValue: (quota): QuotaUsage => ({ used: quota.used }),
      previousRoot: previous?.quotaUsageBlob ?? null,
      slot: `${cluster.id}/quota-usage`,
    });
    const limitRangesBlob = writeKeyedSet(writer, reader, {
      items: inventory.limitRanges,
      keyOf: quotaKey,
      previousRoot: previous?.limitRangesBlob ?? null,
      slot: `${cluster.id}/limit-ranges`,
    });
    const profilesBlob = writeKeyedSet(writer, reader, {
      items: inventory.profiles,
      keyOf: (profile) => profile.name,
      previousRoot: previous?.profilesBlob ?? null,
      slot: `${cluster.id}/profiles`,
    });
    const { nodes, namespaces, resourceQuotas: _quotas, limitRanges: _limitRanges, profiles: _profiles, ...rest } = inventory;
    const ascending = namespaceNames.every((ns, i) => i === 0 || (namespaceNames[i - 1] as string) < ns);
    const restBlob = writer.putValue({ rest, namespaceOrder: ascending ? null : namespaceNames } satisfies StoredRest);

    const seq = (previous?.seq ?? 0) + 1;
    const snapshot = db
      .insert(snapshots)
      .values({
        clusterId: cluster.id,
        seq,
        takenAt: input.takenAt,
        server: input.cluster.server ?? null,
        context: input.cluster.context ?? null,
        sourceKind: input.source.kind,
        sourceRef: input.source.ref,
        nodesBlob,
        nodeUsageBlob,
        quotasBlob,
        quotaUsageBlob,
        limitRangesBlob,
        profilesBlob,
        restBlob,
        nodeCount: nodes.length,
        namespaceCount: namespaces.length,
        podCount: namespaces.reduce((sum, ns) => sum + ns.pods, 0),
        warningCount: inventory.warnings.length,
      })
      .returning()
      .get();

    writeNamespaceUsage(db, writer, { clusterId: cluster.id, seq, previousSeq: previous?.seq ?? null, namespaces });
    writeCapacityPoints(db, snapshot.id, inventory);
    return toSummary(snapshot, name);
  });
  // Committed: the next save on this connection may reuse what this one wrote or found.
  writer.remember();
  return summary;
}

/**
 * Extends the interval of every namespace whose facts, requests and pods are unchanged; starts a new interval for
 * the others. The facts blob keeps `requests` and `pods` as null keys so the field order survives.
 */
function writeNamespaceUsage(
  db: StoreDatabase,
  writer: BlobWriter,
  options: { clusterId: number; seq: number; previousSeq: number | null; namespaces: NamespaceFacts[] },
): void {
  const open = new Map<string, { id: number; factsBlob: number; requests: string; pods: number }>();
  if (options.previousSeq !== null) {
    const rows = db
      .select({
        id: namespaceUsage.id,
        namespace: namespaceUsage.namespace,
        factsBlob: namespaceUsage.factsBlob,
        requests: namespaceUsage.requests,
        pods: namespaceUsage.pods,
      })
      .from(namespaceUsage)
      .where(and(eq(namespaceUsage.clusterId, options.clusterId), eq(namespaceUsage.lastSeq, options.previousSeq)))
      .all();
    for (const row of rows) open.set(row.namespace, row);
  }
  const extended: number[] = [];
  const started: (typeof namespaceUsage.$inferInsert)[] = [];
  for (const ns of options.namespaces) {
    const factsBlob = writer.putSlot(`${options.clusterId}/namespaces`, ns.name, { ...ns, requests: null, pods: null });
    const requests = encodeValue(sortedList(ns.requests));
    const row = open.get(ns.name);
    if (row !== undefined && row.factsBlob === factsBlob && row.requests === requests && row.pods === ns.pods) {
      extended.push(row.id);
      continue;
    }
    started.push({ clusterId: options.clusterId, namespace: ns.name, firstSeq: options.seq, lastSeq: options.seq, factsBlob, requests, pods: ns.pods });
  }
  // SQLite limits bound parameters per statement: 500 ids per UPDATE, 100 rows (7 values each) per INSERT.
  for (let i = 0; i < extended.length; i += 500) {
    db.update(namespaceUsage)
      .set({ lastSeq: options.seq })
      .where(inArray(namespaceUsage.id, extended.slice(i, i + 500)))
      .run();
  }
  for (let i = 0; i < started.length; i += 100) db.insert(namespaceUsage).values(started.slice(i, i + 100)).run();
}

/** The list with keys sorted, so equal lists encode to equal text. */
function sortedList(list: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const resource of Object.keys(list).sort()) out[resource] = list[resource] as ResourceList[string];
  return out;
}

function writeCapacityPoints(db: StoreDatabase, snapshotId: number, inventory: ClusterInventory): void {
  const capacity = sumLists(inventory.nodes, 'capacity');
  const allocatable = sumLists(inventory.nodes, 'allocatable');
  const requested = sumLists(inventory.nodes, 'requested');
  const resources = new Set([
    ...Object.keys(capacity),
    ...Object.keys(allocatable),
    ...Object.keys(requested),
    ...Object.keys(inventory.plannable),
  ]);
  const text = (list: ResourceList, resource: string): string => {
    const quantity = list[resource];
    return quantity === undefined ? '0' : formatQuantity(quantity);
  };
  const rows = [...resources].sort().map((resource) => ({
    snapshotId,
    resource,
    capacity: text(capacity, resource),
    allocatable: text(allocatable, resource),
    requested: text(requested, resource),
    plannable: text(inventory.plannable, resource),
  }));
  if (rows.length > 0) db.insert(capacityPoints).values(rows).run();
}

/**
 * `sumResourceLists` of one list of every node, without a Quantity object per addition (75,000 of them for
 * 5,000 nodes): the same fold on running bigints. Go's Add keeps the left operand's format unless it is zero,
 * then takes the right one's; the first quantity of a name is taken as it is.
 */
function sumLists(nodes: readonly NodeFacts[], field: 'capacity' | 'allocatable' | 'requested'): ResourceList {
  const totals = new Map<string, { nanos: bigint; format: Quantity['format'] }>();
  for (const node of nodes) {
    const list = node[field];
    for (const name of Object.keys(list)) {
      const q = list[name] as Quantity;
      const total = totals.get(name);
      if (total === undefined) {
        totals.set(name, { nanos: q.nanos, format: q.format });
        continue;
      }
      if (total.nanos === 0n) total.format = q.format;
      total.nanos += q.nanos;
    }
  }
  const out: ResourceList = {};
  for (const [name, total] of totals) out[name] = quantityFromNanos(total.nanos, total.format);
  return out;
}

/** The inventory exactly as it was saved. */
export function loadInventory(store: Store, snapshotId: number): ClusterInventory {
  const db = store.db;
  const snapshot = db.select().from(snapshots).where(eq(snapshots.id, snapshotId)).get();
  if (snapshot === undefined) throw new ValidationError(`no snapshot ${snapshotId} in the database`, { field: 'snapshot', value: snapshotId });
  const reader = new BlobReader(store);
  const usage = readKeyedSet(reader, snapshot.nodeUsageBlob) as NodeUsage[];
  const nodes = (readKeyedSet(reader, snapshot.nodesBlob) as NodeFacts[]).map((node, i) => {
    const nodeUsage = usage[i];
    if (nodeUsage === undefined) throw new InternalError(`snapshot ${snapshotId}: node usage is missing for ${node.name}`);
    node.requested = nodeUsage.requested;
    node.pods = nodeUsage.pods;
    return node;
  });
  const stored = reader.getValue(snapshot.restBlob) as StoredRest;
  const rows = db
    .select({
      namespace: namespaceUsage.namespace,
      factsBlob: namespaceUsage.factsBlob,
      requests: namespaceUsage.requests,
      pods: namespaceUsage.pods,
    })
    .from(namespaceUsage)
    .where(
      and(
        eq(namespaceUsage.clusterId, snapshot.clusterId),
        lte(namespaceUsage.firstSeq, snapshot.seq),
        gte(namespaceUsage.lastSeq, snapshot.seq),
      ),
    )
    .all();
  const byName = new Map(rows.map((row) => [row.namespace, row]));
  const order = stored.namespaceOrder ?? [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const namespaces = order.map((name) => {
    const row = byName.get(name);
    if (row === undefined) throw new InternalError(`snapshot ${snapshotId}: namespace ${name} is missing`);
    const ns = reader.getValue(row.factsBlob) as NamespaceFacts;
    ns.requests = decodeValue(row.requests) as ResourceList;
    ns.pods = row.pods;
    return ns;
  });
  const quotaUsage = readKeyedSet(reader, snapshot.quotaUsageBlob) as QuotaUsage[];
  const resourceQuotas = (readKeyedSet(reader, snapshot.quotasBlob) as ResourceQuotaFacts[]).map((quota, i) => {
    const usage = quotaUsage[i];
    if (usage === undefined) throw new InternalError(`snapshot ${snapshotId}: usage is missing for quota ${quota.namespace}/${quota.name}`);
    quota.used = usage.used;
    return quota;
  });
  return {
    nodes,
    namespaces,
    resourceQuotas,
    limitRanges: readKeyedSet(reader, snapshot.limitRangesBlob) as ClusterInventory['limitRanges'],
    profiles: readKeyedSet(reader, snapshot.profilesBlob) as ClusterInventory['profiles'],
    ...stored.rest,
  };
}

type SnapshotRow = typeof snapshots.$inferSelect;

function toSummary(row: SnapshotRow, cluster: string): SnapshotSummary {
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

/** Snapshots in cluster-name then time order; only one cluster's with `cluster`. */
export function listSnapshots(store: Store, options: { cluster?: string } = {}): SnapshotSummary[] {
  const db = store.db;
  const clusterFilter = options.cluster === undefined ? undefined : eq(snapshots.clusterId, requireCluster(db, options.cluster).id);
  return db
    .select({ snapshot: snapshots, cluster: clusters.name })
    .from(snapshots)
    .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
    .where(clusterFilter)
    .orderBy(asc(clusters.name), asc(snapshots.seq))
    .all()
    .map((row) => toSummary(row.snapshot, row.cluster));
}

export function getSnapshot(store: Store, id: number): SnapshotSummary {
  const row = store.db
    .select({ snapshot: snapshots, cluster: clusters.name })
    .from(snapshots)
    .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
    .where(eq(snapshots.id, id))
    .get();
  if (row === undefined) throw new ValidationError(`no snapshot ${id} in the database`, { field: 'snapshot', value: id });
  return toSummary(row.snapshot, row.cluster);
}

/**
 * What `--snapshot ID|latest [--cluster C]` names. `latest` without a cluster is allowed when the database holds
 * one cluster; a numeric id must belong to `cluster` when both are given.
 */
export function resolveSnapshot(store: Store, options: { ref: string | number; cluster?: string }): SnapshotSummary {
  const db = store.db;
  if (options.ref === 'latest') {
    const cluster = options.cluster === undefined ? soleCluster(db) : requireCluster(db, options.cluster);
    const row = db.select().from(snapshots).where(eq(snapshots.clusterId, cluster.id)).orderBy(desc(snapshots.seq)).limit(1).get();
    if (row === undefined) throw new ValidationError(`cluster ${cluster.name} has no snapshots`, { field: 'snapshot', value: 'latest' });
    return toSummary(row, cluster.name);
  }
  const text = String(options.ref);
  if (!/^[1-9][0-9]*$/.test(text)) {
    throw new ValidationError(`--snapshot must be a snapshot id or "latest", got ${JSON.stringify(text)}`, {
      field: 'snapshot',
      value: text,
    });
  }
  const summary = getSnapshot(store, Number(text));
  if (options.cluster !== undefined && summary.cluster !== options.cluster) {
    throw new ValidationError(`snapshot ${text} belongs to cluster ${summary.cluster}, not ${options.cluster}`, {
      field: 'snapshot',
      value: text,
    });
  }
  return summary;
}
