/**
 * Time series from stored snapshots, for the dashboard's History page and the quarterly review: per-namespace
 * requests and pod counts, and cluster capacity. Both are read from compact tables (usage intervals, capacity
 * points) without decoding any snapshot's blobs.
 */
import { and, asc, eq, gt, gte, inArray, lte, max } from 'drizzle-orm';
import { parseQuantity } from '../../quantity.js';
import type { ResourceList } from '../../resources.js';
import { decodeValue } from '../codec.js';
import type { CapacityFigures } from '../history-totals.js';
import type { CapacityPoint, NamespaceUsagePoint, NamespaceUsageQuery, SeriesRange, SnapshotPoint } from '../store.js';
import { lookupCluster } from './clusters.js';
import type { Connection } from './connection.js';
import { capacityPoints, namespaceUsage, snapshots } from './schema.js';
import { compareText } from '../../text-order.js';

interface SnapshotInRange {
  id: number;
  seq: number;
  takenAt: Date;
}

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

function parseList(encoded: string): ResourceList {
  return decodeValue(encoded) as ResourceList;
}

/**
 * One point per snapshot in range and namespace present in it, ordered by time then namespace name.
 * Each interval's requests are decoded once; its points get their own copy of the list (the Quantities in it are
 * frozen values).
 */
export function namespaceUsageSeries(connection: Connection, query: NamespaceUsageQuery): NamespaceUsagePoint[] {
  const { clusterId, points: inRange } = snapshotsInRange(connection, query);
  const wanted = query.snapshotIds === undefined ? undefined : new Set(query.snapshotIds);
  const points = wanted === undefined ? inRange : inRange.filter((point) => wanted.has(point.id));
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
    .all()
    .sort((a, b) => compareText(a.namespace, b.namespace) || a.firstSeq - b.firstSeq);
  const perPoint: NamespaceUsagePoint[][] = points.map(() => []);
  for (const interval of intervals) {
    const requests = parseList(interval.requests);
    for (let i = firstPointFrom(points, interval.firstSeq); i < points.length; i += 1) {
      const point = points[i] as SnapshotInRange;
      if (point.seq > interval.lastSeq) break;
      (perPoint[i] as NamespaceUsagePoint[]).push({
        snapshotId: point.id,
        takenAt: point.takenAt,
        namespace: interval.namespace,
        requests: { ...requests },
        pods: interval.pods,
      });
    }
  }
  return perPoint.flat();
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

/** A usage interval's stored requests (the `requests` text of `forEachEncodedUsageInterval`). */
export function decodeRequests(encoded: string): ResourceList {
  return parseList(encoded);
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
    .map((row) => ({
      seq: row.seq,
      resource: row.resource,
      capacity: parseQuantity(row.capacity),
      allocatable: parseQuantity(row.allocatable),
      requested: parseQuantity(row.requested),
      plannable: parseQuantity(row.plannable),
    }));
}

/** The cluster's newest snapshot seq (0 when it has none). */
export function newestSeq(connection: Connection, cluster: string): number {
  const { id } = lookupCluster(connection.db, cluster);
  return connection.db.select({ seq: max(snapshots.seq) }).from(snapshots).where(eq(snapshots.clusterId, id)).get()?.seq ?? 0;
}

/** Index of the first point with seq >= `seq` (points ascend by seq). */
function firstPointFrom(points: readonly SnapshotInRange[], seq: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((points[middle] as SnapshotInRange).seq < seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** One point per snapshot in range, in time order. */
export function capacitySeries(connection: Connection, range: SeriesRange): CapacityPoint[] {
  const { points } = snapshotsInRange(connection, range);
  if (points.length === 0) return [];
  const byId = new Map<number, CapacityPoint>(
    points.map((point) => [point.id, { snapshotId: point.id, takenAt: point.takenAt, resources: {} }]),
  );
  const ids = points.map((point) => point.id);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = connection.db
      .select()
      .from(capacityPoints)
      .where(inArray(capacityPoints.snapshotId, ids.slice(i, i + 500)))
      .orderBy(asc(capacityPoints.snapshotId), asc(capacityPoints.resource))
      .all();
    for (const row of rows) {
      const point = byId.get(row.snapshotId);
      if (point === undefined) continue;
      point.resources[row.resource] = {
        capacity: parseQuantity(row.capacity),
        allocatable: parseQuantity(row.allocatable),
        requested: parseQuantity(row.requested),
        plannable: parseQuantity(row.plannable),
      };
    }
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
