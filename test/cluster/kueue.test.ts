/**
 * `quotaplan apply --target kueue` against a real control plane with Kueue's own CRDs (sigs.k8s.io/kueue, the
 * version pinned in test/cluster/kueue/go.mod, copied out of the module by build-tools.sh kueue-crds): the API server
 * validates every emitted object against the CRDs' schemas and CEL rules; a second apply changes nothing; `collect`
 * reads the same quotas back. Then Kueue's own controllers and scheduler (kueue-manager, built from the same module
 * by build-tools.sh kueue-manager; no webhooks) admit a workload within an emitted quota and leave the next pending,
 * and `collect` reads the queue's usage and pending count from its status.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApplyApi } from '../../src/apply/api.js';
import { loadClusterTarget } from '../../src/collect/kubeconfig.js';
import { runApply, type ApplyFlags } from '../../src/commands/apply.js';
import { runCollect } from '../../src/commands/collect.js';
import { runPlan } from '../../src/commands/plan.js';
import { ApiResponseError } from '../../src/collect/transport.js';
import { ExternalError } from '../../src/errors.js';
import { formatQuantity } from '../../src/quantity.js';
import type { ClusterInventory } from '../../src/inventory/types.js';
import { openStore } from '../../src/store/open.js';
import { schedulerQuotaRows } from '../../src/emit/scheduler-quotas-table.js';
import { gfd } from '../builders/kube.js';
import {
  controlPlaneSuiteOptions,
  installCrdFolder,
  namespaceObject,
  nodeObject,
  seedObjects,
  startControlPlane,
  toolPath,
  toolSuiteOptions,
  waitUntil,
  type ControlPlane,
} from './harness/index.js';

const H100 = 'NVIDIA-H100-80GB-HBM3';
const A100 = 'NVIDIA-A100-SXM4-80GB';

// ml holds memory itself; ml/cv has a guarantee and a cap on cpu, a cap on H100s and a guarantee on A100s.
const teamsYaml = `
cycle: 2026-Q4
surplus: hold
granularity:
  memory: 1Gi
teams:
  - name: ml
    weight: 2
    resources:
      memory: { demand: 64Gi }
    teams:
      - name: cv
        weight: 3
        namespaces: [cv, cv-eval]
        resources:
          cpu: { demand: "16", guarantee: "8", cap: "24" }
          nvidia.com/gpu:
            flavors:
              ${H100}: { demand: "6", cap: "8" }
              ${A100}: { demand: "2", guarantee: "2" }
  - name: data
    teams:
      - name: etl
        weight: 0.5
        namespaces: [etl]
        resources:
          cpu: { demand: "32" }
`;

const crdSuite = await toolSuiteOptions('kueue-crds', 'kueue-manager');
const planeSuite = await controlPlaneSuiteOptions();

describe('Kueue objects on a real control plane with Kueue’s CRDs', crdSuite.skip === false ? planeSuite : crdSuite, () => {
  let plane: ControlPlane;
  let dir: string;
  let db: string;
  let flags: ApplyFlags;

  function output(): { stdout: string[]; stderr: string[]; io: { stdout: (t: string) => void; stderr: (t: string) => void } } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { stdout, stderr, io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) } };
  }

  async function kueueObject(plural: string, name: string): Promise<{ spec: Record<string, unknown> }> {
    return (await plane.admin.customObjects.getClusterCustomObject({ group: 'kueue.x-k8s.io', version: 'v1beta2', plural, name })) as never;
  }

  /** The API server's refusal of a request that must be refused. */
  async function refusal(request: Promise<unknown>): Promise<{ status: number; message: string }> {
    const error = await request.then(
      () => assert.fail('the API server admitted it'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ApiResponseError, String(error));
    return { status: error.statusCode, message: error.status?.message ?? error.message };
  }

  async function latestInventory(): Promise<ClusterInventory> {
    const store = await openStore({ file: db, create: false });
    try {
      return await store.loadInventory((await store.resolveSnapshot({ ref: 'latest', cluster: 'test' })).id);
    } finally {
      await store.close();
    }
  }

  before(async () => {
    plane = await startControlPlane();
    dir = mkdtempSync(join(tmpdir(), 'quotaplan-kueue-'));
    const crds = await installCrdFolder(plane.admin, await toolPath('kueue-crds'));
    assert.ok(crds.includes('clusterqueues.kueue.x-k8s.io') && crds.includes('cohorts.kueue.x-k8s.io'), crds.join(', '));
    const host = { cpu: '64', memory: '256Gi', pods: '110' };
    await seedObjects(plane.admin, [
      nodeObject('h100-0', { capacity: { ...host, 'nvidia.com/gpu': '8' }, labels: gfd(H100, 8) }),
      nodeObject('a100-0', { capacity: { ...host, 'nvidia.com/gpu': '4' }, labels: gfd(A100, 4) }),
      namespaceObject('cv'),
      namespaceObject('cv-eval'),
      namespaceObject('etl'),
    ]);
    db = join(dir, 'quotaplan.db');
    const teams = join(dir, 'teams.yaml');
    writeFileSync(teams, teamsYaml);
    const now = { now: new Date('2026-11-28T04:00:00Z') };
    await runCollect({ kubeconfig: plane.kubeconfigPath, cluster: 'test', db, quiet: true }, now);
    await runPlan({ teams, db, save: true, output: 'json' }, now);
    flags = { plan: 'latest', db, kubeconfig: plane.kubeconfigPath, target: 'kueue' };
  });

  after(async () => {
    await plane?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('the CRDs are the pinned module’s, served as v1beta2', async () => {
    const version = readFileSync(join(await toolPath('kueue-crds'), 'VERSION'), 'utf8').trim();
    const pinned = /^(?:require)?\s*sigs\.k8s\.io\/kueue (v\S+)$/m.exec(readFileSync(join(import.meta.dirname, 'kueue', 'go.mod'), 'utf8'))?.[1];
    assert.equal(version, `sigs.k8s.io/kueue ${pinned}`);
    const crd = await plane.admin.apiextensions.readCustomResourceDefinition({ name: 'clusterqueues.kueue.x-k8s.io' });
    assert.deepEqual(
      crd.spec.versions.map((v) => `${v.name} served=${v.served} storage=${v.storage}`),
      ['v1beta1 served=true storage=false', 'v1beta2 served=true storage=true'],
    );
  });

  test('apply --target kueue --yes: the API server accepts every object (schema and CEL) and stores them', async () => {
    const out = output();
    const report = await runApply({ ...flags, yes: true }, out.io);
    assert.equal(report.applied, true);
    assert.deepEqual(
      report.outcomes.map((o) => `${o.manifest.kind} ${o.manifest.namespace}/${o.manifest.name}: ${o.result}`),
      [
        'ResourceFlavor /default-flavor: applied',
        'ResourceFlavor /nvidia-a100-sxm4-80gb: applied',
        'ResourceFlavor /nvidia-h100-80gb-hbm3: applied',
        'Cohort /data: applied',
        'Cohort /ml: applied',
        'Cohort /quotaplan-root: applied',
        'ClusterQueue /data-etl: applied',
        'ClusterQueue /ml-cv: applied',
        'LocalQueue cv/ml-cv: applied',
        'LocalQueue cv-eval/ml-cv: applied',
        'LocalQueue etl/data-etl: applied',
      ],
    );
    assert.match(out.stdout.join(''), /^applied 11 objects: 11 new, 0 changed, 0 unchanged, 0 in conflict, 0 failed$/m);

    // What the API server stored (defaults of the CRD added): the plan's numbers, the teams file's bounds.
    const cv = await kueueObject('clusterqueues', 'ml-cv');
    assert.equal(cv.spec.cohortName, 'ml');
    assert.deepEqual(cv.spec.fairSharing, { weight: '3' });
    assert.deepEqual(cv.spec.resourceGroups, [
      {
        coveredResources: ['cpu', 'memory'],
        flavors: [
          {
            name: 'default-flavor',
            resources: [
              // quota 16, cap 24 -> may borrow 8; guarantee 8 -> lends at most 8.
              { name: 'cpu', nominalQuota: '16', borrowingLimit: '8', lendingLimit: '8' },
              // ml's own memory is its cohort's; cv covers it to use it.
              { name: 'memory', nominalQuota: '0' },
            ],
          },
        ],
      },
      {
        coveredResources: ['nvidia.com/gpu'],
        flavors: [
          // A100: quota 2 = guarantee 2 -> lends nothing.
          { name: 'nvidia-a100-sxm4-80gb', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '2', lendingLimit: '0' }] },
          // H100: quota 6, cap 8 -> may borrow 2.
          { name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '6', borrowingLimit: '2' }] },
        ],
      },
    ]);
    const ml = await kueueObject('cohorts', 'ml');
    assert.equal(ml.spec.parentName, 'quotaplan-root');
    assert.deepEqual(ml.spec.fairSharing, { weight: '2' });
    const etl = await kueueObject('clusterqueues', 'data-etl');
    assert.deepEqual(etl.spec.fairSharing, { weight: '500m' });
    const flavor = await kueueObject('resourceflavors', 'nvidia-h100-80gb-hbm3');
    assert.deepEqual(flavor.spec.nodeLabels, { 'nvidia.com/gpu.product': H100 });
  });

  test('applying the same plan again changes nothing and sends nothing', async () => {
    const out = output();
    const report = await runApply({ ...flags, yes: true }, out.io);
    assert.deepEqual([...new Set(report.outcomes.map((o) => o.result))], ['already-applied']);
    assert.match(out.stdout.join(''), /^applied 0 objects: 0 new, 0 changed, 11 unchanged, 0 in conflict, 0 failed$/m);
  });

  test('collect reads the same quotas back from Kueue', async () => {
    await runCollect({ kubeconfig: plane.kubeconfigPath, cluster: 'test', db, quiet: true }, { now: new Date('2026-11-28T05:00:00Z') });
    const inventory = await latestInventory();
    const rows = (quotas: NonNullable<ClusterInventory['kueueClusterQueues']>[number]['quotas']): string[] =>
      quotas.map(
        (q) =>
          `${q.flavor} ${q.resource} nominal ${formatQuantity(q.nominalQuota)} borrowing ${q.borrowingLimit === null ? '-' : formatQuantity(q.borrowingLimit)} lending ${q.lendingLimit === null ? '-' : formatQuantity(q.lendingLimit)}`,
      );
    const queues = inventory.kueueClusterQueues ?? [];
    assert.deepEqual(
      queues.map((q) => `${q.name} cohort ${q.cohort} weight ${q.weight === null ? '-' : formatQuantity(q.weight)}`),
      ['data-etl cohort data weight 500m', 'ml-cv cohort ml weight 3'],
    );
    assert.deepEqual(rows(queues.find((q) => q.name === 'ml-cv')?.quotas ?? []), [
      'default-flavor cpu nominal 16 borrowing 8 lending 8',
      'default-flavor memory nominal 0 borrowing - lending -',
      'nvidia-a100-sxm4-80gb nvidia.com/gpu nominal 2 borrowing - lending 0',
      'nvidia-h100-80gb-hbm3 nvidia.com/gpu nominal 6 borrowing 2 lending -',
    ]);
    assert.deepEqual(rows(queues.find((q) => q.name === 'data-etl')?.quotas ?? []), ['default-flavor cpu nominal 32 borrowing - lending -']);
    const cohorts = inventory.kueueCohorts ?? [];
    assert.deepEqual(
      cohorts.map((c) => `${c.name} <- ${c.parent ?? '-'}`),
      ['data <- quotaplan-root', 'ml <- quotaplan-root', 'quotaplan-root <- -'],
    );
    // ml: cpu 16 (all cv's), guarantee 8, cap 24 (cv's); its own memory 64Gi; H100 6 capped at 8; A100 2 guaranteed.
    assert.deepEqual(rows(cohorts.find((c) => c.name === 'ml')?.quotas ?? []), [
      'default-flavor cpu nominal 0 borrowing 8 lending 8',
      'default-flavor memory nominal 64Gi borrowing - lending -',
      'nvidia-a100-sxm4-80gb nvidia.com/gpu nominal 0 borrowing - lending 0',
      'nvidia-h100-80gb-hbm3 nvidia.com/gpu nominal 0 borrowing 2 lending -',
    ]);
    assert.deepEqual(
      (inventory.kueueResourceFlavors ?? []).map((f) => `${f.name} ${JSON.stringify(f.nodeLabels)}`),
      [
        'default-flavor {}',
        `nvidia-a100-sxm4-80gb {"nvidia.com/gpu.product":"${A100}"}`,
        `nvidia-h100-80gb-hbm3 {"nvidia.com/gpu.product":"${H100}"}`,
      ],
    );
    // No KAI or Volcano CRD here: nothing read, and not an error.
    assert.deepEqual([inventory.kaiQueues, inventory.volcanoQueues], [[], []]);
  });

  /** A complete Workload (no defaulting webhook here): one pod of `gpus` GPUs, in `namespace`'s LocalQueue ml-cv. */
  function workload(namespace: string, name: string, gpus: string): Record<string, unknown> {
    const gpu = { 'nvidia.com/gpu': gpus };
    return {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'Workload',
      metadata: { name, namespace },
      spec: {
        queueName: 'ml-cv',
        active: true,
        podSets: [
          {
            name: 'main',
            count: 1,
            template: { spec: { restartPolicy: 'Never', containers: [{ name: 'train', image: 'registry.k8s.io/pause:3.10', resources: { requests: gpu, limits: gpu } }] } },
          },
        ],
      },
    };
  }

  interface WorkloadStatus {
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
    admission?: { clusterQueue: string; podSetAssignments: Array<{ name: string; flavors: Record<string, string>; resourceUsage: Record<string, string> }> };
  }

  async function workloadStatus(namespace: string, name: string): Promise<WorkloadStatus> {
    const object = (await plane.admin.customObjects.getNamespacedCustomObject({ group: 'kueue.x-k8s.io', version: 'v1beta2', namespace, plural: 'workloads', name })) as {
      status?: WorkloadStatus;
    };
    return object.status ?? {};
  }

  const conditions = (status: WorkloadStatus): string[] => (status.conditions ?? []).map((c) => `${c.type}=${c.status} ${c.reason}`).sort();

  test("Kueue's manager admits a workload within the emitted quota and leaves the next one pending; collect reads the queue's usage and pending count", async () => {
    plane.startComponent('kueue-manager', await toolPath('kueue-manager'), [`--kubeconfig=${plane.kubeconfigPath}`]);
    // The ClusterQueue becomes Active once Kueue has read it and its flavors: its manager is running.
    await waitUntil(
      'ClusterQueue ml-cv Active',
      60_000,
      async () => {
        plane.assertRunning();
        const queue = (await kueueObject('clusterqueues', 'ml-cv')) as { status?: { conditions?: Array<{ type: string; status: string }> } };
        return (queue.status?.conditions ?? []).some((c) => c.type === 'Active' && c.status === 'True');
      },
      { intervalMs: 250 },
    );

    // ml-cv: A100 nominal 2 (first flavor), H100 nominal 6 that may borrow 2, but nobody else has H100s to lend.
    // A: 4 GPUs -> not on A100 (2), on H100 (6): admitted. B: 4 more -> H100 has 2 left: pending.
    const create = (body: Record<string, unknown>): Promise<unknown> =>
      plane.admin.customObjects.createNamespacedCustomObject({ group: 'kueue.x-k8s.io', version: 'v1beta2', namespace: 'cv', plural: 'workloads', body });
    await create(workload('cv', 'a', '4'));
    const a = await waitUntil('workload a admitted', 60_000, async () => {
      plane.assertRunning();
      const status = await workloadStatus('cv', 'a');
      return conditions(status).includes('Admitted=True Admitted') ? status : undefined;
    });
    assert.deepEqual(conditions(a), ['Admitted=True Admitted', 'QuotaReserved=True QuotaReserved']);
    assert.equal(a.admission?.clusterQueue, 'ml-cv');
    assert.deepEqual(
      a.admission?.podSetAssignments.map((p) => ({ name: p.name, flavors: p.flavors, resourceUsage: p.resourceUsage })),
      [{ name: 'main', flavors: { 'nvidia.com/gpu': 'nvidia-h100-80gb-hbm3' }, resourceUsage: { 'nvidia.com/gpu': '4' } }],
    );

    await create(workload('cv', 'b', '4'));
    let last: WorkloadStatus = {};
    const b = await waitUntil(
      'workload b considered by the scheduler',
      60_000,
      async () => {
        plane.assertRunning();
        last = await workloadStatus('cv', 'b');
        return (last.conditions ?? []).some((c) => c.type === 'QuotaReserved') ? last : undefined;
      },
      { lastSeen: () => JSON.stringify(last) },
    );
    assert.deepEqual(conditions(b), ['QuotaReserved=False Pending']);
    assert.equal(b.admission, undefined);
    // Kueue's own explanation (pkg/scheduler/flavorassigner, reasons sorted): A100's quota is 2 in all, H100 has 2 left.
    assert.equal(
      b.conditions?.find((c) => c.type === 'QuotaReserved')?.message,
      "couldn't assign flavors to pod set main: " +
        'insufficient quota for nvidia.com/gpu in flavor nvidia-a100-sxm4-80gb, previously considered podsets requests (0) + current podset request (4) > maximum capacity (2), ' +
        'insufficient unused quota for nvidia.com/gpu in flavor nvidia-h100-80gb-hbm3, 2 more needed',
    );

    // Kueue writes the queue's usage and pending count into its status; collect reads them.
    let seen = '';
    await waitUntil(
      'ClusterQueue ml-cv status: 1 admitted, 1 pending',
      60_000,
      async () => {
        const queue = (await kueueObject('clusterqueues', 'ml-cv')) as { status?: { admittedWorkloads?: number; pendingWorkloads?: number } };
        seen = JSON.stringify(queue.status);
        return queue.status?.admittedWorkloads === 1 && queue.status.pendingWorkloads === 1;
      },
      { lastSeen: () => seen },
    );
    await runCollect({ kubeconfig: plane.kubeconfigPath, cluster: 'test', db, quiet: true }, { now: new Date('2026-11-28T06:00:00Z') });
    const inventory = await latestInventory();
    const cv = (inventory.kueueClusterQueues ?? []).find((q) => q.name === 'ml-cv');
    assert.deepEqual([cv?.admittedWorkloads, cv?.pendingWorkloads], [1, 1]);
    assert.deepEqual(
      (cv?.usage ?? []).filter((u) => u.total.nanos !== 0n).map((u) => `${u.flavor} ${u.resource} ${formatQuantity(u.total)} borrowed ${formatQuantity(u.borrowed)}`),
      ['nvidia-h100-80gb-hbm3 nvidia.com/gpu 4 borrowed 0'],
    );
    // As `quotaplan inventory` prints it: GUARANTEE, QUOTA, LIMIT, IN-USE, PENDING.
    assert.deepEqual(
      schedulerQuotaRows(inventory).filter((row) => row[1] === 'ClusterQueue ml-cv'),
      [
        ['kueue', 'ClusterQueue ml-cv', 'ml', 'default-flavor', 'cpu', '8', '16', '24', '0', '1'],
        ['kueue', 'ClusterQueue ml-cv', 'ml', 'default-flavor', 'memory', '-', '0', '-', '0', ''],
        ['kueue', 'ClusterQueue ml-cv', 'ml', 'nvidia-a100-sxm4-80gb', 'nvidia.com/gpu', '2', '2', '-', '0', ''],
        ['kueue', 'ClusterQueue ml-cv', 'ml', 'nvidia-h100-80gb-hbm3', 'nvidia.com/gpu', '-', '6', '8', '4', ''],
      ],
    );
  });

  test("the CRDs' own CEL rules refuse what Kueue does not allow (a borrowing limit without a cohort, a flavor missing a resource)", async () => {
    const api = createApplyApi(loadClusterTarget({ kubeconfig: plane.kubeconfigPath }).config);
    try {
      const queue = (spec: Record<string, unknown>): Record<string, unknown> => ({
        apiVersion: 'kueue.x-k8s.io/v1beta2',
        kind: 'ClusterQueue',
        metadata: { name: 'bad' },
        spec,
      });
      const noCohort = await refusal(
        api.apply(
          { kind: 'ClusterQueue', name: 'bad' },
          queue({ resourceGroups: [{ coveredResources: ['cpu'], flavors: [{ name: 'default-flavor', resources: [{ name: 'cpu', nominalQuota: '1', borrowingLimit: '1' }] }] }] }),
          { dryRun: true, force: false },
        ),
      );
      assert.equal(noCohort.status, 422);
      assert.match(noCohort.message, /borrowingLimit must be nil when cohort is empty/);
      const short = await refusal(
        api.apply(
          { kind: 'ClusterQueue', name: 'bad' },
          queue({
            cohortName: 'ml',
            resourceGroups: [{ coveredResources: ['cpu', 'memory'], flavors: [{ name: 'default-flavor', resources: [{ name: 'cpu', nominalQuota: '1' }] }] }],
          }),
          { dryRun: true, force: false },
        ),
      );
      assert.equal(short.status, 422);
      assert.match(short.message, /flavors must have the same number of resources as the coveredResources/);
    } finally {
      api.close();
    }
  });

  test('apply --target kai on a cluster without the KAI Scheduler CRD is refused by the dry run, nothing applied', async () => {
    const out = output();
    const error = await runApply({ ...flags, target: 'kai', yes: true }, out.io).then(
      () => assert.fail('applied KAI queues without their CRD'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ExternalError);
    assert.match(error.message, /^the server dry run refused 4 objects: KaiQueue data: HTTP 404/);
    assert.match(out.stdout.join(''), /^nothing applied: 0 new, 0 changed, 0 unchanged, 0 in conflict, 4 failed$/m);
  });
});
