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
import { and, asc, desc, eq, gte, inArray, lte, lt, max, sql } from 'drizzle-orm';
import { clusterFigures as figuresOf, type ClusterFigures } from '../../fleet/fleet-view.js';
import type { ClusterInventory } from '../../inventory/types.js';
import { capacityRows } from '../capacity-rows.js';
import {
  assembleInventory,
  byClusterName,
  checkSnapshotCluster,
  checkSnapshotInput,
  keyedSetsOf,
  noSnapshotsIn,
  snapshotCounts,
  snapshotIdOf,
  snapshotNotFound,
  snapshotSummary,
  storedRestOf,
  type SetColumn,
  type StoredRest,
} from '../snapshot-parts.js';
import type { SaveSnapshotInput, SnapshotListVersion, SnapshotSummary } from '../store.js';
import {
  appendedUsage,
  encodedRequests,
  namespaceFactsValue,
  neighbourEdits,
  spanningEdits,
  type StoredInterval,
  type UsageEdit,
  type UsageRow,
} from '../usage-intervals.js';
import { BlobReader, BlobWriter } from './blobs.js';
import { ensureCluster, lookupCluster } from './clusters.js';
import type { Connection, SqliteDatabase } from './connection.js';
import { readKeyedSet, writeKeyedSet } from './keyed-set.js';
import { capacityPoints, clusters, namespaceUsage, snapshots } from './schema.js';

/**
 * Writes one snapshot. Call inside a write transaction (IMMEDIATE: the newest snapshot read here cannot change
 * before the insert); `onCommit` runs what must wait for the commit (the blob writer's memo).
 */
export function saveSnapshot(connection: Connection, input: SaveSnapshotInput, onCommit: (after: () => void) => void): SnapshotSummary {
  checkSnapshotInput(input);
  const name = input.cluster.name;
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
  const roots = {} as Record<SetColumn, number>;
  for (const set of keyedSetsOf(inventory)) {
    roots[set.column] = writeKeyedSet(writer, reader, {
      items: set.items,
      keyOf: set.keyOf,
      storedValue: set.storedValue,
      previousRoot: previous?.[set.column] ?? null,
      slot: `${cluster.id}/${set.slot}`,
    });
  }
  const restBlob = writer.putValue(storedRestOf(inventory));
  const figuresBlob = writer.putValue(figuresOf(inventory));
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
      ...roots,
      restBlob,
      figuresBlob,
      ...snapshotCounts(inventory),
    })
    .returning()
    .get();

  const usage = new Map<string, UsageRow>();
  for (const ns of inventory.namespaces) {
    usage.set(ns.name, { factsBlob: writer.putSlot(`${cluster.id}/namespaces`, ns.name, namespaceFactsValue(ns), ns), requests: encodedRequests(ns), pods: ns.pods });
  }
  if (appended) appendNamespaceUsage(db, { clusterId: cluster.id, seq, previousSeq: newest?.seq ?? null, usage });
  else insertNamespaceUsage(db, { clusterId: cluster.id, seq, usage });
  writeCapacityPoints(db, snapshot.id, inventory);
  // Committed: the next save on this connection may reuse what this one wrote or found.
  onCommit(() => writer.remember());
  return snapshotSummary(snapshot, name);
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

const intervalColumns = {
  id: namespaceUsage.id,
  namespace: namespaceUsage.namespace,
  firstSeq: namespaceUsage.firstSeq,
  lastSeq: namespaceUsage.lastSeq,
  factsBlob: namespaceUsage.factsBlob,
  requests: namespaceUsage.requests,
  pods: namespaceUsage.pods,
};

/** A snapshot appended at `seq` (../usage-intervals.ts appendedUsage). */
function appendNamespaceUsage(db: SqliteDatabase, options: { clusterId: number; seq: number; previousSeq: number | null; usage: Map<string, UsageRow> }): void {
  const open: StoredInterval[] =
    options.previousSeq === null
      ? []
      : db
          .select(intervalColumns)
          .from(namespaceUsage)
          .where(and(eq(namespaceUsage.clusterId, options.clusterId), eq(namespaceUsage.lastSeq, options.previousSeq)))
          .all();
  const { extended, started } = appendedUsage({ clusterId: options.clusterId, seq: options.seq, open, usage: options.usage });
  // SQLite limits bound parameters per statement: 500 ids per UPDATE, 100 rows (7 values each) per INSERT.
  for (let i = 0; i < extended.length; i += 500) {
    db.update(namespaceUsage)
      .set({ lastSeq: options.seq })
      .where(inArray(namespaceUsage.id, extended.slice(i, i + 500)))
      .run();
  }
  for (let i = 0; i < started.length; i += 100) db.insert(namespaceUsage).values(started.slice(i, i + 100)).run();
}

/** The usage of a snapshot put at `seq` in the middle of the history (../usage-intervals.ts spanningEdits, neighbourEdits). */
function insertNamespaceUsage(db: SqliteDatabase, options: { clusterId: number; seq: number; usage: Map<string, UsageRow> }): void {
  const { clusterId, seq, usage } = options;
  const spanning = db
    .select(intervalColumns)
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, clusterId), lt(namespaceUsage.firstSeq, seq), gte(namespaceUsage.lastSeq, seq)))
    .all();
  const { edits, covered } = spanningEdits({ clusterId, seq, spanning, usage });
  applyEdits(db, edits);
  const neighbours = db
    .select(intervalColumns)
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, clusterId), sql`(${namespaceUsage.lastSeq} = ${seq - 1} OR ${namespaceUsage.firstSeq} = ${seq + 1})`))
    .all();
  applyEdits(db, neighbourEdits({ clusterId, seq, neighbours, usage, covered }));
}

function applyEdits(db: SqliteDatabase, edits: readonly UsageEdit[]): void {
  for (const edit of edits) {
    if (edit.kind === 'set-last') db.update(namespaceUsage).set({ lastSeq: edit.lastSeq }).where(eq(namespaceUsage.id, edit.id)).run();
    else if (edit.kind === 'set-first') db.update(namespaceUsage).set({ firstSeq: edit.firstSeq }).where(eq(namespaceUsage.id, edit.id)).run();
    else if (edit.kind === 'delete') db.delete(namespaceUsage).where(eq(namespaceUsage.id, edit.id)).run();
    else db.insert(namespaceUsage).values(edit.row).run();
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
  if (snapshot === undefined) throw snapshotNotFound(snapshotId);
  const reader = new BlobReader(connection);
  const namespaceRows = db
    .select({ namespace: namespaceUsage.namespace, factsBlob: namespaceUsage.factsBlob, requests: namespaceUsage.requests, pods: namespaceUsage.pods })
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, snapshot.clusterId), lte(namespaceUsage.firstSeq, snapshot.seq), gte(namespaceUsage.lastSeq, snapshot.seq)))
    .all();
  return assembleInventory({
    snapshotId,
    nodes: readKeyedSet(reader, snapshot.nodesBlob),
    nodeUsage: readKeyedSet(reader, snapshot.nodeUsageBlob),
    stored: reader.getValue(snapshot.restBlob) as StoredRest,
    namespaceRows,
    factsOf: (blob) => reader.getValue(blob),
    quotas: readKeyedSet(reader, snapshot.quotasBlob),
    quotaUsage: readKeyedSet(reader, snapshot.quotaUsageBlob),
    limitRanges: readKeyedSet(reader, snapshot.limitRangesBlob),
    profiles: readKeyedSet(reader, snapshot.profilesBlob),
  });
}

/** The fleet view's figures kept when the snapshot was saved; null for a snapshot saved before they were kept. */
export function clusterFigures(connection: Connection, snapshotId: number): ClusterFigures | null {
  const row = connection.db.select({ figuresBlob: snapshots.figuresBlob }).from(snapshots).where(eq(snapshots.id, snapshotId)).get();
  if (row === undefined) throw snapshotNotFound(snapshotId);
  return row.figuresBlob === null ? null : (new BlobReader(connection).getValue(row.figuresBlob) as ClusterFigures);
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
    .map((row) => snapshotSummary(row.snapshot, row.cluster));
}

/** The newest snapshot of every cluster that has one, by cluster name. */
export function newestSnapshots(connection: Connection): SnapshotSummary[] {
  const db = connection.db;
  const newest = db.select({ clusterId: snapshots.clusterId, seq: max(snapshots.seq).as('newest_seq') }).from(snapshots).groupBy(snapshots.clusterId).as('newest');
  return byClusterName(
    db
      .select({ snapshot: snapshots, cluster: clusters.name })
      .from(snapshots)
      .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
      .innerJoin(newest, and(eq(newest.clusterId, snapshots.clusterId), eq(newest.seq, snapshots.seq)))
      .all()
      .map((row) => snapshotSummary(row.snapshot, row.cluster)),
  );
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
  if (row === undefined) throw snapshotNotFound(id);
  return snapshotSummary(row.snapshot, row.cluster);
}

/** What `--snapshot ID|latest [--cluster C]` names (Store.resolveSnapshot). */
export function resolveSnapshot(connection: Connection, options: { ref: string | number; cluster?: string }): SnapshotSummary {
  const db = connection.db;
  if (options.ref === 'latest') {
    const cluster = lookupCluster(db, options.cluster);
    const row = db.select().from(snapshots).where(eq(snapshots.clusterId, cluster.id)).orderBy(desc(snapshots.seq)).limit(1).get();
    if (row === undefined) throw noSnapshotsIn(cluster.name);
    return snapshotSummary(row, cluster.name);
  }
  return checkSnapshotCluster(getSnapshot(connection, snapshotIdOf(options.ref)), options.cluster);
}
