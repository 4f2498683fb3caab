/**
 * The dashboard of bench/fleet.bench.ts on a thread of its own, as `quotaplan serve` is a process of its own: the
 * collectors' CPU work (20 of them in the bench's main thread) would otherwise sit between every await of a
 * request and be measured as the API's latency. It opens its own PostgresStore, waits for every cluster's first
 * snapshot, then asks for `GET /api/fleet` (createApp, `app.request`, no network) in a loop until told to stop,
 * and posts each request's milliseconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createApp } from '../src/server/app.js';
import { openStore } from '../src/store/open.js';

const { url, clusters, now } = workerData as { url: string; clusters: number; now: number };
const store = await openStore({ file: url });
const app = createApp({ store, clock: () => new Date(now), log: () => {} });
let writing = true;
parentPort?.on('message', () => (writing = false));
const times: number[] = [];
while (writing && (await store.listClusterNames()).length < clusters) await new Promise((resolve) => setTimeout(resolve, 200));
while (writing) {
  const started = performance.now();
  const response = await app.request('/api/fleet');
  await response.arrayBuffer();
  times.push(performance.now() - started);
  if (response.status !== 200) throw new Error(`/api/fleet: HTTP ${response.status}`);
  // Let the stop message in (a request that answers from the cache never leaves the microtask queue).
  await new Promise((resolve) => setImmediate(resolve));
}
await store.close();
parentPort?.postMessage(times);
