/**
 * The PostgreSQL store's History totals (`Store.historyTotals`): the fold of ../history-totals.ts, kept per view
 * and extended by the snapshots stored since. The driver is asynchronous, so nothing blocks while rows arrive:
 * each `current()` reads, in one REPEATABLE READ transaction (one consistent view of the history), the rows after
 * the seq already summed, then folds them in place. A snapshot put in the middle of the history moves later seqs,
 * so the view remembers which snapshot its newest seq was and starts over when that seq now names another.
 */
import { emptyTotals, extendTotals, KeptHistoryTotals, type Grouping, type HistoryTotals, type TotalsReader } from '../history-totals.js';
import { decodeRequests } from '../series-assembly.js';
import type { HistoryTotalsView } from '../store.js';
import { lookupCluster } from './clusters.js';
import type { Db } from './connection.js';
import { capacityPointsAfter, encodedUsageIntervals, newestSeq, snapshotIdAt } from './series.js';

export class PgHistoryTotals extends KeptHistoryTotals implements HistoryTotalsView {
  constructor(
    /** Runs `read` in one read-only snapshot of the database. */
    private readonly read: <T>(work: (db: Db) => Promise<T>) => Promise<T>,
    private readonly cluster: string,
    private readonly grouping: Grouping,
  ) {
    super();
  }

  protected async bringUpToDate(): Promise<HistoryTotals> {
    await this.read(async (db) => {
      const { id: clusterId } = await lookupCluster(db, this.cluster);
      if (this.totals.through > 0 && (await snapshotIdAt(db, { clusterId, seq: this.totals.through })) !== this.throughId) this.totals = emptyTotals();
      const after = this.totals.through;
      const through = await newestSeq(db, this.cluster);
      if (through <= after) return;
      const capacity = await capacityPointsAfter(db, { clusterId, afterSeq: after, throughSeq: through });
      const intervals = await encodedUsageIntervals(db, { clusterId, afterSeq: after, throughSeq: through });
      const reader: TotalsReader = {
        capacityPointsAfter: (query) => capacity.filter((point) => point.seq > query.afterSeq && point.seq <= query.throughSeq),
        forEachEncodedUsageInterval: (query, visit) => {
          // Read in first-seq order, which also serves a caller asking for storage order.
          for (const row of intervals) if (row.lastSeq > query.afterSeq && row.firstSeq <= query.throughSeq) visit(row.namespace, row.firstSeq, row.lastSeq, row.requests);
        },
        decodeRequests,
      };
      extendTotals(this.totals, { reader, grouping: this.grouping, through });
      this.throughId = await snapshotIdAt(db, { clusterId, seq: this.totals.through });
    });
    return this.totals;
  }
}
