/**
 * Time series from stored snapshots in PostgreSQL (the twin of ../sqlite/series.ts): per-namespace usage from the
 * interval rows, capacity from the capacity rows, and what the History fold reads.
 */
import { and, asc, eq, gt, gte, inArray, lte, max } from 'drizzle-orm';
import { parseQuantity } from '../../quantity.js';
import type { ResourceList } from '../../resources.js';
import { decodeValue } from '../codec.js';
import type { CapacityFigures } from '../history-totals.js';
import type { CapacityPoint, NamespaceUsagePoint, NamespaceUsageQuery, SeriesRange, SnapshotPoint } from '../store.js';
import { lookupCluster } from './clusters.js';
import type { Db } from './connection.js';
import { capacityPoints, namespaceUsage, snapshots } from './schema.js';
import { compareText } from '../../text-order.js';

interface SnapshotInRange {
  id: number;
  seq: number;
  takenAt: Date;
}

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

export function decodeRequests(encoded: string): ResourceList {
  return decodeValue(encoded) as ResourceList;
}

export async function namespaceUsageSeries(db: Db, query: NamespaceUsageQuery): Promise<NamespaceUsagePoint[]> {
  const { clusterId, points: inRange } = await snapshotsInRange(db, query);
  const wanted = query.snapshotIds === undefined ? undefined : new Set(query.snapshotIds);
  const points = wanted === undefined ? inRange : inRange.filter((point) => wanted.has(point.id));
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return [];
  const conditions = [eq(namespaceUsage.clusterId, clusterId), gte(namespaceUsage.lastSeq, first.seq), lte(namespaceUsage.firstSeq, last.seq)];
  if (query.namespaces !== undefined) conditions.push(inArray(namespaceUsage.namespace, [...query.namespaces]));
  const intervals = (
    await db
      .select({ namespace: namespaceUsage.namespace, firstSeq: namespaceUsage.firstSeq, lastSeq: namespaceUsage.lastSeq, requests: namespaceUsage.requests, pods: namespaceUsage.pods })
      .from(namespaceUsage)
      .where(and(...conditions))
  ).sort((a, b) => compareText(a.namespace, b.namespace) || a.firstSeq - b.firstSeq);
  const perPoint: NamespaceUsagePoint[][] = points.map(() => []);
  for (const interval of intervals) {
    const requests = decodeRequests(interval.requests);
    for (let i = firstPointFrom(points, interval.firstSeq); i < points.length; i += 1) {
      const point = points[i] as SnapshotInRange;
      if (point.seq > interval.lastSeq) break;
      (perPoint[i] as NamespaceUsagePoint[]).push({ snapshotId: point.id, takenAt: point.takenAt, namespace: interval.namespace, requests: { ...requests }, pods: interval.pods });
    }
  }
  return perPoint.flat();
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
  return rows.map((row) => ({
    seq: row.seq,
    resource: row.resource,
    capacity: parseQuantity(row.capacity),
    allocatable: parseQuantity(row.allocatable),
    requested: parseQuantity(row.requested),
    plannable: parseQuantity(row.plannable),
  }));
}

export async function newestSeq(db: Db, cluster: string): Promise<number> {
  const { id } = await lookupCluster(db, cluster);
  const [row] = await db.select({ seq: max(snapshots.seq) }).from(snapshots).where(eq(snapshots.clusterId, id));
  return row?.seq ?? 0;
}

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

export async function capacitySeries(db: Db, range: SeriesRange): Promise<CapacityPoint[]> {
  const { points } = await snapshotsInRange(db, range);
  if (points.length === 0) return [];
  const byId = new Map<number, CapacityPoint>(points.map((point) => [point.id, { snapshotId: point.id, takenAt: point.takenAt, resources: {} }]));
  const ids = points.map((point) => point.id);
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .select()
      .from(capacityPoints)
      .where(inArray(capacityPoints.snapshotId, ids.slice(i, i + 5000)))
      .orderBy(asc(capacityPoints.snapshotId), asc(capacityPoints.resource));
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

export async function snapshotIdAt(db: Db, query: { clusterId: number; seq: number }): Promise<number | null> {
  const [row] = await db
    .select({ id: snapshots.id })
    .from(snapshots)
    .where(and(eq(snapshots.clusterId, query.clusterId), eq(snapshots.seq, query.seq)));
  return row?.id ?? null;
}
