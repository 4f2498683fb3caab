/**
 * The Helm chart (deploy/helm/quotaplan) against the real API server: Helm built from its Go module renders and
 * lints it; every rendered object is server-side applied with strict field validation, so Kubernetes itself checks
 * every field of every template branch. Then the collector runs exactly as the CronJob runs it (its arguments are
 * read from the rendered CronJob), in-cluster, with a token the API server issued for the chart's ServiceAccount:
 * the chart's ClusterRole must be enough, and the token must be refused everything the collector does not need.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { inClusterRootVariable, serviceAccountTokenPath } from '../../src/collect/kubeconfig.js';
import { printedCollectorRules } from '../../scripts/chart-rbac.js';
import { CLI_BIN, cliEnvironment, ensureBuilt, REPO_ROOT, runCli } from '../support/cli.js';
import { waitUntil } from './harness/wait.js';
import { clusterNodes, clusterWorkloads } from './collect-cluster.js';
import {
  connect,
  controlPlaneSuiteOptions,
  seedObjects,
  startControlPlane,
  toolPath,
  toolSuiteOptions,
  writeKubeconfig,
  type ControlPlane,
  type KubeClients,
} from './harness/index.js';

const exec = promisify(execFile);
const CHART = join(REPO_ROOT, 'deploy/helm/quotaplan');
const NAMESPACE = 'quotaplan-system';
const WATCHING_NAMESPACE = 'quotaplan-watching';

interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
}

/** Every value the templates branch on, set away from its default. */
const everythingSet = {
  image: { repository: 'registry.example/quotaplan', digest: `sha256:${'a'.repeat(64)}`, pullPolicy: 'Always' },
  imagePullSecrets: [{ name: 'registry' }],
  clusterName: 'prod east',
  collector: {
    schedule: '*/15 * * * *',
    timeZone: 'Europe/Berlin',
    extraArgs: ['--page-size', '500'],
    serviceAccount: { annotations: { 'iam.example/role': 'collector' } },
    podAnnotations: { 'example/scrape': 'false' },
  },
  dashboard: {
    token: { existingSecret: 'quotaplan-write-token', key: 'write-token' },
    trustedAuthHeader: 'X-Forwarded-User',
    service: { type: 'NodePort', port: 8080, annotations: { 'example/lb': 'internal' } },
    podAnnotations: { 'example/team': 'platform' },
  },
  persistence: { existingClaim: 'quotaplan-db', keepOnUninstall: false },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'tools', effect: 'NoSchedule' }],
};

/** The watching collector (a Deployment running `collect --watch`) instead of the CronJob. */
const watchingSet = {
  collector: {
    extraArgs: ['--encoding', 'json'],
    watch: { enabled: true, every: '15m', terminationGracePeriodSeconds: 90, resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } } },
  },
};

interface CollectorDeployment extends RenderedObject {
  spec: {
    replicas: number;
    strategy: unknown;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken: boolean;
        terminationGracePeriodSeconds: number;
        affinity?: unknown;
        containers: { name: string; args: string[]; resources: unknown; [field: string]: unknown }[];
      };
    };
  };
}

async function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(await toolPath('helm'), args, { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, HELM_CACHE_HOME: helmHome, HELM_CONFIG_HOME: helmHome, HELM_DATA_HOME: helmHome } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let helmHome: string;

/** `helm template` of the chart with `values` (a file), as objects. */
async function render(release: string, namespace: string, values: object = {}): Promise<RenderedObject[]> {
  const file = join(helmHome, `${release}-values.yaml`);
  writeFileSync(file, stringify(values));
  const rendered = await helm(['template', release, CHART, '--namespace', namespace, '--values', file]);
  assert.equal(rendered.code, 0, rendered.stderr);
  return parseAllDocuments(rendered.stdout)
    .map((document) => document.toJS() as RenderedObject | null)
    .filter((object): object is RenderedObject => object !== null);
}

/** The API path of an object of the kinds the chart renders (a new kind must be added here: nothing is skipped). */
function objectPath(object: RenderedObject): string {
  const { name, namespace } = object.metadata;
  const namespaced = (prefix: string, plural: string): string => `${prefix}/namespaces/${namespace}/${plural}/${name}`;
  switch (object.kind) {
    case 'ServiceAccount':
      return namespaced('/api/v1', 'serviceaccounts');
    case 'Secret':
      return namespaced('/api/v1', 'secrets');
    case 'PersistentVolumeClaim':
      return namespaced('/api/v1', 'persistentvolumeclaims');
    case 'Service':
      return namespaced('/api/v1', 'services');
    case 'Deployment':
      return namespaced('/apis/apps/v1', 'deployments');
    case 'CronJob':
      return namespaced('/apis/batch/v1', 'cronjobs');
    case 'ClusterRole':
      return `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`;
    case 'ClusterRoleBinding':
      return `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}`;
    default:
      throw new Error(`the chart renders a ${object.kind}: add its API path to objectPath()`);
  }
}

/** Server-side apply with strict field validation: an unknown or misplaced field is an error, not dropped. */
async function serverSideApply(clients: KubeClients, object: RenderedObject): Promise<{ status: number; body: string }> {
  return clients.request(`${objectPath(object)}?fieldManager=quotaplan-chart-test&fieldValidation=Strict&force=true`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/apply-patch+yaml' },
    body: JSON.stringify(object),
  });
}

function sortedRules(rules: PolicyRule[]): string[] {
  return rules.map((rule) => JSON.stringify([rule.apiGroups ?? [], [...(rule.resources ?? [])].sort(), [...rule.verbs].sort()])).sort();
}

const helmSuite = await toolSuiteOptions('helm');
const planeSuite = await controlPlaneSuiteOptions();

describe('the Helm chart', helmSuite, () => {
  before(() => {
    helmHome = mkdtempSync(join(tmpdir(), 'quotaplan-helm-'));
  });
  after(() => rmSync(helmHome, { recursive: true, force: true }));

  test('helm lint --strict passes with the default values, with every value set and with the watching collector', async () => {
    const values = join(helmHome, 'lint-values.yaml');
    writeFileSync(values, stringify(everythingSet));
    const watching = join(helmHome, 'lint-watching.yaml');
    writeFileSync(watching, stringify(watchingSet));
    for (const args of [[], ['--values', values], ['--values', watching]]) {
      const lint = await helm(['lint', '--strict', CHART, ...args]);
      assert.equal(lint.code, 0, `${lint.stdout}${lint.stderr}`);
      assert.match(lint.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  test('values.schema.json refuses values the templates cannot use, naming the value', async () => {
    const port = await helm(['template', 'bad', CHART, '--set', 'dashboard.port=80']);
    assert.notEqual(port.code, 0);
    assert.match(port.stderr, /dashboard\.port|\/dashboard\/port/);
    assert.match(port.stderr, /minimum/);
    const typo = await helm(['template', 'bad', CHART, '--set', 'collector.shedule=@daily']);
    assert.notEqual(typo.code, 0);
    assert.match(typo.stderr, /shedule/);
    const every = await helm(['template', 'bad', CHART, '--set', 'collector.watch.every=90min']);
    assert.notEqual(every.code, 0);
    assert.match(every.stderr, /collector\.watch\.every|\/collector\/watch\/every/);
  });

  test('collector.watch.enabled: a watching Deployment instead of the CronJob, and `watch` in the ClusterRole', async () => {
    const objects = await render('w', NAMESPACE, watchingSet);
    assert.deepEqual(objects.map((object) => `${object.kind} ${object.metadata.name}`).sort(), [
      'ClusterRole w-quotaplan-collector',
      'ClusterRoleBinding w-quotaplan-collector',
      'Deployment w-quotaplan-collector',
      'Deployment w-quotaplan-dashboard',
      'PersistentVolumeClaim w-quotaplan-data',
      'Secret w-quotaplan-token',
      'Service w-quotaplan-dashboard',
      'ServiceAccount w-quotaplan-collector',
      'ServiceAccount w-quotaplan-dashboard',
    ]);
    const role = objects.find((object) => object.kind === 'ClusterRole') as RenderedObject & { rules: PolicyRule[] };
    assert.deepEqual(role.rules, printedCollectorRules({ watch: true }));
    const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'w-quotaplan-collector') as CollectorDeployment;
    assert.equal(deployment.metadata.namespace, NAMESPACE);
    assert.equal(deployment.spec.replicas, 1);
    assert.deepEqual(deployment.spec.strategy, { type: 'Recreate' });
    assert.deepEqual(deployment.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'quotaplan', 'app.kubernetes.io/instance': 'w', 'app.kubernetes.io/component': 'collector' });
    const pod = deployment.spec.template.spec;
    assert.deepEqual(deployment.spec.template.metadata.labels, deployment.spec.selector.matchLabels);
    assert.deepEqual([pod.serviceAccountName, pod.automountServiceAccountToken, pod.terminationGracePeriodSeconds], ['w-quotaplan-collector', true, 90]);
    assert.deepEqual(pod.affinity, {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'quotaplan', 'app.kubernetes.io/instance': 'w', 'app.kubernetes.io/component': 'dashboard' } } },
        ],
      },
    });
    assert.equal(pod.containers.length, 1);
    const [container] = pod.containers;
    assert.deepEqual(container?.args, ['collect', '--watch', '--every', '15m', '--in-cluster', '--cluster', 'in-cluster', '--db', '/data/quotaplan.db', '--encoding', 'json']);
    assert.deepEqual(container?.resources, { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
    // It serves no HTTP: no probes (a watch that keeps failing ends the process, and the kubelet restarts it).
    assert.deepEqual(Object.keys(container ?? {}).filter((field) => field.endsWith('Probe')), []);
    // Without the dashboard it runs anywhere.
    const alone = await render('w', NAMESPACE, { ...watchingSet, dashboard: { enabled: false } });
    const aloneDeployment = alone.find((object) => object.kind === 'Deployment') as CollectorDeployment;
    assert.equal(aloneDeployment.metadata.name, 'w-quotaplan-collector');
    assert.equal(aloneDeployment.spec.template.spec.affinity, undefined);
    // The default stays the CronJob, with `list` only.
    const defaults = await render('d', NAMESPACE);
    assert.deepEqual(defaults.filter((object) => object.kind === 'CronJob' || object.kind === 'Deployment').map((object) => `${object.kind} ${object.metadata.name}`), ['Deployment d-quotaplan-dashboard', 'CronJob d-quotaplan-collector']);
    assert.deepEqual((defaults.find((object) => object.kind === 'ClusterRole') as RenderedObject & { rules: PolicyRule[] }).rules, printedCollectorRules());
  });

  test("the ClusterRole grants exactly the rules `quotaplan rbac` prints, to the collector's ServiceAccount only", async () => {
    const objects = await render('qp', NAMESPACE);
    const role = objects.find((object) => object.kind === 'ClusterRole') as RenderedObject & { rules: PolicyRule[] };
    assert.deepEqual(role.rules, printedCollectorRules());
    const binding = objects.find((object) => object.kind === 'ClusterRoleBinding') as RenderedObject & { subjects: unknown[]; roleRef: unknown };
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'qp-quotaplan-collector', namespace: NAMESPACE }]);
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'qp-quotaplan-collector' });
  });

  describe('in the real API server', planeSuite, () => {
    let plane: ControlPlane;
    let objects: RenderedObject[];
    let everything: RenderedObject[];
    let watching: RenderedObject[];
    /** `kind name: status body` of each server-side apply, in order. */
    const applied: { object: RenderedObject; status: number; body: string }[] = [];

    before(async () => {
      plane = await startControlPlane();
      await seedObjects(plane.admin, [...clusterNodes(), ...clusterWorkloads()]);
      objects = await render('qp', NAMESPACE);
      everything = await render('all', 'quotaplan-everything', everythingSet);
      watching = await render('w', WATCHING_NAMESPACE, watchingSet);
      // helm install --create-namespace would make these; the chart itself does not.
      for (const namespace of [NAMESPACE, 'quotaplan-everything', WATCHING_NAMESPACE]) {
        const created = await plane.admin.request('/api/v1/namespaces', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
        });
        assert.equal(created.status, 201, created.body);
      }
      for (const object of [...objects, ...everything, ...watching]) applied.push({ object, ...(await serverSideApply(plane.admin, object)) });
    });
    after(async () => {
      await plane?.stop();
    });

    test('every rendered object, with the default values, with every value set and with the watching collector, is accepted by server-side apply', async () => {
      assert.deepEqual(objects.map((object) => object.kind).sort(), [
        'ClusterRole',
        'ClusterRoleBinding',
        'CronJob',
        'Deployment',
        'PersistentVolumeClaim',
        'Secret',
        'Service',
        'ServiceAccount',
        'ServiceAccount',
      ]);
      // existingSecret and existingClaim: the chart makes neither.
      assert.deepEqual(everything.map((object) => object.kind).sort(), ['ClusterRole', 'ClusterRoleBinding', 'CronJob', 'Deployment', 'Service', 'ServiceAccount', 'ServiceAccount']);
      assert.equal(watching.length, 9);
      assert.equal(applied.length, objects.length + everything.length + watching.length);
      for (const { object, status, body } of applied) assert.equal(status, 201, `${object.kind} ${object.metadata.name}: ${body}`);
      const cronJob = await plane.admin.request(`/apis/batch/v1/namespaces/quotaplan-everything/cronjobs/all-quotaplan-collector`, { method: 'GET' });
      assert.equal((JSON.parse(cronJob.body) as { spec: { timeZone: string } }).spec.timeZone, 'Europe/Berlin');
    });

    test("the collector runs in-cluster as the CronJob runs it, with a token issued for the chart's ServiceAccount", async () => {
      const cronJob = objects.find((object) => object.kind === 'CronJob') as RenderedObject & {
        spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: string; containers: { args: string[] }[] } } } } };
      };
      const pod = cronJob.spec.jobTemplate.spec.template.spec;
      const token = await tokenFor(plane, pod.serviceAccountName);
      // What the kubelet mounts in the pod, under a folder that stands in for `/`.
      const root = join(plane.dir, 'collector-pod');
      const folder = join(root, serviceAccountTokenPath, '..');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'token'), token);
      copyFileSync(plane.caFile, join(folder, 'ca.crt'));
      writeFileSync(join(folder, 'namespace'), NAMESPACE);
      const db = join(plane.dir, 'collector.db');
      const args = pod.containers[0]!.args.map((arg) => (arg === '/data/quotaplan.db' ? db : arg));
      assert.deepEqual(args, ['collect', '--in-cluster', '--cluster', 'in-cluster', '--db', db, '--quiet']);
      const run = await runCli(args, {
        cwd: plane.dir,
        env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(plane.server).port, [inClusterRootVariable]: root, KUBECONFIG: join(root, 'ignored') },
      });
      assert.equal(run.code, 0, run.stderr);
      // --quiet drops progress, not the inventory's warnings: a CronJob's log is where an operator reads them.
      const warnings = run.stderr.split('\n').filter((line) => line !== '');
      for (const line of warnings) assert.match(line, /^warning: /);
      // What the API server holds, counted with the admin's rights.
      const count = async (path: string): Promise<number> => (JSON.parse((await plane.admin.request(path, { method: 'GET' })).body) as { items: unknown[] }).items.length;
      const [nodes, namespaces, pods] = [await count('/api/v1/nodes'), await count('/api/v1/namespaces'), await count('/api/v1/pods?fieldSelector=status.phase!%3DSucceeded,status.phase!%3DFailed')];
      assert.match(run.stdout, new RegExp(`^snapshot 1 of cluster in-cluster taken at \\S+: ${nodes} nodes, ${namespaces} namespaces, ${pods} pods, ${warnings.length} warnings\n$`));
    });

    test("the watching collector runs in-cluster as its Deployment runs it, with a token for its ServiceAccount, and stops on SIGTERM", async () => {
      const deployment = watching.find((object) => object.kind === 'Deployment' && object.metadata.name === 'w-quotaplan-collector') as CollectorDeployment;
      const pod = deployment.spec.template.spec;
      const token = await tokenFor(plane, pod.serviceAccountName, WATCHING_NAMESPACE);
      const root = join(plane.dir, 'watching-collector-pod');
      const folder = join(root, serviceAccountTokenPath, '..');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'token'), token);
      copyFileSync(plane.caFile, join(folder, 'ca.crt'));
      writeFileSync(join(folder, 'namespace'), WATCHING_NAMESPACE);
      const db = join(plane.dir, 'watching-collector.db');
      const args = pod.containers[0]!.args.map((arg) => (arg === '/data/quotaplan.db' ? db : arg));
      ensureBuilt();
      const child = spawn(process.execPath, [CLI_BIN, ...args], {
        cwd: plane.dir,
        env: cliEnvironment({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(plane.server).port, [inClusterRootVariable]: root, KUBECONFIG: join(root, 'ignored') }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const exited = once(child, 'exit');
      await waitUntil('the first snapshot line', 60_000, async () => stdout.includes('\n') || child.exitCode !== null, { lastSeen: () => `${stdout} / ${stderr}` });
      child.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      assert.deepEqual([code, signal], [0, null], stderr);
      const count = async (path: string): Promise<number> => (JSON.parse((await plane.admin.request(path, { method: 'GET' })).body) as { items: unknown[] }).items.length;
      const [nodes, namespaces, pods] = [await count('/api/v1/nodes'), await count('/api/v1/namespaces'), await count('/api/v1/pods?fieldSelector=status.phase!%3DSucceeded,status.phase!%3DFailed')];
      // The first snapshot's warnings, one line each (later ones only when they change), then the peak memory line.
      const lines = stderr.split('\n').filter((line) => line !== '');
      const warnings = lines.slice(0, -1);
      for (const line of warnings) assert.match(line, /^warning: /);
      assert.match(lines.at(-1) ?? '', /^collect --watch: ended after 1 snapshot; peak memory: rss \d+\.\d MiB /);
      assert.match(stdout, new RegExp(`^snapshot 1 of cluster in-cluster taken at \\S+: ${nodes} nodes, ${namespaces} namespaces, ${pods} pods, ${warnings.length} warnings; memory: rss \\S+ MiB, heap \\S+ MiB\n$`));
      // Its token may list and watch what it reads, and nothing else.
      const clients = connect(writeKubeconfig({ path: join(plane.dir, 'watching-collector.kubeconfig'), server: plane.server, caFile: plane.caFile, user: 'watching-collector', token }));
      try {
        assert.deepEqual(sortedRules(await rulesOf(clients)), sortedRules([...(printedCollectorRules({ watch: true }) as PolicyRule[]), ...selfReviews]));
      } finally {
        clients.close();
      }
    });

    test("the collector's token is refused everything the collector does not need", async () => {
      const token = await tokenFor(plane, 'qp-quotaplan-collector');
      const clients = connect(writeKubeconfig({ path: join(plane.dir, 'collector.kubeconfig'), server: plane.server, caFile: plane.caFile, user: 'collector', token }));
      try {
        const refused: [string, string, string?][] = [
          ['GET', '/api/v1/secrets'],
          ['GET', `/api/v1/namespaces/${NAMESPACE}/secrets/qp-quotaplan-token`],
          ['GET', '/api/v1/configmaps'],
          ['GET', '/api/v1/nodes/h100-1'],
          ['GET', '/api/v1/pods?watch=true'],
          ['GET', '/apis/apps/v1/deployments'],
          ['POST', '/api/v1/namespaces/default/resourcequotas', JSON.stringify({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'x' }, spec: { hard: { pods: '1' } } })],
          ['DELETE', '/api/v1/namespaces/default/pods'],
          ['POST', '/api/v1/namespaces/default/serviceaccounts/default/token', JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} })],
        ];
        for (const [method, path, body] of refused) {
          const answer = await clients.request(path, { method, ...(body === undefined ? {} : { body, headers: { 'Content-Type': 'application/json' } }) });
          assert.equal(answer.status, 403, `${method} ${path}: ${answer.body}`);
        }
        // Everything the token may do, as the API server's authorizer sees it: the chart's rules and the self-reviews
        // every authenticated identity has (system:basic-user), nothing else.
        assert.deepEqual(sortedRules(await rulesOf(clients)), sortedRules([...(printedCollectorRules() as PolicyRule[]), ...selfReviews]));
      } finally {
        clients.close();
      }
    });
  });
});

/** The self-reviews every authenticated identity may create (system:basic-user). */
const selfReviews: PolicyRule[] = [
  { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
  { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
];

/** Everything an identity may do, as the API server's authorizer sees it (SelfSubjectRulesReview). */
async function rulesOf(clients: KubeClients): Promise<PolicyRule[]> {
  const review = await clients.request('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } }),
  });
  assert.equal(review.status, 201, review.body);
  const { status } = JSON.parse(review.body) as { status: { resourceRules: PolicyRule[]; incomplete: boolean } };
  assert.equal(status.incomplete, false);
  return status.resourceRules;
}

/** A token the API server issues for the chart's ServiceAccount (TokenRequest), as the kubelet asks for one. */
async function tokenFor(plane: ControlPlane, serviceAccount: string, namespace = NAMESPACE): Promise<string> {
  const answer = await plane.admin.request(`/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } }),
  });
  assert.equal(answer.status, 201, answer.body);
  return (JSON.parse(answer.body) as { status: { token: string } }).status.token;
}
