/**
 * GET requests to the Kubernetes API with the kubeconfig's TLS and credentials, returning parsed JSON.
 *
 * Why not client-node's generated CoreV1Api: it runs every object of a LIST through ObjectSerializer (a second
 * deep copy with Date parsing and per-field type lookups) before we validate it ourselves with zod anyway.
 * docs/collect.md has the measurement. We still use client-node for everything that is hard to get right:
 * kubeconfig parsing, exec/OIDC/token-file credentials and the TLS material (`applyToHTTPSOptions`).
 */
import http from 'node:http';
import https from 'node:https';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { StringDecoder } from 'node:string_decoder';
import { JsonListScanner, JsonStructureError } from './json-list-stream.js';
import { decodeProtobuf, isProtobuf, peekListContinue, ProtobufBodyError, ProtobufListStream, protobufMediaType } from './protobuf.js';

/** The `Status` object the API server sends with every error response (metav1.Status). */
export interface ApiStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    retryAfterSeconds?: number;
    /** For a 409 server-side apply conflict: the field and the manager that owns it (metav1.StatusCause). */
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** The server answered with an HTTP error status. */
export class ApiResponseError extends Error {
  override readonly name = 'ApiResponseError';
  constructor(
    readonly url: string,
    readonly statusCode: number,
    readonly status: ApiStatus | undefined,
    /** From the Retry-After header (or Status details), in milliseconds. */
    readonly retryAfterMs: number | undefined,
    readonly method = 'GET',
  ) {
    super(`${method} ${url}: HTTP ${statusCode}${status?.message ? `: ${status.message}` : ''}`);
  }
}

/** No HTTP answer: the connection failed, was reset, timed out, or the body was cut short. */
export class ApiNetworkError extends Error {
  override readonly name = 'ApiNetworkError';
  constructor(
    readonly url: string,
    /** The errno-style code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, CERT_HAS_EXPIRED, ...). */
    readonly code: string,
    message: string,
    options: { cause?: unknown; method?: string } = {},
  ) {
    super(`${options.method ?? 'GET'} ${url}: ${message}`, options.cause === undefined ? {} : { cause: options.cause });
  }
}

export interface GetOptions {
  /**
   * Prefer Kubernetes protobuf (built-in kinds; see protobuf.ts). The server answers JSON where it has no protobuf
   * form (custom resources); either way the result has the JSON shape.
   */
  protobuf?: boolean;
  /**
   * Told the list's continue token (undefined: last page) as soon as the first bytes of a protobuf LIST answer
   * arrive, long before the items do; at most once per request. Not called for JSON answers or errors.
   */
  onListHead?: (continueToken: string | undefined) => void;
}

/** The list metadata is in the first few hundred bytes; stop looking after this many. */
const listHeadLimit = 64 * 1024;

export interface StreamOptions {
  /** As for `get`. */
  protobuf?: boolean;
  /** Items of the list as they arrive (in the JSON shape, without kind), in order; may be called many times. */
  onItems: (items: Record<string, unknown>[]) => void;
  /** Ends the request: the promise rejects with the signal's reason (a watching collector that stops mid-list). */
  signal?: AbortSignal;
}

/** One event of a JSON watch stream (`?watch=1`): ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (object: a Status). */
export interface WatchEvent {
  type: string;
  object: Record<string, unknown>;
}

export interface WatchOptions {
  /** Each event as its line arrives, in order. An error thrown here ends the watch and is the rejection, as is. */
  onEvent: (event: WatchEvent) => void;
  /** Socket inactivity timeout for this request (a watch is quiet between events and bookmarks). */
  timeoutMs: number;
  /** Ends the watch: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called when the API server accepts the watch (a 2xx answer's headers), before any event. */
  onOpen?: () => void;
}

/** A transport that can also watch (createTransport's); the LIST-only seam (ApiTransport) stays as it was. */
export interface WatchTransport extends ApiTransport {
  /**
   * GET `path` with `watch=1` in `query`: a stream of JSON watch events, one per line, handed to `onEvent` as they
   * arrive. Resolves when the server ends the stream (its `timeoutSeconds`), rejects like `get` otherwise.
   */
  watch(path: string, query: Record<string, string>, options: WatchOptions): Promise<void>;
}

export interface ApiTransport {
  /** The API server URL (no trailing slash). */
  readonly server: string;
  /**
   * GET a LIST and decode it while it arrives, handing its items to `onItems`: memory stays bounded by one object
   * and a chunk however long the list. Resolves to the list without its items (kind, apiVersion, metadata).
   * An error thrown by `onItems` ends the request and is the rejection, as is.
   */
  stream(path: string, query: Record<string, string>, options: StreamOptions): Promise<Record<string, unknown>>;
  /** GET `path` with `query`; resolves to the decoded body of a 2xx answer (JSON, or protobuf in JSON's shape). */
  get(path: string, query?: Record<string, string>, options?: GetOptions): Promise<unknown>;
  /** Closes kept-alive sockets so the process can exit. */
  close(): void;
}

export interface TransportOptions {
  /** Per-request socket inactivity timeout. */
  timeoutMs?: number;
  /**
   * Ask for gzip bodies (the API server compresses answers over 128 KiB). Default: only when the API server is not
   * on this machine: compression costs the API server more CPU than a loopback connection saves.
   */
  gzip?: boolean;
}

/** A transport using `config`'s current context. */
export function createTransport(config: KubeConfig, options: TransportOptions = {}): WatchTransport {
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const server = cluster.server.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const gzip = options.gzip ?? !isLoopback(new URL(server).hostname);
  let agent: http.Agent | undefined;

  /** GETs `path` and hands a 2xx body to `consumer` chunk by chunk; an error answer becomes ApiResponseError. */
  async function send<T>(
    path: string,
    query: Record<string, string>,
    protobuf: boolean,
    consumer: (contentType: string | undefined) => BodyConsumer<T>,
    control: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const requestTimeoutMs = control.timeoutMs ?? timeoutMs;
    const url = new URL(server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    // Credentials are applied per request: exec plugins and token files may rotate them.
    const request: https.RequestOptions = {};
    await config.applyToHTTPSOptions(request);
    agent ??= keepAliveAgent(url, request, cluster?.proxyUrl !== undefined);
    // client-node only ever sets headers as an object (Authorization, Impersonate-User).
    const headers: http.OutgoingHttpHeaders = { ...((request.headers ?? {}) as http.OutgoingHttpHeaders), Accept: protobuf ? `${protobufMediaType}, application/json` : 'application/json' };
    if (gzip) headers['Accept-Encoding'] = 'gzip';
    const sendRequest = url.protocol === 'http:' ? http.request : https.request;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const once = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        settle();
      };
      const succeed = (value: T): void => once(() => resolve(value));
      /** The request's outcome as it is (an error answer, a malformed body, the consumer's own error). */
      const refuse = (error: unknown): void => once(() => reject(error));
      /** No complete answer: the connection failed, was reset, timed out, or the body was cut short. */
      const fail = (error: unknown): void => once(() => reject(toNetworkError(url.href, error)));
      const req = sendRequest(url, { method: 'GET', agent, headers, auth: request.auth, timeout: requestTimeoutMs }, (res) => {
        const statusCode = res.statusCode ?? 0;
        const contentType = res.headers['content-type'];
        const body: Readable = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
        // A 2xx body goes to the consumer; an error answer's body (a Status) is kept whole.
        const sink = statusCode >= 200 && statusCode < 300 ? consumer(contentType) : undefined;
        const errorChunks: Buffer[] = [];
        // A consumer that throws ends the request: a malformed body as EBADPROTOBUF/EBADJSON, anything else as is.
        const consume = (step: () => void): boolean => {
          try {
            step();
            return true;
          } catch (error) {
            const bad = error instanceof ProtobufBodyError || error instanceof JsonStructureError || error instanceof SyntaxError;
            const [code, what] = isProtobuf(contentType) ? ['EBADPROTOBUF', 'Kubernetes protobuf'] : ['EBADJSON', 'JSON'];
            refuse(bad ? new ApiNetworkError(url.href, code, `response is not ${what}: ${(error as Error).message}`) : error);
            req.destroy();
            return false;
          }
        };
        res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
        res.on('error', fail);
        if (body !== res) body.on('error', fail);
        body.on('data', (chunk: Buffer) => {
          if (settled) return;
          if (sink === undefined) errorChunks.push(chunk);
          else consume(() => sink.chunk(chunk));
        });
        body.on('end', () => {
          if (settled) return;
          if (!res.complete) {
            fail(Object.assign(new Error('response ended before the body was complete'), { code: 'ECONNRESET' }));
            return;
          }
          if (sink !== undefined) {
            let result!: T;
            if (consume(() => (result = sink.end()))) succeed(result);
            return;
          }
          const status = parseStatus(Buffer.concat(errorChunks), isProtobuf(contentType));
          refuse(new ApiResponseError(url.href, statusCode, status, retryAfterOf(res.headers['retry-after'], status)));
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${requestTimeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', fail);
      const { signal } = control;
      if (signal !== undefined) {
        const abort = (): void => {
          refuse(signal.reason);
          req.destroy();
        };
        if (signal.aborted) abort();
        else {
          signal.addEventListener('abort', abort, { once: true });
          req.on('close', () => signal.removeEventListener('abort', abort));
        }
      }
      req.end();
    });
  }

  const get = (path: string, query: Record<string, string> = {}, options: GetOptions = {}): Promise<unknown> =>
    send(path, query, options.protobuf ?? false, (contentType) => wholeBody(contentType, options.onListHead));

  const stream = (path: string, query: Record<string, string>, options: StreamOptions): Promise<Record<string, unknown>> =>
    send(path, query, options.protobuf ?? false, (contentType) => streamedList(contentType, options.onItems), { signal: options.signal });

  const watch = (path: string, query: Record<string, string>, options: WatchOptions): Promise<void> =>
    send(
      path,
      query,
      false,
      () => {
        options.onOpen?.();
        return watchEvents(options.onEvent);
      },
      { timeoutMs: options.timeoutMs, signal: options.signal },
    );

  return {
    server,
    get,
    stream,
    watch,
    close: () => agent?.destroy(),
  };
}

/**
 * One agent with keep-alive for the whole collection (client-node builds a fresh agent per call, which would
 * cost a TLS handshake per page). With a proxy in the kubeconfig, client-node's proxy agent is used as is.
 */
function keepAliveAgent(url: URL, request: https.RequestOptions, viaProxy: boolean): http.Agent {
  if (viaProxy && request.agent instanceof http.Agent) return request.agent;
  if (url.protocol === 'http:') return new http.Agent({ keepAlive: true });
  const tls: https.AgentOptions = { keepAlive: true };
  if (request.ca !== undefined) tls.ca = request.ca;
  if (request.cert !== undefined) tls.cert = request.cert;
  if (request.key !== undefined) tls.key = request.key;
  if (request.pfx !== undefined) tls.pfx = request.pfx;
  if (request.passphrase !== undefined) tls.passphrase = request.passphrase;
  if (request.rejectUnauthorized !== undefined) tls.rejectUnauthorized = request.rejectUnauthorized;
  if (request.servername !== undefined) tls.servername = request.servername;
  return new https.Agent(tls);
}

/** How a 2xx body is read: chunk by chunk, then a result when it is complete. */
interface BodyConsumer<T> {
  chunk(chunk: Buffer): void;
  end(): T;
}

/** The whole body, decoded at the end; `onListHead` told a protobuf list's continue token from its first bytes. */
function wholeBody(contentType: string | undefined, onListHead: ((token: string | undefined) => void) | undefined): BodyConsumer<unknown> {
  const protobuf = isProtobuf(contentType);
  const chunks: Buffer[] = [];
  let received = 0;
  let headPending = onListHead !== undefined && protobuf;
  return {
    chunk(chunk) {
      chunks.push(chunk);
      received += chunk.length;
      if (!headPending) return;
      const head = peekListContinue(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      if (head.complete) {
        headPending = false;
        onListHead!(head.continueToken);
      } else if (received > listHeadLimit) headPending = false;
    },
    end() {
      const bytes = Buffer.concat(chunks);
      return protobuf ? decodeProtobuf(bytes) : JSON.parse(bytes.toString('utf8'));
    },
  };
}

/** A list decoded while it arrives (protobuf, or JSON split into items by JsonListScanner). */
function streamedList(contentType: string | undefined, onItems: (items: Record<string, unknown>[]) => void): BodyConsumer<Record<string, unknown>> {
  if (isProtobuf(contentType)) {
    const list = new ProtobufListStream();
    return {
      chunk: (chunk) => {
        const items = list.push(chunk);
        if (items.length > 0) onItems(items);
      },
      end: () => list.end(),
    };
  }
  const scanner = new JsonListScanner();
  const text = new StringDecoder('utf8');
  const feed = (chunk: string): void => {
    const items = scanner.feed(chunk).map((item) => JSON.parse(item.text) as Record<string, unknown>);
    if (items.length > 0) onItems(items);
  };
  return {
    chunk: (chunk) => feed(text.write(chunk)),
    end: () => {
      feed(text.end());
      return scanner.end() as Record<string, unknown>;
    },
  };
}

/** A JSON watch stream: one event per line (the API server's JSON framer), parsed as each line completes. */
function watchEvents(onEvent: (event: WatchEvent) => void): BodyConsumer<void> {
  const text = new StringDecoder('utf8');
  let pending = '';
  const feed = (chunk: string): void => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') onEvent(parseWatchEvent(line));
      newline = pending.indexOf('\n');
    }
  };
  return {
    chunk: (chunk) => feed(text.write(chunk)),
    end: () => feed(`${text.end()}\n`),
  };
}

function parseWatchEvent(line: string): WatchEvent {
  const event: unknown = JSON.parse(line);
  const { type, object } = (event ?? {}) as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw new SyntaxError(`a watch event must be {"type": string, "object": object}, got ${line.slice(0, 200)}`);
  }
  return { type, object: object as Record<string, unknown> };
}

/** localhost, 127.0.0.0/8 and ::1. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** A failure without an HTTP answer as an ApiNetworkError carrying its errno-style code (what isRetryable reads). */
export function toNetworkError(url: string, error: unknown, method = 'GET'): ApiNetworkError {
  if (error instanceof ApiNetworkError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiNetworkError(url, typeof code === 'string' ? code : 'EUNKNOWN', message, { cause: error, method });
}

function parseStatus(bytes: Buffer, protobuf: boolean): ApiStatus | undefined {
  try {
    const parsed: unknown = protobuf ? decodeProtobuf(bytes) : JSON.parse(bytes.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && (parsed as { kind?: unknown }).kind === 'Status') {
      return parsed as ApiStatus;
    }
  } catch {
    // Not a Status (e.g. "404 page not found" for an API group that does not exist): nothing to report.
  }
  return undefined;
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 10.2.3); the API server sends seconds. */
export function retryAfterOf(header: string | undefined, status: ApiStatus | undefined, now = Date.now()): number | undefined {
  if (header !== undefined && header.trim() !== '') {
    const trimmed = header.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const seconds = status?.details?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : undefined;
}
