/**
 * Time series built from the rows a store read, the same for both stores: per-namespace usage points from usage
 * intervals, capacity points from capacity rows. A store reads the snapshots in range and the rows; these turn
 * them into the points the Store interface answers.
 */
import { parseQuantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { compareText } from '../text-order.js';
import { decodeValue } from './codec.js';
import type { CapacityFigures } from './history-totals.js';
import type { CapacityPoint, NamespaceUsagePoint } from './store.js';

/** A snapshot in a series' range: what its points are numbered and timed by. */
export interface SnapshotInRange {
  id: number;
  seq: number;
  takenAt: Date;
}

/** A usage interval as stored: the namespace's requests (encoded) and pods from `firstSeq` through `lastSeq`. */
export interface UsageInterval {
  namespace: string;
  firstSeq: number;
  lastSeq: number;
  requests: string;
  pods: number;
}

/** A capacity row as stored: one resource of one snapshot, canonical quantity strings. */
export interface StoredCapacityRow {
  snapshotId: number;
  resource: string;
  capacity: string;
  allocatable: string;
  requested: string;
  plannable: string;
}

/** A usage interval's stored requests. */
export function decodeRequests(encoded: string): ResourceList {
  return decodeValue(encoded) as ResourceList;
}

/** The four figures of a capacity row. */
export function capacityFiguresOf(row: { capacity: string; allocatable: string; requested: string; plannable: string }): CapacityFigures {
  return {
    capacity: parseQuantity(row.capacity),
    allocatable: parseQuantity(row.allocatable),
    requested: parseQuantity(row.requested),
    plannable: parseQuantity(row.plannable),
  };
}

/** The points in range, only those named when `snapshotIds` is given. */
export function selectPoints(points: SnapshotInRange[], snapshotIds: readonly number[] | undefined): SnapshotInRange[] {
  if (snapshotIds === undefined) return points;
  const wanted = new Set(snapshotIds);
  return points.filter((point) => wanted.has(point.id));
}

/**
 * One point per snapshot and namespace present in it, ordered by time then namespace name. Each interval's
 * requests are decoded once; its points get their own copy of the list (the Quantities in it are frozen values).
 */
export function namespaceUsagePoints(points: readonly SnapshotInRange[], intervals: UsageInterval[]): NamespaceUsagePoint[] {
  intervals.sort((a, b) => compareText(a.namespace, b.namespace) || a.firstSeq - b.firstSeq);
  const perPoint: NamespaceUsagePoint[][] = points.map(() => []);
  for (const interval of intervals) {
    const requests = decodeRequests(interval.requests);
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

/** Capacity points of `points` (in their order), still empty: `addCapacityRows` fills them. */
export function emptyCapacityPoints(points: readonly SnapshotInRange[]): Map<number, CapacityPoint> {
  return new Map(points.map((point) => [point.id, { snapshotId: point.id, takenAt: point.takenAt, resources: {} }]));
}

/** Fills the points with capacity rows (a store reads them in batches of snapshot ids). */
export function addCapacityRows(byId: Map<number, CapacityPoint>, rows: readonly StoredCapacityRow[]): void {
  for (const row of rows) {
    const point = byId.get(row.snapshotId);
    if (point !== undefined) point.resources[row.resource] = capacityFiguresOf(row);
  }
}
