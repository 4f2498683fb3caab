/**
 * Seeding a control plane with a synthetic or dumped cluster, fast enough for thousands of objects.
 *
 * Objects go in phases so every dependency exists before it is needed and no admission rule fires that did not
 * fire in the cluster the dump came from:
 *   1. Namespaces, Nodes, Profiles and other cluster-scoped objects;
 *   2. Pods (bound by `spec.nodeName`), then their status (phase) through the status subresource;
 *   3. LimitRanges and ResourceQuotas last: a dumped pod already carries its LimitRange defaults, and a dump may
 *      hold more than its quota allows (a quota lowered after the pods started), which admission would refuse.
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
  /** Requests in flight at once; default 32 (the keep-alive agent's socket limit). */
  concurrency?: number;
  /**
   * 'json' (default): plain JSON requests with the kubeconfig's credentials, about 2x the rate of 'client-node',
   * the generated CoreV1Api/CustomObjectsApi calls. Both write the same objects.
   */
  via?: 'json' | 'client-node';
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
  const byKind: Record<string, number> = {};
  const phases: AnyObject[][] = [[], [], []];
  for (const raw of objects) {
    const object = withoutServerFields(raw as AnyObject);
    const kind = object.kind ?? '(no kind)';
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const phase = kind === 'Pod' ? 1 : object.metadata?.namespace !== undefined && kind !== 'Namespace' ? 2 : 0;
    phases[phase]!.push(object);
  }
  const counter = { requests: 0 };
  const writer = options.via === 'client-node' ? clientNodeWriter(clients, counter) : jsonWriter(clients, counter);
  for (const phase of phases) {
    await forEachLimited(phase, concurrency, async (object) => {
      try {
        await createOne(writer, object);
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
 * `test/fixtures/cluster-mixed-gpu.json`.
 */
export async function seedDump(clients: KubeClients, dump: unknown, options: SeedOptions = {}): Promise<SeedReport> {
  let list = dump;
  let source = 'dump';
  if (typeof dump === 'string') {
    const looksLikeJson = dump.trimStart().startsWith('{');
    source = looksLikeJson ? 'dump text' : dump;
    list = JSON.parse(looksLikeJson ? dump : readFileSync(dump, 'utf8'));
  }
  const items = typeof list === 'object' && list !== null ? (list as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) {
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

async function createOne(writer: ObjectWriter, object: AnyObject): Promise<void> {
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'v1/Namespace': {
      try {
        await writer.create(object);
      } catch (error) {
        if ((error as { code?: number }).code !== 409) throw error;
        // default, kube-system, ... exist already: give them the dump's labels and annotations.
        const { labels, annotations } = object.metadata ?? {};
        await writer.mergePatch(object, { metadata: { labels, annotations } });
      }
      return;
    }
    case 'v1/Node': {
      const created = await writer.create(object);
      // Node create keeps status today (pkg/registry/core/node/strategy.go); write it explicitly if that changes.
      if (object.status?.capacity !== undefined && created.status?.capacity === undefined) {
        await writer.mergePatch(object, { status: object.status }, 'status');
      }
      return;
    }
    case 'v1/Pod': {
      // Pod create resets status to Pending (pkg/registry/core/pod/strategy.go PrepareForCreate).
      const created = await writer.create(object);
      const { qosClass: _computedByServer, ...status } = object.status ?? {};
      const onlyPhase = Object.keys(status).length === 1 && status.phase !== undefined;
      if (Object.keys(status).length > 0 && !(onlyPhase && status.phase === created.status?.phase)) {
        await writer.mergePatch(object, { status }, 'status');
      }
      return;
    }
    case 'v1/ResourceQuota': {
      const { status: _recomputedByController, ...quota } = object;
      await writer.create(quota);
      return;
    }
    case 'kubeflow.org/v1/Profile': {
      await writer.create(object);
      if (object.status && Object.keys(object.status).length > 0) await writer.mergePatch(object, { status: object.status }, 'status');
      return;
    }
    default:
      await writer.create(object);
  }
}

/** The two writes seeding needs. Both implementations count their HTTP requests in a shared counter. */
interface ObjectWriter {
  /** Returns the object as stored. Fails like client-node's ApiException: `code` (HTTP status) and `body`. */
  create(object: AnyObject): Promise<AnyObject>;
  mergePatch(object: AnyObject, patch: object, subresource?: 'status'): Promise<void>;
}

/** Through the generated client-node APIs (CoreV1Api, CustomObjectsApi, KubernetesObjectApi for other kinds). */
function clientNodeWriter(clients: KubeClients, counter: { requests: number }): ObjectWriter {
  let generic: KubernetesObjectApi | undefined;
  const profile = { group: 'kubeflow.org', version: 'v1', plural: 'profiles' } as const;
  return {
    async create(object): Promise<AnyObject> {
      counter.requests += 1;
      const namespace = object.metadata?.namespace ?? '';
      switch (`${object.apiVersion}/${object.kind}`) {
        case 'v1/Namespace':
          return clients.core.createNamespace({ body: object as V1Namespace }) as Promise<AnyObject>;
        case 'v1/Node':
          return clients.core.createNode({ body: object as V1Node }) as Promise<AnyObject>;
        case 'v1/Pod':
          return clients.core.createNamespacedPod({ namespace, body: object as V1Pod }) as Promise<AnyObject>;
        case 'v1/ResourceQuota':
          return clients.core.createNamespacedResourceQuota({ namespace, body: object as V1ResourceQuota }) as Promise<AnyObject>;
        case 'v1/LimitRange':
          return clients.core.createNamespacedLimitRange({ namespace, body: object as V1LimitRange }) as Promise<AnyObject>;
        case 'kubeflow.org/v1/Profile':
          return clients.customObjects.createClusterCustomObject({ ...profile, body: object }) as Promise<AnyObject>;
        default:
          generic ??= KubernetesObjectApi.makeApiClient(clients.kubeConfig);
          return generic.create(object);
      }
    },
    async mergePatch(object, patch, subresource) {
      counter.requests += 1;
      const name = object.metadata!.name!;
      const namespace = object.metadata?.namespace ?? '';
      const kind = `${object.apiVersion}/${object.kind}${subresource ? `/${subresource}` : ''}`;
      switch (kind) {
        case 'v1/Namespace':
          await clients.core.patchNamespace({ name, body: patch }, mergePatch);
          return;
        case 'v1/Node/status':
          await clients.core.patchNodeStatus({ name, body: patch }, mergePatch);
          return;
        case 'v1/Pod/status':
          await clients.core.patchNamespacedPodStatus({ name, namespace, body: patch }, mergePatch);
          return;
        case 'kubeflow.org/v1/Profile/status':
          await clients.customObjects.patchClusterCustomObjectStatus({ ...profile, name, body: patch }, mergePatch);
          return;
        default:
          throw new Error(`seeding: no merge patch for ${kind}`);
      }
    },
  };
}

/**
 * Plain JSON over the clients' keep-alive connections, with the kubeconfig's credentials: no model classes, no
 * (de)serializer. About twice as fast as the generated APIs when the client shares two cores with the control plane.
 * Kinds it has no URL for go through client-node.
 */
function jsonWriter(clients: KubeClients, counter: { requests: number }): ObjectWriter {
  const fallback = clientNodeWriter(clients, counter);
  const send = async (method: 'POST' | 'PATCH', path: string, body: object): Promise<AnyObject> => {
    const response = await clients.request(path, {
      method,
      headers: { 'Content-Type': method === 'PATCH' ? PatchStrategy.MergePatch : 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw Object.assign(new Error(`HTTP ${response.status}`), { code: response.status, body: response.body });
    return JSON.parse(response.body) as AnyObject;
  };
  return {
    async create(object) {
      const collection = collectionPath(object);
      if (collection === undefined) return fallback.create(object);
      counter.requests += 1;
      return send('POST', collection, object);
    },
    async mergePatch(object, patch, subresource) {
      const collection = collectionPath(object);
      if (collection === undefined) return fallback.mergePatch(object, patch, subresource);
      counter.requests += 1;
      await send('PATCH', `${collection}/${encodeURIComponent(object.metadata!.name!)}${subresource ? `/${subresource}` : ''}`, patch);
    },
  };
}

const resourcePaths: Record<string, { prefix: string; plural: string; namespaced: boolean }> = {
  'v1/Namespace': { prefix: '/api/v1', plural: 'namespaces', namespaced: false },
  'v1/Node': { prefix: '/api/v1', plural: 'nodes', namespaced: false },
  'v1/Pod': { prefix: '/api/v1', plural: 'pods', namespaced: true },
  'v1/ResourceQuota': { prefix: '/api/v1', plural: 'resourcequotas', namespaced: true },
  'v1/LimitRange': { prefix: '/api/v1', plural: 'limitranges', namespaced: true },
  'kubeflow.org/v1/Profile': { prefix: '/apis/kubeflow.org/v1', plural: 'profiles', namespaced: false },
};

function collectionPath(object: AnyObject): string | undefined {
  const resource = resourcePaths[`${object.apiVersion}/${object.kind}`];
  if (!resource) return undefined;
  if (!resource.namespaced) return `${resource.prefix}/${resource.plural}`;
  return `${resource.prefix}/namespaces/${encodeURIComponent(object.metadata?.namespace ?? 'default')}/${resource.plural}`;
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
