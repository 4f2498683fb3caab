import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { KubeConfig } from '@kubernetes/client-node';
import { ApiNetworkError, ApiResponseError, createTransport, retryAfterOf } from '../../../src/collect/transport.js';
import { describeApiFailure } from '../../../src/collect/api-errors.js';
import { ExternalError } from '../../../src/errors.js';

/** A kubeconfig for an http:// server (client-node allows that only with insecure-skip-tls-verify). */
function configFor(server: string, token = 'secret-token'): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'lab', cluster: 'c', user: 'u' }],
    currentContext: 'lab',
  });
  return config;
}

const where = { verb: 'list', group: '', resource: 'pods', context: 'lab', attempts: 6 };

describe('createTransport against a loopback server', () => {
  let server: http.Server;
  let base: string;
  const seen: { url: string; authorization?: string; accept?: string; acceptEncoding?: string }[] = [];
  let releaseStreamed = (): void => undefined;
  const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/protobuf/${name}`, import.meta.url));

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, accept: req.headers.accept, acceptEncoding: req.headers['accept-encoding'] as string });
      const url = new URL(req.url ?? '/', 'http://x');
      // As the API server does: protobuf when the client prefers it, else JSON (captured answers to the same request).
      const protobuf = req.headers.accept?.startsWith('application/vnd.kubernetes.protobuf') ?? false;
      const contentType = protobuf ? 'application/vnd.kubernetes.protobuf' : 'application/json';
      if (url.pathname === '/api/v1/namespaces') {
        res.writeHead(200, { 'content-type': contentType });
        res.end(fixture(protobuf ? 'namespaces-page.pb' : 'namespaces-page.json'));
      } else if (url.pathname === '/api/v1/namespaces/team-0000/pods/nope') {
        res.writeHead(404, { 'content-type': contentType });
        res.end(fixture(protobuf ? 'status-404.pb' : 'status-404.json'));
      } else if (url.pathname === '/api/v1/pods-streamed') {
        // The head and the first of 3 pods (~3.8 KB each); the rest only once the client has said it read them.
        const whole = fixture('pods-page.pb');
        res.writeHead(200, { 'content-type': 'application/vnd.kubernetes.protobuf' });
        res.write(whole.subarray(0, 6000));
        void new Promise<void>((resolve) => (releaseStreamed = resolve)).then(() => res.end(whole.subarray(6000)));
      } else if (url.pathname === '/api/v1/garbled') {
        res.writeHead(200, { 'content-type': 'application/vnd.kubernetes.protobuf' });
        res.end(fixture('namespaces-page.pb').subarray(0, 300));
      } else if (url.pathname === '/api/v1/nodes') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'NodeList', items: [{ metadata: { name: 'n1' } }] }));
      } else if (url.pathname === '/api/v1/gzipped') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ items: ['zipped'] })));
      } else if (url.pathname === '/api/v1/throttled') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
        res.end(JSON.stringify({ kind: 'Status', status: 'Failure', message: 'too many requests', reason: 'TooManyRequests', code: 429 }));
      } else if (url.pathname === '/api/v1/pods') {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            status: 'Failure',
            message: 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" at the cluster scope',
            reason: 'Forbidden',
            details: { kind: 'pods' },
            code: 403,
          }),
        );
      } else if (url.pathname === '/api/v1/watched') {
        // Two events, the second split across writes, then a bookmark; `hold=1` keeps the stream open after them.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}}\n{"type":"DELE');
        setImmediate(() => {
          res.write('TED","object":{"metadata":{"name":"a","resourceVersion":"6"}}}\n{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}}\n');
          if (url.searchParams.get('hold') !== '1') res.end();
        });
      } else if (url.pathname === '/api/v1/cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"items": [');
        setImmediate(() => res.socket?.destroy());
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the bearer token and query, and parses the JSON body; no gzip from a loopback server unless asked', async () => {
    const transport = createTransport(configFor(base));
    try {
      assert.deepEqual(await transport.get('/api/v1/nodes', { limit: '2', continue: 'a b' }), { kind: 'NodeList', items: [{ metadata: { name: 'n1' } }] });
      assert.deepEqual(seen.at(-1), {
        url: '/api/v1/nodes?limit=2&continue=a+b',
        authorization: 'Bearer secret-token',
        accept: 'application/json',
        acceptEncoding: undefined,
      });
    } finally {
      transport.close();
    }
    const gzip = createTransport(configFor(base), { gzip: true });
    try {
      assert.deepEqual(await gzip.get('/api/v1/gzipped'), { items: ['zipped'] });
      assert.equal(seen.at(-1)?.acceptEncoding, 'gzip');
    } finally {
      gzip.close();
    }
  });

  it("tells a protobuf list's continue token from the head of the answer, before the answer is complete", async () => {
    const transport = createTransport(configFor(base));
    try {
      const events: string[] = [];
      const onListHead = (token: string | undefined): void => {
        events.push(`head ${token}`);
        releaseStreamed();
      };
      const answer = transport.get('/api/v1/pods-streamed', {}, { protobuf: true, onListHead });
      const body = (await answer) as { metadata: { continue: string } };
      events.push('answer');
      assert.deepEqual(events, [`head ${body.metadata.continue}`, 'answer']);
      // JSON answers have no head callback: the whole page is needed anyway.
      const heads: unknown[] = [];
      await transport.get('/api/v1/namespaces', {}, { onListHead: (token) => void heads.push(token) });
      assert.deepEqual(heads, []);
    } finally {
      transport.close();
    }
  });

  it('streams a list in either encoding: items before the answer is complete, the same items as a whole read', async () => {
    const transport = createTransport(configFor(base));
    try {
      const events: string[] = [];
      const list = await transport.stream('/api/v1/pods-streamed', {}, {
        protobuf: true,
        onItems: (items) => {
          events.push(`${items.length} items`);
          releaseStreamed();
        },
      });
      const fromFixture = JSON.parse(fixture('pods-page.json').toString('utf8')) as { metadata: { continue: string }; items: unknown[] };
      assert.equal(events[0], '1 items', 'the first pod arrives before the rest of the body is sent');
      assert.equal(events.map((e) => Number(e.split(' ')[0])).reduce((a, b) => a + b, 0), fromFixture.items.length);
      assert.deepEqual([list.kind, (list.metadata as { continue?: string }).continue], ['PodList', fromFixture.metadata.continue]);

      const protobufItems: unknown[] = [];
      const jsonItems: Array<{ metadata: { name: string; labels: unknown; uid: string } }> = [];
      await transport.stream('/api/v1/namespaces', {}, { protobuf: true, onItems: (items) => void protobufItems.push(...items) });
      await transport.stream('/api/v1/namespaces', {}, { onItems: (items) => void jsonItems.push(...(items as typeof jsonItems)) });
      assert.deepEqual(
        protobufItems.map((item) => (item as { metadata: unknown }).metadata),
        jsonItems.map((item) => ({ name: item.metadata.name, labels: item.metadata.labels, uid: item.metadata.uid })),
      );
    } finally {
      transport.close();
    }
  });

  it("ends a streamed list with onItems's own error, and reports error answers and garbled bodies", async () => {
    const transport = createTransport(configFor(base));
    try {
      const refused = new Error('bad pod');
      await assert.rejects(
        transport.stream('/api/v1/namespaces', {}, {
          protobuf: true,
          onItems: () => {
            throw refused;
          },
        }),
        (error) => error === refused,
      );
      await assert.rejects(transport.stream('/api/v1/throttled', {}, { onItems: () => undefined }), (error) => error instanceof ApiResponseError && error.statusCode === 429);
      await assert.rejects(
        transport.stream('/api/v1/garbled', {}, { protobuf: true, onItems: () => undefined }),
        (error) => error instanceof ApiNetworkError && error.code === 'EBADPROTOBUF' && /ended early/.test(error.message),
      );
    } finally {
      transport.close();
    }
  });

  it('asks for protobuf when told, and decodes a protobuf answer to what the JSON answer gives', async () => {
    const transport = createTransport(configFor(base));
    try {
      const fromProtobuf = (await transport.get('/api/v1/namespaces', {}, { protobuf: true })) as { items: Array<{ metadata: unknown }> };
      assert.equal(seen.at(-1)?.accept, 'application/vnd.kubernetes.protobuf, application/json');
      const fromJson = (await transport.get('/api/v1/namespaces')) as { items: Array<{ metadata: { name: string; labels: unknown; uid: string } }> };
      assert.equal(seen.at(-1)?.accept, 'application/json');
      assert.deepEqual(
        fromProtobuf.items.map((item) => item.metadata),
        fromJson.items.map((item) => ({ name: item.metadata.name, labels: item.metadata.labels, uid: item.metadata.uid })),
      );
      await assert.rejects(transport.get('/api/v1/namespaces/team-0000/pods/nope', {}, { protobuf: true }), (error) => {
        assert.ok(error instanceof ApiResponseError);
        assert.deepEqual([error.statusCode, error.status?.reason, error.status?.code, error.status?.message], [404, 'NotFound', 404, 'pods "nope" not found']);
        return true;
      });
      await assert.rejects(
        transport.get('/api/v1/garbled', {}, { protobuf: true }),
        (error) => error instanceof ApiNetworkError && error.code === 'EBADPROTOBUF' && /response is not Kubernetes protobuf: malformed/.test(error.message),
      );
    } finally {
      transport.close();
    }
  });

  it('turns an error answer into ApiResponseError with its Status and Retry-After', async () => {
    const transport = createTransport(configFor(base));
    try {
      await assert.rejects(transport.get('/api/v1/throttled'), (error) => {
        assert.ok(error instanceof ApiResponseError);
        assert.deepEqual([error.statusCode, error.status?.reason, error.retryAfterMs], [429, 'TooManyRequests', 3000]);
        return true;
      });
      await assert.rejects(transport.get('/apis/kubeflow.org/v1/profiles'), (error) => {
        assert.ok(error instanceof ApiResponseError);
        assert.deepEqual([error.statusCode, error.status], [404, undefined]);
        return true;
      });
    } finally {
      transport.close();
    }
  });

  it('reads a JSON watch stream event by event, until the server ends it or the signal aborts it', async () => {
    const transport = createTransport(configFor(base));
    const events: string[] = [];
    await transport.watch('/api/v1/watched', { watch: '1' }, { timeoutMs: 5_000, onEvent: (e) => void events.push(`${e.type} ${JSON.stringify(e.object)}`) });
    assert.deepEqual(events, [
      'ADDED {"metadata":{"name":"a","resourceVersion":"5"}}',
      'DELETED {"metadata":{"name":"a","resourceVersion":"6"}}',
      'BOOKMARK {"metadata":{"resourceVersion":"7"}}',
    ]);
    const stop = new AbortController();
    const reason = new Error('stopped');
    const held = transport.watch('/api/v1/watched', { watch: '1', hold: '1' }, { timeoutMs: 5_000, signal: stop.signal, onEvent: (e) => (e.type === 'BOOKMARK' ? stop.abort(reason) : undefined) });
    await assert.rejects(held, (error) => error === reason);
    transport.close();
  });

  it('reports a body cut short as a reset connection', async () => {
    const transport = createTransport(configFor(base));
    try {
      await assert.rejects(transport.get('/api/v1/cut'), (error) => error instanceof ApiNetworkError && error.code === 'ECONNRESET');
    } finally {
      transport.close();
    }
  });

  it('explains a 403 with the verb and resource refused and where to get the role', async () => {
    const transport = createTransport(configFor(base));
    try {
      const error = await transport.get('/api/v1/pods').then(() => undefined, (e: unknown) => e);
      const explained = describeApiFailure(error, { ...where, server: base });
      assert.ok(explained instanceof ExternalError);
      assert.equal(
        explained.message,
        `forbidden: the identity of context "lab" may not list pods (API group "" (core)) at ${base}: ` +
          'pods is forbidden: User "bob" cannot list resource "pods" in API group "" at the cluster scope; ' +
          'grant the read-only ClusterRole printed by `quotaplan rbac`',
      );
    } finally {
      transport.close();
    }
  });

  it('explains a refused connection as an unreachable server, naming the URL', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const transport = createTransport(configFor(url));
    try {
      const error = await transport.get('/api/v1/nodes').then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ApiNetworkError);
      assert.equal(error.code, 'ECONNREFUSED');
      assert.equal(
        (describeApiFailure(error, { ...where, server: url }) as Error).message,
        `cannot reach the Kubernetes API server at ${url} (context "lab"): ECONNREFUSED; check the server address in the kubeconfig and that the cluster is up`,
      );
    } finally {
      transport.close();
    }
  });
});

describe('retryAfterOf', () => {
  it('reads seconds, an HTTP date, or the Status details', () => {
    const now = Date.parse('2026-11-28T04:00:00Z');
    assert.equal(retryAfterOf('2', undefined, now), 2000);
    assert.equal(retryAfterOf('Sat, 28 Nov 2026 04:00:05 GMT', undefined, now), 5000);
    assert.equal(retryAfterOf('Sat, 28 Nov 2026 03:00:00 GMT', undefined, now), 0);
    assert.equal(retryAfterOf(undefined, { details: { retryAfterSeconds: 4 } }, now), 4000);
    assert.equal(retryAfterOf('soon', undefined, now), undefined);
  });
});
