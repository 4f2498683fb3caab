/**
 * A loopback HTTP proxy in front of the test API server that injects failures on chosen requests: HTTP 429 with
 * Retry-After, 500 or 503, a connection dropped before any answer, a body cut short, and 410 Expired on continue
 * tokens. Rules match on method, path and query (a real apply is a PATCH without `dryRun`).
 * Everything else is forwarded as is (TLS to the API server, verified with its CA).
 *
 * The proxy listens on plain HTTP so a kubeconfig can point at it with `insecure-skip-tls-verify` (client-node
 * refuses http:// servers otherwise); the bearer token only travels over loopback.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { parse, stringify } from 'yaml';

export type Fault =
  | { kind: 'status'; status: 429 | 500 | 503; retryAfterSeconds?: number }
  | { kind: 'expired' }
  | { kind: 'drop' }
  /** Cut after half the first chunk of the body, or after `afterBytes` of it. */
  | { kind: 'truncate'; afterBytes?: number }
  /** Forwarded with these query parameters replaced (e.g. a watch's resourceVersion made stale), once `after` resolves. */
  | { kind: 'rewrite'; query: Record<string, string>; after?: Promise<void> };

export interface FaultRule {
  /** Which requests: method, path and query of the request as the proxy sees it. */
  match: (request: { method: string; path: string; query: URLSearchParams }) => boolean;
  fault: Fault;
  /** How many matching requests get the fault (then the rule is spent); Infinity for every one. */
  times: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The fault injected, or `forwarded`. */
  outcome: Fault['kind'] | 'forwarded';
}

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request in order, with what the proxy did. */
  seen: SeenRequest[];
  /** Adds rules; the first unspent matching rule applies. */
  inject(...rules: FaultRule[]): void;
  /** Removes all rules and forgets seen requests. */
  reset(): void;
  /** Drops every open client connection (a watch in progress breaks off); returns how many were open. */
  cut(): number;
  /** A copy of `kubeconfigPath` (token auth) whose server is this proxy. */
  kubeconfigFor(kubeconfigPath: string, outPath: string): string;
  close(): Promise<void>;
}

export async function startFaultProxy(options: { upstream: string; caFile: string }): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const agent = new https.Agent({ keepAlive: true, ca: readFileSync(options.caFile) });
  const rules: (FaultRule & { used: number })[] = [];
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const query = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? 'GET';
    const rule = rules.find((r) => r.used < r.times && r.match({ method, path: url.pathname, query: url.searchParams }));
    if (rule !== undefined) {
      rule.used++;
      seen.push({ method, path: url.pathname, query, outcome: rule.fault.kind });
      inflict(rule.fault, req, res, upstream, agent);
      return;
    }
    seen.push({ method, path: url.pathname, query, outcome: 'forwarded' });
    forward(req, res, upstream, agent);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    seen,
    inject: (...added) => rules.push(...added.map((rule) => ({ ...rule, used: 0 }))),
    reset: () => {
      rules.length = 0;
      seen.length = 0;
    },
    cut: () => {
      const open = sockets.size;
      for (const socket of sockets) socket.destroy();
      return open;
    },
    kubeconfigFor: (kubeconfigPath, outPath) => {
      const config = parse(readFileSync(kubeconfigPath, 'utf8')) as {
        clusters: { cluster: Record<string, unknown> }[];
      };
      for (const entry of config.clusters) {
        entry.cluster = { server: url, 'insecure-skip-tls-verify': true };
      }
      writeFileSync(outPath, stringify(config), { mode: 0o600 });
      return outPath;
    },
    close: async () => {
      agent.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function forward(req: http.IncomingMessage, res: http.ServerResponse, upstream: URL, agent: https.Agent, path = req.url): void {
  const headers = { ...req.headers, host: upstream.host };
  const out = https.request(
    { protocol: 'https:', hostname: upstream.hostname, port: upstream.port, path, method: req.method, headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // As the API server does for a watch: the headers go out before the first event.
      res.flushHeaders();
      answer.pipe(res);
    },
  );
  out.on('error', (error) => {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`fault proxy: upstream failed: ${error.message}`);
  });
  req.pipe(out);
}

function inflict(fault: Fault, req: http.IncomingMessage, res: http.ServerResponse, upstream: URL, agent: https.Agent): void {
  switch (fault.kind) {
    case 'status': {
      const reason = fault.status === 429 ? 'TooManyRequests' : fault.status === 503 ? 'ServiceUnavailable' : 'InternalError';
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers);
      res.end(statusBody(fault.status, reason, `injected by the fault proxy`));
      return;
    }
    case 'expired':
      // What the API server sends when etcd compacted past a continue token's resourceVersion.
      res.writeHead(410, { 'content-type': 'application/json' });
      res.end(
        statusBody(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        ),
      );
      return;
    case 'drop':
      req.socket.destroy();
      return;
    case 'rewrite': {
      const url = new URL(req.url ?? '/', 'http://proxy');
      for (const [key, value] of Object.entries(fault.query)) url.searchParams.set(key, value);
      // A client that gave up while its request was held gets nothing (a collector stopped mid-list).
      void (fault.after ?? Promise.resolve()).then(() => {
        if (!req.socket.destroyed) forward(req, res, upstream, agent, `${url.pathname}${url.search}`);
      });
      return;
    }
    case 'truncate': {
      // Forward, but cut the connection after the headers and the first bytes of the body.
      const headers = { ...req.headers, host: upstream.host, 'accept-encoding': 'identity' };
      const out = https.request(
        { protocol: 'https:', hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers, agent },
        (answer) => {
          const length = answer.headers['content-length'];
          res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json', ...(length ? { 'content-length': length } : {}) });
          const cut = (bytes: Buffer): void => {
            res.write(bytes);
            answer.destroy();
            setImmediate(() => req.socket.destroy());
          };
          const afterBytes = fault.afterBytes;
          if (afterBytes === undefined) {
            answer.once('data', (chunk: Buffer) => cut(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2)))));
            return;
          }
          const chunks: Buffer[] = [];
          let received = 0;
          answer.on('data', (chunk: Buffer) => {
            if (received >= afterBytes) return;
            chunks.push(chunk);
            received += chunk.length;
            if (received >= afterBytes) cut(Buffer.concat(chunks).subarray(0, afterBytes));
          });
        },
      );
      out.on('error', () => req.socket.destroy());
      req.pipe(out);
      return;
    }
  }
}

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
