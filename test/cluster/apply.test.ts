/**
 * `quotaplan apply` against a real control plane: collect -> plan -> apply, then the API server enforces the new
 * quotas. Existing objects are written by other field managers first, so the first apply meets real conflicts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { V1ResourceQuota } from '@kubernetes/client-node';
import { createApplyApi, type ApplyApi } from '../../src/apply/api.js';
import { loadClusterTarget } from '../../src/collect/kubeconfig.js';
import { runApply, type ApplyFlags } from '../../src/commands/apply.js';
import { runCollect } from '../../src/commands/collect.js';
import { loadEmitInputs } from '../../src/commands/emit.js';
import { runPlan } from '../../src/commands/plan.js';
import { buildManifests } from '../../src/emit/manifests.js';
import { buildTree } from '../../src/emit/tree.js';
import { applyRules } from '../../src/collect/permissions.js';
import { ConflictError, ExternalError } from '../../src/errors.js';
import {
  apiRefusal,
  boundPodObject,
  controlPlaneSuiteOptions,
  namespaceObject,
  nodeObject,
  quantityValues,
  resourceQuotaObject,
  seedObjects,
  startControlPlane,
  waitUntil,
  type ControlPlane,
} from './harness/index.js';

const gpu = 'requests.nvidia.com/gpu';

const teamsYaml = `
cycle: 2026-Q4
surplus: hold
teams:
  - name: research
    teams:
      - name: team-a
        namespaces: [team-a]
        resources:
          nvidia.com/gpu: { demand: "2" }
      - name: fraud
        namespaces: [fraud]
        resources:
          nvidia.com/gpu: { demand: "4" }
        limits:
          perPod: { max: { cpu: "4", nvidia.com/gpu: "2" } }
      - name: alice
        profiles: [alice]
        resources:
          cpu: { demand: "8" }
`;

describe('quotaplan apply on a real control plane', await controlPlaneSuiteOptions(), () => {
  let plane: ControlPlane;
  let dir: string;
  let other: ApplyApi;
  let flags: ApplyFlags;

  function output(): { stdout: string[]; stderr: string[]; io: { stdout: (t: string) => void; stderr: (t: string) => void } } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { stdout, stderr, io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) } };
  }

  async function readQuota(namespace: string, name: string): Promise<V1ResourceQuota> {
    return plane.admin.core.readNamespacedResourceQuota({ namespace, name });
  }

  async function readProfile(name: string): Promise<{ metadata: { managedFields?: { manager: string }[] }; spec: { resourceQuotaSpec?: { hard?: Record<string, string> } } }> {
    return (await plane.admin.customObjects.getClusterCustomObject({ group: 'kubeflow.org', version: 'v1', plural: 'profiles', name })) as never;
  }

  before(async () => {
    plane = await startControlPlane();
    dir = mkdtempSync(join(tmpdir(), 'quotaplan-apply-'));
    await seedObjects(plane.admin, [
      nodeObject('gpu-a', { capacity: { cpu: '64', memory: '256Gi', pods: '110', 'nvidia.com/gpu': '8' } }),
      namespaceObject('team-a'),
      namespaceObject('fraud'),
      namespaceObject('alice'),
      // What the Kubeflow profile controller would have written from the Profile (no controller runs here).
      resourceQuotaObject({ namespace: 'alice', name: 'kf-resource-quota', hard: { 'requests.cpu': '16', 'requests.memory': '64Gi' } }),
      boundPodObject({ namespace: 'team-a', name: 'running', nodeName: 'gpu-a', requests: { cpu: '1', 'nvidia.com/gpu': '1' }, phase: 'Running' }),
      boundPodObject({ namespace: 'fraud', name: 'trainer', nodeName: 'gpu-a', requests: { cpu: '1', 'nvidia.com/gpu': '2' }, phase: 'Running' }),
    ]);
    // Objects another tool owns: a GitOps controller's quota and an administrator's Profile, both written with
    // server-side apply under their own field manager names.
    other = createApplyApi(loadClusterTarget({ kubeconfig: plane.kubeconfigPath }).config, { fieldManager: 'gitops-controller' });
    await other.apply(
      { kind: 'ResourceQuota', name: 'gpu-quota', namespace: 'fraud' },
      resourceQuotaObject({ namespace: 'fraud', name: 'gpu-quota', hard: { [gpu]: '6', pods: '20' } }),
      { dryRun: false, force: false },
    );
    const admin = createApplyApi(loadClusterTarget({ kubeconfig: plane.kubeconfigPath }).config, { fieldManager: 'profile-admin' });
    await admin.apply(
      { kind: 'Profile', name: 'alice' },
      {
        apiVersion: 'kubeflow.org/v1',
        kind: 'Profile',
        metadata: { name: 'alice' },
        spec: { owner: { kind: 'User', name: 'alice@example.com' }, resourceQuotaSpec: { hard: { 'requests.cpu': '16', 'requests.memory': '64Gi' } } },
      },
      { dryRun: false, force: false },
    );
    admin.close();

    const db = join(dir, 'quotaplan.db');
    const teams = join(dir, 'teams.yaml');
    writeFileSync(teams, teamsYaml);
    const now = { now: new Date('2026-11-28T04:00:00Z') };
    await runCollect({ kubeconfig: plane.kubeconfigPath, cluster: 'test', db, quiet: true }, now);
    const planned = await runPlan({ teams, db, save: true, output: 'json' }, now);
    assert.equal(planned.planId, 1);
    flags = { plan: 'latest', db, kubeconfig: plane.kubeconfigPath };
  });

  after(async () => {
    other?.close();
    await plane?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('the emitted manifests (full, as in the GitOps tree) pass a server-side dry run', async () => {
    const manifests = buildManifests({ ...(await loadEmitInputs(flags)), mode: 'full' });
    assert.deepEqual(
      manifests.map((m) => `${m.kind} ${m.namespace}/${m.name}`),
      [
        'Profile alice/alice',
        'LimitRange alice/quotaplan-defaults',
        'ResourceQuota fraud/gpu-quota',
        'LimitRange fraud/quotaplan-defaults',
        'ResourceQuota team-a/quotaplan',
      ],
    );
    const api = createApplyApi(loadClusterTarget({ kubeconfig: plane.kubeconfigPath }).config);
    try {
      for (const m of manifests) {
        const ref = m.kind === 'Profile' ? { kind: m.kind, name: m.name } : { kind: m.kind, name: m.name, namespace: m.namespace };
        const result = await api.apply(ref, m.object, { dryRun: true, force: true });
        assert.equal(result.kind, m.kind);
      }
    } finally {
      api.close();
    }
    // A dry run stores nothing.
    const absent = await readQuota('team-a', 'quotaplan').then(
      () => 'exists',
      (error: { code?: number }) => error.code,
    );
    assert.equal(absent, 404);
  });

  test('a dry run reports the conflicts with other field managers by name and field, and applies nothing', async () => {
    const out = output();
    const error = await runApply({ ...flags, yes: true }, out.io).then(
      () => assert.fail('apply went ahead over fields another manager owns'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConflictError);
    assert.equal(
      error.message,
      '2 fields owned by other field managers: ' +
        'Profile alice .spec.resourceQuotaSpec.hard.requests.cpu (owned by "profile-admin"); ' +
        'ResourceQuota fraud/gpu-quota .spec.hard.requests.nvidia.com/gpu (owned by "gitops-controller"); ' +
        'nothing applied (re-run with --force-conflicts to take them over)',
    );
    const report = out.stdout.join('');
    assert.match(report, /^Profile alice: CONFLICT with other field managers:\n {2}\.spec\.resourceQuotaSpec\.hard\.requests\.cpu is owned by "profile-admin"$/m);
    assert.match(report, /^ResourceQuota team-a\/quotaplan: new$/m);
    assert.match(report, /^ {2}spec\.hard\.requests\.nvidia\.com\/gpu: \(none\) -> 2$/m);
    assert.match(report, /^nothing applied: 3 new, 0 changed, 0 unchanged, 2 in conflict, 0 failed$/m);
    assert.deepEqual(quantityValues((await readQuota('fraud', 'gpu-quota')).spec?.hard), quantityValues({ [gpu]: '6', pods: '20' }));
    // Not even the objects without a conflict were applied.
    const absent = await readQuota('team-a', 'quotaplan').then(
      () => 'exists',
      (e: { code?: number }) => e.code,
    );
    assert.equal(absent, 404);
  });

  test('with --force-conflicts and --yes the quotas are applied, keys of others kept, kf-resource-quota untouched', async () => {
    const kfBefore = await readQuota('alice', 'kf-resource-quota');
    const out = output();
    const report = await runApply({ ...flags, yes: true, forceConflicts: true }, out.io);
    assert.equal(report.applied, true);
    assert.match(out.stdout.join(''), /^applied 5 objects \(conflicts forced\): 3 new, 2 changed, 0 unchanged, 0 in conflict, 0 failed$/m);

    const teamA = await readQuota('team-a', 'quotaplan');
    assert.deepEqual(quantityValues(teamA.spec?.hard), quantityValues({ [gpu]: '2' }));
    assert.equal(teamA.metadata?.labels?.['app.kubernetes.io/managed-by'], 'quotaplan');
    assert.equal(teamA.metadata?.annotations?.['quotaplan.io/plan'], '1');
    const fraud = await readQuota('fraud', 'gpu-quota');
    // pods: 20 belongs to the GitOps controller and stays; the GPU key is now quotaplan's.
    assert.deepEqual(quantityValues(fraud.spec?.hard), quantityValues({ [gpu]: '4', pods: '20' }));
    const managers = (fraud.metadata?.managedFields ?? []).map((f) => `${f.manager}:${f.operation}`).sort();
    assert.deepEqual(managers, ['gitops-controller:Apply', 'kube-controller-manager:Update', 'quotaplan:Apply']);

    const profile = await readProfile('alice');
    assert.deepEqual(quantityValues(profile.spec.resourceQuotaSpec?.hard), quantityValues({ 'requests.cpu': '8', 'requests.memory': '64Gi' }));
    const kfAfter = await readQuota('alice', 'kf-resource-quota');
    assert.deepEqual(kfAfter.spec?.hard, kfBefore.spec?.hard);
    assert.equal(kfAfter.metadata?.managedFields?.some((f) => f.manager === 'quotaplan'), false);
    assert.equal(kfAfter.metadata?.labels?.['app.kubernetes.io/managed-by'], undefined);
  });

  test('after apply a pod over the new GPU quota is rejected and one within it is admitted', async () => {
    // Admission reads status: wait until the controller has copied hard and counted the running pod.
    await waitUntil('ResourceQuota team-a/quotaplan status', 30_000, async () => {
      plane.assertRunning();
      const quota = await readQuota('team-a', 'quotaplan');
      const status = quantityValues(quota.status?.hard);
      const used = quantityValues(quota.status?.used);
      return status[gpu] === 2_000_000_000n && used[gpu] === 1_000_000_000n ? quota : undefined;
    });
    const over = await apiRefusal(
      plane.admin.core.createNamespacedPod({
        namespace: 'team-a',
        body: boundPodObject({ namespace: 'team-a', name: 'two-more', nodeName: 'gpu-a', requests: { cpu: '1', 'nvidia.com/gpu': '2' } }),
      }),
      'a pod over the new quota was admitted',
    );
    assert.equal(over.code, 403);
    assert.equal(
      over.status.message,
      'pods "two-more" is forbidden: exceeded quota: quotaplan, requested: requests.nvidia.com/gpu=2, ' +
        'used: requests.nvidia.com/gpu=1, limited: requests.nvidia.com/gpu=2',
    );
    const admitted = await plane.admin.core.createNamespacedPod({
      namespace: 'team-a',
      body: boundPodObject({ namespace: 'team-a', name: 'one-more', nodeName: 'gpu-a', requests: { cpu: '1', 'nvidia.com/gpu': '1' } }),
    });
    assert.equal(admitted.metadata?.name, 'one-more');
  });

  test('the LimitRange gives pods without requests a cpu request where a quota tracks cpu', async () => {
    await waitUntil('ResourceQuota alice/kf-resource-quota status.hard', 30_000, async () => {
      plane.assertRunning();
      const quota = await readQuota('alice', 'kf-resource-quota');
      return quota.status?.hard?.['requests.cpu'] !== undefined ? quota : undefined;
    });
    const pod = await plane.admin.core.createNamespacedPod({
      namespace: 'alice',
      body: boundPodObject({ namespace: 'alice', name: 'no-requests', nodeName: 'gpu-a' }),
    });
    assert.deepEqual(quantityValues(pod.spec?.containers[0]?.resources?.requests as Record<string, string>), quantityValues({ cpu: '100m', memory: '128Mi' }));
  });

  test("the LimitRange's per-pod maximum rejects a pod asking for more GPUs than the team allows per pod", async () => {
    const big = await apiRefusal(
      plane.admin.core.createNamespacedPod({
        namespace: 'fraud',
        body: boundPodObject({ namespace: 'fraud', name: 'big', nodeName: 'gpu-a', requests: { cpu: '1', 'nvidia.com/gpu': '3' } }),
      }),
      'a pod over the per-pod maximum was admitted',
    );
    assert.equal(big.code, 403);
    assert.match(String(big.status.message), /maximum nvidia\.com\/gpu usage per Pod is 2, but limit is 3/);
    // A pod without cpu settings gets the default request and the per-pod cpu maximum as its limit.
    const plain = await plane.admin.core.createNamespacedPod({
      namespace: 'fraud',
      body: boundPodObject({ namespace: 'fraud', name: 'plain', nodeName: 'gpu-a', requests: { 'nvidia.com/gpu': '1' } }),
    });
    const resources = plain.spec?.containers[0]?.resources;
    assert.deepEqual(quantityValues(resources?.requests as Record<string, string>), quantityValues({ cpu: '100m', 'nvidia.com/gpu': '1' }));
    assert.deepEqual(quantityValues(resources?.limits as Record<string, string>), quantityValues({ cpu: '4', 'nvidia.com/gpu': '1' }));
  });

  test('applying the same plan again changes nothing (quantities compared by value)', async () => {
    const out = output();
    const report = await runApply({ ...flags, dryRun: true }, out.io);
    assert.deepEqual(
      report.outcomes.map((o) => `${o.manifest.kind} ${o.manifest.name}: ${o.diff?.state}`),
      [
        'Profile alice: unchanged',
        'LimitRange quotaplan-defaults: unchanged',
        'ResourceQuota gpu-quota: unchanged',
        'LimitRange quotaplan-defaults: unchanged',
        'ResourceQuota quotaplan: unchanged',
      ],
    );
    assert.match(out.stdout.join(''), /^server dry run only: 0 new, 0 changed, 5 unchanged, 0 in conflict, 0 failed$/m);
  });

  test('re-emitting from a snapshot collected after the apply gives byte-identical files', async () => {
    const treeOf = (input: Awaited<ReturnType<typeof loadEmitInputs>>): ReturnType<typeof buildTree> =>
      buildTree(input.changes, 'gitops', buildManifests({ ...input, mode: 'full' }));
    const before = treeOf(await loadEmitInputs(flags));
    await runCollect({ kubeconfig: plane.kubeconfigPath, cluster: 'test', db: flags.db, quiet: true }, { now: new Date('2026-11-28T05:00:00Z') });
    const after = await loadEmitInputs({ ...flags, snapshot: 'latest' });
    const { changes } = after;
    assert.deepEqual(treeOf(after), before);
    // What the PR body would say now: every key already holds the planned value.
    assert.deepEqual(
      changes.teams.flatMap((t) => t.namespaces.flatMap((ns) => ns.keys.map((k) => `${ns.namespace} ${k.key} ${k.previous?.nanos === k.next.nanos}`))),
      ['alice requests.cpu true', 'fraud requests.nvidia.com/gpu true', 'team-a requests.nvidia.com/gpu true'],
    );
  });

  test('an identity holding exactly the rules of `quotaplan rbac --write` can apply; the read-only one is refused', async () => {
    const applier = await plane.createIdentity('applier', applyRules());
    const out = output();
    const report = await runApply({ ...flags, kubeconfig: applier, yes: true }, out.io);
    assert.equal(report.applied, true);
    assert.deepEqual(report.outcomes.map((o) => o.diff?.state), ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);

    const refused = output();
    const error = await runApply({ ...flags, kubeconfig: plane.readerKubeconfigPath, yes: true }, refused.io).then(
      () => assert.fail('the read-only identity applied quotas'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ExternalError);
    assert.match(error.message, /^the server dry run refused 5 objects: Profile alice: HTTP 403: profiles\.kubeflow\.org "alice" is forbidden: User "quotaplan-reader" cannot patch resource "profiles"/);
    assert.match(refused.stdout.join(''), /^nothing applied: 0 new, 0 changed, 0 unchanged, 0 in conflict, 5 failed$/m);
  });
});
