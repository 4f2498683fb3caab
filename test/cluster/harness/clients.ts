/**
 * Kubeconfig files for the test control plane, and @kubernetes/client-node API clients that reuse connections.
 *
 * client-node 1.4 builds a fresh https.Agent for every request (KubeConfig.applySecurityAuthentication), so each
 * call pays a TLS handshake. For seeding thousands of objects a middleware swaps in one keep-alive agent per client set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  path: string;
  server: string;
  caFile: string;
  user: string;
  token: string;
}

/** Writes a one-context kubeconfig (token auth, CA by file) that kubectl and client-node both read. */
export function writeKubeconfig(options: KubeconfigOptions): string {
  const cluster = 'quotaplan-test';
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: options.server, 'certificate-authority': options.caFile } }],
    users: [{ name: options.user, user: { token: options.token } }],
    contexts: [{ name: `${options.user}@${cluster}`, context: { cluster, user: options.user } }],
    'current-context': `${options.user}@${cluster}`,
  };
  writeFileSync(options.path, stringify(kubeconfig), { mode: 0o600 });
  return options.path;
}

export interface KubeClients {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  customObjects: CustomObjectsApi;
  rbac: RbacAuthorizationV1Api;
  apiextensions: ApiextensionsV1Api;
  /** Any other generated API class, sharing the same keep-alive agent. */
  make<T>(apiType: new (config: ReturnType<typeof createConfiguration>) => T): T;
  /** `https://host:port` of the current cluster. */
  server: string;
  /** The CA bundle the clients trust, if the kubeconfig names one. */
  ca: Buffer | undefined;
  /** The kubeconfig user's credentials as request headers (e.g. `Authorization: Bearer ...`). */
  authHeaders(): Promise<Record<string, string>>;
  /** A plain JSON request to `path` on the server, with the kubeconfig's credentials, over the keep-alive agent. */
  request(path: string, init: RawRequest): Promise<RawResponse>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

export interface RawRequest {
  method: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  body: string;
}

/** API clients for a kubeconfig file, all sharing one keep-alive agent with at most `maxSockets` connections. */
export function connect(kubeconfigPath: string, options: { maxSockets?: number } = {}): KubeClients {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error(`${kubeconfigPath}: no current cluster`);
  const ca = cluster.caFile ? readFileSync(cluster.caFile) : cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32, ca });
  let headers: Promise<Record<string, string>> | undefined;
  const authHeaders = (): Promise<Record<string, string>> => {
    headers ??= (async () => {
      const requestOptions: { headers?: Record<string, string> } = {};
      await kubeConfig.applyToHTTPSOptions(requestOptions);
      return requestOptions.headers ?? {};
    })();
    return headers;
  };
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [
      {
        pre: async (context: RequestContext) => {
          context.setAgent(agent);
          return context;
        },
        post: async (response: ResponseContext) => response,
      },
    ],
  });
  const make = <T>(apiType: new (config: typeof configuration) => T): T => new apiType(configuration);
  return {
    kubeConfig,
    core: make(CoreV1Api),
    customObjects: make(CustomObjectsApi),
    rbac: make(RbacAuthorizationV1Api),
    apiextensions: make(ApiextensionsV1Api),
    make,
    server: cluster.server,
    ca,
    authHeaders,
    request: async (path, init) =>
      sendRaw(agent, `${cluster.server}${path}`, {
        ...init,
        headers: { Accept: 'application/json', ...(await authHeaders()), ...init.headers },
      }),
    close: () => agent.destroy(),
  };
}

function sendRaw(agent: Agent, url: string, init: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...init.headers, ...(init.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(init.body)) } : {}) };
    const req = httpsRequest(url, { method: init.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
