/**
 * The PostgreSQL implementation of the Store interface, over node-postgres (a pool) and drizzle's pg dialect: the
 * shared store of a fleet, where one collector per cluster writes and the dashboard reads (docs/store.md).
 *
 * Reads run in a READ ONLY, REPEATABLE READ transaction each: a read of several statements (an inventory, a
 * series) sees one committed state of the database, never a write half-way, and never waits for writers (MVCC).
 *
 * Writes: `write(work)` runs `work` in one transaction on one pooled client. It first takes a transaction-level
 * advisory lock (`pg_advisory_xact_lock`), the same for every writer of the database, in every process: such write
 * transactions run one after another, as on SQLite. Their reads-then-writes (a cycle name already taken, the plan
 * a cycle points at) need that: under READ COMMITTED alone two could both pass a check; SERIALIZABLE would refuse
 * one at commit and every writer would need a retry loop.
 *
 * A collector's save (`saveSnapshot` on the store, the fleet's hot path) needs less, and 20 collectors queueing
 * on one lock waited for each other's whole save: it takes that lock *shared* (saves of different clusters run at
 * once; a `write` waits for them and they for it) and the cluster's own lock exclusively
 * (`pg_advisory_xact_lock(CLUSTER_LOCKS, hashtext(name))`: two saves of one cluster still run one after another,
 * so their reads-then-writes (the newest seq, the open usage intervals, the cluster row) stay right; two names
 * with one hash merely share a lock). Snapshot ids come from the table's identity sequence, which needs no lock.
 * Blobs, which clusters share, are written outside the transaction, idempotently (blobs.ts).
 *
 * A lock is released by COMMIT or ROLLBACK, so a killed writer frees it with its connection. Waiting for one is
 * bounded by `lock_timeout` = the busy timeout: past it the server cancels the wait (SQLSTATE 55P03) and that is a
 * StoreBusyError, as on SQLite. In one process, writes also queue in the order asked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { eq, sql } from 'drizzle-orm';
import { InternalError, NotFoundError, StoreBusyError } from '../../errors.js';
import type { Grouping } from '../history-totals.js';
import { RepositoryStore, RepositoryTransaction, type Eventually, type Repository } from '../repository.js';
import type { HistoryTotalsView, SaveSnapshotInput, SnapshotSummary, StoreTransaction } from '../store.js';
import { emptyBlobMemo, PgBlobReader, PgBlobWriter, type BlobMemo } from './blobs.js';
import { listClusterNames, lookupCluster } from './clusters.js';
import { CLUSTER_LOCKS, openPgConnection, WRITE_LOCK, type Db, type PgConnection } from './connection.js';
import * as cycles from './cycles.js';
import { PgHistoryTotals } from './history-totals.js';
import * as plans from './plans.js';
import * as series from './series.js';
import * as snapshots from './snapshots.js';
import { blobs } from './schema.js';

export interface OpenPostgresStoreOptions {
  /** `postgres://user[:password]@host[:port]/database[?...]` (or `postgresql://`). */
  url: string;
  /** How long a writer waits for another writer's lock before a StoreBusyError, in milliseconds. */
  busyTimeoutMs?: number;
  /** No migrations; `write` is refused. */
  readonly?: boolean;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** The PostgreSQL queries, each on the database or transaction given. */
const pgRepository: Repository<Db> = {
  ...snapshots,
  ...series,
  ...plans,
  ...cycles,
  listClusterNames,
  resolveCluster: async (db, name) => (await lookupCluster(db, name)).name,
  getBlob: async (db, id) => {
    const [row] = Number.isSafeInteger(id) ? await db.select({ id: blobs.id }).from(blobs).where(eq(blobs.id, id)) : [];
    if (row === undefined) throw new NotFoundError(`no blob ${id} in the database`, { field: 'blob', value: id });
    return new PgBlobReader(db).getValue(id);
  },
};

class PgTransaction extends RepositoryTransaction<Db> {
  private open = true;
  /** What this transaction's last save knew, for the store's memo once it commits. */
  known: BlobMemo | null = null;

  constructor(
    private readonly db: Db,
    private readonly memo: BlobMemo,
  ) {
    super(pgRepository);
  }

  protected async use<T>(read: (db: Db) => Eventually<T>): Promise<T> {
    if (!this.open) throw new InternalError('a store transaction was used after its write ended');
    return read(this.db);
  }

  finish(): void {
    this.open = false;
  }

  /** Runs `use` on the transaction's handle (the store's own saves). */
  useDb<T>(use: (db: Db) => Promise<T>): Promise<T> {
    return this.use(use);
  }

  saveSnapshot(input: SaveSnapshotInput): Promise<SnapshotSummary> {
    return this.use(async (db) => {
      const { summary, memo } = await snapshots.saveSnapshot(db, input, this.known ?? this.memo);
      this.known = memo;
      return summary;
    });
  }
  putBlob(value: unknown): Promise<number> {
    return this.use((db) => new PgBlobWriter(db, emptyBlobMemo()).putValue(value));
  }
}

/** The server cancelled a lock wait at `lock_timeout` (drizzle wraps the driver's error: look through causes). */
function isLockTimeout(error: unknown): boolean {
  for (let e: unknown = error; e !== null && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '55P03') return true;
  }
  return false;
}

export class PostgresStore extends RepositoryStore<Db> {
  readonly location: string;
  private queue: Promise<void> = Promise.resolve();
  private readonly inWrite = new AsyncLocalStorage<true>();
  /** What the last committed snapshot write stored or found: the next one skips that work (blobs.ts). */
  private memo: BlobMemo = emptyBlobMemo();

  private constructor(
    private readonly connection: PgConnection,
    private readonly busyTimeoutMs: number,
    private readonly readonly: boolean,
  ) {
    super(pgRepository);
    this.location = connection.location;
  }

  static async open(options: OpenPostgresStoreOptions): Promise<PostgresStore> {
    const connection = await openPgConnection({ url: options.url, migrate: options.readonly !== true });
    return new PostgresStore(connection, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, options.readonly === true);
  }

  protected use<T>(read: (db: Db) => Eventually<T>): Promise<T> {
    return this.connection.db.transaction(async (tx) => read(tx), { isolationLevel: 'repeatable read', accessMode: 'read only' });
  }

  write<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.transaction(async (db) => {
      await db.execute(sql`SELECT pg_advisory_xact_lock(${WRITE_LOCK})`);
    }, work);
  }

  /** One collection: the shared write lock and the cluster's own, so saves of different clusters run at once. */
  override saveSnapshot(input: SaveSnapshotInput): Promise<SnapshotSummary> {
    let memo: BlobMemo | null = null;
    return this.transaction(
      async (db) => {
        await db.execute(sql`SELECT pg_advisory_xact_lock_shared(${WRITE_LOCK})`);
        await db.execute(sql`SELECT pg_advisory_xact_lock(${CLUSTER_LOCKS}, hashtext(${input.cluster.name}))`);
      },
      async (tx) => {
        const saved = await (tx as PgTransaction).useDb((db) => snapshots.saveSnapshot(db, input, this.memo, this.connection.db));
        memo = saved.memo;
        return saved.summary;
      },
      () => {
        if (memo !== null) this.memo = memo;
      },
    );
  }

  /**
   * `work` in one transaction, after `lock` took the locks it needs (waiting at most the busy timeout); then
   * `committed`, or the memo of the transaction's saves, becomes the store's.
   */
  private transaction<T>(lock: (db: Db) => Promise<void>, work: (tx: StoreTransaction) => Promise<T>, committed?: () => void): Promise<T> {
    if (this.inWrite.getStore() !== undefined) {
      return Promise.reject(new InternalError('a store write was started inside another: use the transaction the first one gave'));
    }
    if (this.readonly) return Promise.reject(new InternalError(`the store ${this.location} was opened read-only`));
    const run = async (): Promise<T> => {
      let handle: PgTransaction | null = null;
      try {
        const result = await this.connection.db.transaction(async (db) => {
          await db.execute(sql.raw(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(this.busyTimeoutMs))}`));
          await lock(db);
          await db.execute(sql.raw('SET LOCAL lock_timeout = 0'));
          const tx = new PgTransaction(db, this.memo);
          handle = tx;
          try {
            return await this.inWrite.run(true, () => work(tx));
          } finally {
            tx.finish();
          }
        });
        const known = (handle as PgTransaction | null)?.known;
        if (known != null) this.memo = known;
        committed?.();
        return result;
      } catch (error) {
        if (handle === null && isLockTimeout(error)) {
          throw new StoreBusyError(
            `database ${this.location} is busy: another process kept it locked for writing longer than ${this.busyTimeoutMs} ms`,
            this.busyTimeoutMs,
            { cause: error },
          );
        }
        throw error;
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
    return new PgHistoryTotals((read) => this.use(read), options.cluster, options.grouping);
  }

  async close(): Promise<void> {
    await this.queue;
    await this.connection.pool.end();
  }
}
