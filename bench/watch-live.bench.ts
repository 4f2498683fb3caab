/**
 * `collect --watch`'s cost per snapshot in one process, without a cluster (issue 20): a LiveInventory holding a
 * synthetic cluster (bench/synthetic-cluster.ts) is fed CHANGES pod changes per interval as JSON watch event lines
 * (a quarter each: creates, deletes, rebinds = a delete and a create on another node, resizes of the main
 * container's CPU request; each followed by its namespace's ResourceQuota status changing), then takes a snapshot
 * and stores it in a SQLite store, as the watcher does. Beside it, per interval, what a fresh collection does with
 * the same objects without the LIST (every object's JSON parsed and read by parseObject, folded by the InventoryBuilder, stored into
 * a new database): the watcher's CPU against that.
 *
 *   node --import tsx bench/watch-live.bench.ts [--nodes 5000 --pods 150000 --namespaces 1000] [--changes 3000]
 *       [--intervals 3] [--reopen] [--no-check]
 *
 * `--reopen` opens the store for each snapshot (as `collect --watch` did before it kept one store open). Every
 * interval the live snapshot is compared whole with the fresh fold's inventory (isDeepStrictEqual), and both
 * stored inventories read back are compared too, unless `--no-check`. CPU is process.cpuUsage (user + system, all
 * threads); GC is the sum of the `gc` performance entries. Run under `node --cpu-prof` for a profile of it all
 * (bench/profile-summary.ts), or with `--profile PREFIX` for the watcher's part alone. Asserts nothing; prints a Markdown table and one JSON line.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { InventoryBuilder } from '../src/inventory/builder.js';
import { LiveInventory } from '../src/inventory/live-inventory.js';
import type { ClusterInventory } from '../src/inventory/types.js';
import { parseObject } from '../src/kinds/parse.js';
import type { KubeObject } from '../src/kinds/registry.js';
import { openStore, type Store } from '../src/store/open.js';
import { nodeName, syntheticNamespace, syntheticNode, syntheticPod, syntheticPolicyObjects } from './synthetic-cluster.js';
import { random } from './synthetic-inventory.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '150000' },
    namespaces: { type: 'string', default: '1000' },
    changes: { type: 'string', default: '3000' },
    intervals: { type: 'string', default: '3' },
    reopen: { type: 'boolean', default: false },
    'no-check': { type: 'boolean', default: false },
    dir: { type: 'string', default: '/tmp/watch-live-bench' },
    /** Write a CPU profile of the watcher's part of each interval (events, snapshot, save) to PREFIX-N.cpuprofile. */
    profile: { type: 'string' },
  },
});
const [nodes, pods, namespaces, changes, intervals] = [values.nodes, values.pods, values.namespaces, values.changes, values.intervals].map(Number) as [number, number, number, number, number];
const podsPerNode = pods / nodes;
if (!Number.isInteger(podsPerNode)) throw new Error('--pods must be a multiple of --nodes');
const check = !values['no-check'];

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

/** CPU (user + system) and GC ms since `start`. */
/** The `gc` entries are delivered after the work: counted once the event loop turned. */
const settled = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
async function measure<T>(work: () => T | Promise<T>): Promise<{ value: T; cpuMs: number; gcMs: number }> {
  await settled();
  const gcBefore = gcMs;
  const before = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(before);
  await settled();
  return { value, cpuMs: (used.user + used.system) / 1000, gcMs: gcMs - gcBefore };
}
const rand = random(20);

type Raw = Record<string, any>;
let resourceVersion = 1_000_000;

/** What the API server adds to an object it stores (the watch's JSON carries it all). */
function served(object: Raw, created = '2026-12-01T09:00:00Z'): Raw {
  resourceVersion++;
  const metadata = object.metadata as Raw;
  metadata.uid ??= `00000000-0000-4000-8000-${String(resourceVersion).padStart(12, '0')}`;
  metadata.resourceVersion = String(resourceVersion);
  metadata.creationTimestamp ??= created;
  if (object.kind === 'Pod') {
    metadata.managedFields = [
      {
        manager: 'watch-live-bench',
        operation: 'Update',
        apiVersion: 'v1',
        time: created,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': Object.fromEntries(Object.keys(metadata.labels ?? {}).map((k) => [`f:${k}`, {}])) },
          'f:spec': { 'f:containers': { 'k:{"name":"main"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': { '.': {}, 'f:limits': {}, 'f:requests': {} } } }, 'f:nodeName': {}, 'f:tolerations': {} },
        },
      },
    ];
    object.status ??= { phase: 'Pending', qosClass: 'Burstable' };
  }
  return object;
}

// ---- the cluster's objects, by key (what a fresh LIST would read) ----

const podKey = (pod: Raw): string => `${pod.metadata.namespace}/${pod.metadata.name}`;
/** Pods as JSON text: the bench's own heap stays small (a watcher holds no objects), and the fresh fold parses each. */
const current = new Map<string, string>();
const others: Raw[] = [];
for (let i = 0; i < nodes; i++) others.push(served(syntheticNode(i)));
for (let i = 0; i < namespaces; i++) others.push(served(syntheticNamespace(i)));
const quotas = new Map<string, Raw>();
for (const object of syntheticPolicyObjects(namespaces)) {
  others.push(served(object));
  if (object.kind === 'ResourceQuota') quotas.set(object.metadata.namespace as string, object);
}
const livePods: string[] = [];
for (let i = 0; i < pods; i++) {
  const pod = served(syntheticPod(i, { podsPerNode, namespaces }));
  current.set(podKey(pod), JSON.stringify(pod));
  livePods.push(podKey(pod));
}
let nextIndex = pods;

/** The events of one interval, as the API server's JSON watch stream writes them (one line each). */
function churn(count: number): string[] {
  const lines: string[] = [];
  const event = (type: string, object: Raw): void => void lines.push(JSON.stringify({ type, object }));
  const quotaChanged = (namespace: string): void => {
    const quota = quotas.get(namespace);
    if (quota === undefined) return;
    const hard = quota.spec.hard as Record<string, string>;
    quota.status = { hard, used: { 'requests.cpu': `${Math.floor(rand() * 4_000_000)}m`, 'requests.memory': `${Math.floor(rand() * 30_000)}Gi`, 'requests.nvidia.com/gpu': String(Math.floor(rand() * 512)), 'requests.amd.com/gpu': '0' } };
    event('MODIFIED', served(quota));
  };
  const create = (index: number, name: string, node: string): Raw => {
    const pod = syntheticPod(index, { podsPerNode, namespaces }) as Raw;
    pod.metadata.name = name;
    pod.spec.nodeName = node;
    served(pod, '2026-12-08T01:00:00Z');
    current.set(podKey(pod), JSON.stringify(pod));
    event('ADDED', pod);
    quotaChanged(pod.metadata.namespace);
    return pod;
  };
  const remove = (key: string): Raw => {
    const pod = JSON.parse(current.get(key) as string) as Raw;
    current.delete(key);
    event('DELETED', served(pod));
    quotaChanged(pod.metadata.namespace);
    return pod;
  };
  for (let k = 0; k < count; k++) {
    const kind = k % 4;
    if (kind === 0) {
      const index = nextIndex++;
      const template = syntheticPod(index, { podsPerNode, namespaces });
      const pod = create(index, template.metadata.name, nodeName(Math.floor(rand() * nodes)));
      livePods.push(podKey(pod));
      continue;
    }
    const at = Math.floor(rand() * livePods.length);
    const key = livePods[at] as string;
    if (kind === 1) {
      livePods[at] = livePods[livePods.length - 1] as string;
      livePods.pop();
      remove(key);
    } else if (kind === 2) {
      const pod = remove(key);
      const index = Number(/-(\d+)$/.exec(pod.metadata.name as string)?.[1]);
      create(index, pod.metadata.name, nodeName(Math.floor(rand() * nodes)));
    } else {
      const pod = JSON.parse(current.get(key) as string) as Raw;
      const main = pod.spec.containers[0].resources.requests as Record<string, string>;
      const milli = Number((main.cpu as string).replace('m', ''));
      main.cpu = `${milli >= 2000 ? milli - 250 : milli + 250}m`;
      current.set(key, JSON.stringify(served(pod)));
      event('MODIFIED', pod);
      quotaChanged(pod.metadata.namespace);
    }
  }
  return lines;
}

const source = { file: 'watch-live-bench' };

/** What WatchCollector.apply does with one event line (the transport parses the line first). */
function applyLine(live: LiveInventory, line: string): void {
  const { type, object } = JSON.parse(line) as { type: string; object: Raw };
  const typed = parseObject({ ...object, kind: object.kind, apiVersion: object.apiVersion }, source);
  if (type === 'DELETED') live.remove(typed);
  else live.upsert(typed);
}

function freshFold(): ClusterInventory {
  const builder = new InventoryBuilder();
  for (const object of others) builder.add(parseObject(object, source));
  for (const pod of current.values()) builder.add(parseObject(JSON.parse(pod) as unknown, source));
  return builder.build();
}

rmSync(values.dir, { recursive: true, force: true });
mkdirSync(values.dir, { recursive: true });
const cluster = { name: 'bench', server: 'https://bench.invalid', context: 'bench' };
let clock = Date.parse('2026-12-08T00:00:00Z');
const nextTime = (): Date => new Date((clock += 3_600_000));
const watchDb = `${values.dir}/watch.db`;
let kept: Store | undefined = values.reopen ? undefined : await openStore({ file: watchDb });

async function saveWatched(inventory: ClusterInventory): Promise<number> {
  const store = kept ?? (await openStore({ file: watchDb }));
  try {
    return (await store.saveSnapshot({ cluster, takenAt: nextTime(), source: { kind: 'live', ref: 'bench' }, inventory })).id;
  } finally {
    if (kept === undefined) await store.close();
  }
}

async function saveFresh(inventory: ClusterInventory, n: number): Promise<{ store: Store; id: number }> {
  const store = await openStore({ file: `${values.dir}/fresh-${n}.db` });
  const id = (await store.saveSnapshot({ cluster, takenAt: new Date(clock), source: { kind: 'live', ref: 'bench' }, inventory })).id;
  return { store, id };
}

process.stderr.write(`${nodes} nodes, ${pods} pods, ${namespaces} namespaces; ${changes} changes per interval; store ${values.reopen ? 'opened per snapshot' : 'kept open'}; load ${loadavg()[0]!.toFixed(1)}\n`);
const live = new LiveInventory();
const first = await measure(async () => {
  for (const object of others) live.upsert(parseObject(object, source));
  for (const pod of current.values()) live.upsert(parseObject(JSON.parse(pod) as unknown, source));
  return saveWatched(live.snapshot());
});
process.stderr.write(`first snapshot (every object upserted, stored): ${first.cpuMs.toFixed(0)} ms CPU\n`);

interface Row {
  interval: number;
  events: number;
  applyMs: number;
  snapshotMs: number;
  saveMs: number;
  watcherMs: number;
  watcherGcMs: number;
  freshMs: number;
  freshGcMs: number;
  equal: boolean | undefined;
  storedEqual: boolean | undefined;
  heapMiB: number;
  rssMiB: number;
  load: number;
}
const rows: Row[] = [];
for (let interval = 1; interval <= intervals; interval++) {
  const lines = churn(changes);
  const profiler = values.profile === undefined ? undefined : new Session();
  if (profiler !== undefined) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const apply = await measure(() => {
    for (const line of lines) applyLine(live, line);
  });
  const snap = await measure(() => live.snapshot());
  const save = await measure(() => saveWatched(snap.value));
  if (profiler !== undefined) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(`${values.profile}-${interval}.cpuprofile`, JSON.stringify(profile));
    profiler.disconnect();
  }
  const fresh = await measure(async () => {
    const inventory = freshFold();
    return { inventory, ...(await saveFresh(inventory, interval)) };
  });
  let equal: boolean | undefined;
  let storedEqual: boolean | undefined;
  if (check) {
    equal = isDeepStrictEqual(snap.value, fresh.value.inventory);
    const reader = kept ?? (await openStore({ file: watchDb }));
    storedEqual = isDeepStrictEqual(await reader.loadInventory(save.value), await fresh.value.store.loadInventory(fresh.value.id));
    if (kept === undefined) await reader.close();
  }
  await fresh.value.store.close();
  rmSync(`${values.dir}/fresh-${interval}.db`, { force: true });
  const memory = process.memoryUsage();
  const row: Row = {
    interval,
    events: lines.length,
    applyMs: Math.round(apply.cpuMs),
    snapshotMs: Math.round(snap.cpuMs),
    saveMs: Math.round(save.cpuMs),
    watcherMs: Math.round(apply.cpuMs + snap.cpuMs + save.cpuMs),
    watcherGcMs: Math.round(apply.gcMs + snap.gcMs + save.gcMs),
    freshMs: Math.round(fresh.cpuMs),
    freshGcMs: Math.round(fresh.gcMs),
    equal,
    storedEqual,
    heapMiB: Math.round(memory.heapUsed / 2 ** 20),
    rssMiB: Math.round(memory.rss / 2 ** 20),
    load: loadavg()[0]!,
  };
  rows.push(row);
  process.stderr.write(`${JSON.stringify(row)}\n`);
}
await kept?.close();
rmSync(values.dir, { recursive: true, force: true });

const median = (list: number[]): number => {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
console.log('| interval | events | apply events (ms) | snapshot (ms) | save (ms) | watcher CPU (ms) | of it GC | fresh fold + save (ms) | watcher / fresh | equal (inventory, stored) | heap / RSS (MiB) | load |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|');
for (const r of rows) {
  console.log(
    `| ${r.interval} | ${r.events} | ${r.applyMs} | ${r.snapshotMs} | ${r.saveMs} | ${r.watcherMs} | ${r.watcherGcMs} | ${r.freshMs} | ${((r.watcherMs / r.freshMs) * 100).toFixed(1)}% | ${r.equal ?? '-'}, ${r.storedEqual ?? '-'} | ${r.heapMiB} / ${r.rssMiB} | ${r.load.toFixed(1)} |`,
  );
}
console.log(JSON.stringify({ nodes, pods, namespaces, changes, reopen: values.reopen, medians: { apply: median(rows.map((r) => r.applyMs)), snapshot: median(rows.map((r) => r.snapshotMs)), save: median(rows.map((r) => r.saveMs)), watcher: median(rows.map((r) => r.watcherMs)), fresh: median(rows.map((r) => r.freshMs)) }, rows }));
