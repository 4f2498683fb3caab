/**
 * `--prometheus-token` and `--prometheus-token-file` against a real authenticating server: Prometheus has no
 * bearer-token authentication, so a real nginx (nginx.ts) sits in front of a real Prometheus and lets in only
 * `Authorization: Bearer <token>`, as kube-rbac-proxy, oauth2-proxy or nginx do in the field. The figures through
 * the proxy are compared with the same review read from the Prometheus directly; the demo database and its window
 * as in review-measured.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedDemoDatabase } from '../../src/commands/demo.js';
import { measureUseFrom } from '../../src/commands/prometheus-options.js';
import type { ReviewJson } from '../../src/emit/review-json.js';
import { createApp } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/open.js';
import { runCli } from '../support/cli.js';
import { teamTruth, truth } from './dcgm-series.js';
import { dcgmBlocks, startPrometheus, type RunningPrometheus } from './harness.js';
import { startTokenProxy, type RunningNginx } from './nginx.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-review-token-'));
const db = join(dir, 'demo.db');
const TOKEN = randomBytes(24).toString('base64url');
const tokenFile = join(dir, 'token');
const expected = truth({ from: Date.UTC(2026, 9, 1), hours: 1395, idleBelow: 5, idleForHours: 24 });

const reviewArgs = (url: string, ...more: string[]): string[] => ['review', '--db', db, '--cycle', '2026-Q4', '-o', 'json', '--prometheus', url, '--prometheus-selector', 'job="dcgm"', ...more];
const REFUSED = ' (--prometheus-user and --prometheus-password-file, or --prometheus-token[-file])\n';

describe('--prometheus-token through a real token-checking nginx in front of a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let nginx: RunningNginx;
  let direct: ReviewJson['measured'];
  before(async () => {
    await seedDemoDatabase(db, new Date('2026-11-28T04:17:00Z'));
    writeFileSync(tokenFile, `${TOKEN}\n`);
    prometheus = await startPrometheus({ blocks: dcgmBlocks() });
    nginx = await startTokenProxy({ upstream: prometheus.url, token: TOKEN });
    const result = await runCli(reviewArgs(prometheus.url), { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    direct = (JSON.parse(result.stdout) as ReviewJson).measured;
  });
  after(async () => {
    await nginx?.stop();
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the direct run measures (the baseline the proxied runs are compared with)', () => {
    assert.equal(direct.available, true);
    assert.deepEqual(
      direct.teams.filter((t) => t.team === 'platform/recsys').map((t) => ({ busy: t.busyGpuHours, allocated: t.allocatedGpuHours })),
      [teamTruth(expected, ['recsys'])],
    );
  });

  for (const [how, flags] of [
    ['--prometheus-token', ['--prometheus-token', TOKEN]],
    ['--prometheus-token-file', ['--prometheus-token-file', tokenFile]],
  ] as const) {
    it(`${how} with the right token: the same measured figures as direct`, async () => {
      const result = await runCli(reviewArgs(nginx.url, ...flags), { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      const measured = (JSON.parse(result.stdout) as ReviewJson).measured;
      assert.equal(measured.source?.url, nginx.url);
      assert.deepEqual({ ...measured, source: { ...measured.source, url: prometheus.url } }, direct);
    });
  }

  it('QUOTAPLAN_PROMETHEUS_TOKEN with the right token: the same measured figures as direct', async () => {
    const result = await runCli(reviewArgs(nginx.url), { cwd: dir, env: { QUOTAPLAN_PROMETHEUS_TOKEN: TOKEN } });
    assert.equal(result.code, 0, result.stderr);
    const measured = (JSON.parse(result.stdout) as ReviewJson).measured;
    assert.deepEqual({ ...measured, source: { ...measured.source, url: prometheus.url } }, direct);
  });

  it('a wrong token, or none: HTTP 401 naming what was given, exit 3, nothing printed', async () => {
    const wrong = await runCli(reviewArgs(nginx.url, '--prometheus-token', `${TOKEN}x`), { cwd: dir });
    assert.equal(wrong.code, 3);
    assert.equal(wrong.stdout, '');
    assert.ok(wrong.stderr.startsWith(`quotaplan: Prometheus at ${nginx.url}: query_range "count(`), wrong.stderr);
    assert.ok(wrong.stderr.endsWith(`: HTTP 401 Unauthorized: the server refused the --prometheus-token given${REFUSED}`), wrong.stderr);
    const none = await runCli(reviewArgs(nginx.url), { cwd: dir });
    assert.equal(none.code, 3);
    assert.equal(none.stdout, '');
    assert.ok(none.stderr.endsWith(`: HTTP 401 Unauthorized: the server refused no credentials${REFUSED}`), none.stderr);
  });

  it('the dashboard (serve --prometheus-token): the review API through nginx has the direct figures; a wrong token is 502', async () => {
    const store: Store = await openStore({ file: db, create: false });
    try {
      const appWith = (token: string): ReturnType<typeof createApp> =>
        createApp({
          store,
          clock: () => new Date('2026-12-20T10:00:00Z'),
          measure: measureUseFrom({
            prometheus: nginx.url,
            prometheusToken: token,
            prometheusStep: '1h',
            prometheusTimeout: '60s',
            prometheusSelector: 'job="dcgm"',
            prometheusNamespaceLabel: 'namespace',
            prometheusPodLabel: 'pod',
            idleBelow: '5',
            idleFor: '24h',
          }),
          log: () => {},
        });
      const response = await appWith(TOKEN).request('/api/reviews/2026-Q4');
      assert.equal(response.status, 200);
      const measured = ((await response.json()) as ReviewJson).measured;
      assert.equal(measured.source?.url, nginx.url);
      assert.deepEqual(
        measured.teams.map((t) => ({ team: t.team, busy: t.busyGpuHours, allocated: t.allocatedGpuHours })),
        direct.teams.map((t) => ({ team: t.team, busy: t.busyGpuHours, allocated: t.allocatedGpuHours })),
      );
      const refused = await appWith('not-the-token').request('/api/reviews/2026-Q4');
      assert.equal(refused.status, 502);
      const body = (await refused.json()) as { error: string };
      assert.ok(body.error.endsWith(': HTTP 401 Unauthorized: the server refused the --prometheus-token given (--prometheus-user and --prometheus-password-file, or --prometheus-token[-file])'), body.error);
    } finally {
      await store.close();
    }
  });
});
