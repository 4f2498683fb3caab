/**
 * One collector of bench/fleet.bench.ts on a thread of its own, as a real collector is a process of its own (a
 * CronJob or `collect --watch` per cluster): its own PostgresStore (pool and write queue) and its own CPU for
 * building, encoding and hashing a snapshot. Posts `ready` once its store is open and starts on `go` (the
 * bench times the writing, not 20 threads loading the code), then posts each save's milliseconds, then `done`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../src/store/open.js';
import { collectHours, type CollectorOptions } from './fleet-collector.js';

const { url, ...options } = workerData as { url: string } & Omit<CollectorOptions, 'onSave'>;
// On a loaded machine a save can wait longer than the default 5 s busy timeout; the bench must not lose one to it.
const store = await openStore({ file: url, busyTimeoutMs: 600_000 });
await new Promise((resolve) => {
  parentPort?.once('message', resolve);
  parentPort?.postMessage('ready');
});
try {
  await collectHours(store, { ...options, onSave: (milliseconds) => parentPort?.postMessage(milliseconds) });
} finally {
  await store.close();
}
parentPort?.postMessage('done');
