/**
 * Time series from stored snapshots, for the dashboard's History page and the quarterly review: per-namespace
 * requests and pod counts, and cluster capacity. Both are read from compact tables (usage intervals, capacity
 * points) without decoding any snapshot's blobs.
 */
import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm';
import { parseQuantity, type Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { decodeValue } from './codec.js';
import { requireCluster } from './clusters.js';
import type { Store } from './open.js';
import { capacityPoints, namespaceUsage, snapshots } from './schema.js';

export interface SeriesRange {
  cluster: string;
  /** Inclusive bounds on the snapshots' taken-at time. */
  from: Date;
  to: Date;
}

export interface NamespaceUsagePoint {
  snapshotId: number;
  takenAt: Date;
  namespace: string;
  requests: ResourceList;
  pods: number;
}

export interface CapacityFigures {
  /** Sum of the nodes' capacity. */
  capacity: Quantity;
  allocatable: Quantity;
  /** Sum of the requests of pods bound to nodes. */
  requested: Quantity;
  plannable: Quantity;
}

export interface CapacityPoint {
  snapshotId: number;
  takenAt: Date;
  /** Keys sorted. */
  resources: Record<string, CapacityFigures>;
}

interface SnapshotInRange {
  id: number;
  seq: number;
  takenAt: Date;
}

function snapshotsInRange(store: Store, range: SeriesRange): { clusterId: number; points: SnapshotInRange[] } {
  const cluster = requireCluster(store.db, range.cluster);
  const points = store.db
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

export interface NamespaceUsageQuery extends SeriesRange {
  /** Only these namespaces. */
  namespaces?: readonly string[];
  /** Only these snapshots (e.g. the points a chart keeps after thinning a long range). */
  snapshotIds?: readonly number[];
}

/**
 * One point per snapshot in range and namespace present in it, ordered by time then namespace name.
 * Each interval's requests are decoded once; its points get their own copy of the list (the Quantities in it are
 * frozen values).
 */
export function namespaceUsageSeries(store: Store, query: NamespaceUsageQuery): NamespaceUsagePoint[] {
  const { clusterId, points: inRange } = snapshotsInRange(store, query);
  const wanted = query.snapshotIds === undefined ? undefined : new Set(query.snapshotIds);
  const points = wanted === undefined ? inRange : inRange.filter((point) => wanted.has(point.id));
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return [];
  const conditions = [eq(namespaceUsage.clusterId, clusterId), gte(namespaceUsage.lastSeq, first.seq), lte(namespaceUsage.firstSeq, last.seq)];
  if (query.namespaces !== undefined) conditions.push(inArray(namespaceUsage.namespace, [...query.namespaces]));
  const intervals = store.db
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
    .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.firstSeq - b.firstSeq));
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

export interface NamespaceUsageInterval {
  namespace: string;
  /** Positions in `points` where the interval holds: from `start` (inclusive) to `end` (exclusive). */
  start: number;
  end: number;
  requests: ResourceList;
  pods: number;
}

/**
 * The usage intervals behind namespaceUsageSeries, for readers that aggregate over many snapshots (the History
 * page's per-bucket peaks): the snapshots in range, and every interval overlapping them as positions in that list,
 * so no per-snapshot point is built. Intervals in namespace order, then in time order.
 */
export function namespaceUsageIntervals(
  store: Store,
  query: SeriesRange & { namespaces?: readonly string[] },
): { points: Array<{ snapshotId: number; takenAt: Date }>; intervals: NamespaceUsageInterval[] } {
  const { clusterId, points } = snapshotsInRange(store, query);
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return { points: [], intervals: [] };
  const conditions = [eq(namespaceUsage.clusterId, clusterId), gte(namespaceUsage.lastSeq, first.seq), lte(namespaceUsage.firstSeq, last.seq)];
  if (query.namespaces !== undefined) conditions.push(inArray(namespaceUsage.namespace, [...query.namespaces]));
  const rows = store.db
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
    .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.firstSeq - b.firstSeq));
  const intervals: NamespaceUsageInterval[] = [];
  for (const row of rows) {
    const start = firstPointFrom(points, row.firstSeq);
    const end = firstPointFrom(points, row.lastSeq + 1);
    if (start < end) intervals.push({ namespace: row.namespace, start, end, requests: parseList(row.requests), pods: row.pods });
  }
  return { points: points.map((point) => ({ snapshotId: point.id, takenAt: point.takenAt })), intervals };
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
export function capacitySeries(store: Store, range: SeriesRange): CapacityPoint[] {
  const { points } = snapshotsInRange(store, range);
  if (points.length === 0) return [];
  const byId = new Map<number, CapacityPoint>(
    points.map((point) => [point.id, { snapshotId: point.id, takenAt: point.takenAt, resources: {} }]),
  );
  const ids = points.map((point) => point.id);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = store.db
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
