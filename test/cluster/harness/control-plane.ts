/**
 * A real control plane for tests and benchmarks: etcd, kube-apiserver and kube-controller-manager on free loopback
 * ports in a temporary folder. One per test file (start in `before`, stop in `after`), never one per test.
 *
 * Choices that differ from a production cluster, and why:
 * - No kubelet or scheduler: pods are bound by `spec.nodeName` at create time; they count for quota all the same.
 * - Admission: ServiceAccount is off (no ServiceAccount controller runs, so pods would wait for a `default` SA);
 *   TaintNodesByCondition is off (it would add `node.kubernetes.io/not-ready` to every seeded node and no node
 *   lifecycle controller runs to remove it). LimitRanger runs before ResourceQuota, as in every cluster.
 * - kube-controller-manager runs only the controllers quota planning depends on, as a `system:masters` member
 *   (with `--use-service-account-credentials=false` every controller uses its identity).
 * - etcd runs with `--unsafe-no-fsync`: the data is thrown away anyway, and fsync dominates seeding time.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1CustomResourceDefinition, V1PolicyRule } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { clusterModuleDir, requireControlPlaneBinaries, type ControlPlaneBinaries } from './binaries.js';
import { connect, writeKubeconfig, type KubeClients } from './clients.js';
import { freeLoopbackPorts, ProcessGroup, type ManagedProcess } from './processes.js';
import { startPodFinalizer } from './pod-finalizer.js';
import { createServiceAccountIdentity, grantClusterRole, readOnlyRules } from './rbac.js';
import { waitUntil } from './wait.js';

export interface ControlPlaneOptions {
  /** Defaults to `$QUOTAPLAN_CLUSTER_BIN` or test/cluster/.bin (building them if Go is available). */
  binaries?: ControlPlaneBinaries;
  /** kube-controller-manager `--resource-quota-sync-period`; default 2s. */
  resourceQuotaSyncPeriod?: string;
  /** Install the Kubeflow Profile CRD (default true). */
  profileCrd?: boolean;
  /**
   * Stand in for the kubelet's last step: delete, with grace period 0, pods marked for deletion (default true).
   * Without it a deleted bound pod stays Terminating for ever, and so does its namespace. See pod-finalizer.ts.
   */
  finalizeDeletedPods?: boolean;
  /** How long to wait for each component to become ready; default 60 000 ms. */
  readyTimeoutMs?: number;
  /** Keep the temp folder (logs, etcd data) after stop(), for debugging. Also `QUOTAPLAN_CLUSTER_KEEP=1`. */
  keepDir?: boolean;
  /**
   * Flags appended to each component's command line (a repeated scalar flag overrides the harness's: the last
   * one wins), e.g. `{ apiServer: ['--max-requests-inflight=800'] }` for a benchmark.
   */
  extraArgs?: { etcd?: string[]; apiServer?: string[]; controllerManager?: string[] };
}

export interface ControlPlaneTimings {
  /** From spawning etcd to kube-apiserver /readyz answering ok. */
  apiServerReadyMs: number;
  /** From spawning etcd to startControlPlane resolving (RBAC, CRD Established, controller-manager healthy). */
  totalMs: number;
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  server: string;
  /** The temporary folder: kubeconfigs, certificates, logs (`<component>.log`), etcd data. */
  dir: string;
  /** CA bundle that verifies the API server's serving certificate. */
  caFile: string;
  /** etcd's client URL (plain HTTP on loopback), e.g. for a test that compacts its history. */
  etcdUrl: string;
  /** Kubeconfig of `quotaplan-admin` (group system:masters). */
  kubeconfigPath: string;
  /** Kubeconfig of `quotaplan-reader`, bound to the ClusterRole `quotaplan:reader` (`readOnlyRules`). */
  readerKubeconfigPath: string;
  timings: ControlPlaneTimings;
  /** etcd, kube-apiserver, kube-controller-manager: pid and log file of each. */
  components: Array<{ name: string; pid: number; logFile: string }>;
  /** Admin API clients (keep-alive); closed by stop(). */
  admin: KubeClients;
  /**
   * A new identity (ServiceAccount `quotaplan-test-identities/<name>` with a bound token) holding exactly `rules`
   * cluster-wide. Returns the path of its kubeconfig.
   */
  createIdentity(name: string, rules: V1PolicyRule[]): Promise<string>;
  /**
   * Starts another component (e.g. a scheduler's manager) in the plane's folder, logging to `<name>.log`; stop()
   * kills it with the rest, assertRunning() checks it too.
   */
  startComponent(name: string, command: string, args: string[]): { pid: number; logFile: string };
  /** Fails with the components' logs if one of them has exited. */
  assertRunning(): void;
  /** The last lines of every component's log. */
  logTails(lines?: number): string;
  /** Kills every process and removes the folder. Idempotent. */
  stop(): Promise<void>;
}

const adminUser = 'quotaplan-admin';
const readerUser = 'quotaplan-reader';
const controllerManagerUser = 'system:kube-controller-manager';
export const readerClusterRole = 'quotaplan:reader';

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = options.binaries ?? (await requireControlPlaneBinaries());
  // Free ports are chosen, released, then bound by the components: another process can take one in between.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binaries, options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 3) throw error;
      process.stderr.write(`[cluster] a port was taken before the control plane bound it; retrying (${error.message.split('\n')[0]})\n`);
    }
  }
}

class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

async function startOnce(binaries: ControlPlaneBinaries, options: ControlPlaneOptions): Promise<ControlPlane> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const keepDir = options.keepDir ?? process.env.QUOTAPLAN_CLUSTER_KEEP === '1';
  const dir = mkdtempSync(join(tmpdir(), 'quotaplan-cluster-'));
  const group = new ProcessGroup(dir);
  const started = performance.now();
  try {
    const [etcdClientPort, etcdPeerPort, apiServerPort, controllerManagerPort] = await freeLoopbackPorts(4);
    const server = `https://127.0.0.1:${apiServerPort}`;
    const tokens = { admin: secret(), reader: secret(), controllerManager: secret() };
    // Static token file: token,user,uid,"group1,group2".
    writeFileSync(
      join(dir, 'tokens.csv'),
      [
        `${tokens.admin},${adminUser},uid-admin,"system:masters"`,
        `${tokens.reader},${readerUser},uid-reader,"quotaplan:readers"`,
        `${tokens.controllerManager},${controllerManagerUser},uid-kcm,"system:masters"`,
      ].join('\n') + '\n',
      { mode: 0o600 },
    );
    const serviceAccountKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(dir, 'sa.key'), serviceAccountKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(dir, 'sa.pub'), serviceAccountKey.publicKey.export({ type: 'spki', format: 'pem' }));

    const etcd = group.start('etcd', binaries.path('etcd'), [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
      ...(options.extraArgs?.etcd ?? []),
    ]);

    // kube-apiserver generates a self-signed CA + serving certificate for 127.0.0.1 into --cert-dir at start;
    // the file holds the serving certificate followed by its CA, so it doubles as the client's CA bundle.
    const certDir = join(dir, 'pki');
    const caFile = join(certDir, 'apiserver.crt');
    const apiServer = group.start('kube-apiserver', binaries.path('kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiServerPort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--anonymous-auth=false',
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ResourceQuota,NodeRestriction',
      '--disable-admission-plugins=ServiceAccount,TaintNodesByCondition',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      '--v=0',
      ...(options.extraArgs?.apiServer ?? []),
    ]);

    await waitUntil('etcd /health', readyTimeoutMs, async () => {
      assertAlive([etcd]);
      const health = await getText(`http://127.0.0.1:${etcdClientPort}/health`);
      return health?.status === 200 && health.body.includes('"health":"true"');
    });
    await waitUntil('kube-apiserver /readyz', readyTimeoutMs, async () => {
      assertAlive([etcd, apiServer]);
      if (!existsSync(caFile)) return false;
      const ready = await getText(`${server}/readyz`, { ca: readFileSync(caFile), token: tokens.admin });
      return ready?.status === 200;
    });
    const apiServerReadyMs = performance.now() - started;

    const kubeconfigPath = writeKubeconfig({ path: join(dir, 'admin.kubeconfig'), server, caFile, user: adminUser, token: tokens.admin });
    const readerKubeconfigPath = writeKubeconfig({
      path: join(dir, 'reader.kubeconfig'),
      server,
      caFile,
      user: readerUser,
      token: tokens.reader,
    });
    const controllerManagerKubeconfig = writeKubeconfig({
      path: join(dir, 'kube-controller-manager.kubeconfig'),
      server,
      caFile,
      user: controllerManagerUser,
      token: tokens.controllerManager,
    });

    const controllerManager = group.start('kube-controller-manager', binaries.path('kube-controller-manager'), [
      `--kubeconfig=${controllerManagerKubeconfig}`,
      `--authentication-kubeconfig=${controllerManagerKubeconfig}`,
      `--authorization-kubeconfig=${controllerManagerKubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${controllerManagerPort}`,
      `--cert-dir=${join(dir, 'pki-kcm')}`,
      '--controllers=resourcequota-controller,namespace-controller,garbage-collector-controller',
      '--leader-elect=false',
      '--use-service-account-credentials=false',
      `--resource-quota-sync-period=${options.resourceQuotaSyncPeriod ?? '2s'}`,
      '--concurrent-resource-quota-syncs=10',
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      '--v=0',
      ...(options.extraArgs?.controllerManager ?? []),
    ]);

    const admin = connect(kubeconfigPath);
    const bootstrap = [
      grantClusterRole(admin, { name: readerClusterRole, rules: readOnlyRules, subject: { kind: 'User', name: readerUser } }),
      options.profileCrd === false ? Promise.resolve() : installProfileCrd(admin, readyTimeoutMs),
      waitUntil('kube-controller-manager /healthz', readyTimeoutMs, async () => {
        assertAlive([etcd, apiServer, controllerManager]);
        const health = await getText(`https://127.0.0.1:${controllerManagerPort}/healthz`, { insecure: true });
        return health?.status === 200;
      }),
    ];
    await Promise.all(bootstrap);
    const podFinalizer =
      options.finalizeDeletedPods === false
        ? undefined
        : startPodFinalizer(admin, { onError: (error) => process.stderr.write(`[cluster] pod finalizer: ${error.message}\n`) });
    const totalMs = performance.now() - started;

    const components = [etcd, apiServer, controllerManager];
    return {
      server,
      dir,
      caFile,
      etcdUrl: `http://127.0.0.1:${etcdClientPort}`,
      kubeconfigPath,
      readerKubeconfigPath,
      timings: { apiServerReadyMs: Math.round(apiServerReadyMs), totalMs: Math.round(totalMs) },
      components: components.map((p) => ({ name: p.name, pid: p.child.pid ?? -1, logFile: p.logFile })),
      admin,
      createIdentity: async (name, rules) => {
        const token = await createServiceAccountIdentity(admin, { name, rules });
        return writeKubeconfig({ path: join(dir, `${name}.kubeconfig`), server, caFile, user: name, token });
      },
      startComponent: (name, command, args) => {
        const started = group.start(name, command, args);
        components.push(started);
        return { pid: started.child.pid ?? -1, logFile: started.logFile };
      },
      assertRunning: () => assertAlive(components, group),
      logTails: (lines) => group.logTails(lines),
      stop: async () => {
        podFinalizer?.stop();
        admin.close();
        await group.stop({ keepDir });
      },
    };
  } catch (error) {
    const logs = group.logTails();
    const message = `control plane in ${dir} failed to start: ${(error as Error).message}\n${logs}`;
    await group.stop({ keepDir });
    if (/address already in use/.test(logs)) throw new PortTakenError(message, { cause: error });
    process.stderr.write(`${message}\n`);
    throw new Error(message, { cause: error });
  }
}

/** Creates the Kubeflow Profile CRD from test/cluster/crds/profile.yaml and waits until it is Established. */
export async function installProfileCrd(admin: KubeClients, timeoutMs: number): Promise<void> {
  const crd = parse(readFileSync(join(clusterModuleDir, 'crds', 'profile.yaml'), 'utf8')) as V1CustomResourceDefinition;
  const name = crd.metadata?.name ?? 'profiles.kubeflow.org';
  await admin.apiextensions.createCustomResourceDefinition({ body: crd });
  await waitUntil(`CRD ${name} Established`, timeoutMs, async () => {
    const current = await admin.apiextensions.readCustomResourceDefinition({ name });
    return (current.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
  });
}

/** Throws when one of `processes` has ended; with `group`, the message carries every component's log tail. */
function assertAlive(processes: ManagedProcess[], group?: ProcessGroup): void {
  const dead = processes.filter((p) => p.exit !== undefined);
  if (dead.length > 0) {
    const ended = dead.map((p) => `${p.name} ended (${p.exit})`).join('; ');
    throw new Error(group ? `${ended}\n${group.logTails()}` : ended);
  }
}

function secret(): string {
  return randomBytes(24).toString('hex');
}

/** GET returning status and body, or undefined when the connection fails (component not listening yet). */
function getText(
  url: string,
  options: { ca?: Buffer; token?: string; insecure?: boolean } = {},
): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const parsed = new URL(url);
    const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'GET',
        timeout: 2000,
        ...(parsed.protocol === 'https:' ? { ca: options.ca, rejectUnauthorized: !options.insecure } : {}),
        headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
