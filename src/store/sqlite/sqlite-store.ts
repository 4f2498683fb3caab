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
import type { Grouping } from '../history-totals.js';
import { RepositoryStore, RepositoryTransaction, type Eventually, type Repository } from '../repository.js';
import type { HistoryTotalsView, SaveSnapshotInput, SnapshotSummary, StoreTransaction } from '../store.js';
import { BlobReader, BlobWriter } from './blobs.js';
import { listClusterNames, lookupCluster } from './clusters.js';
import { openConnection, type Connection } from './connection.js';
import * as cycles from './cycles.js';
import { HistoryTotalsOf } from './history-totals.js';
import * as plans from './plans.js';
import * as series from './series.js';
import * as snapshots from './snapshots.js';
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

/** The SQLite queries (synchronous), each on the connection given. */
const sqliteRepository: Repository<Connection> = {
  ...snapshots,
  ...series,
  ...plans,
  ...cycles,
  listClusterNames: (c) => listClusterNames(c.db),
  resolveCluster: (c, name) => lookupCluster(c.db, name).name,
  getBlob: (c, id) => {
    if (c.sqlite.prepare('SELECT 1 FROM blobs WHERE id = ?').get(id) === undefined) {
      throw new NotFoundError(`no blob ${id} in the database`, { field: 'blob', value: id });
    }
    return new BlobReader(c).getValue(id);
  },
};

/** The handle a write's work gets: every call runs on the writer connection, inside the open transaction. */
class SqliteTransaction extends RepositoryTransaction<Connection> {
  private open = true;
  private readonly committed: Array<() => void> = [];

  constructor(private readonly connection: Connection) {
    super(sqliteRepository);
  }

  protected use<T>(read: (connection: Connection) => Eventually<T>): Promise<T> {
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
    return this.use((c) => snapshots.saveSnapshot(c, input, (after) => this.committed.push(after)));
  }
  putBlob(value: unknown): Promise<number> {
    return this.use((c) => new BlobWriter(c).putValue(value));
  }
}

export class SqliteStore extends RepositoryStore<Connection> {
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
    super(sqliteRepository);
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

  protected async use<T>(read: (connection: Connection) => Eventually<T>): Promise<T> {
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
