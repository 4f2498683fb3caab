/**
 * Seeding a control plane with a synthetic or dumped cluster, fast enough for thousands of objects.
 *
 * Objects go in phases so every dependency exists before it is needed and no admission rule fires that did not
 * fire in the cluster the dump came from:
 *   1. Namespaces, Nodes, Profiles and other cluster-scoped objects;
 *   2. Pods (bound by `spec.nodeName`), then their status (phase) through the status subresource;
 *   3. LimitRanges and ResourceQuotas last: a dumped pod already carries its LimitRange defaults, and a quota
 *      created before its pods would reject them until the quota controller first fills `status`.
 * Within a phase up to `concurrency` requests are in flight over keep-alive connections.
 *
 * Server-owned metadata (uid, resourceVersion, managedFields, ...) is dropped; so are ownerReferences (the garbage
 * collector would delete a pod whose owner ReplicaSet is not in the dump) and finalizers (they would block
 * teardown). A ResourceQuota's status is left to kube-controller-manager, which recomputes it.
 */
import { readFileSync } from 'node:fs';
import {
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
  type V1LimitRange,
  type V1Namespace,
  type V1Node,
  type V1Pod,
  type V1ResourceQuota,
} from '@kubernetes/client-node';
import type { KubeClients } from './clients.js';

export interface SeedOptions {
  /** Requests in flight at once; default 32. */
  concurrency?: number;
}

export interface SeedReport {
  objects: number;
  /** HTTP requests made (creates plus status writes). */
  requests: number;
  ms: number;
  objectsPerSecond: number;
  /** Objects per kind, keys sorted. */
  byKind: Record<string, number>;
}

type AnyObject = KubernetesObject & { spec?: unknown; status?: Record<string, unknown> };

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Creates `objects` in dependency order; fails with the first error, naming the object. */
export async function seedObjects(clients: KubeClients, objects: KubernetesObject[], options: SeedOptions = {}): Promise<SeedReport> {
  const started = performance.now();
  const concurrency = options.concurrency ?? 32;
  const counter = { requests: 0 };
  const byKind: Record<string, number> = {};
  const phases: AnyObject[][] = [[], [], []];
  for (const raw of objects) {
    const object = withoutServerFields(raw as AnyObject);
    const kind = object.kind ?? '(no kind)';
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const phase = kind === 'Pod' ? 1 : object.metadata?.namespace !== undefined && kind !== 'Namespace' ? 2 : 0;
    phases[phase]!.push(object);
  }
  let generic: KubernetesObjectApi | undefined;
  for (const phase of phases) {
    await forEachLimited(phase, concurrency, async (object) => {
      try {
        await createOne(clients, object, counter, () => (generic ??= KubernetesObjectApi.makeApiClient(clients.kubeConfig)));
      } catch (error) {
        throw new Error(`seeding ${describe(object)}: ${apiErrorMessage(error)}`, { cause: error });
      }
    });
  }
  const ms = performance.now() - started;
  return {
    objects: objects.length,
    requests: counter.requests,
    ms: Math.round(ms),
    objectsPerSecond: Math.round((objects.length / ms) * 1000),
    byKind: Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

/**
 * Seeds a `kubectl get -o json` List (a parsed object, its JSON text, or a path to a .json file), e.g.
 * `/work/shared/fixtures/cluster-mixed-gpu.json`.
 */
export async function seedDump(clients: KubeClients, dump: unknown, options: SeedOptions = {}): Promise<SeedReport> {
  let list = dump;
  let source = 'dump';
  if (typeof dump === 'string') {
    const looksLikeJson = dump.trimStart().startsWith('{');
    source = looksLikeJson ? 'dump text' : dump;
    list = JSON.parse(looksLikeJson ? dump : readFileSync(dump, 'utf8'));
  }
  const items = (list as { items?: unknown }).items;
  if (typeof list !== 'object' || list === null || !Array.isArray(items)) {
    throw new Error(`${source}: expected a List with an items array (kubectl get -o json), got ${JSON.stringify(list).slice(0, 80)}`);
  }
  items.forEach((item, index) => {
    const object = item as Partial<KubernetesObject>;
    if (typeof object?.kind !== 'string' || typeof object.apiVersion !== 'string' || typeof object.metadata?.name !== 'string') {
      throw new Error(`${source}: items[${index}] lacks apiVersion, kind or metadata.name`);
    }
  });
  return seedObjects(clients, items as KubernetesObject[], options);
}

async function createOne(
  clients: KubeClients,
  object: AnyObject,
  counter: { requests: number },
  generic: () => KubernetesObjectApi,
): Promise<void> {
  const name = object.metadata!.name!;
  const namespace = object.metadata?.namespace ?? '';
  counter.requests += 1;
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'v1/Namespace': {
      try {
        await clients.core.createNamespace({ body: object as V1Namespace });
      } catch (error) {
        if ((error as { code?: number }).code !== 409) throw error;
        // default, kube-system, ... exist already: give them the dump's labels and annotations.
        counter.requests += 1;
        const { labels, annotations } = object.metadata ?? {};
        await clients.core.patchNamespace({ name, body: { metadata: { labels, annotations } } }, mergePatch);
      }
      return;
    }
    case 'v1/Node': {
      const created = await clients.core.createNode({ body: object as V1Node });
      // Node create keeps status today (pkg/registry/core/node/strategy.go); write it explicitly if that changes.
      if (object.status && created.status?.capacity === undefined && object.status.capacity !== undefined) {
        counter.requests += 1;
        await clients.core.patchNodeStatus({ name, body: { status: object.status } }, mergePatch);
      }
      return;
    }
    case 'v1/Pod': {
      const created = await clients.core.createNamespacedPod({ namespace, body: object as V1Pod });
      const { qosClass: _computed, ...status } = object.status ?? {};
      if (Object.keys(status).length > 0 && !(Object.keys(status).length === 1 && status.phase === created.status?.phase)) {
        counter.requests += 1;
        await clients.core.patchNamespacedPodStatus({ name, namespace, body: { status } }, mergePatch);
      }
      return;
    }
    case 'v1/ResourceQuota':
      await clients.core.createNamespacedResourceQuota({ namespace, body: { ...(object as V1ResourceQuota), status: undefined } });
      return;
    case 'v1/LimitRange':
      await clients.core.createNamespacedLimitRange({ namespace, body: object as V1LimitRange });
      return;
    case 'kubeflow.org/v1/Profile': {
      await clients.customObjects.createClusterCustomObject({ group: 'kubeflow.org', version: 'v1', plural: 'profiles', body: object });
      if (object.status && Object.keys(object.status).length > 0) {
        counter.requests += 1;
        await clients.customObjects.patchClusterCustomObjectStatus(
          { group: 'kubeflow.org', version: 'v1', plural: 'profiles', name, body: { status: object.status } },
          mergePatch,
        );
      }
      return;
    }
    default:
      await generic().create(object);
  }
}

const serverFields = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'managedFields',
  'selfLink',
  'ownerReferences',
  'finalizers',
] as const;

function withoutServerFields(object: AnyObject): AnyObject {
  const metadata = { ...object.metadata };
  for (const field of serverFields) delete metadata[field];
  return { ...object, metadata };
}

function describe(object: AnyObject): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${object.metadata?.name}`;
}

/** The API's own message (a Status body) when there is one. */
export function apiErrorMessage(error: unknown): string {
  const apiError = error as { code?: number; body?: unknown; message?: string };
  if (typeof apiError.code === 'number') {
    let body = apiError.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // not JSON: use as is
      }
    }
    const message = (body as { message?: string } | undefined)?.message ?? String(apiError.body ?? apiError.message);
    return `HTTP ${apiError.code}: ${message}`;
  }
  return (error as Error)?.message ?? String(error);
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
