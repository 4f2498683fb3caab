import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { collectLive } from '../../src/collect/live.js';
import { loadClusterTarget } from '../../src/collect/kubeconfig.js';
import type { RetryPolicy } from '../../src/collect/retry.js';
import type { ClusterInventory } from '../../src/inventory/types.js';
import { openStore } from '../../src/store/open.js';
import { clusterNodes, clusterWorkloads, quotasSettled } from './collect-cluster.js';
import { REPO_ROOT, runCli, type CliResult } from '../support/cli.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { boundPodObject, controlPlaneSuiteOptions, namespaceObject, seedObjects, startControlPlane, type ControlPlane } from './harness/index.js';


/** Short waits so the test spends its time on requests, not on backoff (the bounds are the same as in production). */
const quickRetry: RetryPolicy = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 };

/** The CLI in a child process (the proxy lives in this one and must keep answering while it runs). */
const cli = (args: string[]): Promise<CliResult> => runCli(args, { cwd: REPO_ROOT });

/** Bulk pods so the pod list spans several pages. */
function bulkPods(count: number): KubernetesObject[] {
  return [
    namespaceObject('bulk', { team: 'bulk' }),
    ...Array.from({ length: count }, (_, i) =>
      boundPodObject({ namespace: 'bulk', name: `job-${String(i).padStart(2, '0')}`, nodeName: 'cpu-1', requests: { cpu: '100m', memory: '64Mi' }, phase: 'Running' }),
    ),
  ] as KubernetesObject[];
}

describe('collecting through a faulty connection', await controlPlaneSuiteOptions(), () => {
  let plane: ControlPlane;
  let proxy: FaultProxy;
  let proxyKubeconfig: string;
  let direct: ClusterInventory;

  before(async () => {
    plane = await startControlPlane();
    await seedObjects(plane.admin, [...clusterNodes(), ...clusterWorkloads(), ...bulkPods(21)]);
    await quotasSettled(plane, 3);
    direct = (await collectLive({ target: loadClusterTarget({ kubeconfig: plane.kubeconfigPath }), pageSize: 500 })).inventory;
    proxy = await startFaultProxy({ upstream: plane.server, caFile: plane.caFile });
    proxyKubeconfig = proxy.kubeconfigFor(plane.kubeconfigPath, join(plane.dir, 'via-proxy.kubeconfig'));
  });

  beforeEach(() => proxy?.reset());

  after(async () => {
    await proxy?.close();
    await plane?.stop();
  });

  test('retries 429 (after Retry-After), 500, dropped connections and cut-short bodies, and restarts a list on 410', async () => {
    const isPods = (path: string): boolean => path === '/api/v1/pods';
    proxy.inject(
      { match: (r) => r.path === '/api/v1/nodes', fault: { kind: 'status', status: 429, retryAfterSeconds: 1 }, times: 1 },
      { match: (r) => r.path === '/api/v1/namespaces', fault: { kind: 'status', status: 500 }, times: 2 },
      { match: (r) => r.path === '/api/v1/resourcequotas', fault: { kind: 'truncate' }, times: 1 },
      { match: (r) => r.path === '/api/v1/limitranges', fault: { kind: 'drop' }, times: 1 },
      // On the pods' second page: a dropped connection, then an expired continue token.
      { match: (r) => isPods(r.path) && r.query.has('continue'), fault: { kind: 'drop' }, times: 1 },
      { match: (r) => isPods(r.path) && r.query.has('continue'), fault: { kind: 'expired' }, times: 1 },
    );
    const sleeps: number[] = [];
    const result = await collectLive({
      target: loadClusterTarget({ kubeconfig: proxyKubeconfig }),
      pageSize: 10,
      retry: quickRetry,
      retryEnvironment: {
        random: Math.random,
        sleep: (ms) => {
          sleeps.push(ms);
          return new Promise((resolve) => setTimeout(resolve, ms));
        },
      },
    });

    assert.deepEqual(result.inventory, direct);
    // 30 live pods (9 + 21 bulk): the pass that completed read them all once, not 40.
    assert.equal(result.counts.pods, 30);
    const outcomes = (path: string): string[] =>
      proxy.seen.filter((r) => r.path === path).map((r) => `${r.query.continue === undefined ? 'first' : 'next'}:${r.outcome}`);
    assert.deepEqual(outcomes('/api/v1/nodes'), ['first:status', 'first:forwarded', 'next:forwarded']);
    assert.deepEqual(outcomes('/api/v1/namespaces'), ['first:status', 'first:status', 'first:forwarded']);
    assert.deepEqual(outcomes('/api/v1/resourcequotas'), ['first:truncate', 'first:forwarded']);
    assert.deepEqual(outcomes('/api/v1/limitranges'), ['first:drop', 'first:forwarded']);
    assert.deepEqual(outcomes('/api/v1/pods'), [
      'first:forwarded',
      'next:drop',
      'next:expired',
      'first:forwarded',
      'next:forwarded',
      'next:forwarded',
    ]);
    // The 429 asked for one second: the first wait honoured it; the other five waits are the short backoff.
    assert.equal(sleeps.length, 6);
    assert.ok(sleeps[0]! >= 1_000, `waited ${sleeps[0]} ms after Retry-After: 1`);
    assert.ok(sleeps.slice(1).every((ms) => ms < 20));
  });

  test('a streamed LIST that breaks off is read again from the start, and nothing is counted twice', async () => {
    proxy.inject(
      { match: (r) => r.path === '/api/v1/nodes', fault: { kind: 'status', status: 500 }, times: 1 },
      { match: (r) => r.path === '/api/v1/pods', fault: { kind: 'truncate', afterBytes: 8000 }, times: 1 },
      { match: (r) => r.path === '/api/v1/pods', fault: { kind: 'drop' }, times: 1 },
    );
    const restarts: string[] = [];
    const progress = { read: () => undefined, restart: (resource: string) => void restarts.push(resource), retry: () => undefined, finish: () => undefined };
    const result = await collectLive({ target: loadClusterTarget({ kubeconfig: proxyKubeconfig }), retry: quickRetry, progress });
    assert.deepEqual(result.inventory, direct);
    assert.equal(result.counts.pods, 30);
    const outcomes = (path: string): string[] => proxy.seen.filter((r) => r.path === path).map((r) => `${r.query.limit === undefined ? 'whole' : 'page'}:${r.outcome}`);
    assert.deepEqual(outcomes('/api/v1/nodes'), ['whole:status', 'whole:forwarded']);
    assert.deepEqual(outcomes('/api/v1/pods'), ['whole:truncate', 'whole:drop', 'whole:forwarded']);
    // The cut answer had handed out its first pods before it broke off: the fold started again once.
    assert.deepEqual(restarts, ['pods']);
  });

  test('a collection that finally fails exits 3, names the failure, and writes nothing to the database', async () => {
    const db = join(plane.dir, 'faults.db');
    const first = await cli(['collect', '--kubeconfig', proxyKubeconfig, '--db', db, '--page-size', '10', '--cluster', 'lab', '--quiet']);
    assert.equal(first.code, 0, first.stderr);

    proxy.inject({ match: (r) => r.path === '/api/v1/pods' && r.query.has('continue'), fault: { kind: 'status', status: 500 }, times: Infinity });
    const failed = await cli(['collect', '--kubeconfig', proxyKubeconfig, '--db', db, '--page-size', '10', '--cluster', 'lab', '--quiet']);
    assert.equal(failed.code, 3);
    assert.equal(failed.stdout, '');
    const podsUrl = `${proxy.url}/api/v1/pods`;
    assert.match(failed.stderr, new RegExp(`^quotaplan: list pods at ${proxy.url} failed after 6 attempts: HTTP 500 InternalError: injected by the fault proxy\\n$`));
    assert.equal(proxy.seen.filter((r) => `${proxy.url}${r.path}` === podsUrl && r.outcome === 'status').length, 6);

    const store = await openStore({ file: db });
    try {
      const snapshots = await store.listSnapshots();
      assert.equal(snapshots.length, 1);
      assert.deepEqual(await store.loadInventory(snapshots[0]!.id), direct);
    } finally {
      store.close();
    }
  });

  test('a bad context or an unreachable server is named on stderr, and no database is created', async () => {
    const db = join(plane.dir, 'never.db');
    const unknown = await cli(['collect', '--kubeconfig', proxyKubeconfig, '--context', 'prod', '--db', db, '--quiet']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, `quotaplan: unknown context "prod" in ${proxyKubeconfig}; known contexts: quotaplan-admin@quotaplan-test\n`);

    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const nowhere = join(plane.dir, 'nowhere.kubeconfig');
    writeFileSync(
      nowhere,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'gone', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority': plane.caFile } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'u' } }],
        'current-context': 'gone',
      }),
    );
    const unreachable = await cli(['collect', '--kubeconfig', nowhere, '--db', db, '--quiet']);
    assert.equal(unreachable.code, 3);
    assert.equal(
      unreachable.stderr,
      `quotaplan: cannot reach the Kubernetes API server at https://127.0.0.1:${port} (context "gone"): ECONNREFUSED; ` +
        'check the server address in the kubeconfig and that the cluster is up\n',
    );
    assert.equal(existsSync(db), false);
  });
});
