/**
 * Paginated LISTs (`limit` + `continue`), page by page into a sink, so a caller can fold objects as they come.
 *
 * A continue token expires when etcd compacts past the list's resourceVersion (HTTP 410 with reason Expired,
 * apiserver `storage/etcd3` `handleCompactedErrorForPaging`). Then the list starts again from the first page and
 * the sink is told to `restart`, dropping whatever it took from the abandoned pass.
 */
import { ApiResponseError, type ApiTransport } from './transport.js';
import { realRetryEnvironment, withRetry, type RetryEnvironment, type RetryPolicy } from './retry.js';
import { ExternalError } from '../errors.js';
import type { AnyKind, ListedAs } from '../kinds/kind.js';
import { ValidatedObject } from '../kinds/validated.js';

/**
 * A resource the collector lists, cluster-wide: a kind and how it is listed (kinds/kind.ts); `protobuf` when the
 * kind has a protobuf form (asked for only then: a custom resource is always JSON).
 */
export interface ListTarget extends ListedAs {
  /** Kind of each item (items in a List response carry no kind or apiVersion of their own). */
  kind: string;
  protobuf?: boolean;
}

/** The list target of a registered kind. */
export function listTargetOf(kind: AnyKind): ListTarget {
  return { kind: kind.apiKind ?? kind.kind, ...kind.list, protobuf: kind.protobuf !== null };
}

export interface ListSink {
  /** Forget everything accepted so far: the list is starting again. */
  restart(): void;
  /** Items of one page, each with kind and apiVersion set. */
  accept(items: readonly Record<string, unknown>[]): void;
}

export interface ListOptions {
  transport: ApiTransport;
  /** Objects per page (`limit` + `continue`); undefined: one LIST, decoded while it streams in. */
  pageSize?: number;
  /** Ask for Kubernetes protobuf (protobuf.ts) for targets that have a protobuf form. */
  protobuf?: boolean;
  retry: RetryPolicy;
  retryEnvironment?: RetryEnvironment;
  /** How often an expired continue token may restart one list before giving up. */
  maxRestarts?: number;
  /** Ends a streamed list (not retried): the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** `resourceVersion`: the list's (a streamed list's; what a watch starts from). */
export type ListOutcome = { found: true; pages: number; restarts: number; resourceVersion?: string } | { found: false };

/** The URL path of a cluster-wide list of `target`. */
export function listPath(target: Pick<ListTarget, 'apiVersion' | 'resource'>): string {
  return target.apiVersion.includes('/') ? `/apis/${target.apiVersion}/${target.resource}` : `/api/${target.apiVersion}/${target.resource}`;
}

/**
 * Reads all of `target` into `sink`: without a page size as one streamed LIST (streamAll), else page by page.
 * Errors are the transport's (see describeApiFailure).
 *
 * Pages overlap so the API server and this process work at the same time (on a busy or small machine the two
 * otherwise wait for each other): the request for page N+1 goes out as soon as page N's continue token is known,
 * which for a protobuf answer is its first few hundred bytes (`onListHead`), else when page N has arrived, and
 * always before page N goes to the sink. At most two pages are requested at once and held in memory. The sink sees
 * exactly the pages, restarts and order of a one-request-at-a-time read. If the sink throws, the request in flight
 * is abandoned: its answer is dropped and it is not retried.
 */
export async function listAll(target: ListTarget, sink: ListSink, options: ListOptions): Promise<ListOutcome> {
  if (options.pageSize === undefined) return streamAll(target, sink, options);
  const maxRestarts = options.maxRestarts ?? 5;
  const path = listPath(target);
  let abandoned = false;

  /** One page's request: `next` is its continue token once known from the head of its answer. */
  interface PageRequest {
    token: string | undefined;
    body: Promise<unknown>;
    next?: { token: string | undefined };
  }
  let current: PageRequest;
  let following: PageRequest | undefined;
  const follow = (token: string | undefined): void => {
    if (token !== undefined && following === undefined) following = request(token);
  };
  const request = (token: string | undefined): PageRequest => {
    const page: PageRequest = { token, body: Promise.resolve() };
    const query: Record<string, string> = { limit: String(options.pageSize) };
    if (target.fieldSelector !== undefined) query.fieldSelector = target.fieldSelector;
    if (token !== undefined) query.continue = token;
    const onListHead = (next: string | undefined): void => {
      page.next = { token: next };
      // Only the page being awaited starts its successor: never more than two requests at once.
      if (page === current) follow(next);
    };
    const operation = (): Promise<unknown> =>
      abandoned ? Promise.reject(new Error('list abandoned')) : options.transport.get(path, query, { protobuf: wantsProtobuf(target, options), onListHead });
    page.body = withRetry(operation, options.retry, options.retryEnvironment ?? realRetryEnvironment);
    // Observed when awaited; until then (or when abandoned) a rejection must not count as unhandled.
    page.body.catch(() => undefined);
    return page;
  };

  let restarts = 0;
  let pages = 0;
  current = request(undefined);
  for (;;) {
    let body: unknown;
    try {
      body = await current.body;
    } catch (error) {
      if (error instanceof ApiResponseError && error.statusCode === 410 && current.token !== undefined) {
        if (restarts >= maxRestarts) {
          throw new ExternalError(
            `listing ${target.resource} restarted ${restarts} times because its continue token expired (HTTP 410); ` +
              'the cluster compacts faster than quotaplan reads: try a larger --page-size',
            { cause: error },
          );
        }
        restarts++;
        sink.restart();
        following = undefined;
        current = request(undefined);
        continue;
      }
      if (target.optional && pages === 0 && error instanceof ApiResponseError && error.statusCode === 404) {
        return { found: false };
      }
      throw error;
    }
    const page = parseListPage(body, target, path);
    pages++;
    const done = page.continueToken === undefined;
    if (!done) {
      // The successor the head announced, or (JSON answers, or a head that said otherwise) a request now.
      current = following !== undefined && following.token === page.continueToken ? following : request(page.continueToken);
      following = undefined;
      if (current.next !== undefined) follow(current.next.token);
    }
    try {
      sink.accept(page.items);
    } catch (error) {
      abandoned = true;
      throw error;
    }
    if (done) return { found: true, pages, restarts };
  }
}

/**
 * One LIST without `limit`, its items folded while the answer streams in (ApiTransport.stream): the API server
 * answers it from its watch cache, where a paginated list is read from etcd page by page (docs/collect.md has the
 * measurement). Memory is bounded by one object, not by the list. An answer that breaks off is retried from the
 * start like any request; if items of it reached the sink, the sink is told to `restart` first.
 */
async function streamAll(target: ListTarget, sink: ListSink, options: ListOptions): Promise<ListOutcome> {
  const path = listPath(target);
  const query: Record<string, string> = {};
  if (target.fieldSelector !== undefined) query.fieldSelector = target.fieldSelector;
  let restarts = 0;
  let delivered = false;
  const onItems = (items: Record<string, unknown>[]): void => {
    for (const item of items) {
      // An object its kind's protobuf reader made is already the schema's value (protobuf.ts): left as it is.
      if (item instanceof ValidatedObject) continue;
      item.kind = target.kind;
      item.apiVersion = target.apiVersion;
    }
    delivered = true;
    sink.accept(items);
  };
  const operation = (): Promise<Record<string, unknown>> => {
    if (delivered) {
      restarts++;
      delivered = false;
      sink.restart();
    }
    return options.transport.stream(path, query, { protobuf: wantsProtobuf(target, options), onItems, signal: options.signal });
  };
  let list: Record<string, unknown>;
  try {
    list = await withRetry(operation, options.retry, options.retryEnvironment ?? realRetryEnvironment);
  } catch (error) {
    if (target.optional && error instanceof ApiResponseError && error.statusCode === 404) return { found: false };
    throw error;
  }
  if (typeof list.kind === 'string' && list.kind !== `${target.kind}List`) {
    throw new ExternalError(`GET ${path} did not return a ${target.kind}List (got ${list.kind})`);
  }
  const resourceVersion = (list.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
  return typeof resourceVersion === 'string' && resourceVersion !== '' ? { found: true, pages: 1, restarts, resourceVersion } : { found: true, pages: 1, restarts };
}

function wantsProtobuf(target: ListTarget, options: ListOptions): boolean {
  return (options.protobuf ?? false) && target.protobuf !== false;
}

function parseListPage(body: unknown, target: ListTarget, path: string): { items: Record<string, unknown>[]; continueToken?: string } {
  if (body === null || typeof body !== 'object' || !Array.isArray((body as { items?: unknown }).items)) {
    throw new ExternalError(`GET ${path} did not return a ${target.kind}List (no items array)`);
  }
  const list = body as { items: unknown[]; metadata?: { continue?: unknown } };
  const items = list.items.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new ExternalError(`GET ${path}: items[${index}] is not an object`);
    }
    // Set in place: the page was just parsed and belongs to nobody else; a copy per object costs at 100k pods.
    const object = item as Record<string, unknown>;
    object.kind = target.kind;
    object.apiVersion = target.apiVersion;
    return object;
  });
  const token = list.metadata?.continue;
  return typeof token === 'string' && token !== '' ? { items, continueToken: token } : { items };
}
