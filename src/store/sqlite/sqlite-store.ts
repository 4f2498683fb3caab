/**
 * The SQLite implementation of the Store interface, over better-sqlite3 (synchronous) and drizzle.
 *
 * A file is opened twice: a writer connection, used only inside `write`, and a reader connection for everything
 * else. WAL lets the reader see every committed write and never a half-done one, so a request that reads while
 * another one's write transaction is open (between its awaits) sees the data as it was before. `:memory:` can only
 * be one connection: there reads wait for an open write to finish instead.
 *
 * Writes run one at a time in this process (a promise queue) and queue behind other processes on SQLite's write
 * lock without blocking the event loop (write-lock.ts). The repository functions (snapshots.ts, plans.ts, ...) are
 * synchronous and take a Connection; only this file decides which connection and which transaction they run in.
 */
import type Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { InternalError, NotFoundError, ValidationError } from '../../errors.js';
import type { ClusterInventory } from '../../inventory/types.js';
import type { Grouping } from '../history-totals.js';
import type {
  CapacityPoint,
  CreateCycleInput,
  Cycle,
  CycleEvent,
  HistoryTotalsView,
  NamespaceUsagePoint,
  NamespaceUsageQuery,
  PlanQuery,
  PlanSummary,
  SavePlanInput,
  SaveSnapshotInput,
  SeriesRange,
  SetCycleStateInput,
  SnapshotListVersion,
  SnapshotPoint,
  SnapshotSummary,
  Store,
  StoredPlan,
  StoreTransaction,
} from '../store.js';
import { BlobReader, BlobWriter } from './blobs.js';
import { listClusterNames, lookupCluster } from './clusters.js';
import { openConnection, type Connection } from './connection.js';
import { createCycle, getCycle, listCycleEvents, listCycles, setCyclePlan, setCycleState } from './cycles.js';
import { HistoryTotalsOf } from './history-totals.js';
import { getPlan, listPlans, savePlan } from './plans.js';
import { capacitySeries, namespaceUsageSeries, newestSeq, snapshotPoints } from './series.js';
import { getSnapshot, listSnapshots, loadInventory, resolveSnapshot, saveSnapshot, snapshotListVersion } from './snapshots.js';
import { beginImmediate } from './write-lock.js';

export interface OpenSqliteStoreOptions {
  /** Path of the SQLite file (created when missing), or `:memory:`. */
  file: string;
  /** How long a writer waits for another process's write lock before a StoreBusyError, in milliseconds. */
  busyTimeoutMs?: number;
  /** Open an existing file read-only (no migrations run; `write` is refused). */
  readonly?: boolean;
  /** false: a missing file is a ValidationError instead of a new empty database (for commands that only read). */
  create?: boolean;
  /** Where the store reports what it recovered from (a failed History worker). */
  log?: (message: string) => void;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** The reads, once for both the store (reader connection) and a transaction (writer connection). */
abstract class SqliteReads {
  /** Runs `read` on the connection this handle reads through. */
  protected abstract use<T>(read: (connection: Connection) => T): Promise<T>;

  listClusterNames(): Promise<string[]> {
    return this.use((c) => listClusterNames(c.db));
  }
  resolveCluster(name?: string): Promise<string> {
    return this.use((c) => lookupCluster(c.db, name).name);
  }
  listSnapshots(options: { cluster?: string } = {}): Promise<SnapshotSummary[]> {
    return this.use((c) => listSnapshots(c, options));
  }
  getSnapshot(id: number): Promise<SnapshotSummary> {
    return this.use((c) => getSnapshot(c, id));
  }
  resolveSnapshot(options: { ref: string | number; cluster?: string }): Promise<SnapshotSummary> {
    return this.use((c) => resolveSnapshot(c, options));
  }
  loadInventory(snapshotId: number): Promise<ClusterInventory> {
    return this.use((c) => loadInventory(c, snapshotId));
  }
  listPlans(query: PlanQuery = {}): Promise<PlanSummary[]> {
    return this.use((c) => listPlans(c, query));
  }
  getPlan(ref: number | 'latest', query: PlanQuery = {}): Promise<StoredPlan> {
    return this.use((c) => getPlan(c, ref, query));
  }
  getCycle(options: { cluster?: string; name: string | 'latest' }): Promise<Cycle> {
    return this.use((c) => getCycle(c, options));
  }
  listCycles(options: { cluster?: string } = {}): Promise<Cycle[]> {
    return this.use((c) => listCycles(c, options));
  }
  listCycleEvents(cycleId: number): Promise<CycleEvent[]> {
    return this.use((c) => listCycleEvents(c, cycleId));
  }
  getBlob(id: number): Promise<unknown> {
    return this.use((c) => {
      if (c.sqlite.prepare('SELECT 1 FROM blobs WHERE id = ?').get(id) === undefined) {
        throw new NotFoundError(`no blob ${id} in the database`, { field: 'blob', value: id });
      }
      return new BlobReader(c).getValue(id);
    });
  }
}

/** The handle a write's work gets: every call runs on the writer connection, inside the open transaction. */
class SqliteTransaction extends SqliteReads implements StoreTransaction {
  private open = true;
  private readonly committed: Array<() => void> = [];

  constructor(private readonly connection: Connection) {
    super();
  }

  protected use<T>(read: (connection: Connection) => T): Promise<T> {
    return new Promise((resolve) => {
      if (!this.open) throw new InternalError('a store transaction was used after its write ended');
      resolve(read(this.connection));
    });
  }

  /** Ends the handle; after a commit, runs what waited for it. */
  finish(committed: boolean): void {
    this.open = false;
    if (committed) for (const after of this.committed.splice(0)) after();
  }

  saveSnapshot(input: SaveSnapshotInput): Promise<SnapshotSummary> {
    return this.use((c) => saveSnapshot(c, input, (after) => this.committed.push(after)));
  }
  savePlan(input: SavePlanInput): Promise<StoredPlan> {
    return this.use((c) => savePlan(c, input));
  }
  createCycle(input: CreateCycleInput): Promise<Cycle> {
    return this.use((c) => createCycle(c, input));
  }
  setCycleState(input: SetCycleStateInput): Promise<Cycle> {
    return this.use((c) => setCycleState(c, input));
  }
  setCyclePlan(options: { cycleId: number; planId: number | null }): Promise<Cycle> {
    return this.use((c) => setCyclePlan(c, options));
  }
  putBlob(value: unknown): Promise<number> {
    return this.use((c) => new BlobWriter(c).putValue(value));
  }
}

export class SqliteStore extends SqliteReads implements Store {
  readonly location: string;
  /** Writes wait for the one before them (this process); the chain never rejects. */
  private queue: Promise<void> = Promise.resolve();
  /** The write under way, for a store whose reader is its writer (`:memory:`). */
  private writing: Promise<void> | null = null;
  /** Set while a write's work runs: a nested `write` would wait for itself. */
  private readonly inWrite = new AsyncLocalStorage<true>();

  private constructor(
    private readonly reader: Connection,
    private readonly writer: Connection | null,
    private readonly busyTimeoutMs: number,
    private readonly log: ((message: string) => void) | undefined,
  ) {
    super();
    this.location = reader.file;
  }

  static open(options: OpenSqliteStoreOptions): SqliteStore {
    const memory = options.file === ':memory:';
    if (options.create === false && !memory && !existsSync(options.file)) {
      throw new ValidationError(`no database at ${options.file} (run \`quotaplan collect\` first, or pass --db)`, {
        file: options.file,
        field: '--db',
        value: options.file,
      });
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (options.readonly) {
      return new SqliteStore(openConnection({ file: options.file, readonly: true, busyTimeoutMs }), null, busyTimeoutMs, options.log);
    }
    // Opening waits on SQLite's own handler (migrations may need the lock; nothing else runs yet); then the writer
    // waits only in write-lock.ts, asynchronously.
    const writer = openConnection({ file: options.file, readonly: false, busyTimeoutMs });
    writer.sqlite.pragma('busy_timeout = 0');
    if (memory) return new SqliteStore(writer, writer, busyTimeoutMs, options.log);
    let reader: Connection;
    try {
      reader = openConnection({ file: options.file, readonly: false, busyTimeoutMs, migrate: false });
    } catch (error) {
      writer.sqlite.close();
      throw error;
    }
    return new SqliteStore(reader, writer, busyTimeoutMs, options.log);
  }

  /**
   * The better-sqlite3 handle writes go through (the only one for `:memory:`), for tests and benchmarks of this
   * implementation that look at its tables, pages or locks. Application code uses the Store interface.
   */
  get sqlite(): Database.Database {
    return (this.writer ?? this.reader).sqlite;
  }

  protected async use<T>(read: (connection: Connection) => T): Promise<T> {
    await this.readable();
    return read(this.reader);
  }

  /** On a single connection, a read outside the write under way waits for it (it would see uncommitted rows). */
  private async readable(): Promise<void> {
    if (this.reader !== this.writer || this.inWrite.getStore() !== undefined) return;
    while (this.writing !== null) await this.writing;
  }

  write<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    if (this.inWrite.getStore() !== undefined) {
      return Promise.reject(new InternalError('a store write was started inside another: use the transaction the first one gave'));
    }
    const writer = this.writer;
    if (writer === null) return Promise.reject(new InternalError(`the store ${this.location} was opened read-only`));
    const run = async (): Promise<T> => {
      await beginImmediate(writer, { timeoutMs: this.busyTimeoutMs });
      const tx = new SqliteTransaction(writer);
      let done!: () => void;
      this.writing = new Promise((resolve) => (done = resolve));
      try {
        const result = await this.inWrite.run(true, () => work(tx));
        writer.sqlite.exec('COMMIT');
        tx.finish(true);
        return result;
      } catch (error) {
        tx.finish(false);
        if (writer.sqlite.inTransaction) writer.sqlite.exec('ROLLBACK');
        throw error;
      } finally {
        this.writing = null;
        done();
      }
    };
    const result = this.queue.then(run);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  saveSnapshot(input: SaveSnapshotInput): Promise<SnapshotSummary> {
    return this.write((tx) => tx.saveSnapshot(input));
  }
  savePlan(input: SavePlanInput): Promise<StoredPlan> {
    return this.write((tx) => tx.savePlan(input));
  }
  createCycle(input: CreateCycleInput): Promise<Cycle> {
    return this.write((tx) => tx.createCycle(input));
  }
  setCycleState(input: SetCycleStateInput): Promise<Cycle> {
    return this.write((tx) => tx.setCycleState(input));
  }
  setCyclePlan(options: { cycleId: number; planId: number | null }): Promise<Cycle> {
    return this.write((tx) => tx.setCyclePlan(options));
  }
  putBlob(value: unknown): Promise<number> {
    return this.write((tx) => tx.putBlob(value));
  }

  snapshotListVersion(options: { cluster?: string } = {}): Promise<SnapshotListVersion> {
    return this.use((c) => snapshotListVersion(c, options));
  }
  namespaceUsageSeries(query: NamespaceUsageQuery): Promise<NamespaceUsagePoint[]> {
    return this.use((c) => namespaceUsageSeries(c, query));
  }
  capacitySeries(range: SeriesRange): Promise<CapacityPoint[]> {
    return this.use((c) => capacitySeries(c, range));
  }
  snapshotPoints(range: SeriesRange): Promise<SnapshotPoint[]> {
    return this.use((c) => snapshotPoints(c, range));
  }
  newestSeq(cluster: string): Promise<number> {
    return this.use((c) => newestSeq(c, cluster));
  }
  historyTotals(options: { cluster: string; grouping: Grouping; log?: ((message: string) => void) | undefined }): HistoryTotalsView {
    const log = options.log ?? this.log;
    return new HistoryTotalsOf(this.reader, options.cluster, options.grouping, {
      ...(log === undefined ? {} : { log }),
      before: () => this.readable(),
    });
  }

  async close(): Promise<void> {
    // A write under way finishes first: closing under it would throw inside its work.
    await this.queue;
    if (this.writer !== null && this.writer !== this.reader) this.writer.sqlite.close();
    this.reader.sqlite.close();
  }
}
