/**
 * `collect --watch` against the real control plane: pods created, deleted, rebound and resized while the collector
 * watches (through the fault proxy, which also cuts the watches and makes a resumed one stale); after each change
 * the snapshot the collector stores equals the one a fresh `collect` stores. Then the CLI: snapshots every interval,
 * SIGTERM exits 0 and leaves only complete snapshots.
 *
 * No sleeps: after a change the test writes a label on a sentinel pod and waits until the collector's pod watch has
 * seen that write's resourceVersion; the API server sends one watch the events of a kind in resourceVersion order, so
 * by then it has seen every change before it. (resourceVersions are opaque to clients; comparing them as numbers
 * holds for etcd's revisions, which this test's API server uses.)
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { loadClusterTarget } from '../../src/collect/kubeconfig.js';
import { collectLive } from '../../src/collect/live.js';
import type { RetryEnvironment, RetryPolicy } from '../../src/collect/retry.js';
import { WatchCollector } from '../../src/collect/watch.js';
import { storeCollected } from '../../src/commands/collect.js';
import type { ClusterInventory } from '../../src/inventory/types.js';
import { formatQuantity } from '../../src/quantity.js';
import type { ResourceList } from '../../src/resources.js';
import { openStore } from '../../src/store/open.js';
import { CLI_BIN, cliEnvironment, ensureBuilt, REPO_ROOT } from '../support/cli.js';
import { clusterNodes, clusterWorkloads, quotasSettled } from './collect-cluster.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { boundPodObject, controlPlaneSuiteOptions, installProfileCrd, namespaceObject, seedObjects, startControlPlane, type ControlPlane } from './harness/index.js';
import { waitUntil } from './harness/wait.js';

const quickRetry: RetryPolicy = { attempts: 6, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 1_000 };

/** Pods of the `churn` namespace (no quota: its changes move no quota's status.used, so nothing else changes). */
const churnPod = (name: string, nodeName: string, cpu: string, labels?: Record<string, string>): KubernetesObject =>
  boundPodObject({ namespace: 'churn', name, nodeName, requests: { cpu, memory: '1Gi' }, phase: 'Running', ...(labels ? { labels } : {}) }) as KubernetesObject;

describe('collect --watch', await controlPlaneSuiteOptions(), () => {
  let plane: ControlPlane;
  let proxy: FaultProxy;
  let proxyKubeconfig: string;
  let collector: WatchCollector;
  const logged: string[] = [];
  let ticks = 0;
  let stored = 0;

  before(async () => {
    // Pods without a watch cache: their watches are served from etcd, so a compaction makes an old resourceVersion
    // too old (the watch cache would replay it from its own window of events).
    plane = await startControlPlane({ extraArgs: { apiServer: ['--watch-cache-sizes=pods#0'] } });
    await seedObjects(plane.admin, [
      ...clusterNodes(),
      ...clusterWorkloads(),
      namespaceObject('churn', { team: 'churn' }),
      churnPod('sentinel', 'cpu-1', '100m'),
      churnPod('steady', 'cpu-1', '1'),
    ]);
    await quotasSettled(plane, 3);
    proxy = await startFaultProxy({ upstream: plane.server, caFile: plane.caFile });
    proxyKubeconfig = proxy.kubeconfigFor(plane.kubeconfigPath, join(plane.dir, 'via-proxy.kubeconfig'));
    const quick: RetryEnvironment = { random: Math.random, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
    collector = new WatchCollector({ target: loadClusterTarget({ kubeconfig: proxyKubeconfig }), retry: quickRetry, retryEnvironment: quick, log: (line) => logged.push(line) });
    await collector.start();
  });

  after(async () => {
    await collector?.stop();
    await proxy?.close();
    await plane?.stop();
  });

  const request = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Record<string, unknown>> => {
    const answer = await plane.admin.request(path, { method, headers: { 'Content-Type': contentType }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    assert.ok(answer.status >= 200 && answer.status < 300, `${method} ${path}: HTTP ${answer.status}: ${answer.body}`);
    return JSON.parse(answer.body) as Record<string, unknown>;
  };
  const createPod = (pod: KubernetesObject): Promise<Record<string, unknown>> => request('POST', '/api/v1/namespaces/churn/pods', pod);
  const deletePod = (name: string): Promise<Record<string, unknown>> => request('DELETE', `/api/v1/namespaces/churn/pods/${name}`, { gracePeriodSeconds: 0 });

  /** Waits until the collector's pod watch has seen a write made now (so every change before it). */
  const caughtUp = async (): Promise<void> => {
    ticks++;
    const written = await request('PATCH', '/api/v1/namespaces/churn/pods/sentinel', { metadata: { labels: { tick: String(ticks) } } }, 'application/merge-patch+json');
    const version = BigInt((written.metadata as { resourceVersion: string }).resourceVersion);
    await waitUntil(`the pod watch to see resourceVersion ${version}`, 30_000, async () => BigInt(collector.resourceVersion('pods') ?? '0') >= version, {
      lastSeen: () => `${collector.resourceVersion('pods')}; log: ${logged.join(' | ')}`,
    });
  };

  /** The collector's snapshot and a fresh collect's, each stored and read back. */
  const storedPair = async (watcher: WatchCollector = collector): Promise<{ watched: ClusterInventory; fresh: ClusterInventory }> => {
    const db = join(plane.dir, 'watch.db');
    const now = new Date(Date.UTC(2026, 0, 1) + ++stored * 60_000);
    const target = loadClusterTarget({ kubeconfig: plane.kubeconfigPath });
    const watched = await storeCollected({
      db,
      collected: { inventory: await watcher.snapshot(), defaultName: 'watched', server: null, context: null, source: { kind: 'live', ref: 'watch' } },
      cluster: 'watched',
      takenAt: now,
    });
    const fresh = await storeCollected({
      db,
      collected: { inventory: (await collectLive({ target })).inventory, defaultName: 'fresh', server: null, context: null, source: { kind: 'live', ref: 'collect' } },
      cluster: 'fresh',
      takenAt: now,
    });
    const store = await openStore({ file: db });
    try {
      return { watched: await store.loadInventory(watched.id), fresh: await store.loadInventory(fresh.id) };
    } finally {
      await store.close();
    }
  };


  /** `quotaplan collect --watch` in a child process, its output gathered. */
  const startCli = (args: string[]): { child: ChildProcessByStdio<null, Readable, Readable>; out: { stdout: string; stderr: string }; exited: Promise<[number | null, NodeJS.Signals | null]> } => {
    ensureBuilt();
    const child = spawn(process.execPath, [CLI_BIN, 'collect', '--watch', ...args], { cwd: REPO_ROOT, env: cliEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString('utf8')));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    return { child, out, exited };
  };

  const cpuOf = (requests: ResourceList | undefined): string | undefined => (requests?.cpu === undefined ? undefined : formatQuantity(requests.cpu));
  const churnRequests = (inventory: ClusterInventory): [string, string | undefined, number][] => {
    const churn = inventory.namespaces.find((ns) => ns.name === 'churn');
    return [['churn', cpuOf(churn?.requests), churn?.pods ?? 0]];
  };

  test('pods created, deleted, rebound and resized: each snapshot equals a fresh collect', async () => {
    await caughtUp();
    const start = await storedPair();
    assert.deepStrictEqual(start.watched, start.fresh);
    assert.deepEqual(churnRequests(start.watched), [['churn', '1100m', 2]]);

    await createPod(churnPod('new-1', 'cpu-1', '2'));
    await createPod(churnPod('new-2', 'h100-1', '3'));
    await caughtUp();
    const created = await storedPair();
    assert.deepStrictEqual(created.watched, created.fresh);
    assert.deepEqual(churnRequests(created.watched), [['churn', '6100m', 4]]);

    await deletePod('new-1');
    await caughtUp();
    const deleted = await storedPair();
    assert.deepStrictEqual(deleted.watched, deleted.fresh);
    assert.deepEqual(churnRequests(deleted.watched), [['churn', '4100m', 3]]);

    // Rebound: deleted and created again under the same name on another node.
    await deletePod('new-2');
    await createPod(churnPod('new-2', 'cpu-1', '3'));
    await caughtUp();
    const rebound = await storedPair();
    assert.deepStrictEqual(rebound.watched, rebound.fresh);
    const cpu1 = (inventory: ClusterInventory): string | undefined => cpuOf(inventory.nodes.find((n) => n.name === 'cpu-1')?.requested);
    const h100 = (inventory: ClusterInventory): number | undefined => inventory.nodes.find((n) => n.name === 'h100-1')?.pods;
    assert.deepEqual([cpu1(rebound.watched), h100(rebound.watched), h100(deleted.watched)], ['4100m', 2, 3]);

    // Resized in place: the pod's resize subresource changes its spec.
    await request('PATCH', '/api/v1/namespaces/churn/pods/steady/resize', { spec: { containers: [{ name: 'main', resources: { requests: { cpu: '1500m' } } }] } }, 'application/strategic-merge-patch+json');
    await caughtUp();
    const resized = await storedPair();
    assert.deepStrictEqual(resized.watched, resized.fresh);
    assert.deepEqual(churnRequests(resized.watched), [['churn', '4600m', 3]]);
  });

  test('a watch cut by the proxy resumes from its last resourceVersion', async () => {
    proxy.reset();
    const before = collector.resourceVersion('pods');
    assert.ok(proxy.cut() > 0);
    await createPod(churnPod('after-cut', 'cpu-1', '250m'));
    await caughtUp();
    const resumed = proxy.seen.filter((r) => r.path === '/api/v1/pods' && r.query.watch === '1');
    assert.ok(resumed.length >= 1);
    assert.equal(resumed[0]?.query.resourceVersion, before);
    // No list of pods: the watch went on where it broke off.
    assert.deepEqual(proxy.seen.filter((r) => r.path === '/api/v1/pods' && r.query.watch === undefined), []);
    const pair = await storedPair();
    assert.deepStrictEqual(pair.watched, pair.fresh);
    assert.deepEqual(churnRequests(pair.watched), [['churn', '4850m', 4]]);
  });

  test('a resumed watch whose resourceVersion is too old (410) lists the pods again and drops the ones gone', async () => {
    proxy.reset();
    // The next pod watch is held until the pods below have changed and etcd has compacted its history, then asks
    // for resourceVersion 1, compacted away: the API server answers 410, and only the re-list can see that
    // after-cut is gone.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const isPodWatch = (r: { path: string; query: URLSearchParams }): boolean => r.path === '/api/v1/pods' && r.query.get('watch') === '1';
    proxy.inject({ match: isPodWatch, fault: { kind: 'rewrite', query: { resourceVersion: '1' }, after: held }, times: 1 });
    proxy.cut();
    await waitUntil('the resumed pod watch to reach the proxy', 30_000, async () => proxy.seen.some((r) => r.outcome === 'rewrite'));
    await deletePod('after-cut');
    const last = await createPod(churnPod('after-410', 'cpu-1', '125m'));
    const revision = (last.metadata as { resourceVersion: string }).resourceVersion;
    const compaction = await fetch(`${plane.etcdUrl}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision, physical: true }) });
    assert.equal(compaction.status, 200, await compaction.text());
    release();
    await caughtUp();
    const pods = proxy.seen.filter((r) => r.path === '/api/v1/pods');
    assert.deepEqual(
      pods.slice(0, 3).map((r) => [r.query.watch === '1' ? 'watch' : 'list', r.outcome]),
      [
        ['watch', 'rewrite'],
        ['list', 'forwarded'],
        ['watch', 'forwarded'],
      ],
    );
    assert.ok(logged.some((line) => line.startsWith('watch pods: resourceVersion ') && line.endsWith(' is too old; listing pods again')), logged.join('\n'));
    const pair = await storedPair();
    assert.deepStrictEqual(pair.watched, pair.fresh);
    assert.deepEqual(churnRequests(pair.watched), [['churn', '4725m', 4]]);
  });

  test('a CRD removed while watching: its objects leave the snapshot, a line says so; installed again: listed at the next snapshot and watched', async () => {
    const crdLog: string[] = [];
    // Watches the API server ends every 2 s: the resumed Profile watch meets the removed CRD (404) without waiting minutes.
    const watcher = new WatchCollector({ target: loadClusterTarget({ kubeconfig: plane.kubeconfigPath }), watchTimeoutSeconds: () => 2, log: (line) => crdLog.push(line) });
    const profileNames = (inventory: ClusterInventory): string[] => inventory.profiles.map((profile) => profile.name);
    try {
      await watcher.start();
      assert.equal(watcher.absent().includes('profiles'), false);
      const before = await storedPair(watcher);
      assert.deepStrictEqual(before.watched, before.fresh);
      assert.ok(before.watched.profiles.length > 0, 'the seeded Profiles');

      await request('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/profiles.kubeflow.org');
      await waitUntil('the collector to find the Profile CRD gone', 120_000, async () => watcher.absent().includes('profiles'), { lastSeen: () => crdLog.join(' | ') });
      assert.ok(crdLog.includes('profiles.kubeflow.org: no longer served by the API server (its CRD was removed?); its objects are dropped'), crdLog.join('\n'));
      const gone = await storedPair(watcher);
      assert.deepStrictEqual(gone.watched, gone.fresh);
      assert.deepEqual(profileNames(gone.watched), []);

      await waitUntil('the Profile CRD to be deleted', 60_000, async () => (await plane.admin.request('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/profiles.kubeflow.org', { method: 'GET' })).status === 404);
      await installProfileCrd(plane.admin, 30_000);
      const profile = (name: string): unknown => ({ apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name }, spec: { owner: { kind: 'User', name: `${name}@example.com` } } });
      await request('POST', '/apis/kubeflow.org/v1/profiles', profile('team-back'));
      // The next snapshot lists the kinds that were absent: the Profile is in it, and its watch starts.
      const back = await storedPair(watcher);
      assert.deepStrictEqual(back.watched, back.fresh);
      assert.deepEqual(profileNames(back.watched), ['team-back']);
      assert.ok(crdLog.includes('profiles.kubeflow.org: now served by the API server; listed 1, watching them'), crdLog.join('\n'));
      assert.equal(watcher.absent().includes('profiles'), false);
      const created = (await request('POST', '/apis/kubeflow.org/v1/profiles', profile('team-later'))) as { metadata: { resourceVersion: string } };
      await waitUntil('the Profile watch to see the new Profile', 30_000, async () => BigInt(watcher.resourceVersion('profiles') ?? '0') >= BigInt(created.metadata.resourceVersion));
      const watched = await storedPair(watcher);
      assert.deepStrictEqual(watched.watched, watched.fresh);
      assert.deepEqual(profileNames(watched.watched), ['team-back', 'team-later']);
    } finally {
      await watcher.stop();
    }
  });

  test('SIGTERM during the first lists: exit 0 at once, nothing stored, not waiting for the list in flight', async () => {
    proxy.reset();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The pods' LIST (the last of the first lists) is held at the proxy until the test ends.
    proxy.inject({ match: (r) => r.path === '/api/v1/pods' && r.query.get('watch') === null, fault: { kind: 'rewrite', query: {}, after: held }, times: 1 });
    const db = join(plane.dir, 'sigterm-while-listing.db');
    try {
      const cli = startCli(['--every', '1s', '--kubeconfig', proxyKubeconfig, '--cluster', 'listing', '--db', db]);
      await waitUntil('the pods LIST to be held', 60_000, async () => proxy.seen.some((r) => r.path === '/api/v1/pods' && r.outcome === 'rewrite'), { lastSeen: () => cli.out.stderr });
      cli.child.kill('SIGTERM');
      await waitUntil('the CLI to exit while its pods LIST is still held', 30_000, async () => cli.child.exitCode !== null || cli.child.signalCode !== null);
      assert.deepEqual(await cli.exited, [0, null], cli.out.stderr);
      assert.equal(cli.out.stdout, '');
      assert.match(cli.out.stderr, /^collect --watch: ended after 0 snapshots; peak memory: rss \d+\.\d MiB \(the kernel's high-water mark\), heap \d+\.\d MiB \(the most seen at a snapshot\)\n$/);
      assert.equal(existsSync(db), false);
    } finally {
      release();
    }
  });

  test('a watch failing 6 times in a row ends collect --watch: exit 3, the last failure named, the snapshots stored before intact', async () => {
    // The suite's collector watches through the same proxy: stopped, so only the CLI's watch meets the failures.
    await collector.stop();
    proxy.reset();
    const db = join(plane.dir, 'failing.db');
    const cli = startCli(['--every', '1h', '--kubeconfig', proxyKubeconfig, '--cluster', 'failing', '--db', db]);
    await waitUntil('the first snapshot line', 60_000, async () => cli.out.stdout.includes('\n'), { lastSeen: () => cli.out.stderr });
    const isPodWatch = (r: { path: string; query: URLSearchParams }): boolean => r.path === '/api/v1/pods' && r.query.get('watch') === '1';
    proxy.inject({ match: isPodWatch, fault: { kind: 'status', status: 500 }, times: Infinity });
    assert.ok(proxy.cut() > 0);
    const [code, signal] = await cli.exited;
    assert.deepEqual([code, signal], [3, null], cli.out.stderr);
    // The cut is failure 1; every resumed watch is answered 500, with no event between them: the sixth failure ends it.
    assert.equal(proxy.seen.filter((r) => r.path === '/api/v1/pods' && r.query.watch === '1' && r.outcome === 'status').length, 5);
    const stderr = cli.out.stderr.split('\n').filter((line) => line !== '');
    const podLines = stderr.filter((line) => line.startsWith('watch pods: ')).map((line) => line.replace(/resourceVersion \d+ in \d+ ms$/, 'resourceVersion V in N ms'));
    assert.equal(podLines.length, 5, stderr.join('\n'));
    assert.match(podLines[0] ?? '', /^watch pods: E[A-Z]+; resuming from resourceVersion V in N ms$/);
    assert.deepEqual(podLines.slice(1), Array.from({ length: 4 }, () => 'watch pods: HTTP 500; resuming from resourceVersion V in N ms'));
    assert.equal(stderr.at(-1), `quotaplan: watch pods at ${proxy.url} failed after 6 attempts: HTTP 500 InternalError: injected by the fault proxy`);
    assert.match(stderr.at(-2) ?? '', /^collect --watch: ended after 1 snapshot; peak memory: /);
    const store = await openStore({ file: db });
    try {
      const snapshots = await store.listSnapshots({ cluster: 'failing' });
      assert.deepEqual(snapshots.map((s) => String(s.id)), [/^snapshot (\d+) of cluster failing taken at /.exec(cli.out.stdout)?.[1]]);
      const fresh = (await collectLive({ target: loadClusterTarget({ kubeconfig: plane.kubeconfigPath }) })).inventory;
      assert.deepStrictEqual(await store.loadInventory(snapshots[0]!.id), fresh);
    } finally {
      await store.close();
      proxy.reset();
    }
  });

  test('the CLI stores a snapshot at once and every interval; SIGTERM exits 0 and leaves only complete snapshots', async () => {
    ensureBuilt();
    const db = join(plane.dir, 'cli.db');
    const child = spawn(process.execPath, [CLI_BIN, 'collect', '--watch', '--every', '1s', '--kubeconfig', plane.kubeconfigPath, '--cluster', 'cli', '--db', db], {
      cwd: REPO_ROOT,
      env: cliEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = once(child, 'exit');
    await waitUntil('three snapshot lines', 60_000, async () => stdout.split('\n').filter((line) => line.startsWith('snapshot ')).length >= 3, { lastSeen: () => `${stdout} / ${stderr}` });
    child.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    assert.deepEqual([code, signal], [0, null], stderr);

    const lines = stdout.split('\n').filter((line) => line !== '');
    // Each snapshot line states the collector's memory then; the run ends with the peaks, no smaller than any of them.
    const mib = (text: string | undefined): number => Number(text);
    const used = lines.map((line) => {
      const match = /; memory: rss (\d+\.\d) MiB, heap (\d+\.\d) MiB$/.exec(line);
      assert.ok(match, line);
      return { rss: mib(match[1]), heap: mib(match[2]) };
    });
    const peak = /^collect --watch: ended after (\d+) snapshots; peak memory: rss (\d+\.\d) MiB \(the kernel's high-water mark\), heap (\d+\.\d) MiB \(the most seen at a snapshot\)$/m.exec(stderr);
    assert.ok(peak, stderr);
    assert.equal(Number(peak[1]), lines.length);
    for (const { rss, heap } of used) {
      // Plausible: a Node process holds more than 10 MiB resident and some heap; the heap fits in the resident set.
      assert.ok(rss > 10 && heap > 0 && heap < rss, `rss ${rss} MiB, heap ${heap} MiB`);
      assert.ok(mib(peak[2]) >= rss && mib(peak[3]) >= heap, `peak ${peak[2]}/${peak[3]} below ${rss}/${heap}`);
    }
    const store = await openStore({ file: db });
    try {
      const snapshots = await store.listSnapshots({ cluster: 'cli' });
      // Every line printed is a stored snapshot, and every stored snapshot was printed: nothing half-written.
      assert.deepEqual(
        lines.map((line) => /^snapshot (\d+) of cluster cli taken at /.exec(line)?.[1]),
        snapshots.map((s) => String(s.id)),
      );
      const fresh = (await collectLive({ target: loadClusterTarget({ kubeconfig: plane.kubeconfigPath }) })).inventory;
      for (const snapshot of snapshots) assert.deepStrictEqual(await store.loadInventory(snapshot.id), fresh);
    } finally {
      await store.close();
    }
  });
});
