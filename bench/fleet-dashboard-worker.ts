/**
 * The dashboard of bench/fleet.bench.ts on a thread of its own, as `quotaplan serve` is a process of its own. It
 * opens its own PostgresStore, waits for every cluster's first snapshot, then asks for `GET /api/fleet` (createApp,
 * `app.request`, no network) `rate` times a second until told to stop, and posts each request's milliseconds (from
 * when it was sent) and the seconds it read for (reads / seconds below `rate`: it could not keep up). `rate` 0 asks
 * back to back, as fast as it answers: a reader that takes a whole core.
 */
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createApp } from '../src/server/app.js';
import { openStore } from '../src/store/open.js';

const { url, clusters, now, rate } = workerData as { url: string; clusters: number; now: number; rate: number };
// On Linux the nice value belongs to a thread and pid 0 names the calling one: this thread only, so that 20 busy
// collector threads do not take 20/21 of the CPU from it. Real collectors run in their own clusters and save once an
// hour, not on the dashboard's cores back to back as here. Needs root (CAP_SYS_NICE); the nice in force is reported.
try {
  setPriority(0, -5);
} catch {
  // not allowed: measured at the process's nice, reported as such
}
const nice = getPriority(0);
const store = await openStore({ file: url });
const app = createApp({ store, clock: () => new Date(now), log: () => {} });
let writing = true;
parentPort?.on('message', () => (writing = false));
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const times: number[] = [];
while (writing && (await store.listClusterNames()).length < clusters) await sleep(200);
const interval = rate > 0 ? 1000 / rate : 0;
const first = performance.now();
let turn = first;
while (writing) {
  const wait = turn - performance.now();
  // Let the stop message in either way (a request that answers from the cache never leaves the microtask queue).
  await (wait > 0 ? sleep(wait) : new Promise((resolve) => setImmediate(resolve)));
  if (!writing) break;
  const started = performance.now();
  const response = await app.request('/api/fleet');
  await response.arrayBuffer();
  times.push(performance.now() - started);
  if (response.status !== 200) throw new Error(`/api/fleet: HTTP ${response.status}`);
  // A fixed schedule; a reader that fell behind starts again from now rather than firing its backlog at once.
  turn = Math.max(turn + interval, performance.now());
}
await store.close();
parentPort?.postMessage({ times, seconds: (performance.now() - first) / 1000, nice });
