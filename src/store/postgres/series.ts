/**
 * Time series from stored snapshots in PostgreSQL (the twin of ../sqlite/series.ts): per-namespace usage from the
 * interval rows, capacity from the capacity rows, and what the History fold reads.
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
import type { Db } from './connection.js';
import { capacityPoints, namespaceUsage, snapshots } from './schema.js';

/**
 * Range bounds PostgreSQL can read: a Date past year 9999 is written `+275760-...` (the History page asks up to
 * the largest Date), which the server does not parse. No stored snapshot lies outside these years.
 */
const EARLIEST = new Date('0001-01-01T00:00:00.000Z');
const LATEST = new Date('9999-12-31T23:59:59.999Z');
const clamp = (date: Date): Date => (date < EARLIEST ? EARLIEST : date > LATEST ? LATEST : date);

async function snapshotsInRange(db: Db, range: SeriesRange): Promise<{ clusterId: number; points: SnapshotInRange[] }> {
  const cluster = await lookupCluster(db, range.cluster);
  const points = await db
    .select({ id: snapshots.id, seq: snapshots.seq, takenAt: snapshots.takenAt })
    .from(snapshots)
    .where(and(eq(snapshots.clusterId, cluster.id), gte(snapshots.takenAt, clamp(range.from)), lte(snapshots.takenAt, clamp(range.to))))
    .orderBy(asc(snapshots.seq));
  return { clusterId: cluster.id, points };
}

export async function namespaceUsageSeries(db: Db, query: NamespaceUsageQuery): Promise<NamespaceUsagePoint[]> {
  const { clusterId, points: inRange } = await snapshotsInRange(db, query);
  const points = selectPoints(inRange, query.snapshotIds);
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return [];
  const conditions = [eq(namespaceUsage.clusterId, clusterId), gte(namespaceUsage.lastSeq, first.seq), lte(namespaceUsage.firstSeq, last.seq)];
  if (query.namespaces !== undefined) conditions.push(inArray(namespaceUsage.namespace, [...query.namespaces]));
  const intervals = await db
    .select({ namespace: namespaceUsage.namespace, firstSeq: namespaceUsage.firstSeq, lastSeq: namespaceUsage.lastSeq, requests: namespaceUsage.requests, pods: namespaceUsage.pods })
    .from(namespaceUsage)
    .where(and(...conditions));
  return namespaceUsagePoints(points, intervals);
}

export async function snapshotPoints(db: Db, range: SeriesRange): Promise<SnapshotPoint[]> {
  return (await snapshotsInRange(db, range)).points.map((point) => ({ snapshotId: point.id, seq: point.seq, takenAt: point.takenAt }));
}

export interface EncodedInterval {
  namespace: string;
  firstSeq: number;
  lastSeq: number;
  requests: string;
}

/** The cluster's usage intervals holding somewhere in seqs `afterSeq + 1` to `throughSeq`, in first-seq order. */
export async function encodedUsageIntervals(db: Db, query: { clusterId: number; afterSeq: number; throughSeq: number }): Promise<EncodedInterval[]> {
  return db
    .select({ namespace: namespaceUsage.namespace, firstSeq: namespaceUsage.firstSeq, lastSeq: namespaceUsage.lastSeq, requests: namespaceUsage.requests })
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, query.clusterId), gt(namespaceUsage.lastSeq, query.afterSeq), lte(namespaceUsage.firstSeq, query.throughSeq)))
    .orderBy(asc(namespaceUsage.firstSeq), asc(namespaceUsage.id));
}

export async function capacityPointsAfter(
  db: Db,
  query: { clusterId: number; afterSeq: number; throughSeq: number },
): Promise<Array<{ seq: number; resource: string } & CapacityFigures>> {
  const rows = await db
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
    .where(and(eq(snapshots.clusterId, query.clusterId), gt(snapshots.seq, query.afterSeq), lte(snapshots.seq, query.throughSeq)))
    .orderBy(asc(snapshots.seq), asc(capacityPoints.resource));
  return rows.map((row) => ({ seq: row.seq, resource: row.resource, ...capacityFiguresOf(row) }));
}

export async function newestSeq(db: Db, cluster: string): Promise<number> {
  const { id } = await lookupCluster(db, cluster);
  const [row] = await db.select({ seq: max(snapshots.seq) }).from(snapshots).where(eq(snapshots.clusterId, id));
  return row?.seq ?? 0;
}

export async function capacitySeries(db: Db, range: SeriesRange): Promise<CapacityPoint[]> {
  const { points } = await snapshotsInRange(db, range);
  const byId = emptyCapacityPoints(points);
  const ids = points.map((point) => point.id);
  for (let i = 0; i < ids.length; i += 5000) {
    addCapacityRows(
      byId,
      await db
        .select()
        .from(capacityPoints)
        .where(inArray(capacityPoints.snapshotId, ids.slice(i, i + 5000)))
        .orderBy(asc(capacityPoints.snapshotId), asc(capacityPoints.resource)),
    );
  }
  return [...byId.values()];
}

export async function snapshotIdAt(db: Db, query: { clusterId: number; seq: number }): Promise<number | null> {
  const [row] = await db
    .select({ id: snapshots.id })
    .from(snapshots)
    .where(and(eq(snapshots.clusterId, query.clusterId), eq(snapshots.seq, query.seq)));
  return row?.id ?? null;
}
