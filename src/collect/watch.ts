/**
 * `quotaplan collect --watch`: the cluster kept in memory, so a snapshot costs no LIST. Per kind of the registry one
 * streamed LIST (as `collect` reads it, protobuf where the kind has a form), then a WATCH from the list's
 * resourceVersion with bookmarks (`?watch=1&allowWatchBookmarks=true`), each event folded into a LiveInventory,
 * which keeps per object only its facts (a pod's requests, namespace and node), never the object.
 *
 * Watches are JSON streams (docs/collect.md says why). A watch the server ends (its `timeoutSeconds`) or that
 * breaks off resumes from the last resourceVersion seen (an event's or a bookmark's), with backoff as in retry.ts
 * when it fails again and again. When that version is too old (HTTP 410, or an ERROR event with code 410: "too
 * old resource version"), the kind is listed again and replaces its objects: the ones the new list no longer
 * holds are removed. A snapshot waits until no kind is being listed, so it never mixes a list half-read.
 *
 * An optional kind (its CRD absent: the LIST answered 404) has no watch; it is listed again before every snapshot
 * and watched from the first time it is found. A watch of it that answers 404 (the CRD was removed) drops its
 * objects and makes it absent again.
 */
import { ExternalError, InternalError } from '../errors.js';
import { LiveInventory } from '../inventory/live-inventory.js';
import type { ClusterInventory } from '../inventory/types.js';
import type { AnyKind } from '../kinds/kind.js';
import { parseObject } from '../kinds/parse.js';
import { registry as quotaplanKinds, type KindRegistry, type KubeObject } from '../kinds/registry.js';
import { describeApiFailure } from './api-errors.js';
import type { ClusterTarget } from './kubeconfig.js';
import { listAll, listPath, listTargetOf, type ListTarget } from './list.js';
import type { Compression, WireEncoding } from './live.js';
import { backoffDelay, defaultRetryPolicy, isRetryable, realRetryEnvironment, type RetryEnvironment, type RetryPolicy } from './retry.js';
import { ApiResponseError, createTransport, type ApiStatus, type WatchEvent, type WatchTransport } from './transport.js';

export interface WatchCollectorOptions {
  target: ClusterTarget;
  /** LIST bodies (watches are JSON). Default protobuf. */
  encoding?: WireEncoding;
  compression?: Compression;
  retry?: RetryPolicy;
  retryEnvironment?: RetryEnvironment;
  kinds?: KindRegistry;
  /** A transport other than the kubeconfig's (tests). */
  transport?: WatchTransport;
  /**
   * How long the API server keeps one watch open, in seconds; default random in [300, 600) per watch, as
   * client-go's reflector does, so many collectors' watches do not all end at once.
   */
  watchTimeoutSeconds?: () => number;
  /** How long `start` waits for the API server to accept the watches; default 10 s. */
  openTimeoutMs?: number;
  /** Told about every re-list and every resumed watch (stderr in the CLI). */
  log?: (line: string) => void;
}

/** A kind as the collector follows it. */
interface Followed {
  kind: AnyKind;
  target: ListTarget;
  /** The last resourceVersion seen (the list's, then each event's and bookmark's); undefined while absent. */
  resourceVersion: string | undefined;
  /** Its CRD is not installed (optional kinds only). */
  absent: boolean;
  /** A list in progress: a snapshot waits for it. */
  listing: Promise<void> | undefined;
  /** Its watch loop, while one runs. */
  watching: Promise<void> | undefined;
}

/** The watch's resourceVersion is too old (HTTP 410 Gone, or an ERROR event with code 410). */
class WatchExpired extends Error {
  override readonly name = 'WatchExpired';
}

export class WatchCollector {
  private readonly live: LiveInventory;
  private readonly followed: Followed[];
  private readonly transport: WatchTransport;
  private readonly stopping = new AbortController();
  private readonly retry: RetryPolicy;
  private readonly environment: RetryEnvironment;
  private readonly protobuf: boolean;
  private readonly source: string;
  private readonly kinds: KindRegistry;
  private failure: { error: unknown } | undefined;
  /** Rejects with the first error that ended a watch for good (settled only then). */
  readonly failed: Promise<never>;
  private fail!: (error: unknown) => void;

  constructor(private readonly options: WatchCollectorOptions) {
    this.kinds = options.kinds ?? quotaplanKinds;
    this.live = new LiveInventory(this.kinds);
    this.followed = this.kinds.listed.map((kind) => ({
      kind,
      target: listTargetOf(kind),
      resourceVersion: undefined,
      absent: false,
      listing: undefined,
      watching: undefined,
    }));
    const gzip = options.compression === undefined || options.compression === 'auto' ? undefined : options.compression === 'always';
    this.transport = options.transport ?? createTransport(options.target.config, { gzip });
    this.retry = options.retry ?? defaultRetryPolicy;
    this.environment = options.retryEnvironment ?? realRetryEnvironment;
    this.protobuf = (options.encoding ?? 'protobuf') === 'protobuf';
    this.source = `cluster ${options.target.context} (${options.target.server})`;
    this.failed = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    // Observed by whoever awaits it; until then a failure must not count as unhandled.
    this.failed.catch(() => undefined);
  }

  /**
   * Lists every kind in the registry's order, starting each one's watch after its list, and resolves once the API
   * server has accepted every watch (or after `openTimeoutMs`): a watch it refuses (403 without the `watch` verb)
   * fails here, before any snapshot.
   */
  async start(): Promise<void> {
    const opened: Promise<void>[] = [];
    for (const followed of this.followed) {
      // Stopped during the first lists: no further list is started (the one in flight was aborted).
      if (this.stopping.signal.aborted) return;
      await this.relist(followed);
      if (!followed.absent) opened.push(this.follow(followed));
    }
    // Bounded: a proxy that holds back the answer's headers until the first event would otherwise hold the start
    // (a refusal still ends the collection, through `failed`, when it comes).
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.openTimeoutMs ?? 10_000)));
    await Promise.race([Promise.all(opened), this.failed, patience]).finally(() => clearTimeout(timer));
  }

  /** The last resourceVersion seen of `resource` (e.g. `pods`): a test waits until the watch has seen a change. */
  resourceVersion(resource: string): string | undefined {
    return this.followed.find((f) => f.target.resource === resource)?.resourceVersion;
  }

  /** Resources whose CRD is not installed, in listing order. */
  absent(): string[] {
    return this.followed.filter((f) => f.absent).map((f) => f.target.resource);
  }

  /**
   * The inventory now: what `collect` would store for the objects the watches have seen. Lists absent optional kinds
   * again first, and waits for every list in progress. Throws the error that ended a watch, if one did.
   */
  async snapshot(): Promise<ClusterInventory> {
    for (const followed of this.followed.filter((f) => f.absent && f.listing === undefined)) {
      await this.relist(followed);
      if (followed.absent) continue;
      this.options.log?.(`${resourceName(followed.target)}: now served by the API server; listed ${this.live.keysOf(followed.kind.kind).length}, watching them`);
      void this.follow(followed);
    }
    for (;;) {
      this.throwIfFailed();
      const listing = this.followed.map((f) => f.listing).filter((p): p is Promise<void> => p !== undefined);
      if (listing.length === 0) break;
      await Promise.race([Promise.all(listing), this.failed]);
    }
    return this.live.snapshot();
  }

  /** Ends every watch and closes the connections. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error('the collector stopped'));
    await Promise.allSettled(this.followed.map((f) => f.watching).filter((p) => p !== undefined));
    await Promise.allSettled(this.followed.map((f) => f.listing).filter((p) => p !== undefined));
    if (this.options.transport === undefined) this.transport.close();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }

  /** Starts the kind's watch loop; resolves when the API server first accepts its watch (or the loop ends). */
  private follow(followed: Followed): Promise<void> {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    followed.watching = this.watch(followed, open).then(
      () => undefined,
      (error: unknown) => {
        if (this.stopping.signal.aborted) return;
        if (this.failure === undefined) {
          this.failure = { error };
          this.fail(error);
        }
      },
    );
    void followed.watching.finally(open);
    return opened;
  }

  /** One streamed LIST of the kind: its objects replace the ones held, and the watch goes on from its version. */
  private relist(followed: Followed): Promise<void> {
    const listing = this.listKind(followed).finally(() => {
      followed.listing = undefined;
    });
    followed.listing = listing;
    return listing;
  }

  private async listKind(followed: Followed): Promise<void> {
    const { kind, target } = followed;
    const seen = new Set<string>();
    let outcome;
    try {
      outcome = await listAll(
        target,
        {
          restart: () => seen.clear(),
          accept: (items) => {
            for (const item of items) {
              const object = this.parse(item);
              this.live.upsert(object);
              seen.add(kind.inventory.key(object) as string);
            }
          },
        },
        { transport: this.transport, protobuf: this.protobuf, retry: this.retry, retryEnvironment: this.environment, signal: this.stopping.signal },
      );
    } catch (error) {
      throw this.describe(error, 'list', target);
    }
    for (const key of this.live.keysOf(kind.kind)) if (!seen.has(key)) this.live.removeKey(kind.kind, key);
    if (!outcome.found) {
      // Served before (it had a version), 404 now: said once, whichever way it was found (a watch's 404, a re-list).
      if (followed.resourceVersion !== undefined) this.options.log?.(`${resourceName(target)}: no longer served by the API server (its CRD was removed?); its objects are dropped`);
      followed.absent = true;
      followed.resourceVersion = undefined;
      return;
    }
    if (outcome.resourceVersion === undefined) throw new ExternalError(`the LIST of ${target.resource} at ${this.options.target.server} has no resourceVersion to watch from`);
    followed.absent = false;
    followed.resourceVersion = outcome.resourceVersion;
  }

  /** Watches the kind until the collector stops: resumes after a watch ends, re-lists when its version expired. */
  private async watch(followed: Followed, onOpen: () => void): Promise<void> {
    const { target } = followed;
    const signal = this.stopping.signal;
    let failures = 0;
    while (!signal.aborted) {
      let events = 0;
      const timeoutSeconds = Math.floor(this.options.watchTimeoutSeconds?.() ?? 300 * (1 + this.environment.random()));
      const query: Record<string, string> = {
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: followed.resourceVersion as string,
        timeoutSeconds: String(timeoutSeconds),
      };
      if (target.fieldSelector !== undefined) query.fieldSelector = target.fieldSelector;
      try {
        await this.transport.watch(listPath(target), query, {
          // The server ends the watch after timeoutSeconds; a socket quiet for longer than that is dead.
          timeoutMs: (timeoutSeconds + 30) * 1000,
          signal,
          onOpen,
          onEvent: (event) => {
            this.apply(followed, event);
            events++;
          },
        });
        failures = 0;
        continue;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof WatchExpired || (error instanceof ApiResponseError && error.statusCode === 410)) {
          this.options.log?.(`watch ${target.resource}: resourceVersion ${followed.resourceVersion} is too old; listing ${target.resource} again`);
          await this.relist(followed);
          if (followed.absent) return;
          failures = 0;
          continue;
        }
        if (target.optional === true && error instanceof ApiResponseError && error.statusCode === 404) {
          // The CRD was removed: the re-list answers 404 too and drops its objects (listKind says so).
          await this.relist(followed);
          if (followed.absent) return;
          continue;
        }
        // A watch that delivered events was working: its failure starts the count again.
        if (events > 0) failures = 0;
        failures++;
        if (!isRetryable(error) || failures >= this.retry.attempts) throw this.describe(error, 'watch', target);
        const delayMs = backoffDelay(failures - 1, error, this.retry, this.environment.random);
        this.options.log?.(`watch ${target.resource}: ${describeError(error)}; resuming from resourceVersion ${followed.resourceVersion} in ${delayMs} ms`);
        this.environment.onRetry?.({ attempt: failures, delayMs, error });
        await this.environment.sleep(delayMs);
      }
    }
  }

  private apply(followed: Followed, event: WatchEvent): void {
    const { type, object } = event;
    if (type === 'ERROR') {
      const status = object as ApiStatus;
      if (status.code === 410) throw new WatchExpired(status.message ?? 'too old resource version');
      throw new ApiResponseError(`${this.transport.server}${listPath(followed.target)}?watch=1`, status.code ?? 500, status, undefined);
    }
    const version = (object.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
    if (typeof version !== 'string' || version === '') {
      throw new ExternalError(`a ${type} event of the watch of ${followed.target.resource} at ${this.options.target.server} has no resourceVersion`);
    }
    if (type === 'ADDED' || type === 'MODIFIED') this.live.upsert(this.parse({ ...object, kind: followed.target.kind, apiVersion: followed.target.apiVersion }));
    else if (type === 'DELETED') this.live.remove(this.parse({ ...object, kind: followed.target.kind, apiVersion: followed.target.apiVersion }));
    else if (type !== 'BOOKMARK') throw new ExternalError(`unknown watch event type ${JSON.stringify(type)} from ${this.options.target.server}`);
    followed.resourceVersion = version;
  }

  private parse(raw: Record<string, unknown>): KubeObject {
    return parseObject(raw, { file: this.source }, this.kinds);
  }

  private describe(error: unknown, verb: 'list' | 'watch', target: ListTarget): unknown {
    if (error instanceof InternalError) return error;
    return describeApiFailure(error, {
      verb,
      group: target.group,
      resource: target.resource,
      server: this.options.target.server,
      context: this.options.target.context,
      attempts: this.retry.attempts,
    });
  }
}

/** `pods`, `profiles.kubeflow.org`: KAI's and Volcano's `queues` differ only by their group. */
function resourceName(target: ListTarget): string {
  return target.group === '' ? target.resource : `${target.resource}.${target.group}`;
}

function describeError(error: unknown): string {
  if (error instanceof ApiResponseError) return `HTTP ${error.statusCode}`;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
