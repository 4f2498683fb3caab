/**
 * The store seam: everything quotaplan keeps (clusters, snapshots, their time series, plans, cycles, blobs) behind
 * one async interface. `openStore` (open.ts) gives the SQLite implementation (`src/store/sqlite/`); a PostgreSQL one
 * implements the same interface and runs the same contract suite (`test/unit/store/contract/`).
 *
 * Nothing here names a driver, a dialect or a connection. Every write goes through one path: `write(work)` runs
 * `work` in one transaction that waits its turn behind other writers (other processes included) without blocking
 * readers or the event loop, commits when `work` resolves and rolls everything back when it throws. The single
 * write methods on `Store` (`saveSnapshot`, `savePlan`, ...) are each one such transaction.
 *
 * Errors: an id or name that names nothing is a `NotFoundError`; a store that stayed locked by another writer
 * longer than the busy timeout is a `StoreBusyError`; a rule of the data (a snapshot of another cluster, a second
 * cycle of one name) is a `ValidationError` or `ConflictError`.
 */
import type { ClusterFigures } from '../fleet/fleet-view.js';
import type { ClusterInventory } from '../inventory/types.js';
import type { Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import type { CapacityFigures, Grouping, HistoryTotals } from './history-totals.js';

// ---- clusters ----

/** A cluster the store knows, by the name `--cluster` uses. */
export interface ClusterIdentity {
  /** The name the database knows the cluster by (`--cluster`). */
  name: string;
  /** API server URL, when known. */
  server?: string | null;
  /** kubeconfig context, when collected live. */
  context?: string | null;
}

// ---- snapshots ----

export interface SnapshotSource {
  kind: 'live' | 'file';
  /** The context read, or the dump file's path. */
  ref: string;
}

export interface SaveSnapshotInput {
  cluster: ClusterIdentity;
  /** When the collection happened: passed in, never read from a clock in the store. */
  takenAt: Date;
  source: SnapshotSource;
  inventory: ClusterInventory;
}

export interface SnapshotSummary {
  id: number;
  cluster: string;
  /** 1, 2, ... in order of `takenAt` within the cluster (a snapshot taken earlier but stored later moves the later ones up). */
  seq: number;
  takenAt: Date;
  server: string | null;
  context: string | null;
  source: SnapshotSource;
  nodes: number;
  namespaces: number;
  pods: number;
  warnings: number;
}

/** What names the stored snapshot list (a cache key): it changes whenever a snapshot is added. */
export interface SnapshotListVersion {
  count: number;
  newestId: number | null;
}

// ---- series ----

export interface SeriesRange {
  cluster: string;
  /** Inclusive bounds on the snapshots' taken-at time. */
  from: Date;
  to: Date;
}

export interface NamespaceUsageQuery extends SeriesRange {
  /** Only these namespaces. */
  namespaces?: readonly string[];
  /** Only these snapshots (e.g. the points a chart keeps after thinning a long range). */
  snapshotIds?: readonly number[];
}

export interface NamespaceUsagePoint {
  snapshotId: number;
  takenAt: Date;
  namespace: string;
  requests: ResourceList;
  pods: number;
}

export interface CapacityPoint {
  snapshotId: number;
  takenAt: Date;
  /** Keys sorted. */
  resources: Record<string, CapacityFigures>;
}

export interface SnapshotPoint {
  snapshotId: number;
  seq: number;
  takenAt: Date;
}

/**
 * Per-seq totals of one cluster's history, kept by the store between calls and brought up to its newest snapshot
 * by `current()`. The store decides how (SQLite: the first build in a worker thread on its own connection), so a
 * caller never blocks other requests while a year of history is summed.
 */
export interface HistoryTotalsView {
  current(): Promise<HistoryTotals>;
}

// ---- plans ----

export interface SavePlanInput {
  cluster: string;
  cycle: string;
  /** The snapshot planned from; null for a plan made from a dump that was not stored. */
  snapshotId: number | null;
  teamsYaml: string;
  plan: unknown;
  createdAt: Date;
}

export interface PlanSummary {
  id: number;
  cluster: string;
  cycle: string;
  snapshotId: number | null;
  createdAt: Date;
}

export interface StoredPlan extends PlanSummary {
  teamsYaml: string;
  plan: unknown;
}

export interface PlanQuery {
  cluster?: string;
  cycle?: string;
}

// ---- cycles ----

export const CYCLE_STATES = ['draft', 'in-review', 'approved'] as const;
export type CycleState = (typeof CYCLE_STATES)[number];

export interface Cycle {
  id: number;
  cluster: string;
  name: string;
  state: CycleState;
  planId: number | null;
  startsAt: Date | null;
  endsAt: Date | null;
  createdAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  approvalNote: string | null;
}

export interface CycleEvent {
  fromState: CycleState | null;
  toState: CycleState;
  actor: string | null;
  at: Date;
  note: string | null;
}

export interface CreateCycleInput {
  cluster: string;
  name: string;
  createdAt: Date;
  startsAt?: Date | null;
  endsAt?: Date | null;
  planId?: number | null;
  actor?: string | null;
}

export interface SetCycleStateInput {
  cycleId: number;
  state: CycleState;
  at: Date;
  actor?: string | null;
  note?: string | null;
}

// ---- the interface ----

/** What can be read, inside a write transaction (seeing its own writes) or outside one (seeing committed data). */
export interface StoreReads {
  /** Every cluster name, sorted. */
  listClusterNames(): Promise<string[]>;
  /**
   * The one cluster lookup: the cluster named (a NotFoundError listing the known ones when there is none), or
   * without a name the only cluster (a ValidationError naming the choices when there are several or none).
   */
  resolveCluster(name?: string): Promise<string>;

  /** Snapshots in cluster-name then time order; only one cluster's with `cluster`. */
  listSnapshots(options?: { cluster?: string }): Promise<SnapshotSummary[]>;
  getSnapshot(id: number): Promise<SnapshotSummary>;
  /** The newest snapshot of every cluster that has one, by cluster name (the fleet view's snapshots). */
  newestSnapshots(): Promise<SnapshotSummary[]>;
  /**
   * What `--snapshot ID|latest [--cluster C]` names. `latest` without a cluster is allowed when the store holds one
   * cluster; a numeric id must belong to `cluster` when both are given.
   */
  resolveSnapshot(options: { ref: string | number; cluster?: string }): Promise<SnapshotSummary>;
  /** The inventory exactly as it was saved. */
  loadInventory(snapshotId: number): Promise<ClusterInventory>;
  /**
   * The fleet view's figures of a snapshot (src/fleet/fleet-view.ts), kept when it was saved: a few rows, where the
   * inventory is thousands of nodes. Null for a snapshot saved before they were kept.
   */
  clusterFigures(snapshotId: number): Promise<ClusterFigures | null>;

  /** Plans oldest first (by creation time, then id). */
  listPlans(query?: PlanQuery): Promise<PlanSummary[]>;
  /** A plan by id, or the most recent one (`latest`) of a cluster (and cycle); without a cluster the store must hold one. */
  getPlan(ref: number | 'latest', query?: PlanQuery): Promise<StoredPlan>;

  /** A cycle by name, or the most recently created one (`latest`). Without a cluster the store must hold one. */
  getCycle(options: { cluster?: string; name: string | 'latest' }): Promise<Cycle>;
  /** Cycles oldest first; one cluster's with `cluster`. */
  listCycles(options?: { cluster?: string }): Promise<Cycle[]>;
  /** The cycle's state changes, oldest first. */
  listCycleEvents(cycleId: number): Promise<CycleEvent[]>;

  /** A stored blob's value (see `putBlob`). */
  getBlob(id: number): Promise<unknown>;
}

/** The writes. On a `StoreTransaction` they join its transaction; on a `Store` each is a transaction of its own. */
export interface StoreWrites {
  /**
   * One collection of one cluster, in one transaction. A snapshot taken before the cluster's newest one (two
   * collections that overlapped) is stored in its place in time: the later snapshots' seqs move up by one.
   */
  saveSnapshot(input: SaveSnapshotInput): Promise<SnapshotSummary>;
  /** Stores the teams file verbatim and the plan value (a value holding Quantities comes back equal). */
  savePlan(input: SavePlanInput): Promise<StoredPlan>;
  /** A new cycle in state `draft`; a ConflictError when the cluster already has a cycle of that name. */
  createCycle(input: CreateCycleInput): Promise<Cycle>;
  /** Records a state change and its event; moving to `approved` records the approval, anywhere else clears it. */
  setCycleState(input: SetCycleStateInput): Promise<Cycle>;
  /** Points a cycle at a plan of its cluster (or none). */
  setCyclePlan(options: { cycleId: number; planId: number | null }): Promise<Cycle>;
  /** Stores a value once under a hash of its encoding; the same value again gives the same id and costs nothing. */
  putBlob(value: unknown): Promise<number>;
}

/** The handle `write` gives its work: reads see the transaction's own writes. Unusable once `write` returned. */
export interface StoreTransaction extends StoreReads, StoreWrites {}

export interface Store extends StoreReads, StoreWrites {
  /** What the store is, for messages (a file path, `:memory:`). */
  readonly location: string;

  /**
   * The one write path: `work` runs in one transaction, after other writers (in this process and others) are done;
   * waiting never blocks the event loop. Resolves with `work`'s value once committed; a throw rolls back everything
   * and is rethrown. Waiting longer than the store's busy timeout is a StoreBusyError. Calling `write` (or a write
   * method of the Store) from inside `work` is an InternalError: use the transaction given.
   */
  write<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;

  /** Names the stored snapshot list (of one cluster with `cluster`), cheaply: a cache key. */
  snapshotListVersion(options?: { cluster?: string }): Promise<SnapshotListVersion>;
  /** One point per snapshot in range and namespace present in it, ordered by time then namespace name. */
  namespaceUsageSeries(query: NamespaceUsageQuery): Promise<NamespaceUsagePoint[]>;
  /** One point per snapshot in range, in time order. */
  capacitySeries(range: SeriesRange): Promise<CapacityPoint[]>;
  /** The snapshots in range (id, seq, time), oldest first. */
  snapshotPoints(range: SeriesRange): Promise<SnapshotPoint[]>;
  /** The cluster's newest snapshot seq (0 when it has none). */
  newestSeq(cluster: string): Promise<number>;
  /**
   * The History totals of `cluster` grouped by `grouping`: a view the caller keeps while the grouping holds (a new
   * plan regroups). Each `current()` extends it by the snapshots stored since; a snapshot stored in the middle of
   * the history makes it start over. `log` hears what the store recovered from (a failed worker).
   */
  historyTotals(options: { cluster: string; grouping: Grouping; log?: ((message: string) => void) | undefined }): HistoryTotalsView;

  close(): Promise<void>;
}
