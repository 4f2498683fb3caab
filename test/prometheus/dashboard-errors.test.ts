/**
 * The dashboard's answer when the Prometheus behind `serve --prometheus` fails: a gateway's status with Prometheus's
 * failure in the body (502 down or refusing, 504 too slow), never a 500. The app is built as `serve` builds it, over
 * the demo database, and asked without a network (`app.request`); the Prometheus servers are real: one stopped
 * (SIGSTOP, so it accepts connections and answers nothing) and a port nothing listens on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedDemoDatabase } from '../../src/commands/demo.js';
import { measureUseFrom } from '../../src/commands/prometheus-options.js';
import { createApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/open.js';
import { closedPort, dcgmBlocks, startPrometheus, type RunningPrometheus } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-dashboard-errors-'));
const db = join(dir, 'demo.db');

const flags = (url: string, timeout: string): Parameters<typeof measureUseFrom>[0] => ({
  prometheus: url,
  prometheusStep: '1h',
  prometheusTimeout: timeout,
  prometheusSelector: 'job="dcgm"',
  prometheusNamespaceLabel: 'namespace',
  prometheusPodLabel: 'pod',
  idleBelow: '5',
  idleFor: '24h',
});

describe('dashboard: a failing Prometheus is a 502 or a 504 with its message', () => {
  let store: Store;
  let prometheus: RunningPrometheus;
  const logged: string[] = [];
  before(async () => {
    await seedDemoDatabase(db, new Date('2026-11-28T04:17:00Z'));
    store = await openStore({ file: db, create: false });
    prometheus = await startPrometheus({ blocks: dcgmBlocks() });
  });
  after(async () => {
    await store?.close();
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const appFor = (url: string, timeout: string): ReturnType<typeof createApp> =>
    createApp({ store, clock: () => new Date('2026-12-20T10:00:00Z'), measure: measureUseFrom(flags(url, timeout)), log: (message) => logged.push(message) });

  it('answering: 200 with the measured use (the same app, so the statuses below are Prometheus`s doing)', async () => {
    const response = await appFor(prometheus.url, '60s').request('/api/reviews/2026-Q4');
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { measured: { available: boolean } }).measured.available, true);
  });

  it('down (nothing listens): 502 naming the server and the refused connection', async () => {
    const port = await closedPort();
    const response = await appFor(`http://127.0.0.1:${port}`, '60s').request('/api/reviews/2026-Q4');
    assert.equal(response.status, 502);
    const body = (await response.json()) as { error: string; field: string | null };
    assert.equal(body.field, null);
    assert.match(body.error, new RegExp(`^Prometheus at http://127\\.0\\.0\\.1:${port}: query_range "count\\(.*": cannot connect: ECONNREFUSED`));
    assert.equal(logged.at(-1), `quotaplan serve: ${body.error}`);
  });

  it('stopped (accepts, never answers): 504 after --prometheus-timeout, saying so', async () => {
    prometheus.pause();
    try {
      const response = await appFor(prometheus.url, '2s').request('/api/reviews/2026-Q4');
      assert.equal(response.status, 504);
      const body = (await response.json()) as { error: string };
      assert.match(body.error, new RegExp(`^Prometheus at ${prometheus.url.replaceAll('.', '\\.')}: query_range "count\\(.*": no answer within 2 s \\(raise --prometheus-timeout`));
    } finally {
      prometheus.resume();
    }
  });
});
