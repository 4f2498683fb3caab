/**
 * Snapshots in PostgreSQL: the same structure and rules as ../sqlite/snapshots.ts (keyed sets of content-addressed
 * blobs, usage intervals, capacity rows; a snapshot taken before the cluster's newest is put in its place and the
 * later ones move up a seq), written with batched statements: each statement is a round trip to the server.
 * `saveSnapshot` runs inside the caller's write transaction, which holds the store's write lock (pg-store.ts).
 */
import { and, asc, desc, eq, gte, inArray, lt, lte, max, sql } from 'drizzle-orm';
import { InternalError } from '../../errors.js';
import { clusterFigures as figuresOf, type ClusterFigures } from '../../fleet/fleet-view.js';
import type { ClusterInventory, NamespaceFacts } from '../../inventory/types.js';
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
import { PgBlobReader, PgBlobWriter, type BlobMemo } from './blobs.js';
import { ensureCluster, lookupCluster } from './clusters.js';
import type { Db } from './connection.js';
import { readKeyedSet, writeKeyedSet } from './keyed-set.js';
import { capacityPoints, clusters, namespaceUsage, snapshots } from './schema.js';

/** Rows per INSERT: 8 columns each, well under PostgreSQL's 65,535 parameters. */
const ROWS = 1000;

/**
 * Writes one snapshot inside a write transaction that holds the cluster's lock (pg-store.ts); `memo` is what the
 * store's last committed save knew. Blobs are written through `blobDb`: the pool (each statement commits at once)
 * when writers of other clusters may insert the same values meanwhile, else the transaction itself.
 */
export async function saveSnapshot(db: Db, input: SaveSnapshotInput, memo: BlobMemo, blobDb: Db = db): Promise<{ summary: SnapshotSummary; memo: BlobMemo }> {
  checkSnapshotInput(input);
  const name = input.cluster.name;
  const writer = new PgBlobWriter(blobDb, memo);
  const reader = new PgBlobReader(db);
  const cluster = await ensureCluster(db, name, input.takenAt);
  const [newest] = await db.select().from(snapshots).where(eq(snapshots.clusterId, cluster.id)).orderBy(desc(snapshots.seq)).limit(1);
  // Snapshots with the same time keep the order they were stored in: only a strictly earlier one is put before.
  const appended = newest === undefined || newest.takenAt.getTime() <= input.takenAt.getTime();
  const before = appended
    ? newest
    : (
        await db
          .select()
          .from(snapshots)
          .where(and(eq(snapshots.clusterId, cluster.id), lte(snapshots.takenAt, input.takenAt)))
          .orderBy(desc(snapshots.seq))
          .limit(1)
      )[0];
  const seq = (before?.seq ?? 0) + 1;
  // The delta base: the snapshot just before in time, or (a snapshot older than all) the one just after.
  const previous = before ?? (await db.select().from(snapshots).where(and(eq(snapshots.clusterId, cluster.id), eq(snapshots.seq, seq))))[0];
  if (!appended) await makeRoomAt(db, cluster.id, seq);

  const inventory = input.inventory;
  const roots = {} as Record<SetColumn, number>;
  for (const set of keyedSetsOf(inventory)) {
    roots[set.column] = await writeKeyedSet(writer, reader, {
      items: set.items,
      keyOf: set.keyOf,
      storedValue: set.storedValue,
      previousRoot: previous?.[set.column] ?? null,
      slot: `${cluster.id}/${set.slot}`,
    });
  }
  const restBlob = await writer.putValue(storedRestOf(inventory));
  const figuresBlob = await writer.putValue(figuresOf(inventory));
  const [snapshot] = await db
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
    .returning();
  if (snapshot === undefined) throw new InternalError('the snapshot insert returned no row');

  const usage = await usageRowsOf(writer, `${cluster.id}/namespaces`, inventory.namespaces);
  if (appended) await appendNamespaceUsage(db, { clusterId: cluster.id, seq, previousSeq: newest?.seq ?? null, usage });
  else await insertNamespaceUsage(db, { clusterId: cluster.id, seq, usage });
  const rows = capacityRows(inventory).map((row) => ({ snapshotId: snapshot.id, ...row }));
  if (rows.length > 0) await db.insert(capacityPoints).values(rows);
  return { summary: snapshotSummary(snapshot, name), memo: writer.memo };
}

/** Moves the cluster's snapshots from `seq` on, and their usage intervals, up by one seq. */
async function makeRoomAt(db: Db, clusterId: number, seq: number): Promise<void> {
  // Through negative seqs, so the unique (cluster, seq) index never sees two rows with one seq mid-update.
  await db
    .update(snapshots)
    .set({ seq: sql`-(${snapshots.seq} + 1)` })
    .where(and(eq(snapshots.clusterId, clusterId), gte(snapshots.seq, seq)));
  await db
    .update(snapshots)
    .set({ seq: sql`-${snapshots.seq}` })
    .where(and(eq(snapshots.clusterId, clusterId), lt(snapshots.seq, 0)));
  await db
    .update(namespaceUsage)
    .set({ firstSeq: sql`${namespaceUsage.firstSeq} + 1`, lastSeq: sql`${namespaceUsage.lastSeq} + 1` })
    .where(and(eq(namespaceUsage.clusterId, clusterId), gte(namespaceUsage.firstSeq, seq)));
}

/** Each namespace's usage row, its facts blobs stored in one batch (`group`: the cluster's namespaces). */
async function usageRowsOf(writer: PgBlobWriter, group: string, namespaces: readonly NamespaceFacts[]): Promise<Map<string, UsageRow>> {
  const facts = await writer.putSlots(group, namespaces.map((ns) => [ns.name, namespaceFactsValue(ns), ns] as const));
  return new Map(namespaces.map((ns, i) => [ns.name, { factsBlob: facts[i] as number, requests: encodedRequests(ns), pods: ns.pods }]));
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
async function appendNamespaceUsage(db: Db, options: { clusterId: number; seq: number; previousSeq: number | null; usage: Map<string, UsageRow> }): Promise<void> {
  const open: StoredInterval[] =
    options.previousSeq === null
      ? []
      : await db
          .select(intervalColumns)
          .from(namespaceUsage)
          .where(and(eq(namespaceUsage.clusterId, options.clusterId), eq(namespaceUsage.lastSeq, options.previousSeq)));
  const { extended, started } = appendedUsage({ clusterId: options.clusterId, seq: options.seq, open, usage: options.usage });
  for (let i = 0; i < extended.length; i += ROWS * 8) {
    await db
      .update(namespaceUsage)
      .set({ lastSeq: options.seq })
      .where(inArray(namespaceUsage.id, extended.slice(i, i + ROWS * 8)));
  }
  for (let i = 0; i < started.length; i += ROWS) await db.insert(namespaceUsage).values(started.slice(i, i + ROWS));
}

/** The usage of a snapshot put at `seq` in the middle of the history (../usage-intervals.ts spanningEdits, neighbourEdits). */
async function insertNamespaceUsage(db: Db, options: { clusterId: number; seq: number; usage: Map<string, UsageRow> }): Promise<void> {
  const { clusterId, seq, usage } = options;
  const spanning = await db
    .select(intervalColumns)
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, clusterId), lt(namespaceUsage.firstSeq, seq), gte(namespaceUsage.lastSeq, seq)));
  const { edits, covered } = spanningEdits({ clusterId, seq, spanning, usage });
  await applyEdits(db, edits);
  const neighbours = await db
    .select(intervalColumns)
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, clusterId), sql`(${namespaceUsage.lastSeq} = ${seq - 1} OR ${namespaceUsage.firstSeq} = ${seq + 1})`));
  await applyEdits(db, neighbourEdits({ clusterId, seq, neighbours, usage, covered }));
}

async function applyEdits(db: Db, edits: readonly UsageEdit[]): Promise<void> {
  for (const edit of edits) {
    if (edit.kind === 'set-last') await db.update(namespaceUsage).set({ lastSeq: edit.lastSeq }).where(eq(namespaceUsage.id, edit.id));
    else if (edit.kind === 'set-first') await db.update(namespaceUsage).set({ firstSeq: edit.firstSeq }).where(eq(namespaceUsage.id, edit.id));
    else if (edit.kind === 'delete') await db.delete(namespaceUsage).where(eq(namespaceUsage.id, edit.id));
    else await db.insert(namespaceUsage).values(edit.row);
  }
}

/** The inventory exactly as it was saved, its blobs loaded in batches. */
export async function loadInventory(db: Db, snapshotId: number): Promise<ClusterInventory> {
  const [snapshot] = await db.select().from(snapshots).where(eq(snapshots.id, snapshotId));
  if (snapshot === undefined) throw snapshotNotFound(snapshotId);
  const reader = new PgBlobReader(db);
  const namespaceRows = await db
    .select({ namespace: namespaceUsage.namespace, factsBlob: namespaceUsage.factsBlob, requests: namespaceUsage.requests, pods: namespaceUsage.pods })
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, snapshot.clusterId), lte(namespaceUsage.firstSeq, snapshot.seq), gte(namespaceUsage.lastSeq, snapshot.seq)));
  await reader.load(namespaceRows.map((row) => row.factsBlob));
  return assembleInventory({
    snapshotId,
    nodes: await readKeyedSet(reader, snapshot.nodesBlob),
    nodeUsage: await readKeyedSet(reader, snapshot.nodeUsageBlob),
    stored: (await reader.getValue(snapshot.restBlob)) as StoredRest,
    namespaceRows,
    factsOf: (blob) => reader.loaded(blob),
    quotas: await readKeyedSet(reader, snapshot.quotasBlob),
    quotaUsage: await readKeyedSet(reader, snapshot.quotaUsageBlob),
    limitRanges: await readKeyedSet(reader, snapshot.limitRangesBlob),
    profiles: await readKeyedSet(reader, snapshot.profilesBlob),
  });
}

/** The fleet view's figures kept when the snapshot was saved; null for a snapshot saved before they were kept. */
export async function clusterFigures(db: Db, snapshotId: number): Promise<ClusterFigures | null> {
  const [row] = await db.select({ figuresBlob: snapshots.figuresBlob }).from(snapshots).where(eq(snapshots.id, snapshotId));
  if (row === undefined) throw snapshotNotFound(snapshotId);
  return row.figuresBlob === null ? null : ((await new PgBlobReader(db).getValue(row.figuresBlob)) as ClusterFigures);
}

export async function listSnapshots(db: Db, options: { cluster?: string } = {}): Promise<SnapshotSummary[]> {
  const clusterFilter = options.cluster === undefined ? undefined : eq(snapshots.clusterId, (await lookupCluster(db, options.cluster)).id);
  const rows = await db
    .select({ snapshot: snapshots, cluster: clusters.name })
    .from(snapshots)
    .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
    .where(clusterFilter)
    .orderBy(asc(clusters.name), asc(snapshots.seq));
  return rows.map((row) => snapshotSummary(row.snapshot, row.cluster));
}

export async function newestSnapshots(db: Db): Promise<SnapshotSummary[]> {
  const newest = db.select({ clusterId: snapshots.clusterId, seq: max(snapshots.seq).as('newest_seq') }).from(snapshots).groupBy(snapshots.clusterId).as('newest');
  const rows = await db
    .select({ snapshot: snapshots, cluster: clusters.name })
    .from(snapshots)
    .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
    .innerJoin(newest, and(eq(newest.clusterId, snapshots.clusterId), eq(newest.seq, snapshots.seq)));
  return byClusterName(rows.map((row) => snapshotSummary(row.snapshot, row.cluster)));
}

export async function snapshotListVersion(db: Db, options: { cluster?: string } = {}): Promise<SnapshotListVersion> {
  const where = options.cluster === undefined ? undefined : eq(snapshots.clusterId, (await lookupCluster(db, options.cluster)).id);
  const [row] = await db
    .select({ count: sql<number>`count(*)::int`, newest: sql<string | null>`max(${snapshots.id})` })
    .from(snapshots)
    .where(where);
  return { count: row?.count ?? 0, newestId: row?.newest == null ? null : Number(row.newest) };
}

export async function getSnapshot(db: Db, id: number): Promise<SnapshotSummary> {
  const [row] = await db
    .select({ snapshot: snapshots, cluster: clusters.name })
    .from(snapshots)
    .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
    .where(eq(snapshots.id, id));
  if (row === undefined) throw snapshotNotFound(id);
  return snapshotSummary(row.snapshot, row.cluster);
}

export async function resolveSnapshot(db: Db, options: { ref: string | number; cluster?: string }): Promise<SnapshotSummary> {
  if (options.ref === 'latest') {
    const cluster = await lookupCluster(db, options.cluster);
    const [row] = await db.select().from(snapshots).where(eq(snapshots.clusterId, cluster.id)).orderBy(desc(snapshots.seq)).limit(1);
    if (row === undefined) throw noSnapshotsIn(cluster.name);
    return snapshotSummary(row, cluster.name);
  }
  return checkSnapshotCluster(await getSnapshot(db, snapshotIdOf(options.ref)), options.cluster);
}
