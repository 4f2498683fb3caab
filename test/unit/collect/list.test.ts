import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiNetworkError, ApiResponseError, type ApiTransport } from '../../../src/collect/transport.js';
import { listAll, listPath, listTargetOf, type ListSink, type ListTarget } from '../../../src/collect/list.js';
import { ExternalError } from '../../../src/errors.js';
import { nodeKind } from '../../../src/kinds/node.js';
import { podKind } from '../../../src/kinds/pod.js';
import { profileKind } from '../../../src/kinds/profile.js';

const noRetry = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 };

/**
 * Serves `names` as pages of `limit`, with continue tokens `t<offset>`; `fail` may throw for a request first.
 * `stream` hands the whole list out two items at a time; `fail` is asked before each handful (`query.at` says which).
 */
function fakeTransport(names: string[], fail?: (query: Record<string, string>, call: number) => Error | undefined): ApiTransport & {
  requests: { path: string; query: Record<string, string> }[];
} {
  const requests: { path: string; query: Record<string, string> }[] = [];
  return {
    server: 'https://k8s.test',
    requests,
    close() {},
    async get(path, query = {}) {
      requests.push({ path, query });
      const failure = fail?.(query, requests.length);
      if (failure) throw failure;
      const offset = query.continue ? Number(query.continue.slice(1)) : 0;
      const limit = Number(query.limit);
      const items = names.slice(offset, offset + limit).map((name) => ({ metadata: { name } }));
      const next = offset + limit < names.length ? `t${offset + limit}` : undefined;
      return { kind: 'PodList', apiVersion: 'v1', metadata: next ? { continue: next } : {}, items };
    },
    async stream(path, query, options) {
      requests.push({ path, query });
      const call = requests.length;
      for (let at = 0; at < names.length; at += 2) {
        const failure = fail?.({ ...query, at: String(at) }, call);
        if (failure) throw failure;
        options.onItems(names.slice(at, at + 2).map((name) => ({ metadata: { name } })));
      }
      return { kind: 'PodList', apiVersion: 'v1', metadata: {} };
    },
  };
}

/** A sink that records what it is told. */
function recordingSink(): ListSink & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    restart: () => void events.push('restart'),
    accept: (items) => void events.push(items.map((item) => `${item.kind}/${(item.metadata as { name: string }).name}`).join(',')),
  };
}

const pods = listTargetOf(podKind);

describe('listPath', () => {
  it('puts core resources under /api and grouped ones under /apis', () => {
    assert.equal(listPath(listTargetOf(nodeKind)), '/api/v1/nodes');
    assert.equal(listPath(listTargetOf(profileKind)), '/apis/kubeflow.org/v1/profiles');
  });
});

describe('listAll', () => {
  it('follows continue tokens page by page, stamping kind and apiVersion on items', async () => {
    const transport = fakeTransport(['a', 'b', 'c', 'd', 'e']);
    const sink = recordingSink();
    const outcome = await listAll(pods, sink, { transport, pageSize: 2, retry: noRetry });
    assert.deepEqual(outcome, { found: true, pages: 3, restarts: 0 });
    assert.deepEqual(sink.events, ['Pod/a,Pod/b', 'Pod/c,Pod/d', 'Pod/e']);
    assert.deepEqual(transport.requests, [
      { path: '/api/v1/pods', query: { limit: '2', fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' } },
      { path: '/api/v1/pods', query: { limit: '2', fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed', continue: 't2' } },
      { path: '/api/v1/pods', query: { limit: '2', fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed', continue: 't4' } },
    ]);
  });

  it('restarts the list from the first page when a continue token expires (410), telling the sink', async () => {
    const transport = fakeTransport(['a', 'b', 'c'], (query, call) =>
      query.continue === 't2' && call === 2 ? new ApiResponseError('u', 410, { reason: 'Expired', code: 410 }, undefined) : undefined,
    );
    const sink = recordingSink();
    const outcome = await listAll(pods, sink, { transport, pageSize: 2, retry: noRetry });
    assert.deepEqual(outcome, { found: true, pages: 3, restarts: 1 });
    assert.deepEqual(sink.events, ['Pod/a,Pod/b', 'restart', 'Pod/a,Pod/b', 'Pod/c']);
    assert.deepEqual(transport.requests.map((request) => request.query.continue ?? '-'), ['-', 't2', '-', 't2']);
  });

  it('gives up with an actionable error when the token keeps expiring', async () => {
    const transport = fakeTransport(['a', 'b', 'c'], (query) =>
      query.continue ? new ApiResponseError('u', 410, { reason: 'Expired', code: 410 }, undefined) : undefined,
    );
    await assert.rejects(listAll(pods, recordingSink(), { transport, pageSize: 2, retry: noRetry, maxRestarts: 2 }), (error) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(
        error.message,
        'listing pods restarted 2 times because its continue token expired (HTTP 410); the cluster compacts faster than quotaplan reads: try a larger --page-size',
      );
      return true;
    });
    assert.equal(transport.requests.length, 6);
  });

  it('reports an optional resource whose CRD is absent (404) as not found', async () => {
    const transport = fakeTransport([], () => new ApiResponseError('u', 404, undefined, undefined));
    const sink = recordingSink();
    assert.deepEqual(await listAll(listTargetOf(profileKind), sink, { transport, pageSize: 2, retry: noRetry }), { found: false });
    assert.deepEqual(sink.events, []);
  });

  it('treats 404 on a required resource as an error', async () => {
    const transport = fakeTransport([], () => new ApiResponseError('u', 404, undefined, undefined));
    await assert.rejects(listAll(listTargetOf(nodeKind), recordingSink(), { transport, pageSize: 2, retry: noRetry }), ApiResponseError);
  });

  it('retries a throttled page and keeps its place in the list', async () => {
    const transport = fakeTransport(['a', 'b', 'c'], (query, call) =>
      call === 2 ? new ApiResponseError('u', 429, undefined, 0) : undefined,
    );
    const sink = recordingSink();
    const retry = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 };
    await listAll(pods, sink, { transport, pageSize: 2, retry, retryEnvironment: { sleep: async () => {}, random: () => 0 } });
    assert.deepEqual(sink.events, ['Pod/a,Pod/b', 'Pod/c']);
    assert.deepEqual(transport.requests.map((request) => request.query.continue ?? '-'), ['-', 't2', 't2']);
  });

  it('asks for the next page before handing the current one to the sink', async () => {
    const transport = fakeTransport(['a', 'b', 'c', 'd', 'e']);
    const seen: string[] = [];
    const sink: ListSink = {
      restart: () => void seen.push('restart'),
      accept: (items) => void seen.push(`${items.length} items after ${transport.requests.length} requests`),
    };
    await listAll(pods, sink, { transport, pageSize: 2, retry: noRetry });
    assert.deepEqual(seen, ['2 items after 2 requests', '2 items after 3 requests', '1 items after 3 requests']);
  });

  it('asks for the next page as soon as the head of the current answer names its continue token, never more than two at once', async () => {
    // Answers that stream: the test announces each answer's head (its continue token) and completes it later.
    const names = ['a', 'b', 'c', 'd', 'e'];
    const answers: Array<{ query: Record<string, string>; head: (token: string | undefined) => void; complete: () => void }> = [];
    let outstanding = 0;
    let mostOutstanding = 0;
    const transport: ApiTransport = {
      server: 'https://k8s.test',
      close() {},
      stream: () => Promise.reject(new Error('not used')),
      get(_path, query = {}, options = {}) {
        outstanding++;
        mostOutstanding = Math.max(mostOutstanding, outstanding);
        const offset = query.continue ? Number(query.continue.slice(1)) : 0;
        const next = offset + 2 < names.length ? `t${offset + 2}` : undefined;
        const items = names.slice(offset, offset + 2).map((name) => ({ metadata: { name } }));
        return new Promise((resolve) => {
          answers.push({
            query,
            head: (token) => options.onListHead?.(token),
            complete: () => {
              outstanding--;
              resolve({ kind: 'PodList', apiVersion: 'v1', metadata: next ? { continue: next } : {}, items });
            },
          });
        });
      },
    };
    const sink = recordingSink();
    const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const listed = listAll(pods, sink, { transport, pageSize: 2, retry: noRetry });
    await tick();
    assert.equal(answers.length, 1);
    answers[0]!.head('t2');
    assert.deepEqual(answers.map((a) => a.query.continue ?? '-'), ['-', 't2'], 'page 2 is asked for while page 1 is still arriving');
    answers[1]!.head('t4');
    assert.equal(answers.length, 2, "page 2's head does not start page 3 while page 1 is awaited");
    answers[0]!.complete();
    await tick();
    assert.deepEqual(answers.map((a) => a.query.continue ?? '-'), ['-', 't2', 't4'], 'page 3 goes out as soon as page 2 is the current one');
    assert.deepEqual(sink.events, ['Pod/a,Pod/b']);
    answers[1]!.complete();
    answers[2]!.head(undefined);
    answers[2]!.complete();
    assert.deepEqual(await listed, { found: true, pages: 3, restarts: 0 });
    assert.deepEqual(sink.events, ['Pod/a,Pod/b', 'Pod/c,Pod/d', 'Pod/e']);
    assert.equal(mostOutstanding, 2);
  });

  it('abandons the request in flight when the sink throws: the sink error wins and that request is not retried', async () => {
    const transport = fakeTransport(['a', 'b', 'c'], (query) => (query.continue ? new ApiResponseError('u', 503, undefined, 0) : undefined));
    const sink: ListSink = {
      restart: () => {},
      accept: () => {
        throw new Error('bad pod');
      },
    };
    const retry = { attempts: 6, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 };
    await assert.rejects(listAll(pods, sink, { transport, pageSize: 2, retry, retryEnvironment: { sleep: async () => {}, random: () => 0 } }), {
      message: 'bad pod',
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(transport.requests.map((request) => request.query.continue ?? '-'), ['-', 't2']);
  });

  it('rejects a body that is not a list', async () => {
    const transport: ApiTransport = { server: 's', close() {}, get: async () => ({ kind: 'Status' }), stream: async () => ({ kind: 'Status' }) };
    const target: ListTarget = listTargetOf(nodeKind);
    await assert.rejects(listAll(target, recordingSink(), { transport, pageSize: 2, retry: noRetry }), {
      name: 'ExternalError',
      message: 'GET /api/v1/nodes did not return a NodeList (no items array)',
    });
  });
  it('rejects a streamed answer of another kind', async () => {
    const transport: ApiTransport = { server: 's', close() {}, get: async () => ({}), stream: async () => ({ kind: 'Status' }) };
    await assert.rejects(listAll(listTargetOf(nodeKind), recordingSink(), { transport, retry: noRetry }), {
      name: 'ExternalError',
      message: 'GET /api/v1/nodes did not return a NodeList (got Status)',
    });
  });
});

describe('listAll without a page size: one streamed LIST', () => {
  const retry = { attempts: 6, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 };
  const retryEnvironment = { sleep: async () => {}, random: () => 0 };

  it('hands the items out as they arrive, in order, with kind and apiVersion, from one request without limit', async () => {
    const transport = fakeTransport(['a', 'b', 'c', 'd', 'e']);
    const sink = recordingSink();
    assert.deepEqual(await listAll(pods, sink, { transport, retry: noRetry }), { found: true, pages: 1, restarts: 0 });
    assert.deepEqual(sink.events, ['Pod/a,Pod/b', 'Pod/c,Pod/d', 'Pod/e']);
    assert.deepEqual(transport.requests, [{ path: '/api/v1/pods', query: { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' } }]);
  });

  it('retries an answer that broke off from the start, telling the sink to restart first', async () => {
    const transport = fakeTransport(['a', 'b', 'c', 'd', 'e'], (query, call) =>
      call === 1 && query.at === '2' ? Object.assign(new ApiNetworkError('u', 'ECONNRESET', 'reset')) : undefined,
    );
    const sink = recordingSink();
    assert.deepEqual(await listAll(pods, sink, { transport, retry, retryEnvironment }), { found: true, pages: 1, restarts: 1 });
    assert.deepEqual(sink.events, ['Pod/a,Pod/b', 'restart', 'Pod/a,Pod/b', 'Pod/c,Pod/d', 'Pod/e']);
    assert.equal(transport.requests.length, 2);
  });

  it('retries a refused request without a restart when nothing reached the sink', async () => {
    const transport = fakeTransport(['a'], (_query, call) => (call === 1 ? new ApiResponseError('u', 503, undefined, 0) : undefined));
    const sink = recordingSink();
    assert.deepEqual(await listAll(pods, sink, { transport, retry, retryEnvironment }), { found: true, pages: 1, restarts: 0 });
    assert.deepEqual(sink.events, ['Pod/a']);
  });

  it('reports an optional resource whose CRD is absent (404) as not found', async () => {
    const transport = fakeTransport(['a'], () => new ApiResponseError('u', 404, undefined, undefined));
    assert.deepEqual(await listAll(listTargetOf(profileKind), recordingSink(), { transport, retry: noRetry }), { found: false });
  });

  it("fails with the sink's error, without retrying", async () => {
    const transport = fakeTransport(['a', 'b', 'c']);
    const sink: ListSink = {
      restart: () => {},
      accept: () => {
        throw new Error('bad pod');
      },
    };
    await assert.rejects(listAll(pods, sink, { transport, retry, retryEnvironment }), { message: 'bad pod' });
    assert.equal(transport.requests.length, 1);
  });
});
