/**
 * Per-snapshot totals behind the History page, kept between requests and extended as snapshots arrive: for every
 * group (a plan's leaf team, or a namespace) and resource the summed requests at each snapshot seq, and the
 * cluster's capacity figures at each seq. A year of a large cluster is over a million usage intervals; reading and
 * decoding them takes seconds, so that is done once, and after a new snapshot only the intervals still open are
 * read (`forEachEncodedUsageInterval` after the last seq already summed).
 *
 * The first build (after the server starts, or after a new plan regroups the namespaces) runs in a worker thread
 * (history-totals-worker.ts) on its own read-only connection to the same file, so the server keeps answering
 * other requests meanwhile; History requests wait for it (all of them share the one build). Later extensions are
 * small and run in place. A `:memory:` store cannot be opened twice, so it is built in place.
 *
 * Sums are exact (bigint nanos); each total is stored as its drawing number (nanos / 1e9, what the page draws),
 * so the peak of a bucket is the drawing number of the exact peak.
 */
import { Worker } from 'node:worker_threads';
import { InternalError } from '../errors.js';
import type { Store } from '../store/open.js';
import { capacityPointsAfter, decodeRequests, forEachEncodedUsageInterval, newestSeq } from '../store/series.js';

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

/** Whose totals: a cluster's in a store, its namespaces grouped by `grouping`, brought up to seq `through`. */
export interface TotalsSource {
  store: Store;
  cluster: string;
  grouping: Grouping;
  through: number;
}

/**
 * `totals` brought up to seq `through`, in place: the capacity points and the usage intervals holding after
 * `totals.through`. Synchronous; the worker runs it for a first build.
 */
export function extendTotals(totals: HistoryTotals, source: TotalsSource): void {
  const { store, cluster, through } = source;
  if (through <= totals.through) return;
  const after = totals.through;
  grow(totals, through);
  for (const point of capacityPointsAfter(store, { cluster, afterSeq: after, throughSeq: through })) {
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
  const { store, cluster, grouping, through } = source;
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
      amounts = Object.entries(decodeRequests(encoded)).map(([resource, quantity]): [string, bigint] => [resource, quantity.nanos]);
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
  forEachEncodedUsageInterval(store, { cluster, afterSeq: after, throughSeq: through, inInsertionOrder: order === 'insertion' }, (namespace, firstSeq, lastSeq, requests) => {
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

/** What the worker is given (structured-cloned) and answers. */
export interface TotalsRequest {
  file: string;
  cluster: string;
  grouping: Grouping;
  through: number;
}
export type TotalsAnswer = { totals: HistoryTotals } | { error: string };

/** The buffers of every array of `totals`, to transfer them instead of copying. */
export function buffersOf(totals: HistoryTotals): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const byResource of totals.usage.values()) for (const series of byResource.values()) buffers.push(series.values.buffer as ArrayBuffer, series.present.buffer as ArrayBuffer);
  for (const fields of totals.capacity.values()) for (const field of CAPACITY_FIELDS) buffers.push(fields[field].buffer as ArrayBuffer);
  return buffers;
}

/**
 * Totals of a stored file built from nothing through `through` in a worker thread. The worker loads the TypeScript
 * sources through tsx, as `bin/quotaplan.js` does (a worker does not inherit hooks registered in the main thread).
 */
export function buildTotalsInWorker(request: TotalsRequest): Promise<HistoryTotals> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./history-totals-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap, { eval: true, workerData: request });
    let settled = false;
    worker.once('message', (answer: TotalsAnswer) => {
      settled = true;
      if ('error' in answer) reject(new InternalError(`history totals worker: ${answer.error}`));
      else resolve(answer.totals);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new InternalError(`history totals worker exited ${code} without an answer`));
    });
  });
}

export interface HistoryTotalsOptions {
  /** Build from nothing in a worker thread (default: when the store is a file). */
  worker?: boolean;
  /** Where a failed worker is reported before building in place instead. */
  log?: (message: string) => void;
}

/** A cluster's totals grouped by `grouping`, brought up to its newest snapshot on every call. */
export class HistoryTotalsOf {
  private totals: HistoryTotals = emptyTotals();
  /** The build or extension under way: every caller waits for the same one. */
  private pending: Promise<HistoryTotals> | null = null;
  private readonly worker: boolean;

  constructor(
    private readonly store: Store,
    private readonly cluster: string,
    private readonly grouping: Grouping,
    private readonly options: HistoryTotalsOptions = {},
  ) {
    this.worker = options.worker ?? (store.file !== ':memory:' && store.file !== '');
  }

  /** The totals through the newest snapshot (a snapshot saved while a build runs is added once it ends). */
  current(): Promise<HistoryTotals> {
    if (this.pending === null) {
      this.pending = this.bringUpToDate().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  private async bringUpToDate(): Promise<HistoryTotals> {
    const through = newestSeq(this.store, this.cluster);
    if (this.totals.through === 0 && through > 0 && this.worker) {
      try {
        this.totals = await buildTotalsInWorker({ file: this.store.file, cluster: this.cluster, grouping: this.grouping, through });
      } catch (error) {
        (this.options.log ?? ((message: string) => process.stderr.write(`${message}\n`)))(
          `history: building the totals in a worker failed (${(error as Error).message}); building them in place`,
        );
      }
    }
    extendTotals(this.totals, { store: this.store, cluster: this.cluster, grouping: this.grouping, through: newestSeq(this.store, this.cluster) });
    return this.totals;
  }
}
