/**
 * The Store interface over a dialect's repository: each store (sqlite/, postgres/) keeps its queries as functions
 * of a handle (a connection, or the transaction a write runs in) and says which handle a call reads through
 * (`use`) and how a write's transaction runs (`write`); these classes turn the interface's methods into those
 * calls, once for both stores.
 */
import type { ClusterFigures } from '../fleet/fleet-view.js';
import type { ClusterInventory } from '../inventory/types.js';
import type { Grouping } from './history-totals.js';
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
  StoreReads,
  StoreTransaction,
} from './store.js';

/** A value, or (an asynchronous driver's) promise of it. */
export type Eventually<T> = T | Promise<T>;

/** A dialect's queries, each taking the handle it runs on first. */
export interface Repository<H> {
  listClusterNames(handle: H): Eventually<string[]>;
  resolveCluster(handle: H, name?: string): Eventually<string>;
  listSnapshots(handle: H, options: { cluster?: string }): Eventually<SnapshotSummary[]>;
  getSnapshot(handle: H, id: number): Eventually<SnapshotSummary>;
  newestSnapshots(handle: H): Eventually<SnapshotSummary[]>;
  resolveSnapshot(handle: H, options: { ref: string | number; cluster?: string }): Eventually<SnapshotSummary>;
  loadInventory(handle: H, snapshotId: number): Eventually<ClusterInventory>;
  clusterFigures(handle: H, snapshotId: number): Eventually<ClusterFigures | null>;
  listPlans(handle: H, query: PlanQuery): Eventually<PlanSummary[]>;
  getPlan(handle: H, ref: number | 'latest', query: PlanQuery): Eventually<StoredPlan>;
  getCycle(handle: H, options: { cluster?: string; name: string | 'latest' }): Eventually<Cycle>;
  listCycles(handle: H, options: { cluster?: string }): Eventually<Cycle[]>;
  listCycleEvents(handle: H, cycleId: number): Eventually<CycleEvent[]>;
  getBlob(handle: H, id: number): Eventually<unknown>;

  savePlan(handle: H, input: SavePlanInput): Eventually<StoredPlan>;
  createCycle(handle: H, input: CreateCycleInput): Eventually<Cycle>;
  setCycleState(handle: H, input: SetCycleStateInput): Eventually<Cycle>;
  setCyclePlan(handle: H, options: { cycleId: number; planId: number | null }): Eventually<Cycle>;

  snapshotListVersion(handle: H, options: { cluster?: string }): Eventually<SnapshotListVersion>;
  namespaceUsageSeries(handle: H, query: NamespaceUsageQuery): Eventually<NamespaceUsagePoint[]>;
  capacitySeries(handle: H, range: SeriesRange): Eventually<CapacityPoint[]>;
  snapshotPoints(handle: H, range: SeriesRange): Eventually<SnapshotPoint[]>;
  newestSeq(handle: H, cluster: string): Eventually<number>;
}

/** The reads, once for a store (outside any write) and a write's transaction (seeing its own writes). */
export abstract class RepositoryReads<H> implements StoreReads {
  constructor(protected readonly repository: Repository<H>) {}

  /** Runs `read` on the handle this store or transaction reads through. */
  protected abstract use<T>(read: (handle: H) => Eventually<T>): Promise<T>;

  listClusterNames(): Promise<string[]> {
    return this.use((h) => this.repository.listClusterNames(h));
  }
  resolveCluster(name?: string): Promise<string> {
    return this.use((h) => this.repository.resolveCluster(h, name));
  }
  listSnapshots(options: { cluster?: string } = {}): Promise<SnapshotSummary[]> {
    return this.use((h) => this.repository.listSnapshots(h, options));
  }
  getSnapshot(id: number): Promise<SnapshotSummary> {
    return this.use((h) => this.repository.getSnapshot(h, id));
  }
  newestSnapshots(): Promise<SnapshotSummary[]> {
    return this.use((h) => this.repository.newestSnapshots(h));
  }
  resolveSnapshot(options: { ref: string | number; cluster?: string }): Promise<SnapshotSummary> {
    return this.use((h) => this.repository.resolveSnapshot(h, options));
  }
  loadInventory(snapshotId: number): Promise<ClusterInventory> {
    return this.use((h) => this.repository.loadInventory(h, snapshotId));
  }
  clusterFigures(snapshotId: number): Promise<ClusterFigures | null> {
    return this.use((h) => this.repository.clusterFigures(h, snapshotId));
  }
  listPlans(query: PlanQuery = {}): Promise<PlanSummary[]> {
    return this.use((h) => this.repository.listPlans(h, query));
  }
  getPlan(ref: number | 'latest', query: PlanQuery = {}): Promise<StoredPlan> {
    return this.use((h) => this.repository.getPlan(h, ref, query));
  }
  getCycle(options: { cluster?: string; name: string | 'latest' }): Promise<Cycle> {
    return this.use((h) => this.repository.getCycle(h, options));
  }
  listCycles(options: { cluster?: string } = {}): Promise<Cycle[]> {
    return this.use((h) => this.repository.listCycles(h, options));
  }
  listCycleEvents(cycleId: number): Promise<CycleEvent[]> {
    return this.use((h) => this.repository.listCycleEvents(h, cycleId));
  }
  getBlob(id: number): Promise<unknown> {
    return this.use((h) => this.repository.getBlob(h, id));
  }
}

/** A write's transaction: the reads and the writes on its handle. Storing snapshots and blobs is the dialect's. */
export abstract class RepositoryTransaction<H> extends RepositoryReads<H> implements StoreTransaction {
  abstract saveSnapshot(input: SaveSnapshotInput): Promise<SnapshotSummary>;
  abstract putBlob(value: unknown): Promise<number>;

  savePlan(input: SavePlanInput): Promise<StoredPlan> {
    return this.use((h) => this.repository.savePlan(h, input));
  }
  createCycle(input: CreateCycleInput): Promise<Cycle> {
    return this.use((h) => this.repository.createCycle(h, input));
  }
  setCycleState(input: SetCycleStateInput): Promise<Cycle> {
    return this.use((h) => this.repository.setCycleState(h, input));
  }
  setCyclePlan(options: { cycleId: number; planId: number | null }): Promise<Cycle> {
    return this.use((h) => this.repository.setCyclePlan(h, options));
  }
}

/** A store: its reads and series outside any write, and each single write as one `write` transaction. */
export abstract class RepositoryStore<H> extends RepositoryReads<H> implements Store {
  abstract readonly location: string;
  abstract write<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  abstract historyTotals(options: { cluster: string; grouping: Grouping; log?: ((message: string) => void) | undefined }): HistoryTotalsView;
  abstract close(): Promise<void>;

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
    return this.use((h) => this.repository.snapshotListVersion(h, options));
  }
  namespaceUsageSeries(query: NamespaceUsageQuery): Promise<NamespaceUsagePoint[]> {
    return this.use((h) => this.repository.namespaceUsageSeries(h, query));
  }
  capacitySeries(range: SeriesRange): Promise<CapacityPoint[]> {
    return this.use((h) => this.repository.capacitySeries(h, range));
  }
  snapshotPoints(range: SeriesRange): Promise<SnapshotPoint[]> {
    return this.use((h) => this.repository.snapshotPoints(h, range));
  }
  newestSeq(cluster: string): Promise<number> {
    return this.use((h) => this.repository.newestSeq(h, cluster));
  }
}
