/**
 * The SQLite store's History totals (`Store.historyTotals`): the fold of ../history-totals.ts kept per view and
 * extended by the snapshots stored since. The first build (after the server starts, or after a new plan regroups
 * the namespaces) runs in a worker thread (history-totals-worker.ts) on its own read-only connection to the same
 * file: better-sqlite3 blocks its thread, and a year of history takes seconds, so the server keeps answering other
 * requests meanwhile; callers wait for it (all of them share the one build). Later extensions are small and run in
 * place. A `:memory:` store cannot be opened twice, so it is built in place.
 *
 * Totals are kept by seq. A snapshot put in the middle of the history (an overlapping collection that finished
 * last) moves later seqs up by one, so the view remembers which snapshot its newest seq was and starts over when
 * that seq now names another.
 */
import { Worker } from 'node:worker_threads';
import { InternalError } from '../../errors.js';
import { CAPACITY_FIELDS, emptyTotals, extendTotals, KeptHistoryTotals, type Grouping, type HistoryTotals, type TotalsReader } from '../history-totals.js';
import { decodeRequests } from '../series-assembly.js';
import type { HistoryTotalsView } from '../store.js';
import type { Connection } from './connection.js';
import { capacityPointsAfter, forEachEncodedUsageInterval, newestSeq, snapshotIdAt } from './series.js';

/** The fold's reader over one connection and cluster. */
export function totalsReader(connection: Connection, cluster: string): TotalsReader {
  return {
    capacityPointsAfter: (query) => capacityPointsAfter(connection, { cluster, ...query }),
    forEachEncodedUsageInterval: (query, visit) => forEachEncodedUsageInterval(connection, { cluster, ...query }, visit),
    decodeRequests,
  };
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
 * Totals of a stored file built from nothing through `through` in a worker thread. Built, the worker is its own
 * entry point beside this bundle (scripts/build.ts); run from the TypeScript sources, the worker loads them through
 * tsx (a worker does not inherit hooks registered in the main thread).
 */
export function buildTotalsInWorker(request: TotalsRequest): Promise<HistoryTotals> {
  const bootstrap = import.meta.url.endsWith('.ts')
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./history-totals-worker.ts', import.meta.url).href)}); })`
    : `import(${JSON.stringify(new URL('./history-totals-worker.js', import.meta.url).href)})`;
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
  /** Awaited before reading (a single-connection store lets a write under way finish first). */
  before?: () => Promise<void>;
}

/** A cluster's totals grouped by `grouping`, brought up to its newest snapshot on every call. */
export class HistoryTotalsOf extends KeptHistoryTotals implements HistoryTotalsView {
  private readonly worker: boolean;

  constructor(
    /** A reading connection; its statements run between the awaits of `current()`, never during a write of this process. */
    private readonly connection: Connection,
    private readonly cluster: string,
    private readonly grouping: Grouping,
    private readonly options: HistoryTotalsOptions = {},
  ) {
    super();
    this.worker = options.worker ?? (connection.file !== ':memory:' && connection.file !== '');
  }

  protected async bringUpToDate(): Promise<HistoryTotals> {
    await this.options.before?.();
    if (this.totals.through > 0 && snapshotIdAt(this.connection, { cluster: this.cluster, seq: this.totals.through }) !== this.throughId) {
      // A snapshot was put in the middle: every seq after it moved. Start over.
      this.totals = emptyTotals();
    }
    const through = newestSeq(this.connection, this.cluster);
    if (this.totals.through === 0 && through > 0 && this.worker) {
      try {
        this.totals = await buildTotalsInWorker({ file: this.connection.file, cluster: this.cluster, grouping: this.grouping, through });
      } catch (error) {
        (this.options.log ?? ((message: string) => process.stderr.write(`${message}\n`)))(
          `history: building the totals in a worker failed (${(error as Error).message}); building them in place`,
        );
      }
    }
    await this.options.before?.();
    const newest = newestSeq(this.connection, this.cluster);
    extendTotals(this.totals, { reader: totalsReader(this.connection, this.cluster), grouping: this.grouping, through: newest });
    this.throughId = snapshotIdAt(this.connection, { cluster: this.cluster, seq: this.totals.through });
    return this.totals;
  }
}
