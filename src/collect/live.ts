/**
 * `quotaplan collect` against a live cluster: a LIST of every kind in the registry (kinds/registry.ts): nodes,
 * namespaces, quotas, limit ranges and Profiles (kept: they are few), then pods, folded into the InventoryBuilder as they stream in (or page by page with a page size)
 * and never all held.
 *
 * If the pods' list starts again (an expired continue token, or a streamed answer that broke off and is retried),
 * it goes into a FRESH builder seeded with the objects already read, so no pod is counted twice. Nothing here writes anywhere: the caller stores the
 * returned inventory in one transaction, so a collection that fails leaves the store as it was.
 */
import { ValidationError } from '../errors.js';
import { InventoryBuilder } from '../inventory/builder.js';
import { parseObject } from '../kinds/parse.js';
import { registry as quotaplanKinds, type KindRegistry, type KubeObject } from '../kinds/registry.js';
import type { ClusterInventory } from '../inventory/types.js';
import { describeApiFailure } from './api-errors.js';
import type { ClusterTarget } from './kubeconfig.js';
import { listAll, listTargetOf, type ListSink, type ListTarget } from './list.js';
import { silentProgress, type ProgressSink } from './progress.js';
import { defaultRetryPolicy, realRetryEnvironment, type RetryEnvironment, type RetryPolicy } from './retry.js';
import { ApiNetworkError, ApiResponseError, createTransport, type ApiTransport } from './transport.js';


/** How LIST bodies travel: Kubernetes protobuf for built-in kinds (default; protobuf.ts says why), or JSON only. */
export type WireEncoding = 'protobuf' | 'json';
/** gzip bodies: `auto` asks for them unless the API server is on loopback (transport.ts). */
export type Compression = 'auto' | 'always' | 'never';

export interface LiveCollectOptions {
  target: ClusterTarget;
  /** Objects per LIST page (`limit` + `continue`); default: one LIST per resource, decoded as it streams in. */
  pageSize?: number;
  /** Default protobuf. */
  encoding?: WireEncoding;
  /** Default auto. Ignored with `transport`. */
  compression?: Compression;
  retry?: RetryPolicy;
  retryEnvironment?: RetryEnvironment;
  progress?: ProgressSink;
  /** A transport other than the kubeconfig's (tests). */
  transport?: ApiTransport;
  /** The kinds to read (default: quotaplan's, kinds/registry.ts). */
  kinds?: KindRegistry;
}

export interface LiveCollection {
  inventory: ClusterInventory;
  context: string;
  server: string;
  /** Objects read per resource (after restarts: the pass that completed). */
  counts: Record<string, number>;
  /** false when the Profile CRD is not installed. */
  profilesFound: boolean;
  /** Optional resources whose CRD is not installed (their LIST answered 404), in listing order: `queues.scheduling.run.ai`. */
  absent: string[];
}

export async function collectLive(options: LiveCollectOptions): Promise<LiveCollection> {
  const pageSize = options.pageSize;
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) {
    throw new ValidationError(`--page-size must be a positive integer, got ${pageSize}`, { field: '--page-size', value: pageSize });
  }
  const progress = options.progress ?? silentProgress;
  const retry = options.retry ?? defaultRetryPolicy;
  const environment = options.retryEnvironment ?? realRetryEnvironment;
  const { target } = options;
  const compression = options.compression ?? 'auto';
  const gzip = compression === 'auto' ? undefined : compression === 'always';
  const transport = options.transport ?? createTransport(target.config, { gzip });
  const retryEnvironment: RetryEnvironment = {
    ...environment,
    onRetry: (event) => {
      environment.onRetry?.(event);
      progress.retry(`${retryReason(event.error)}; retry ${event.attempt} of ${retry.attempts - 1} in ${event.delayMs} ms`);
    },
  };
  const listOptions = { transport, pageSize, protobuf: (options.encoding ?? 'protobuf') === 'protobuf', retry, retryEnvironment };
  const counts: Record<string, number> = {};

  const kinds = options.kinds ?? quotaplanKinds;
  // Counted by resource name, or by resource.group where two kinds share the name (KAI's and Volcano's `queues`).
  const resourceNames = kinds.listed.map((kind) => kind.list.resource);
  const countKey = (listTarget: ListTarget): string =>
    resourceNames.filter((name) => name === listTarget.resource).length > 1 ? `${listTarget.resource}.${listTarget.group}` : listTarget.resource;

  const list = async (listTarget: ListTarget, sink: ListSink): Promise<boolean> => {
    const key = countKey(listTarget);
    counts[key] = 0;
    const counted: ListSink = {
      restart: () => {
        counts[key] = 0;
        progress.restart(key);
        sink.restart();
      },
      accept: (items) => {
        counts[key] = (counts[key] ?? 0) + items.length;
        progress.read(key, items.length);
        sink.accept(items);
      },
    };
    try {
      const outcome = await listAll(listTarget, counted, listOptions);
      return outcome.found;
    } catch (error) {
      throw describeApiFailure(error, {
        verb: 'list',
        group: listTarget.group,
        resource: listTarget.resource,
        server: target.server,
        context: target.context,
        attempts: retry.attempts,
      });
    }
  };

  const source = `cluster ${target.context} (${target.server})`;
  const parse = (raw: Record<string, unknown>): KubeObject => parseObject(raw, { file: source }, kinds);

  try {
    // Everything but the streamed kinds (pods) is small (one object per node / namespace / quota): kept until the
    // pods are read.
    const held: KubeObject[] = [];
    const absent: string[] = [];
    for (const kind of kinds.listed.filter((k) => k.streamed !== true)) {
      let objects: KubeObject[] = [];
      const found = await list(listTargetOf(kind), {
        restart: () => (objects = []),
        accept: (items) => {
          for (const item of items) objects.push(parse(item));
        },
      });
      if (!found) absent.push(qualifiedResource(kind));
      held.push(...objects);
    }

    const seeded = (): InventoryBuilder => {
      const builder = new InventoryBuilder(kinds);
      for (const object of held) builder.add(object);
      return builder;
    };
    let builder = seeded();
    for (const kind of kinds.listed.filter((k) => k.streamed === true)) {
      const found = await list(listTargetOf(kind), {
        restart: () => (builder = seeded()),
        accept: (items) => {
          for (const item of items) builder.add(parse(item));
        },
      });
      if (!found) absent.push(qualifiedResource(kind));
    }
    const inventory = builder.build();
    return { inventory, context: target.context, server: target.server, counts, profilesFound: !absent.includes('profiles.kubeflow.org'), absent };
  } finally {
    progress.finish();
    if (options.transport === undefined) transport.close();
  }
}

/** `profiles.kubeflow.org`, `pods` (core). */
function qualifiedResource(kind: KindRegistry['kinds'][number]): string {
  return kind.list.group === '' ? kind.list.resource : `${kind.list.resource}.${kind.list.group}`;
}

function retryReason(error: unknown): string {
  if (error instanceof ApiResponseError) return `HTTP ${error.statusCode} from ${new URL(error.url).pathname}`;
  if (error instanceof ApiNetworkError) return `${error.code} from ${new URL(error.url).pathname}`;
  return String(error);
}
