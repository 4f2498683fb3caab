/**
 * Per-snapshot totals behind the History page, kept between requests and extended as snapshots arrive: for every
 * group (a plan's leaf team, or a namespace) and resource the summed requests at each snapshot seq, and the
 * cluster's capacity figures at each seq. A year of a large cluster is millions of usage intervals; reading and
 * decoding them takes seconds, so that is done once, and after a new snapshot only the intervals still open are
 * read (`usageIntervalsAfter` with the last seq already summed).
 *
 * Sums are exact (bigint nanos); each total is stored as its drawing number (nanos / 1e9, what the page draws),
 * so the peak of a bucket is the drawing number of the exact peak.
 */
import type { Store } from '../store/open.js';
import { capacityPointsAfter, newestSeq, usageIntervalsAfter } from '../store/series.js';

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
  /** group -> resource -> series. */
  usage: Map<string, Map<string, SeqSeries>>;
  /** resource -> field -> values by seq. */
  capacity: Map<string, Record<CapacityField, Float64Array>>;
}

interface Running {
  series: SeqSeries;
  total: bigint;
  value: number;
  holding: number;
}

/** A cluster's totals grouped by `groupOf` (undefined: not counted), brought up to its newest snapshot on every call. */
export class HistoryTotalsOf {
  private totals: HistoryTotals = { through: 0, usage: new Map(), capacity: new Map() };
  private size = 0;

  constructor(
    private readonly store: Store,
    private readonly cluster: string,
    private readonly groupOf: (namespace: string) => string | undefined,
  ) {}

  current(): HistoryTotals {
    const through = newestSeq(this.store, this.cluster);
    if (through > this.totals.through) this.extend(through);
    return this.totals;
  }

  private grow(through: number): void {
    if (through <= this.size) return;
    // A tenth more than needed: arrays are copied every ~10% of history (weeks of hourly snapshots), not hourly.
    const size = Math.max(64, Math.ceil(through * 1.1));
    const bigger = (old: Float64Array): Float64Array => {
      const next = new Float64Array(size);
      next.set(old);
      return next;
    };
    for (const byResource of this.totals.usage.values()) {
      for (const series of byResource.values()) {
        series.values = bigger(series.values);
        const present = new Uint8Array(size);
        present.set(series.present);
        series.present = present;
      }
    }
    for (const fields of this.totals.capacity.values()) {
      for (const field of CAPACITY_FIELDS) fields[field] = bigger(fields[field]);
    }
    this.size = size;
  }

  private extend(through: number): void {
    const after = this.totals.through;
    this.grow(through);
    for (const point of capacityPointsAfter(this.store, { cluster: this.cluster, afterSeq: after, throughSeq: through })) {
      let fields = this.totals.capacity.get(point.resource);
      if (fields === undefined) {
        const zeros = (): Float64Array => new Float64Array(this.size);
        fields = { capacity: zeros(), allocatable: zeros(), requested: zeros(), plannable: zeros() };
        this.totals.capacity.set(point.resource, fields);
      }
      for (const field of CAPACITY_FIELDS) fields[field][point.seq - 1] = Number(point[field].nanos) / 1e9;
    }

    // A sweep over seqs after..through: intervals come in order of their first seq; each adds its requests from
    // its first seq (or after + 1) and takes them away after its last.
    const running: Running[] = [];
    const runningOf = new Map<string, Running>();
    const endingAt = new Map<number, Array<[Running, bigint]>>();
    let seq = after + 1;
    const settle = (until: number): void => {
      for (; seq < until; seq += 1) {
        for (const r of running) {
          r.series.values[seq - 1] = r.value;
          r.series.present[seq - 1] = r.holding > 0 ? 1 : 0;
        }
        for (const [r, nanos] of endingAt.get(seq + 1) ?? []) {
          r.total -= nanos;
          r.value = Number(r.total) / 1e9;
          r.holding -= 1;
        }
        endingAt.delete(seq + 1);
      }
    };
    for (const interval of usageIntervalsAfter(this.store, { cluster: this.cluster, afterSeq: after, throughSeq: through })) {
      const group = this.groupOf(interval.namespace);
      if (group === undefined) continue;
      settle(Math.max(interval.firstSeq, after + 1));
      const ends = endingAt.get(interval.lastSeq + 1) ?? [];
      endingAt.set(interval.lastSeq + 1, ends);
      for (const [resource, amount] of Object.entries(interval.requests)) {
        const key = `${group}\u0000${resource}`;
        let r = runningOf.get(key);
        if (r === undefined) {
          let byResource = this.totals.usage.get(group);
          if (byResource === undefined) this.totals.usage.set(group, (byResource = new Map()));
          let series = byResource.get(resource);
          if (series === undefined) byResource.set(resource, (series = { values: new Float64Array(this.size), present: new Uint8Array(this.size) }));
          r = { series, total: 0n, value: 0, holding: 0 };
          runningOf.set(key, r);
          running.push(r);
        }
        r.total += amount.nanos;
        r.value = Number(r.total) / 1e9;
        r.holding += 1;
        ends.push([r, amount.nanos]);
      }
    }
    settle(through + 1);
    this.totals.through = through;
  }
}
