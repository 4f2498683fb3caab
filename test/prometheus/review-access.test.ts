/**
 * `quotaplan review --prometheus` against real Prometheus servers that are harder to reach: one serving TLS with a
 * certificate from a throwaway CA and basic auth (`--web.config.file`), and one whose remote_read store does not
 * answer, so that every answer carries Prometheus's `warnings` (partial data). Expected figures: dcgm-series.ts's
 * truth; the demo database and its 1395-hour window as in review-measured.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedDemoDatabase } from '../../src/commands/demo.js';
import type { ReviewJson } from '../../src/emit/review-json.js';
import { runCli } from '../support/cli.js';
import { teamTruth, truth } from './dcgm-series.js';
import { closedPort, dcgmBlocks, startPrometheus, type RunningPrometheus } from './harness.js';
import { makeCertificates, type TestCertificates } from './tls.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-review-access-'));
const db = join(dir, 'demo.db');
const expected = truth({ from: Date.UTC(2026, 9, 1), hours: 1395, idleBelow: 5, idleForHours: 24 });
const PASSWORD = 'correct horse battery staple';
/** bcrypt (cost 10) of PASSWORD, made once with npm's bcryptjs 3.0.3 (`hashSync(PASSWORD, 10)`): what Prometheus's basic_auth_users holds. */
const PASSWORD_BCRYPT = '$2b$10$vJiV8fXMyUvKNPViCSjVMOczdUnxI72TZugm3zaj9xfrM.ObJV/rm';

before(async () => {
  await seedDemoDatabase(db, new Date('2026-11-28T04:17:00Z'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const reviewArgs = (url: string, ...more: string[]): string[] => ['review', '--db', db, '--cycle', '2026-Q4', '-o', 'json', '--prometheus', url, '--prometheus-selector', 'job="dcgm"', ...more];

describe('review --prometheus over TLS with basic auth (a real Prometheus with --web.config.file)', () => {
  let prometheus: RunningPrometheus;
  let certs: TestCertificates;
  const passwordFile = join(dir, 'password');
  const wrongFile = join(dir, 'wrong-password');
  before(async () => {
    certs = makeCertificates(dir);
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    writeFileSync(wrongFile, 'Tr0ub4dor&3\n');
    prometheus = await startPrometheus({ blocks: dcgmBlocks(), web: { tls: certs, basicAuthUsers: { quotaplan: PASSWORD_BCRYPT } } });
  });
  after(async () => {
    await prometheus?.stop();
  });

  it('--prometheus-ca trusts the server and the right user and password are let in: the measured figures', async () => {
    const result = await runCli(reviewArgs(prometheus.url, '--prometheus-ca', certs.ca, '--prometheus-user', 'quotaplan', '--prometheus-password-file', passwordFile), { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as ReviewJson;
    assert.equal(json.measured.available, true);
    assert.equal(json.measured.source?.url, prometheus.url);
    assert.deepEqual(
      json.measured.teams.filter((t) => t.team === 'platform/recsys').map((t) => ({ busy: t.busyGpuHours, allocated: t.allocatedGpuHours })),
      [teamTruth(expected, ['recsys'])],
    );
  });

  it('without --prometheus-ca: the untrusted certificate is named with the flag that fixes it, exit 3, nothing printed', async () => {
    const result = await runCli(reviewArgs(prometheus.url, '--prometheus-user', 'quotaplan', '--prometheus-password-file', passwordFile), { cwd: dir });
    assert.equal(result.code, 3);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      new RegExp(`Prometheus at ${prometheus.url.replaceAll('.', '\\.')}: query_range "count\\(.*": the server's TLS certificate is not trusted \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\\); give the CA that signed it with --prometheus-ca\\n$`),
    );
  });

  it('a wrong password, or none: HTTP 401 naming what was given, exit 3', async () => {
    const wrong = await runCli(reviewArgs(prometheus.url, '--prometheus-ca', certs.ca, '--prometheus-user', 'quotaplan', '--prometheus-password-file', wrongFile), { cwd: dir });
    assert.equal(wrong.code, 3);
    assert.equal(wrong.stdout, '');
    assert.match(wrong.stderr, /: HTTP 401 Unauthorized: the server refused user "quotaplan" and its --prometheus-password-file \(--prometheus-user and --prometheus-password-file, or --prometheus-token\[-file\]\)\n$/);
    const none = await runCli(reviewArgs(prometheus.url, '--prometheus-ca', certs.ca), { cwd: dir });
    assert.equal(none.code, 3);
    assert.match(none.stderr, /: HTTP 401 Unauthorized: the server refused no credentials /);
  });

  it('half the credentials, two ways at once, or credentials in the URL: exit 2 naming the flag', async () => {
    const half = await runCli(reviewArgs(prometheus.url, '--prometheus-user', 'quotaplan'), { cwd: dir });
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--prometheus-user and --prometheus-password-file: give both or neither/);
    const both = await runCli(reviewArgs(prometheus.url, '--prometheus-user', 'quotaplan', '--prometheus-password-file', passwordFile, '--prometheus-token', 't'), { cwd: dir });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--prometheus-user and --prometheus-token: give one way to authenticate/);
    const inUrl = await runCli(reviewArgs(prometheus.url.replace('https://', `https://quotaplan:${encodeURIComponent(PASSWORD)}@`)), { cwd: dir });
    assert.equal(inUrl.code, 2);
    assert.match(inUrl.stderr, /--prometheus: put credentials in --prometheus-user and --prometheus-password-file \(or --prometheus-token-file\), not in the URL/);
    assert.ok(!inUrl.stderr.includes('horse'), inUrl.stderr);
  });
});

describe('review --prometheus when Prometheus answers with warnings (partial data)', () => {
  let prometheus: RunningPrometheus;
  let readPort: number;
  before(async () => {
    // A remote_read store nothing listens for: Prometheus answers every query from its own data and warns that
    // the store did not answer (storage/fanout.go: a secondary querier's error is a warning).
    readPort = await closedPort();
    prometheus = await startPrometheus({ blocks: dcgmBlocks(), config: `remote_read:\n  - url: http://127.0.0.1:${readPort}/api/v1/read\n    read_recent: true\n` });
  });
  after(async () => {
    await prometheus?.stop();
  });

  it('every format carries the warning beside the figures, and stderr says it', async () => {
    const json = await runCli(reviewArgs(prometheus.url), { cwd: dir });
    assert.equal(json.code, 0, json.stderr);
    const review = JSON.parse(json.stdout) as ReviewJson;
    const warning = `remote_read: error sending request: Post "http://127.0.0.1:${readPort}/api/v1/read": dial tcp 127.0.0.1:${readPort}: connect: connection refused`;
    assert.deepEqual(review.measured.warnings, [warning]);
    assert.equal(json.stderr, `quotaplan: Prometheus warning (partial data): ${warning}\n`);
    assert.deepEqual(
      review.measured.teams.filter((t) => t.team === 'research/nlp').map((t) => t.busyGpuHours),
      [teamTruth(expected, ['nlp-train', 'nlp-eval']).busy],
    );
    const md = await runCli(reviewArgs(prometheus.url, '-o', 'md'), { cwd: dir });
    // Markdown: the warning quotes Prometheus (untrusted text), so its one markup character, the `_` of remote_read,
    // is escaped (src/emit/markdown-text.ts); nothing else in it is markup.
    assert.ok(md.stdout.includes(`- Prometheus warning: ${warning.replace('remote_read', 'remote\\_read')}\n`), md.stdout);
    const html = await runCli(reviewArgs(prometheus.url, '-o', 'html'), { cwd: dir });
    const htmlText = warning.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
    assert.ok(html.stdout.includes(`<p class="gap">Prometheus warning: ${htmlText}</p>`), html.stdout);
    const csv = await runCli(reviewArgs(prometheus.url, '-o', 'csv'), { cwd: dir });
    const rows = csv.stdout.trimEnd().split('\r\n');
    assert.ok(rows.length > 1);
    for (const row of rows.slice(1)) assert.ok(row.endsWith(`,${warning.includes(',') || warning.includes('"') ? `"${warning.replaceAll('"', '""')}"` : warning}`), row);
  });
});
