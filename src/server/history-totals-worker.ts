/**
 * Worker thread of history-totals.ts: opens the database file read-only (its own connection; WAL lets it read
 * while the server writes), builds the History totals from nothing through the seq it is given, and posts them
 * back with their arrays transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buffersOf, emptyTotals, extendTotals, type TotalsAnswer, type TotalsRequest } from './history-totals.js';
import { openStore } from '../store/open.js';

const request = workerData as TotalsRequest;
let answer: TotalsAnswer;
let transfer: ArrayBuffer[] = [];
try {
  const store = openStore({ file: request.file, readonly: true });
  try {
    const totals = emptyTotals();
    extendTotals(totals, { store, cluster: request.cluster, grouping: request.grouping, through: request.through });
    answer = { totals };
    transfer = buffersOf(totals);
  } finally {
    store.close();
  }
} catch (error) {
  answer = { error: error instanceof Error ? error.message : String(error) };
}
parentPort?.postMessage(answer, transfer);
