/**
 * Per-snapshot totals behind the History page, kept between requests and extended as snapshots arrive: for every
 * group (a plan's leaf team, or a namespace) and resource the summed requests at each snapshot seq, and the
 * cluster's capacity figures at each seq. A year of a large cluster is over a million usage intervals; reading and
 * decoding them takes seconds, so that is done once, and after a new snapshot only the intervals still open are
 * read (after the last seq already summed).
 *
 * This file is the fold, for any store: it reads through a `TotalsReader` that an implementation provides. When
 * and where it runs (SQLite: the first build in a worker thread) is the implementation's choice, behind
 * `Store.historyTotals` (sqlite/history-totals.ts).
 *
 * Sums are exact (bigint nanos); each total is stored as its drawing number (nanos / 1e9, what the page draws),
 * so the peak of a bucket is the drawing number of the exact peak.
 */
import type { Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';

export interface CapacityFigures {
  /** Sum of the nodes' capacity. */
  capacity: Quantity;
  allocatable: Quantity;
  /** Sum of the requests of pods bound to nodes. */
  requested: Quantity;
  plannable: Quantity;
}

export type CapacityField = 'capacity' | 'allocatable' | 'requested' | 'plannable';
export const CAPACITY_FIELDS: readonly CapacityField[] = ['capacity', 'allocatable', 'requested', 'plannable'];

/** Values by seq: index `seq - 1`. */
export interface SeqSeries {
  values: Float64Array;
  /** 1 where some interval of the series holds (a namespace present), else 0: absent is not the same as zero. */
  present: Uint8Array;
}

export interface HistoryTotals {
  /** Seqs 1..`through` are summed. */
  through: number;
  /** Length of every array (at least `through`; grown ahead so arrays are not copied every snapshot). */
  size: number;
  /** group -> resource -> series. */
  usage: Map<string, Map<string, SeqSeries>>;
  /** resource -> field -> values by seq. */
  capacity: Map<string, Record<CapacityField, Float64Array>>;
}

/** How namespaces are grouped: each its own group, or by the leaf team owning it (namespaces no team owns are left out). */
export type Grouping = { by: 'namespace' } | { by: 'team'; teamOf: ReadonlyMap<string, string> };

interface Running {
  series: SeqSeries;
  total: bigint;
  value: number;
  /** `total` changed since `value` was computed (several intervals of a group often start or end at one seq). */
  stale: boolean;
  holding: number;
}

export function emptyTotals(): HistoryTotals {
  return { through: 0, size: 0, usage: new Map(), capacity: new Map() };
}

/** The totals' arrays grown to hold seqs up to `through`. */
function grow(totals: HistoryTotals, through: number): void {
  if (through <= totals.size) return;
  // A tenth more than needed: arrays are copied every ~10% of history (weeks of hourly snapshots), not hourly.
  const size = Math.max(64, Math.ceil(through * 1.1));
  const bigger = (old: Float64Array): Float64Array => {
    const next = new Float64Array(size);
    next.set(old);
    return next;
  };
  for (const byResource of totals.usage.values()) {
    for (const series of byResource.values()) {
      series.values = bigger(series.values);
      const present = new Uint8Array(size);
      present.set(series.present);
      series.present = present;
    }
  }
  for (const fields of totals.capacity.values()) {
    for (const field of CAPACITY_FIELDS) fields[field] = bigger(fields[field]);
  }
  totals.size = size;
}

/** What the fold reads from a store: one cluster's capacity points and usage intervals by seq. */
export interface TotalsReader {
  /** Capacity figures of the snapshots after seq `afterSeq` through `throughSeq`, by seq then resource. */
  capacityPointsAfter(query: { afterSeq: number; throughSeq: number }): Iterable<{ seq: number; resource: string } & CapacityFigures>;
  /**
   * The usage intervals holding somewhere in seqs `afterSeq + 1` to `throughSeq`, in order of their first seq, with
   * their requests still encoded. `inInsertionOrder` (reading everything) may hand them in storage order instead,
   * which is first-seq order unless a snapshot was put in the middle; the fold checks and asks again sorted.
   */
  forEachEncodedUsageInterval(
    query: { afterSeq: number; throughSeq: number; inInsertionOrder?: boolean },
    visit: (namespace: string, firstSeq: number, lastSeq: number, requests: string) => void,
  ): void;
  decodeRequests(encoded: string): ResourceList;
}

/** Whose totals: a cluster's, read through `reader`, its namespaces grouped by `grouping`, brought up to seq `through`. */
export interface TotalsSource {
  reader: TotalsReader;
  grouping: Grouping;
  through: number;
}

/**
 * `totals` brought up to seq `through`, in place: the capacity points and the usage intervals holding after
 * `totals.through`. Synchronous: an implementation decides where it runs (SQLite: a worker thread for a first build).
 */
export function extendTotals(totals: HistoryTotals, source: TotalsSource): void {
  const { reader, through } = source;
  if (through <= totals.through) return;
  const after = totals.through;
  grow(totals, through);
  for (const point of reader.capacityPointsAfter({ afterSeq: after, throughSeq: through })) {
    let fields = totals.capacity.get(point.resource);
    if (fields === undefined) {
      const zeros = (): Float64Array => new Float64Array(totals.size);
      fields = { capacity: zeros(), allocatable: zeros(), requested: zeros(), plannable: zeros() };
      totals.capacity.set(point.resource, fields);
    }
    for (const field of CAPACITY_FIELDS) fields[field][point.seq - 1] = Number(point[field].nanos) / 1e9;
  }

  if (after === 0) {
    // Everything is read: in id order (one table scan, no sort), unless a row turns out of first-seq order.
    try {
      sweepUsage(totals, source, 'insertion');
    } catch (error) {
      if (!(error instanceof OutOfOrder)) throw error;
      totals.usage = new Map();
      sweepUsage(totals, source, 'first seq');
    }
  } else {
    sweepUsage(totals, source, 'first seq');
  }
  totals.through = through;
}

/** A row met out of first-seq order in an id-order scan. */
class OutOfOrder extends Error {}

/**
 * Adds the usage intervals holding in seqs after `totals.through` through `source.through` to `totals.usage`, read
 * in `order` (`insertion`: id order, checked to be first-seq order as it is read).
 */
function sweepUsage(totals: HistoryTotals, source: TotalsSource, order: 'insertion' | 'first seq'): void {
  const { reader, grouping, through } = source;
  const after = totals.through;
  // Per group, per resource, the running sum (one object per series, found through two small maps, no string keys).
  const runningOf = new Map<string, Map<string, Running>>();
  const running: Running[] = [];
  const runnerOf = (group: string, resource: string): Running => {
    let byResource = runningOf.get(group);
    if (byResource === undefined) runningOf.set(group, (byResource = new Map()));
    let r = byResource.get(resource);
    if (r === undefined) {
      let seriesOf = totals.usage.get(group);
      if (seriesOf === undefined) totals.usage.set(group, (seriesOf = new Map()));
      let series = seriesOf.get(resource);
      if (series === undefined) seriesOf.set(resource, (series = { values: new Float64Array(totals.size), present: new Uint8Array(totals.size) }));
      r = { series, total: 0n, value: 0, stale: false, holding: 0 };
      byResource.set(resource, r);
      running.push(r);
    }
    return r;
  };
  const groupOf = grouping.by === 'namespace' ? (namespace: string): string => namespace : (namespace: string): string | undefined => grouping.teamOf.get(namespace);
  // Many intervals share their requests text (a namespace going back to an earlier state, or the same shape in
  // several namespaces): each distinct text is decoded once. Bounded, so a year of all-distinct texts stays small.
  const decoded = new Map<string, Array<[string, bigint]>>();
  const amountsOf = (encoded: string): Array<[string, bigint]> => {
    let amounts = decoded.get(encoded);
    if (amounts === undefined) {
      amounts = Object.entries(reader.decodeRequests(encoded)).map(([resource, quantity]): [string, bigint] => [resource, quantity.nanos]);
      if (decoded.size >= 65_536) decoded.clear();
      decoded.set(encoded, amounts);
    }
    return amounts;
  };

  // A sweep over seqs after..through: intervals come in order of their first seq; each adds its requests from
  // its first seq (or after + 1) and takes them away after its last.
  // Per seq after which intervals end: their series and amounts, side by side (no pair allocated per amount).
  const endingAt = new Map<number, { runners: Running[]; amounts: bigint[] }>();
  let seq = after + 1;
  const settle = (until: number): void => {
    for (; seq < until; seq += 1) {
      for (const r of running) {
        if (r.stale) {
          r.value = Number(r.total) / 1e9;
          r.stale = false;
        }
        r.series.values[seq - 1] = r.value;
        r.series.present[seq - 1] = r.holding > 0 ? 1 : 0;
      }
      const ending = endingAt.get(seq + 1);
      if (ending === undefined) continue;
      for (let i = 0; i < ending.runners.length; i += 1) {
        const r = ending.runners[i] as Running;
        r.total -= ending.amounts[i] as bigint;
        r.stale = true;
        r.holding -= 1;
      }
      endingAt.delete(seq + 1);
    }
  };
  let lastFirstSeq = 0;
  reader.forEachEncodedUsageInterval({ afterSeq: after, throughSeq: through, inInsertionOrder: order === 'insertion' }, (namespace, firstSeq, lastSeq, requests) => {
    if (firstSeq < lastFirstSeq) throw new OutOfOrder();
    lastFirstSeq = firstSeq;
    const group = groupOf(namespace);
    if (group === undefined) return;
    settle(Math.max(firstSeq, after + 1));
    let ends = endingAt.get(lastSeq + 1);
    if (ends === undefined) endingAt.set(lastSeq + 1, (ends = { runners: [], amounts: [] }));
    for (const [resource, nanos] of amountsOf(requests)) {
      const r = runnerOf(group, resource);
      r.total += nanos;
      r.stale = true;
      r.holding += 1;
      ends.runners.push(r);
      ends.amounts.push(nanos);
    }
  });
  settle(through + 1);
}

/**
 * A store's HistoryTotalsView bookkeeping: the totals kept, which snapshot their newest seq was (a snapshot put in
 * the middle of the history moves later seqs: the implementation starts over when that seq now names another),
 * and one extension at a time that every caller of `current()` waits for.
 */
export abstract class KeptHistoryTotals {
  protected totals: HistoryTotals = emptyTotals();
  /** The snapshot at seq `totals.through` when it was summed. */
  protected throughId: number | null = null;
  /** The build or extension under way: every caller waits for the same one. */
  private pending: Promise<HistoryTotals> | null = null;

  /** The totals through the newest snapshot (a snapshot saved while a build runs is added by the next call). */
  current(): Promise<HistoryTotals> {
    if (this.pending === null) {
      this.pending = this.bringUpToDate().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  /** Extends `totals` through the newest snapshot (starting over when `throughId` moved) and answers them. */
  protected abstract bringUpToDate(): Promise<HistoryTotals>;
}
