/**
 * Time series from stored snapshots, for the dashboard's History page and the quarterly review: per-namespace
 * requests and pod counts, and cluster capacity. Both are read from compact tables (usage intervals, capacity
 * points) without decoding any snapshot's blobs.
 */
import { and, asc, eq, gt, gte, inArray, lte, max } from 'drizzle-orm';
import type { CapacityFigures } from '../history-totals.js';
import {
  addCapacityRows,
  capacityFiguresOf,
  emptyCapacityPoints,
  namespaceUsagePoints,
  selectPoints,
  type SnapshotInRange,
} from '../series-assembly.js';
import type { CapacityPoint, NamespaceUsagePoint, NamespaceUsageQuery, SeriesRange, SnapshotPoint } from '../store.js';
import { lookupCluster } from './clusters.js';
import type { Connection } from './connection.js';
import { capacityPoints, namespaceUsage, snapshots } from './schema.js';

function snapshotsInRange(connection: Connection, range: SeriesRange): { clusterId: number; points: SnapshotInRange[] } {
  const cluster = lookupCluster(connection.db, range.cluster);
  const points = connection.db
    .select({ id: snapshots.id, seq: snapshots.seq, takenAt: snapshots.takenAt })
    .from(snapshots)
    .where(and(eq(snapshots.clusterId, cluster.id), gte(snapshots.takenAt, range.from), lte(snapshots.takenAt, range.to)))
    .orderBy(asc(snapshots.seq))
    .all();
  return { clusterId: cluster.id, points };
}

/** One point per snapshot in range and namespace present in it (../series-assembly.ts). */
export function namespaceUsageSeries(connection: Connection, query: NamespaceUsageQuery): NamespaceUsagePoint[] {
  const { clusterId, points: inRange } = snapshotsInRange(connection, query);
  const points = selectPoints(inRange, query.snapshotIds);
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return [];
  const conditions = [eq(namespaceUsage.clusterId, clusterId), gte(namespaceUsage.lastSeq, first.seq), lte(namespaceUsage.firstSeq, last.seq)];
  if (query.namespaces !== undefined) conditions.push(inArray(namespaceUsage.namespace, [...query.namespaces]));
  const intervals = connection.db
    .select({
      namespace: namespaceUsage.namespace,
      firstSeq: namespaceUsage.firstSeq,
      lastSeq: namespaceUsage.lastSeq,
      requests: namespaceUsage.requests,
      pods: namespaceUsage.pods,
    })
    .from(namespaceUsage)
    .where(and(...conditions))
    .all();
  return namespaceUsagePoints(points, intervals);
}

/** The snapshots in range (id, seq, time), oldest first, without anything else. */
export function snapshotPoints(connection: Connection, range: SeriesRange): SnapshotPoint[] {
  return snapshotsInRange(connection, range).points.map((point) => ({ snapshotId: point.id, seq: point.seq, takenAt: point.takenAt }));
}

/**
 * The cluster's usage intervals that hold somewhere in snapshots `afterSeq + 1` to `throughSeq` (by seq), in order
 * of their first snapshot, handed to `visit` one at a time (a year of a large cluster is millions of rows, too many
 * to hold at once) with the requests still encoded (decode them with `decodeRequests`): a reader of a year's 1.5+
 * million rows can decode each distinct text once.
 *
 * `inInsertionOrder` (for reading everything, `afterSeq` 0): rows in id order, one scan without sorting the whole
 * table. A snapshot appended inserts its new intervals with its seq, above every earlier one, so id order is
 * first-seq order until a snapshot is put in the middle (an overlapping collection stored late); the caller checks
 * (and asks again sorted if a row comes out of order).
 */
export function forEachEncodedUsageInterval(
  connection: Connection,
  query: { cluster: string; afterSeq: number; throughSeq: number; inInsertionOrder?: boolean },
  visit: (namespace: string, firstSeq: number, lastSeq: number, requests: string) => void,
): void {
  const cluster = lookupCluster(connection.db, query.cluster);
  const sql = query.inInsertionOrder
    ? // `+cluster_id`: scan the table in id order rather than walk the last_seq index and sort.
      'SELECT namespace, first_seq, last_seq, requests FROM namespace_usage WHERE +cluster_id = ? AND last_seq > ? AND first_seq <= ? ORDER BY id'
    : 'SELECT namespace, first_seq, last_seq, requests FROM namespace_usage WHERE cluster_id = ? AND last_seq > ? AND first_seq <= ? ORDER BY first_seq, id';
  const rows = connection.sqlite.prepare(sql).raw().iterate(cluster.id, query.afterSeq, query.throughSeq) as IterableIterator<[string, number, number, string]>;
  for (const [namespace, firstSeq, lastSeq, requests] of rows) visit(namespace, firstSeq, lastSeq, requests);
}

/** Capacity figures of the cluster's snapshots after seq `afterSeq` through `throughSeq`, by seq then resource. */
export function capacityPointsAfter(
  connection: Connection,
  query: { cluster: string; afterSeq: number; throughSeq: number },
): Array<{ seq: number; resource: string } & CapacityFigures> {
  const cluster = lookupCluster(connection.db, query.cluster);
  return connection.db
    .select({
      seq: snapshots.seq,
      resource: capacityPoints.resource,
      capacity: capacityPoints.capacity,
      allocatable: capacityPoints.allocatable,
      requested: capacityPoints.requested,
      plannable: capacityPoints.plannable,
    })
    .from(capacityPoints)
    .innerJoin(snapshots, eq(snapshots.id, capacityPoints.snapshotId))
    .where(and(eq(snapshots.clusterId, cluster.id), gt(snapshots.seq, query.afterSeq), lte(snapshots.seq, query.throughSeq)))
    .orderBy(asc(snapshots.seq), asc(capacityPoints.resource))
    .all()
    .map((row) => ({ seq: row.seq, resource: row.resource, ...capacityFiguresOf(row) }));
}

/** The cluster's newest snapshot seq (0 when it has none). */
export function newestSeq(connection: Connection, cluster: string): number {
  const { id } = lookupCluster(connection.db, cluster);
  return connection.db.select({ seq: max(snapshots.seq) }).from(snapshots).where(eq(snapshots.clusterId, id)).get()?.seq ?? 0;
}

/** One point per snapshot in range, in time order. */
export function capacitySeries(connection: Connection, range: SeriesRange): CapacityPoint[] {
  const { points } = snapshotsInRange(connection, range);
  const byId = emptyCapacityPoints(points);
  const ids = points.map((point) => point.id);
  // SQLite limits bound parameters per statement: 500 ids per SELECT.
  for (let i = 0; i < ids.length; i += 500) {
    addCapacityRows(
      byId,
      connection.db
        .select()
        .from(capacityPoints)
        .where(inArray(capacityPoints.snapshotId, ids.slice(i, i + 500)))
        .orderBy(asc(capacityPoints.snapshotId), asc(capacityPoints.resource))
        .all(),
    );
  }
  return [...byId.values()];
}

/** The id of the cluster's snapshot at `seq`, or null: a reader that keeps totals by seq checks that its seqs still mean the same snapshots. */
export function snapshotIdAt(connection: Connection, query: { cluster: string; seq: number }): number | null {
  const { id } = lookupCluster(connection.db, query.cluster);
  return (
    connection.db
      .select({ id: snapshots.id })
      .from(snapshots)
      .where(and(eq(snapshots.clusterId, id), eq(snapshots.seq, query.seq)))
      .get()?.id ?? null
  );
}
