/**
 * `quotaplan apply` through a faulty connection to a real control plane (test/cluster/fault-proxy.ts): a dropped
 * PATCH and a 503 are retried and the apply completes; a 503 that never ends stops the apply with a report of
 * exactly what was applied and what was not (exit 3); running the same apply again sends only what still differs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { runApply, type ApplyFlags } from '../../src/commands/apply.js';
import { runCollect } from '../../src/commands/collect.js';
import { runPlan } from '../../src/commands/plan.js';
import type { RetryPolicy } from '../../src/collect/retry.js';
import { ExternalError } from '../../src/errors.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { controlPlaneSuiteOptions, namespaceObject, nodeObject, quantityValues, seedObjects, startControlPlane, type ControlPlane } from './harness/index.js';

const gpu = 'requests.nvidia.com/gpu';

/** Short waits so the test spends its time on requests, not on backoff (the bounds are the same as in production). */
const quickRetry: RetryPolicy = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 };

const teams = (gpus: { fraud: number; nlp: number; teamA: number }): string => `
cycle: 2026-Q4
surplus: hold
teams:
  - name: fraud
    namespaces: [fraud]
    resources: { nvidia.com/gpu: { demand: "${gpus.fraud}" } }
  - name: nlp
    namespaces: [nlp]
    resources: { nvidia.com/gpu: { demand: "${gpus.nlp}" } }
  - name: team-a
    namespaces: [team-a]
    resources: { nvidia.com/gpu: { demand: "${gpus.teamA}" } }
`;

/** The real (not dry-run) server-side apply of one namespace's quota. */
const realPatchOf =
  (namespace: string) =>
  (r: { method: string; path: string; query: URLSearchParams }): boolean =>
    r.method === 'PATCH' && r.path === `/api/v1/namespaces/${namespace}/resourcequotas/quotaplan` && !r.query.has('dryRun');

describe('quotaplan apply through a faulty connection', await controlPlaneSuiteOptions(), () => {
  let plane: ControlPlane;
  let proxy: FaultProxy;
  let dir: string;
  let db: string;
  let viaProxy: string;
  let planIds: number[];

  async function gpusNow(): Promise<Record<string, bigint | undefined>> {
    const out: Record<string, bigint | undefined> = {};
    for (const namespace of ['fraud', 'nlp', 'team-a']) {
      const quota = await plane.admin.core.readNamespacedResourceQuota({ namespace, name: 'quotaplan' });
      out[namespace] = quantityValues(quota.spec?.hard)[gpu];
    }
    return out;
  }

  async function apply(plan: number, kubeconfig: string): Promise<{ stdout: string; stderr: string; error: unknown }> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const flags: ApplyFlags = { plan: String(plan), db, kubeconfig, yes: true };
    const error = await runApply(flags, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) }, { retry: quickRetry }).then(
      () => null,
      (e: unknown) => e,
    );
    return { stdout: stdout.join(''), stderr: stderr.join(''), error };
  }

  const realPatches = (): string[] =>
    proxy.seen.filter((r) => r.method === 'PATCH' && r.query.dryRun === undefined).map((r) => `${r.path.split('/')[4]}:${r.outcome}`);

  before(async () => {
    plane = await startControlPlane();
    dir = mkdtempSync(join(tmpdir(), 'quotaplan-apply-faults-'));
    await seedObjects(plane.admin, [
      nodeObject('gpu-a', { capacity: { cpu: '64', memory: '256Gi', pods: '110', 'nvidia.com/gpu': '16' } }),
      namespaceObject('fraud'),
      namespaceObject('nlp'),
      namespaceObject('team-a'),
    ]);
    db = join(dir, 'quotaplan.db');
    const now = { now: new Date('2026-11-28T04:00:00Z') };
    await runCollect({ kubeconfig: plane.kubeconfigPath, cluster: 'test', db, quiet: true }, now);
    planIds = [];
    for (const [i, gpus] of [
      { fraud: 4, nlp: 2, teamA: 2 },
      { fraud: 2, nlp: 3, teamA: 3 },
      { fraud: 5, nlp: 1, teamA: 4 },
    ].entries()) {
      const file = join(dir, `teams-${i}.yaml`);
      writeFileSync(file, teams(gpus));
      planIds.push((await runPlan({ teams: file, db, save: true, output: 'json' }, now)).planId!);
    }
    proxy = await startFaultProxy({ upstream: plane.server, caFile: plane.caFile });
    viaProxy = proxy.kubeconfigFor(plane.kubeconfigPath, join(dir, 'via-proxy.kubeconfig'));
    // The cluster as the first plan left it.
    const first = await apply(planIds[0]!, plane.kubeconfigPath);
    assert.equal(first.error, null);
    assert.deepEqual(await gpusNow(), { fraud: 4_000_000_000n, nlp: 2_000_000_000n, 'team-a': 2_000_000_000n });
  });

  beforeEach(() => proxy?.reset());

  after(async () => {
    await proxy?.close();
    await plane?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('a real PATCH answered 503 every time stops the apply: exit 3, and the report names what was and was not applied', async () => {
    proxy.inject({ match: realPatchOf('nlp'), fault: { kind: 'status', status: 503 }, times: Infinity });
    const run = await apply(planIds[1]!, viaProxy);
    assert.ok(run.error instanceof ExternalError, String(run.error));
    const summary =
      'apply stopped: 1 applied, 0 already applied, 1 failed, 1 not attempted, of 3 objects\n' +
      '  applied: ResourceQuota fraud/quotaplan\n' +
      '  failed: ResourceQuota nlp/quotaplan\n' +
      '  not applied: ResourceQuota nlp/quotaplan, ResourceQuota team-a/quotaplan\n' +
      'run the same `quotaplan apply` again to finish: it sends only what still differs';
    assert.equal(
      run.error.message,
      `apply to ${proxy.url} stopped at ResourceQuota nlp/quotaplan: HTTP 503: injected by the fault proxy (after 4 tries)\n${summary}`,
    );
    assert.match(run.stdout, /^ResourceQuota fraud\/quotaplan: changed \(applied\)$/m);
    assert.match(run.stdout, /^ResourceQuota nlp\/quotaplan: NOT APPLIED: HTTP 503: injected by the fault proxy \(after 4 tries\)$/m);
    assert.match(run.stdout, /^ResourceQuota team-a\/quotaplan: changed \(NOT APPLIED: the apply stopped before it\)$/m);
    assert.ok(run.stdout.endsWith(`${summary}\n`), run.stdout);
    assert.equal(
      run.stderr.split('\n').filter((line) => line.startsWith('apply: PATCH')).length,
      3,
      run.stderr,
    );
    assert.deepEqual(realPatches(), ['fraud:forwarded', 'nlp:status', 'nlp:status', 'nlp:status', 'nlp:status']);
    // The cluster holds exactly what the report says: fraud from plan 2, the others still from plan 1.
    assert.deepEqual(await gpusNow(), { fraud: 2_000_000_000n, nlp: 2_000_000_000n, 'team-a': 2_000_000_000n });
  });

  test('running the same apply again sends only what still differs and finishes the job', async () => {
    const run = await apply(planIds[1]!, viaProxy);
    assert.equal(run.error, null);
    assert.match(run.stdout, /^ResourceQuota fraud\/quotaplan: unchanged \(already applied, not sent\)$/m);
    assert.match(run.stdout, /^ResourceQuota nlp\/quotaplan: changed \(applied\)$/m);
    assert.match(run.stdout, /^ResourceQuota team-a\/quotaplan: changed \(applied\)$/m);
    assert.match(run.stdout, /^applied 2 objects: 0 new, 2 changed, 1 unchanged, 0 in conflict, 0 failed\n$/m);
    assert.deepEqual(realPatches(), ['nlp:forwarded', 'team-a:forwarded']);
    assert.deepEqual(await gpusNow(), { fraud: 2_000_000_000n, nlp: 3_000_000_000n, 'team-a': 3_000_000_000n });
  });

  test('a dropped PATCH, a 503 with Retry-After and a 429 on a read are retried, and every object is applied', async () => {
    proxy.inject(
      { match: realPatchOf('fraud'), fault: { kind: 'drop' }, times: 1 },
      { match: realPatchOf('nlp'), fault: { kind: 'status', status: 503, retryAfterSeconds: 1 }, times: 1 },
      { match: (r) => r.method === 'GET' && r.path.endsWith('/team-a/resourcequotas/quotaplan'), fault: { kind: 'status', status: 429 }, times: 1 },
    );
    const run = await apply(planIds[2]!, viaProxy);
    assert.equal(run.error, null);
    assert.match(run.stdout, /^applied 3 objects: 0 new, 3 changed, 0 unchanged, 0 in conflict, 0 failed\n$/m);
    assert.deepEqual(realPatches(), ['fraud:drop', 'fraud:forwarded', 'nlp:status', 'nlp:forwarded', 'team-a:forwarded']);
    assert.deepEqual(await gpusNow(), { fraud: 5_000_000_000n, nlp: 1_000_000_000n, 'team-a': 4_000_000_000n });
    assert.match(run.stderr, /^apply: PATCH http:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/fraud\/resourcequotas\/quotaplan\?fieldManager=quotaplan: socket hang up; trying again in \d+\.\d s \(try 2\)$/m);
    assert.match(run.stderr, /^apply: PATCH http:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/nlp\/resourcequotas\/quotaplan\?fieldManager=quotaplan: HTTP 503: injected by the fault proxy; trying again in 1\.0 s \(try 2\)$/m);
  });
});
