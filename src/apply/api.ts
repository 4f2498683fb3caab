/**
 * The few API calls `quotaplan apply` makes: GET an object, and server-side apply it (PATCH with
 * `application/apply-patch+yaml`, field manager `quotaplan`), optionally as a server dry run (`dryRun=All`).
 * Credentials and TLS come from client-node's KubeConfig (`applyToHTTPSOptions`), as in src/collect/transport.ts,
 * and failures are the collector's errors (ApiResponseError for an HTTP error answer, ApiNetworkError when no
 * complete answer came), so src/collect/retry.ts decides what is worth another try for both.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiResponseError, retryAfterOf, toNetworkError, type ApiStatus } from '../collect/transport.js';
import { emittedKindOf } from '../emit/targets/registry.js';
import type { ManifestKind } from '../emit/targets/target.js';

export const FIELD_MANAGER = 'quotaplan';

/** An object as the API server returns it (only what apply reads). */
export interface LiveObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: unknown[] };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ObjectRef {
  kind: ManifestKind;
  name: string;
  /** Absent for cluster-scoped kinds (Profile, ResourceFlavor, ClusterQueue). */
  namespace?: string;
}

export interface ApplyApi {
  readonly server: string;
  /** The live object, or null when it does not exist. */
  get(ref: ObjectRef): Promise<LiveObject | null>;
  /** Server-side apply; `dryRun` asks the server to validate and compute the result without storing it. */
  apply(ref: ObjectRef, body: unknown, options: { dryRun: boolean; force: boolean }): Promise<LiveObject>;
  close(): void;
}

/** The REST path of an object: the core group under /api, every other under /apis. */
export function objectPath(ref: ObjectRef): string {
  const { apiVersion, namespaced, resource } = emittedKindOf(ref.kind);
  const group = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const namespace = namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? '')}` : '';
  return `${group}${namespace}/${resource}/${encodeURIComponent(ref.name)}`;
}

/** A complete HTTP answer. */
interface Answer {
  /** The request URL with its query (`?fieldManager=quotaplan&dryRun=All`). */
  url: string;
  status: number;
  text: string;
  retryAfter: string | undefined;
}

export function createApplyApi(config: KubeConfig, options: { timeoutMs?: number; fieldManager?: string } = {}): ApplyApi {
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const server = cluster.server.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  let agent: http.Agent | undefined;

  async function send(
    method: string,
    path: string,
    query: Record<string, string>,
    body?: { contentType: string; text: string },
  ): Promise<Answer> {
    const url = new URL(server + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const request: https.RequestOptions = {};
    await config.applyToHTTPSOptions(request);
    // client-node only ever sets headers as an object (Authorization, Impersonate-User).
    const headers: http.OutgoingHttpHeaders = { ...((request.headers ?? {}) as http.OutgoingHttpHeaders), Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = body.contentType;
      headers['Content-Length'] = Buffer.byteLength(body.text);
    }
    const isHttp = url.protocol === 'http:';
    // One keep-alive agent for the run; a proxy agent from the kubeconfig is used as it is.
    agent ??=
      request.agent instanceof http.Agent
        ? request.agent
        : isHttp
          ? new http.Agent({ keepAlive: true })
          : new https.Agent({
              keepAlive: true,
              ca: request.ca,
              cert: request.cert,
              key: request.key,
              rejectUnauthorized: request.rejectUnauthorized ?? true,
              ...(request.servername ? { servername: request.servername } : {}),
            });
    const sendRequest = isHttp ? http.request : https.request;
    return new Promise((resolve, reject) => {
      // No complete answer (refused, reset, cut short, timed out): an ApiNetworkError with its errno code.
      const fail = (error: unknown): void => reject(toNetworkError(url.href, error, method));
      const req = sendRequest(url, { method, headers, agent, auth: request.auth, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
        res.on('end', () => {
          if (!res.complete) {
            fail(Object.assign(new Error('response ended before the body was complete'), { code: 'ECONNRESET' }));
            return;
          }
          const retryAfter = res.headers['retry-after'];
          resolve({ url: url.href, status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter });
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', fail);
      if (body !== undefined) req.write(body.text);
      req.end();
    });
  }

  function parse(method: string, answer: Answer): LiveObject {
    if (answer.status >= 200 && answer.status < 300) return JSON.parse(answer.text) as LiveObject;
    const status = parseStatus(answer.text);
    throw new ApiResponseError(answer.url, answer.status, status, retryAfterOf(answer.retryAfter, status), method);
  }

  return {
    server,
    async get(ref) {
      const path = objectPath(ref);
      const answer = await send('GET', path, {});
      if (answer.status === 404) return null;
      return parse('GET', answer);
    },
    async apply(ref, body, { dryRun, force }) {
      const path = objectPath(ref);
      const query: Record<string, string> = { fieldManager: options.fieldManager ?? FIELD_MANAGER };
      if (force) query.force = 'true';
      if (dryRun) query.dryRun = 'All';
      // JSON is YAML: the apply-patch+yaml content type takes it as is.
      const answer = await send('PATCH', path, query, { contentType: 'application/apply-patch+yaml', text: JSON.stringify(body) });
      return parse('PATCH', answer);
    },
    close() {
      agent?.destroy();
    },
  };
}

function parseStatus(text: string): ApiStatus | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && (parsed as { kind?: unknown }).kind === 'Status') return parsed as ApiStatus;
  } catch {
    // Not JSON (e.g. "404 page not found" when the Profile CRD is not installed).
  }
  return text.trim() === '' ? undefined : { message: text.trim().slice(0, 300) };
}
