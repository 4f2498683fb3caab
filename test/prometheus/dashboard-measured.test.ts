/**
 * The dashboard's Review and Teams pages with measured GPU use, in headless Chromium, at desktop and phone widths:
 * the demo database served with `measure` reading a real Prometheus (as `serve --prometheus URL` builds it), and
 * the same pages without one, which say so. Screenshots go to test-artifacts/ (measured-*.png).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { seedDemoDatabase } from '../../src/commands/demo.js';
import { measureUseFrom } from '../../src/commands/prometheus-options.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/listen.js';
import { openStore, type Store } from '../../src/store/open.js';
import { browserSuiteOptions, gotoPage, launchBrowser, openPage, screenshot } from '../e2e/browser.js';
import { teamTruth, truth } from './dcgm-series.js';
import { dcgmBlocks, startPrometheus, type RunningPrometheus } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-dashboard-measured-'));
const db = join(dir, 'demo.db');
const expected = truth({ from: Date.UTC(2026, 9, 1), hours: 1395, idleBelow: 5, idleForHours: 24 });

/** Cell texts; where a cell shows a rounded number (`1,617 h`), its exact text, which the cell keeps as its title. */
async function rowsOf(page: Page, selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows) => rows.map((row) => Array.from(row.children).map((cell) => (cell.getAttribute('title') ?? cell.textContent ?? '').trim())));
}

describe('dashboard Review and Teams pages with measured GPU use', browserSuiteOptions(), () => {
  let prometheus: RunningPrometheus;
  let store: Store;
  let measured: RunningServer;
  let plain: RunningServer;
  let browser: Browser;
  before(async () => {
    await seedDemoDatabase(db, new Date('2026-11-28T04:17:00Z'));
    prometheus = await startPrometheus({ blocks: dcgmBlocks() });
    store = await openStore({ file: db, create: false });
    const measure = measureUseFrom({
      prometheus: prometheus.url,
      prometheusStep: '1h',
      prometheusTimeout: '60s',
      prometheusSelector: 'job="dcgm"',
      prometheusNamespaceLabel: 'namespace',
      prometheusPodLabel: 'pod',
      idleBelow: '5',
      idleFor: '24h',
    });
    measured = await listen(createApp({ store, clock: () => new Date('2026-12-20T10:00:00Z'), measure, log: () => {} }));
    plain = await listen(createApp({ store, clock: () => new Date('2026-12-20T10:00:00Z'), log: () => {} }));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await measured?.close();
    await plain?.close();
    await store?.close();
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Review: per-team GPU-hours, the gap and the idle GPUs; the cut proposed for the low-use team', async () => {
    const { page, problems } = await openPage(browser);
    await gotoPage(page, measured.url, '#/review');
    const teams = (await rowsOf(page, 'table:has(caption:text("GPU-hours per team: granted, requested, measured"))')).map((cells) => [cells[0], cells[3], cells[4]]);
    assert.deepEqual(
      teams.find((cells) => cells[0] === 'platform/recsys'),
      ['platform/recsys', teamTruth(expected, ['recsys']).allocated, teamTruth(expected, ['recsys']).busy],
    );
    assert.deepEqual(
      teams.find((cells) => cells[0] === 'research/nlp'),
      ['research/nlp', teamTruth(expected, ['nlp-train', 'nlp-eval']).allocated, teamTruth(expected, ['nlp-train', 'nlp-eval']).busy],
    );
    assert.equal(await page.locator('#measured-gaps').textContent(), 'No samples for 6 h (2026-10-20 00:00 UTC to 2026-10-20 06:00 UTC): not counted as idle or busy.');
    const idle = await rowsOf(page, 'table:has(caption:text("Idle GPUs"))');
    assert.deepEqual(idle.map((cells) => `${cells[1]}/${cells[2]}/${cells[6]}`).sort(), Object.keys(expected.idle).sort());
    assert.equal(await page.locator('li[data-team="platform/recsys"][data-resource="nvidia.com/gpu"] .badge', { hasText: 'low-measured-use' }).count(), 1);
    await screenshot(page, 'measured-review-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'measured-review-phone');
    assert.deepEqual(problems, []);
  });

  it('Teams: the measured GPU-hours of the reviewed cycle under the quotas', async () => {
    const { page, problems } = await openPage(browser);
    await gotoPage(page, measured.url, '#/teams');
    assert.equal(await page.locator('h2', { hasText: 'Measured GPU use over 2026-Q4' }).count(), 1);
    const rows = await rowsOf(page, 'table:has(caption:text("GPU-hours per team over 2026-Q4"))');
    assert.deepEqual(rows.find((cells) => cells[0] === 'platform/fraud')?.[4], teamTruth(expected, ['fraud-train', 'fraud-serve']).busy);
    await screenshot(page, 'measured-teams-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'measured-teams-phone');
    assert.deepEqual(problems, []);
  });

  it('without Prometheus both pages say there is no measured use', async () => {
    const { page, problems } = await openPage(browser);
    await gotoPage(page, plain.url, '#/review');
    assert.equal(await page.locator('#measured-note').textContent(), 'no measured use (no --prometheus given).');
    await gotoPage(page, plain.url, '#/teams');
    assert.equal(await page.locator('#measured-note').textContent(), 'no measured use (no --prometheus given).');
    await screenshot(page, 'measured-teams-none');
    assert.deepEqual(problems, []);
  });
});
