/**
 * Snapshots: one collection of one cluster. `saveSnapshot` writes it inside the caller's write transaction
 * (nothing partial ever exists); `loadInventory` gives back exactly the ClusterInventory that was saved. How the
 * parts are stored (keyed sets of content-addressed blobs, usage intervals) is explained in docs/store.md.
 *
 * Snapshots are numbered in time order. One taken before the cluster's newest (two collections that overlapped:
 * the one that started first finished last) is put in its place: the later snapshots' seqs and usage intervals
 * move up by one, and the interval spanning its place is split or kept whole by what the snapshot holds. Its
 * keyed sets are written against the snapshot before it (any root is a correct base: a delta names a full root
 * blob, and blobs never change).
 */
import { and, asc, desc, eq, gte, inArray, lte, lt, sql } from 'drizzle-orm';
import { InternalError, NotFoundError, ValidationError } from '../../errors.js';
import type { ClusterInventory, NamespaceFacts, NodeFacts, ResourceQuotaFacts } from '../../inventory/types.js';
import type { ResourceList } from '../../resources.js';
import { capacityRows, sortedList } from '../capacity-rows.js';
import { decodeValue, encodeValue } from '../codec.js';
import type { SaveSnapshotInput, SnapshotListVersion, SnapshotSummary } from '../store.js';
import { BlobReader, BlobWriter } from './blobs.js';
import { ensureCluster, lookupCluster } from './clusters.js';
import type { Connection, SqliteDatabase } from './connection.js';
import { readKeyedSet, writeKeyedSet } from './keyed-set.js';
import { capacityPoints, clusters, namespaceUsage, snapshots } from './schema.js';
import { compareText } from '../../text-order.js';

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

/**
 * Writes one snapshot. Call inside a write transaction (IMMEDIATE: the newest snapshot read here cannot change
 * before the insert); `onCommit` runs what must wait for the commit (the blob writer's memo).
 */
export function saveSnapshot(connection: Connection, input: SaveSnapshotInput, onCommit: (after: () => void) => void): SnapshotSummary {
  const name = input.cluster.name;
  if (name.trim() === '') throw new ValidationError('the cluster name is empty', { field: 'cluster', value: name });
  if (Number.isNaN(input.takenAt.getTime())) throw new ValidationError('the snapshot time is not a valid date', { field: 'takenAt' });
  const namespaceNames = input.inventory.namespaces.map((ns) => ns.name);
  if (new Set(namespaceNames).size !== namespaceNames.length) {
    throw new InternalError('the inventory lists a namespace twice');
  }
  const db = connection.db;
  const writer = new BlobWriter(connection);
  const cluster = ensureCluster(db, name, input.takenAt);
  const newest = db.select().from(snapshots).where(eq(snapshots.clusterId, cluster.id)).orderBy(desc(snapshots.seq)).limit(1).get();
  // Snapshots with the same time keep the order they were stored in: only a strictly earlier one is put before.
  const appended = newest === undefined || newest.takenAt.getTime() <= input.takenAt.getTime();
  const before = appended
    ? newest
    : db
        .select()
        .from(snapshots)
        .where(and(eq(snapshots.clusterId, cluster.id), lte(snapshots.takenAt, input.takenAt)))
        .orderBy(desc(snapshots.seq))
        .limit(1)
        .get();
  const seq = (before?.seq ?? 0) + 1;
  // The delta base: the snapshot just before in time, or (a snapshot older than all) the one just after.
  const previous =
    before ?? db.select().from(snapshots).where(and(eq(snapshots.clusterId, cluster.id), eq(snapshots.seq, seq))).get();
  if (!appended) makeRoomAt(db, cluster.id, seq);

  const reader = new BlobReader(connection);
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

  const usage = { clusterId: cluster.id, seq, namespaces };
  if (appended) appendNamespaceUsage(db, writer, { ...usage, previousSeq: newest?.seq ?? null });
  else insertNamespaceUsage(db, writer, usage);
  writeCapacityPoints(db, snapshot.id, inventory);
  // Committed: the next save on this connection may reuse what this one wrote or found.
  onCommit(() => writer.remember());
  return toSummary(snapshot, name);
}

/** Moves the cluster's snapshots from `seq` on, and their usage intervals, up by one seq. */
function makeRoomAt(db: SqliteDatabase, clusterId: number, seq: number): void {
  // Through negative seqs, so the unique (cluster, seq) index never sees two rows with one seq mid-update.
  db.update(snapshots)
    .set({ seq: sql`-(${snapshots.seq} + 1)` })
    .where(and(eq(snapshots.clusterId, clusterId), gte(snapshots.seq, seq)))
    .run();
  db.update(snapshots)
    .set({ seq: sql`-${snapshots.seq}` })
    .where(and(eq(snapshots.clusterId, clusterId), lt(snapshots.seq, 0)))
    .run();
  db.update(namespaceUsage)
    .set({ firstSeq: sql`${namespaceUsage.firstSeq} + 1`, lastSeq: sql`${namespaceUsage.lastSeq} + 1` })
    .where(and(eq(namespaceUsage.clusterId, clusterId), gte(namespaceUsage.firstSeq, seq)))
    .run();
  // Intervals that spanned `seq` (first < seq <= last) keep their start and are handled by insertNamespaceUsage.
}

/** A namespace's usage as one interval row stores it. */
interface UsageRow {
  factsBlob: number;
  requests: string;
  pods: number;
}

function usageRowOf(writer: BlobWriter, clusterId: number, ns: NamespaceFacts): UsageRow {
  return {
    factsBlob: writer.putSlot(`${clusterId}/namespaces`, ns.name, { ...ns, requests: null, pods: null }),
    requests: encodeValue(sortedList(ns.requests)),
    pods: ns.pods,
  };
}

const sameUsage = (a: UsageRow, b: UsageRow): boolean => a.factsBlob === b.factsBlob && a.requests === b.requests && a.pods === b.pods;

/**
 * Extends the interval of every namespace whose facts, requests and pods are unchanged; starts a new interval for
 * the others. The facts blob keeps `requests` and `pods` as null keys so the field order survives.
 */
function appendNamespaceUsage(
  db: SqliteDatabase,
  writer: BlobWriter,
  options: { clusterId: number; seq: number; previousSeq: number | null; namespaces: NamespaceFacts[] },
): void {
  const open = new Map<string, { id: number } & UsageRow>();
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
    const usage = usageRowOf(writer, options.clusterId, ns);
    const row = open.get(ns.name);
    if (row !== undefined && sameUsage(row, usage)) {
      extended.push(row.id);
      continue;
    }
    started.push({ clusterId: options.clusterId, namespace: ns.name, firstSeq: options.seq, lastSeq: options.seq, ...usage });
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

/**
 * The usage of a snapshot put at `seq` in the middle of the history (makeRoomAt has moved everything from `seq` on
 * up by one, so seq is free). An interval that spanned the place stays whole when the snapshot holds the same
 * usage for its namespace, else is cut around it. A namespace's own usage then joins the interval ending just
 * before or starting just after when equal (both, merging them), or starts an interval of one seq.
 */
function insertNamespaceUsage(db: SqliteDatabase, writer: BlobWriter, options: { clusterId: number; seq: number; namespaces: NamespaceFacts[] }): void {
  const { clusterId, seq } = options;
  const wanted = new Map(options.namespaces.map((ns) => [ns.name, usageRowOf(writer, clusterId, ns)]));
  const columns = {
    id: namespaceUsage.id,
    namespace: namespaceUsage.namespace,
    firstSeq: namespaceUsage.firstSeq,
    lastSeq: namespaceUsage.lastSeq,
    factsBlob: namespaceUsage.factsBlob,
    requests: namespaceUsage.requests,
    pods: namespaceUsage.pods,
  };
  const spanning = db
    .select(columns)
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, clusterId), lt(namespaceUsage.firstSeq, seq), gte(namespaceUsage.lastSeq, seq)))
    .all();
  const covered = new Set<string>();
  for (const row of spanning) {
    const usage = wanted.get(row.namespace);
    if (usage !== undefined && sameUsage(row, usage)) {
      db.update(namespaceUsage).set({ lastSeq: row.lastSeq + 1 }).where(eq(namespaceUsage.id, row.id)).run();
      covered.add(row.namespace);
      continue;
    }
    db.update(namespaceUsage).set({ lastSeq: seq - 1 }).where(eq(namespaceUsage.id, row.id)).run();
    const { id: _id, ...rest } = row;
    db.insert(namespaceUsage).values({ ...rest, clusterId, firstSeq: seq + 1, lastSeq: row.lastSeq + 1 }).run();
  }
  const neighbours = db
    .select(columns)
    .from(namespaceUsage)
    .where(
      and(
        eq(namespaceUsage.clusterId, clusterId),
        sql`(${namespaceUsage.lastSeq} = ${seq - 1} OR ${namespaceUsage.firstSeq} = ${seq + 1})`,
      ),
    )
    .all();
  const endingBefore = new Map(neighbours.filter((row) => row.lastSeq === seq - 1).map((row) => [row.namespace, row]));
  const startingAfter = new Map(neighbours.filter((row) => row.firstSeq === seq + 1).map((row) => [row.namespace, row]));
  for (const [namespace, usage] of wanted) {
    if (covered.has(namespace)) continue;
    const earlier = endingBefore.get(namespace);
    const later = startingAfter.get(namespace);
    const joinsEarlier = earlier !== undefined && sameUsage(earlier, usage);
    const joinsLater = later !== undefined && sameUsage(later, usage);
    if (joinsEarlier && joinsLater) {
      db.update(namespaceUsage).set({ lastSeq: later.lastSeq }).where(eq(namespaceUsage.id, earlier.id)).run();
      db.delete(namespaceUsage).where(eq(namespaceUsage.id, later.id)).run();
    } else if (joinsEarlier) {
      db.update(namespaceUsage).set({ lastSeq: seq }).where(eq(namespaceUsage.id, earlier.id)).run();
    } else if (joinsLater) {
      db.update(namespaceUsage).set({ firstSeq: seq }).where(eq(namespaceUsage.id, later.id)).run();
    } else {
      db.insert(namespaceUsage).values({ clusterId, namespace, firstSeq: seq, lastSeq: seq, ...usage }).run();
    }
  }
}

function writeCapacityPoints(db: SqliteDatabase, snapshotId: number, inventory: ClusterInventory): void {
  const rows = capacityRows(inventory).map((row) => ({ snapshotId, ...row }));
  if (rows.length > 0) db.insert(capacityPoints).values(rows).run();
}

/** The inventory exactly as it was saved. */
export function loadInventory(connection: Connection, snapshotId: number): ClusterInventory {
  const db = connection.db;
  const snapshot = db.select().from(snapshots).where(eq(snapshots.id, snapshotId)).get();
  if (snapshot === undefined) throw new NotFoundError(`no snapshot ${snapshotId} in the database`, { field: 'snapshot', value: snapshotId });
  const reader = new BlobReader(connection);
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
  const order = stored.namespaceOrder ?? [...byName.keys()].sort(compareText);
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
export function listSnapshots(connection: Connection, options: { cluster?: string } = {}): SnapshotSummary[] {
  const db = connection.db;
  const clusterFilter = options.cluster === undefined ? undefined : eq(snapshots.clusterId, lookupCluster(db, options.cluster).id);
  return db
    .select({ snapshot: snapshots, cluster: clusters.name })
    .from(snapshots)
    .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
    .where(clusterFilter)
    .orderBy(asc(clusters.name), asc(snapshots.seq))
    .all()
    .map((row) => toSummary(row.snapshot, row.cluster));
}

/** How many snapshots (of one cluster) and the newest id: what names the list, without reading it. */
export function snapshotListVersion(connection: Connection, options: { cluster?: string } = {}): SnapshotListVersion {
  const db = connection.db;
  const where = options.cluster === undefined ? undefined : eq(snapshots.clusterId, lookupCluster(db, options.cluster).id);
  const row = db.select({ count: sql<number>`count(*)`, newest: sql<number | null>`max(${snapshots.id})` }).from(snapshots).where(where).get();
  return { count: row?.count ?? 0, newestId: row?.newest ?? null };
}

export function getSnapshot(connection: Connection, id: number): SnapshotSummary {
  const row = connection.db
    .select({ snapshot: snapshots, cluster: clusters.name })
    .from(snapshots)
    .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
    .where(eq(snapshots.id, id))
    .get();
  if (row === undefined) throw new NotFoundError(`no snapshot ${id} in the database`, { field: 'snapshot', value: id });
  return toSummary(row.snapshot, row.cluster);
}

/**
 * What `--snapshot ID|latest [--cluster C]` names. `latest` without a cluster is allowed when the database holds
 * one cluster; a numeric id must belong to `cluster` when both are given.
 */
export function resolveSnapshot(connection: Connection, options: { ref: string | number; cluster?: string }): SnapshotSummary {
  const db = connection.db;
  if (options.ref === 'latest') {
    const cluster = lookupCluster(db, options.cluster);
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
  const summary = getSnapshot(connection, Number(text));
  if (options.cluster !== undefined && summary.cluster !== options.cluster) {
    throw new ValidationError(`snapshot ${text} belongs to cluster ${summary.cluster}, not ${options.cluster}`, {
      field: 'snapshot',
      value: text,
    });
  }
  return summary;
}
