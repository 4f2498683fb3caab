import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PatchStrategy, setHeaderOptions, type V1PolicyRule } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import { collectLive, type LiveCollection } from '../../src/collect/live.js';
import { loadClusterTarget, serviceAccountTokenPath } from '../../src/collect/kubeconfig.js';
import { collectorRules } from '../../src/collect/permissions.js';
import { renderRbac } from '../../src/commands/rbac.js';
import { WatchCollector } from '../../src/collect/watch.js';
import { ExternalError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { withPriorityClasses } from '../support/priority-class-kind.js';
import { clusterNodes, clusterWorkloads } from './collect-cluster.js';
import {
  connect,
  controlPlaneSuiteOptions,
  identityNamespace,
  installProfileCrd,
  seedObjects,
  startControlPlane,
  type ControlPlane,
} from './harness/index.js';

/** The rules of the ClusterRole in `quotaplan rbac` output, exactly as printed. */
function printedRules(flags: { write?: boolean; watch?: boolean }): V1PolicyRule[] {
  const documents = parseAllDocuments(renderRbac(flags)).map((doc) => doc.toJS() as { kind: string; rules?: V1PolicyRule[] });
  const role = documents.find((doc) => doc.kind === 'ClusterRole');
  assert.ok(role?.rules, 'quotaplan rbac prints a ClusterRole with rules');
  return role.rules;
}

async function collectAs(kubeconfig: string): Promise<LiveCollection> {
  return collectLive({ target: loadClusterTarget({ kubeconfig }), pageSize: 5 });
}

describe('the permissions `quotaplan rbac` prints', await controlPlaneSuiteOptions(), () => {
  let plane: ControlPlane;

  before(async () => {
    // No Profile CRD at first: a cluster without Kubeflow is normal for the collector.
    plane = await startControlPlane({ profileCrd: false });
    const withoutProfiles = clusterWorkloads().filter((object) => object.kind !== 'Profile');
    await seedObjects(plane.admin, [...clusterNodes(), ...withoutProfiles]);
  });

  after(async () => {
    await plane?.stop();
  });

  test('the read-only role is enough to collect, and a missing Profile CRD is not an error', async () => {
    const kubeconfig = await plane.createIdentity('collector', printedRules({}));
    const result = await collectAs(kubeconfig);
    assert.equal(result.profilesFound, false);
    assert.deepEqual(result.inventory.profiles, []);
    assert.deepEqual(result.counts, { nodes: 16, namespaces: 9, resourcequotas: 3, limitranges: 1, profiles: 0, deviceclasses: 0, resourceslices: 0, resourceclaims: 0, resourceflavors: 0, cohorts: 0, clusterqueues: 0, 'queues.scheduling.run.ai': 0, 'queues.scheduling.volcano.sh': 0, pods: 9 });
  });

  test('without any one of its rules, collection fails naming the verb and resource that are missing', async () => {
    const rules = printedRules({});
    assert.equal(rules.length, 14);
    for (const [index, removed] of rules.entries()) {
      const resource = removed.resources?.[0] ?? '';
      const group = removed.apiGroups?.[0] ?? '';
      // KAI's and Volcano's resource are both `queues`: the group tells the identities apart.
      const name = `minus-${resource}${group.startsWith('scheduling.') ? `-${group.split('.')[1]}` : ''}`;
      const kubeconfig = await plane.createIdentity(name, rules.filter((_, i) => i !== index));
      const context = `${name}@quotaplan-test`;
      const groupText = group === '' ? '"" (core)' : `"${group}"`;
      await assert.rejects(collectAs(kubeconfig), (error) => {
        assert.ok(error instanceof ExternalError, `an ExternalError without ${resource}`);
        assert.equal(
          error.message,
          `forbidden: the identity of context "${context}" may not list ${resource} (API group ${groupText}) at ${plane.server}: ` +
            `${resource}${group === '' ? '' : `.${group}`} is forbidden: User "system:serviceaccount:${identityNamespace}:${name}" ` +
            `cannot list resource "${resource}" in API group "${group}" at the cluster scope; ` +
            'grant the read-only ClusterRole printed by `quotaplan rbac`',
        );
        return true;
      });
    }
  });

  test('`quotaplan rbac --watch` is enough for collect --watch, whose snapshot equals a fresh collect', async () => {
    const kubeconfig = await plane.createIdentity('watcher', printedRules({ watch: true }));
    const collector = new WatchCollector({ target: loadClusterTarget({ kubeconfig }) });
    try {
      await collector.start();
      // No CRD of Kubeflow or of a scheduler here: those kinds are listed (404) and not watched.
      assert.deepEqual(collector.absent(), ['profiles', 'resourceflavors', 'cohorts', 'clusterqueues', 'queues', 'queues']);
      assert.deepStrictEqual(await collector.snapshot(), (await collectAs(kubeconfig)).inventory);
    } finally {
      await collector.stop();
    }
  });

  test('collect --watch without `watch` on a resource it watches fails at start, naming the verb and the role to grant', async () => {
    const rules = printedRules({ watch: true });
    const absent = new Set(['profiles', 'resourceflavors', 'cohorts', 'clusterqueues', 'queues']);
    const refused: string[] = [];
    for (const [index, rule] of rules.entries()) {
      const resource = rule.resources?.[0] ?? '';
      const group = rule.apiGroups?.[0] ?? '';
      const name = `unwatched-${resource}${group.startsWith('scheduling.') ? `-${group.split('.')[1]}` : ''}`;
      const kubeconfig = await plane.createIdentity(name, rules.map((r, i) => (i === index ? { ...r, verbs: ['list'] } : r)));
      const collector = new WatchCollector({ target: loadClusterTarget({ kubeconfig }) });
      try {
        if (absent.has(resource)) {
          // A kind whose CRD is absent is never watched: its missing `watch` shows only once the CRD appears.
          await collector.start();
          continue;
        }
        const groupText = group === '' ? '"" (core)' : `"${group}"`;
        await assert.rejects(collector.start(), (error) => {
          assert.ok(error instanceof ExternalError, `an ExternalError without watch on ${resource}`);
          assert.equal(
            error.message,
            `forbidden: the identity of context "${name}@quotaplan-test" may not watch ${resource} (API group ${groupText}) at ${plane.server}: ` +
              `${resource}${group === '' ? '' : `.${group}`} is forbidden: User "system:serviceaccount:${identityNamespace}:${name}" ` +
              `cannot watch resource "${resource}" in API group "${group}" at the cluster scope; ` +
              'grant the read-only ClusterRole printed by `quotaplan rbac --watch`',
          );
          return true;
        });
        refused.push(resource);
      } finally {
        await collector.stop();
      }
    }
    assert.deepEqual(refused, ['nodes', 'namespaces', 'resourcequotas', 'limitranges', 'deviceclasses', 'resourceslices', 'resourceclaims', 'pods']);

    // The CLI with the one-shot role (`list` only): exit 3, that message, and no snapshot stored.
    const listOnly = await plane.createIdentity('list-only-watcher', printedRules({}));
    const db = join(plane.dir, 'list-only-watch.db');
    const run = await runCli(['collect', '--watch', '--every', '1h', '--kubeconfig', listOnly, '--db', db], { cwd: plane.dir });
    assert.equal(run.code, 3, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /may not watch nodes \(API group "" \(core\)\) at .*; grant the read-only ClusterRole printed by `quotaplan rbac --watch`\n$/);
    // Nothing stored: the database is opened only to write a snapshot.
    assert.equal(existsSync(db), false);
  });

  test('a kind added as one module is listed, granted by the role it adds to and kept in the inventory', async () => {
    const rules = collectorRules(withPriorityClasses);
    const kubeconfig = await plane.createIdentity('with-priority-classes', rules);
    const result = await collectLive({ target: loadClusterTarget({ kubeconfig }), pageSize: 5, kinds: withPriorityClasses });
    assert.deepEqual(result.counts, { nodes: 16, namespaces: 9, resourcequotas: 3, limitranges: 1, profiles: 0, deviceclasses: 0, resourceslices: 0, resourceclaims: 0, resourceflavors: 0, cohorts: 0, clusterqueues: 0, 'queues.scheduling.run.ai': 0, 'queues.scheduling.volcano.sh': 0, priorityclasses: 2, pods: 9 });
    // The two kube-apiserver creates at start (pkg/apis/scheduling: SystemCriticalPriority = 2e9, node-critical + 1000).
    assert.deepEqual((result.inventory as unknown as { priorityClasses: unknown }).priorityClasses, [
      { name: 'system-cluster-critical', value: 2_000_000_000, globalDefault: false },
      { name: 'system-node-critical', value: 2_000_001_000, globalDefault: false },
    ]);
    const withoutIt = await plane.createIdentity('without-priority-classes', rules.filter((rule) => rule.resources[0] !== 'priorityclasses'));
    await assert.rejects(collectLive({ target: loadClusterTarget({ kubeconfig: withoutIt }), pageSize: 5, kinds: withPriorityClasses }), {
      name: 'ExternalError',
      message: /may not list priorityclasses \(API group "scheduling\.k8s\.io"\)/,
    });
  });

  test('inside a pod, the service account (token, CA, KUBERNETES_SERVICE_HOST/PORT) is used when there is no kubeconfig', async () => {
    const kubeconfig = await plane.createIdentity('in-cluster', printedRules({}));
    const token = (parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: { token: string } }[] }).users[0]!.user.token;
    // What the kubelet mounts, under a prefix.
    const prefix = join(plane.dir, 'pod-root');
    const folder = join(prefix, serviceAccountTokenPath, '..');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'token'), token);
    copyFileSync(plane.caFile, join(folder, 'ca.crt'));
    writeFileSync(join(folder, 'namespace'), identityNamespace);
    const port = new URL(plane.server).port;
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = port;
    try {
      const target = loadClusterTarget({
        env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port },
        home: join(plane.dir, 'no-home'),
        serviceAccountPrefix: prefix,
      });
      assert.deepEqual([target.source, target.context, target.server], ['in-cluster service account', 'inClusterContext', plane.server]);
      const result = await collectLive({ target, pageSize: 5 });
      assert.equal(result.counts.nodes, 16);
    } finally {
      for (const [name, value] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('an unknown token is a 401 naming the server and the context', async () => {
    const kubeconfig = join(plane.dir, 'bad-token.kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: plane.server, 'certificate-authority': plane.caFile } }],
        users: [{ name: 'u', user: { token: 'not-a-token-the-cluster-knows' } }],
        contexts: [{ name: 'stale', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'stale',
      }),
    );
    await assert.rejects(collectAs(kubeconfig), {
      name: 'ExternalError',
      message:
        `the API server at ${plane.server} rejected the credentials of context "stale" (HTTP 401 Unauthorized): Unauthorized; ` +
        'the token or client certificate is missing, expired or unknown to the cluster',
    });
  });

  test('the write role allows server-side apply of quotas and limit ranges and a merge patch of Profiles', async () => {
    await installProfileCrd(plane.admin, 30_000);
    await plane.admin.customObjects.createClusterCustomObject({
      group: 'kubeflow.org',
      version: 'v1',
      plural: 'profiles',
      body: { apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: 'team-research' }, spec: { owner: { kind: 'User', name: 'alice' } } },
    });
    const writer = connect(await plane.createIdentity('applier', printedRules({ write: true })));
    const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    try {
      const quota = await writer.core.patchNamespacedResourceQuota(
        {
          name: 'quotaplan',
          namespace: 'team-research',
          fieldManager: 'quotaplan',
          body: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quotaplan' }, spec: { hard: { 'requests.amd.com/gpu': '2' } } },
        },
        apply,
      );
      assert.deepEqual(quota.spec?.hard, { 'requests.amd.com/gpu': '2' });
      const limitRange = await writer.core.patchNamespacedLimitRange(
        {
          name: 'quotaplan',
          namespace: 'team-research',
          fieldManager: 'quotaplan',
          body: {
            apiVersion: 'v1',
            kind: 'LimitRange',
            metadata: { name: 'quotaplan' },
            spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '250m' }, default: { cpu: '1' } }] },
          },
        },
        apply,
      );
      assert.equal(limitRange.metadata?.name, 'quotaplan');
      const profile = (await writer.customObjects.patchClusterCustomObject(
        {
          group: 'kubeflow.org',
          version: 'v1',
          plural: 'profiles',
          name: 'team-research',
          body: { spec: { resourceQuotaSpec: { hard: { 'requests.amd.com/gpu': '2' } } } },
        },
        merge,
      )) as { spec: { resourceQuotaSpec: { hard: Record<string, string> } } };
      assert.deepEqual(profile.spec.resourceQuotaSpec.hard, { 'requests.amd.com/gpu': '2' });
    } finally {
      writer.close();
    }
  });

  test('the write role needs `create`: server-side apply of a new quota is forbidden without it', async () => {
    const withoutCreate = printedRules({ write: true }).map((rule) => ({ ...rule, verbs: rule.verbs.filter((verb) => verb !== 'create') }));
    const writer = connect(await plane.createIdentity('applier-without-create', withoutCreate));
    try {
      await assert.rejects(
        writer.core.patchNamespacedResourceQuota(
          {
            name: 'brand-new',
            namespace: 'team-vision',
            fieldManager: 'quotaplan',
            body: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'brand-new' }, spec: { hard: { pods: '5' } } },
          },
          setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
        ),
        (error) => (error as { code?: number }).code === 403,
      );
    } finally {
      writer.close();
    }
  });
});
