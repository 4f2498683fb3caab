/**
 * The few API calls `quotaplan apply` makes: GET an object, and server-side apply it (PATCH with
 * `application/apply-patch+yaml`, field manager `quotaplan`), optionally as a server dry run (`dryRun=All`).
 * Credentials and TLS come from client-node's KubeConfig (`applyToHTTPSOptions`), as in src/collect/transport.ts.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ManifestKind } from '../emit/manifests.js';

export const FIELD_MANAGER = 'quotaplan';

/** One cause of a failed request (metav1.StatusCause): for a 409 apply conflict, the field and its manager. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface ApiStatusBody {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: StatusCause[] };
}

/** The API server answered with an error status. */
export class ApplyApiError extends Error {
  override readonly name = 'ApplyApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly statusCode: number,
    readonly status: ApiStatusBody | undefined,
  ) {
    super(`${method} ${path}: HTTP ${statusCode}${status?.message ? `: ${status.message}` : ''}`);
  }
}

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

/** The REST path of an object. */
export function objectPath(ref: ObjectRef): string {
  const name = encodeURIComponent(ref.name);
  switch (ref.kind) {
    case 'Profile':
      return `/apis/kubeflow.org/v1/profiles/${name}`;
    case 'ResourceQuota':
      return `/api/v1/namespaces/${encodeURIComponent(ref.namespace ?? '')}/resourcequotas/${name}`;
    case 'LimitRange':
      return `/api/v1/namespaces/${encodeURIComponent(ref.namespace ?? '')}/limitranges/${name}`;
    case 'ResourceFlavor':
      return `/apis/kueue.x-k8s.io/v1beta1/resourceflavors/${name}`;
    case 'ClusterQueue':
      return `/apis/kueue.x-k8s.io/v1beta1/clusterqueues/${name}`;
    case 'LocalQueue':
      return `/apis/kueue.x-k8s.io/v1beta1/namespaces/${encodeURIComponent(ref.namespace ?? '')}/localqueues/${name}`;
  }
}

export function createApplyApi(config: KubeConfig, options: { timeoutMs?: number; fieldManager?: string } = {}): ApplyApi {
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const server = cluster.server.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  let agent: http.Agent | undefined;

  async function send(method: string, path: string, query: Record<string, string>, body?: { contentType: string; text: string }): Promise<{ status: number; text: string }> {
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
      const req = sendRequest(url, { method, headers, agent, auth: request.auth, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.href}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body.text);
      req.end();
    });
  }

  function parse(method: string, path: string, answer: { status: number; text: string }): LiveObject {
    if (answer.status >= 200 && answer.status < 300) return JSON.parse(answer.text) as LiveObject;
    throw new ApplyApiError(method, path, answer.status, parseStatus(answer.text));
  }

  return {
    server,
    async get(ref) {
      const path = objectPath(ref);
      const answer = await send('GET', path, {});
      if (answer.status === 404) return null;
      return parse('GET', path, answer);
    },
    async apply(ref, body, { dryRun, force }) {
      const path = objectPath(ref);
      const query: Record<string, string> = { fieldManager: options.fieldManager ?? FIELD_MANAGER };
      if (force) query.force = 'true';
      if (dryRun) query.dryRun = 'All';
      // JSON is YAML: the apply-patch+yaml content type takes it as is.
      const answer = await send('PATCH', path, query, { contentType: 'application/apply-patch+yaml', text: JSON.stringify(body) });
      return parse('PATCH', path, answer);
    },
    close() {
      agent?.destroy();
    },
  };
}

function parseStatus(text: string): ApiStatusBody | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && (parsed as { kind?: unknown }).kind === 'Status') return parsed as ApiStatusBody;
  } catch {
    // Not JSON (e.g. "404 page not found" when the Profile CRD is not installed).
  }
  return text.trim() === '' ? undefined : { message: text.trim().slice(0, 300) };
}
