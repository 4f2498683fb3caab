/**
 * Worker thread of history-totals.ts: opens the database file read-only (its own connection; WAL lets it read
 * while the server writes), builds the History totals from nothing through the seq it is given, and posts them
 * back with their arrays transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { emptyTotals, extendTotals } from '../history-totals.js';
import { openConnection } from './connection.js';
import { buffersOf, totalsReader, type TotalsAnswer, type TotalsRequest } from './history-totals.js';

const request = workerData as TotalsRequest;
let answer: TotalsAnswer;
let transfer: ArrayBuffer[] = [];
try {
  const connection = openConnection({ file: request.file, readonly: true, busyTimeoutMs: 5000 });
  try {
    const totals = emptyTotals();
    extendTotals(totals, { reader: totalsReader(connection, request.cluster), grouping: request.grouping, through: request.through });
    answer = { totals };
    transfer = buffersOf(totals);
  } finally {
    connection.sqlite.close();
  }
} catch (error) {
  answer = { error: error instanceof Error ? error.message : String(error) };
}
parentPort?.postMessage(answer, transfer);
