/**
 * The dashboard as a planner uses it (issue 18): the skip link, select boxes from the keyboard, History's range,
 * thinning, team lines and quota lines, phone layout, Teams bars on one scale, numbers in readable exact units,
 * axe-core at desktop and phone sizes, and static files compressed and revalidated. Headless Chromium over a real
 * socket; screenshots of every page at both sizes land in test-artifacts/.
 */
import assert from 'node:assert/strict';
import axeCore from 'axe-core';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ClusterInventory } from '../../src/inventory/types.js';
import { formatBytesReadably, parseQuantity } from '../../src/quantity.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/listen.js';
import { openStore, type Store } from '../../src/store/open.js';
import { DEMO_TEAMS, demoInventory, seededStore } from '../unit/server/seed.js';
import { browserSuiteOptions, gotoPage, launchBrowser, openPage, screenshot } from './browser.js';

const TOKEN = 'e2e-usability-token';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const PAGES = ['#/capacity', '#/teams', '#/plan', '#/what-if', '#/history', '#/review', '#/fleet'];

let store: Store;
let server: RunningServer;
let browser: Browser;
let page: Page;
let problems: string[];

const suite = browserSuiteOptions();

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, init);
}

async function post(path: string, body: unknown): Promise<Response> {
  return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
}

before(async () => {
  if (suite.skip) return;
  store = await seededStore({ hours: 48 });
  server = await listen(createApp({ store, clock: () => new Date('2026-07-03T00:00:00Z'), token: TOKEN, log: () => {} }));
  // The demo teams, etl also planning memory: the Review page then lists memory capacity (raw Ki before issue 18).
  const teamsYaml = DEMO_TEAMS.replace('cpu: { demand: "300" }', 'cpu: { demand: "300" }\n          memory: { demand: "1000Gi" }');
  assert.notEqual(teamsYaml, DEMO_TEAMS);
  const saved = await post('/api/plans', { teamsYaml });
  assert.equal(saved.status, 201, await saved.clone().text());
  // A cycle under review on plan 1, so the Review page has figures.
  await store.createCycle({
    cluster: 'demo',
    name: '2026-Q3',
    createdAt: new Date('2026-06-30T00:00:00Z'),
    startsAt: new Date('2026-07-01T00:00:00Z'),
    endsAt: new Date('2026-09-30T23:59:59Z'),
    planId: 1,
  });
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser));
});

after(async () => {
  await browser?.close();
  await server?.close();
  store?.close();
});

/** A chart.js chart's datasets and x-axis tick labels, read from the live instance. */
async function chartOf(canvasId: string): Promise<{
  datasets: Array<{ label: string; data: Array<{ x: number; y: number }>; borderColor: string; borderDash: number[] | undefined; visible: boolean }>;
  ticks: string[];
}> {
  return page.evaluate((id) => {
    type ChartLike = {
      data: { datasets: Array<{ label: string; data: Array<{ x: number; y: number }>; borderColor: string; borderDash?: number[] }> };
      isDatasetVisible(index: number): boolean;
      scales: { x: { ticks: Array<{ value: number; label: string }> } };
    };
    const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): ChartLike } }).Chart.getChart(document.getElementById(id) as HTMLCanvasElement);
    return {
      datasets: chart.data.datasets.map((d, index) => ({ label: d.label, data: d.data.map((p) => ({ x: p.x, y: p.y })), borderColor: d.borderColor, borderDash: d.borderDash, visible: chart.isDatasetVisible(index) })),
      ticks: chart.scales.x.ticks.map((t) => t.label),
    };
  }, canvasId);
}

/** WCAG relative luminance of `rgb(r, g, b)` and the contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string): number => {
    const [r, g, bl] = (css.match(/\d+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

/** The phone layout facts issue 18 item 6 is about: the header's height and position, page width, hidden navigation. */
async function phoneLayout(tab: Page): Promise<{ header: number; position: string; width: number; navHidden: number; hiddenLinks: string[] }> {
  return tab.evaluate(() => {
    const header = document.querySelector('header.top') as HTMLElement;
    const nav = header.querySelector('nav') as HTMLElement;
    const box = nav.getBoundingClientRect();
    const hiddenLinks = Array.from(nav.querySelectorAll('a'))
      .filter((a) => {
        const r = a.getBoundingClientRect();
        return r.width === 0 || r.left < box.left - 0.5 || r.right > box.right + 0.5;
      })
      .map((a) => a.textContent ?? '');
    return { header: header.getBoundingClientRect().height, position: getComputedStyle(header).position, width: document.documentElement.scrollWidth, navHidden: nav.scrollWidth - nav.clientWidth, hiddenLinks };
  });
}

function assertPhoneLayout(layout: Awaited<ReturnType<typeof phoneLayout>>, hash: string): void {
  assert.ok(layout.header <= 100, `${hash}: header ${layout.header}px`);
  assert.equal(layout.position, 'static', hash);
  assert.ok(layout.width <= PHONE.width, `${hash}: page is ${layout.width}px wide`);
  assert.ok(layout.navHidden <= 0, `${hash}: ${layout.navHidden}px of the navigation hidden`);
  assert.deepEqual(layout.hiddenLinks, [], `${hash}: navigation links not visible`);
}

/**
 * Category labels of horizontal bar charts that do not fit beside their bars (chart.js then draws them cut at the
 * canvas's left edge; each line measured in the axis's tick font against the axis's width less the tick padding),
 * or not above one another (chart.js then leaves some out).
 */
async function cutChartLabels(tab: Page): Promise<string[]> {
  return tab.evaluate(() => {
    type Scale = { type: string; axis: string; width: number; ticks: unknown[]; options: { ticks: { padding: number; font: unknown } }; getLabels(): Array<string | string[]> };
    type ChartLike = { scales: Record<string, Scale>; ctx: CanvasRenderingContext2D };
    const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): ChartLike | undefined; helpers: { toFont(f: unknown): { string: string } } } }).Chart;
    const cut: string[] = [];
    for (const canvas of Array.from(document.querySelectorAll('canvas'))) {
      const chart = Chart.getChart(canvas);
      if (!chart) continue;
      for (const scale of Object.values(chart.scales).filter((s) => s.type === 'category' && s.axis === 'y')) {
        chart.ctx.save();
        chart.ctx.font = Chart.helpers.toFont(scale.options.ticks.font).string;
        for (const label of scale.getLabels()) {
          const widest = Math.max(...(Array.isArray(label) ? label : [label]).map((line) => chart.ctx.measureText(line).width));
          if (widest + scale.options.ticks.padding > scale.width + 0.5) cut.push(`${canvas.id}: ${String(label)} (${Math.round(widest)}px beside a ${Math.round(scale.width)}px axis)`);
        }
        chart.ctx.restore();
        // chart.js leaves labels out (autoSkip) when they do not fit one above the other.
        if (scale.ticks.length < scale.getLabels().length) cut.push(`${canvas.id}: ${scale.getLabels().length - scale.ticks.length} of ${scale.getLabels().length} labels left out`);
      }
    }
    return cut;
  });
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousAxeViolations(tab: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') does not block it.
  await tab.evaluate(axeCore.source);
  return tab.evaluate(async () => {
    type Result = { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }> };
    const result = (await (window as unknown as { axe: { run(): Promise<Result> } }).axe.run()) as Result;
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('keyboard', suite, () => {
  it('the skip link puts focus on the page content and stays on the page (no "There is no page main")', async () => {
    await page.goto('about:blank');
    await gotoPage(page, server.url, '#/capacity');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    assert.equal(await page.evaluate(() => location.hash), '#/capacity');
    assert.equal(await page.textContent('main h1'), 'Capacity');
    // The next Tab goes into the content, past the navigation.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => Boolean(document.activeElement?.closest('main'))), true);
    assert.deepEqual(problems, []);
  });

  it('a select box does not navigate while ArrowDown walks its options; Enter commits the one chosen', async () => {
    await gotoPage(page, server.url, '#/history');
    const options = await page.$$eval('#history-resource option', (items) => items.map((o) => (o as HTMLOptionElement).value));
    const at = options.indexOf('nvidia.com/gpu');
    assert.ok(at >= 0 && at + 2 < options.length, `options ${options.join(', ')}`);
    await page.focus('#history-resource');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    // Navigating sets location.hash at once (in the change handler), so an unchanged hash means no navigation.
    assert.equal(await page.evaluate(() => location.hash), '#/history');
    assert.equal(await page.inputValue('#history-resource'), options[at + 2]);
    await page.keyboard.press('Enter');
    const expected = `#/history?resource=${encodeURIComponent(options[at + 2] as string)}`;
    await page.waitForFunction((hash) => document.getElementById('main')?.dataset.rendered === hash, expected);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'history-resource', 'focus is back on the select');
    assert.equal(await page.inputValue('#history-resource'), options[at + 2]);
    // Escape puts the walked value back without navigating.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => location.hash), expected);
    assert.deepEqual(problems, []);
  });
});

describe('History', suite, () => {
  it('shows a chosen from/to range, and the quick ranges are page addresses', async () => {
    await gotoPage(page, server.url, '#/history?resource=nvidia.com%2Fgpu&from=2026-07-02&to=2026-07-02');
    const day = await (await api('/api/history?resource=nvidia.com/gpu&from=2026-07-02T00:00:00Z&to=2026-07-02T23:59:59.999Z')).json();
    assert.equal(day.snapshots, 24);
    assert.equal(await page.textContent('#history-summary'), '24 snapshots of demo from 2026-07-02 00:00 UTC to 2026-07-02 23:00 UTC. Cycles: 2026-Q3 (draft).');
    const chart = await chartOf('history-capacity-canvas');
    const requested = chart.datasets.find((d) => d.label === 'Requested');
    assert.deepEqual(requested?.data.map((p) => p.y), day.capacity[0].requested);
    assert.equal(requested?.data[0]?.x, Date.parse('2026-07-02T00:00:00Z'));
    assert.equal(await page.inputValue('#history-from'), '2026-07-02');
    assert.equal(await page.inputValue('#history-to'), '2026-07-02');
    await page.fill('#history-from', '2026-07-01');
    await page.click('#history-apply');
    await page.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/history?resource=nvidia.com%2Fgpu&from=2026-07-01&to=2026-07-02');
    assert.match((await page.textContent('#history-summary')) ?? '', /^48 snapshots of demo from 2026-07-01 00:00 UTC to 2026-07-02 23:00 UTC\./);
    await page.click('button[data-range="all"]');
    await page.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/history?resource=nvidia.com%2Fgpu');
    assert.deepEqual(problems, []);
  });

  it('a range dragged across the chart becomes the page\u2019s from/to and is fetched; Reset zoom goes back', async () => {
    const start = '#/history?resource=nvidia.com%2Fgpu';
    await gotoPage(page, server.url, start);
    assert.equal(await page.$('#history-reset-zoom'), null, 'nothing to reset before a drag');
    const fetched: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/history') fetched.push(new URL(request.url()).search);
    });
    // Where 2026-07-01 06:00 and 18:00 are on the capacity chart.
    const target = await page.evaluate(() => {
      type ChartLike = { chartArea: { top: number; bottom: number }; scales: { x: { getPixelForValue(v: number): number } } };
      const canvas = document.getElementById('history-capacity-canvas') as HTMLCanvasElement;
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): ChartLike } }).Chart.getChart(canvas);
      const box = canvas.getBoundingClientRect();
      return {
        y: box.top + (chart.chartArea.top + chart.chartArea.bottom) / 2,
        x1: box.left + chart.scales.x.getPixelForValue(Date.parse('2026-07-01T06:00:00Z')),
        x2: box.left + chart.scales.x.getPixelForValue(Date.parse('2026-07-01T18:00:00Z')),
      };
    });
    await page.mouse.move(target.x1, target.y);
    await page.mouse.down();
    await page.mouse.move((target.x1 + target.x2) / 2, target.y, { steps: 4 });
    await page.mouse.move(target.x2, target.y, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() => /&from=.*&to=/.test(document.getElementById('main')?.dataset.rendered ?? ''));
    const params = new URLSearchParams((await page.evaluate(() => location.hash)).split('?')[1]);
    const [from, to] = [params.get('from') as string, params.get('to') as string];
    // To the minute, within two minutes of the times aimed at (a mouse lands on whole pixels, about 2 minutes here).
    assert.match(from, /^2026-07-01T0[56]:\d\d$/);
    assert.ok(Math.abs(Date.parse(`${from}:00Z`) - Date.parse('2026-07-01T06:00:00Z')) <= 120_000, from);
    assert.ok(Math.abs(Date.parse(`${to}:00Z`) - Date.parse('2026-07-01T18:00:00Z')) <= 120_000, to);
    const zoomed = `#/history?resource=nvidia.com%2Fgpu&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    await page.waitForFunction((hash) => document.getElementById('main')?.dataset.rendered === hash, zoomed);
    assert.deepEqual(fetched, [`?resource=nvidia.com%2Fgpu&from=${encodeURIComponent(`${from}:00Z`)}&to=${encodeURIComponent(`${to}:00Z`)}`]);
    // The seeded snapshots are hourly from 2026-07-01 00:00: those in [from, to].
    const hours = Array.from({ length: 48 }, (_, h) => Date.parse('2026-07-01T00:00:00Z') + h * 3_600_000).filter((t) => t >= Date.parse(`${from}:00Z`) && t <= Date.parse(`${to}:00Z`));
    assert.equal(
      await page.textContent('#history-summary'),
      `${hours.length} snapshots of demo from ${new Date(hours[0] as number).toISOString().slice(0, 16).replace('T', ' ')} UTC to ${new Date(hours.at(-1) as number).toISOString().slice(0, 16).replace('T', ' ')} UTC. Cycles: 2026-Q3 (draft).`,
    );
    const chart = await chartOf('history-capacity-canvas');
    assert.deepEqual(chart.datasets.find((d) => d.label === 'Requested')?.data.map((p) => p.x), hours);
    assert.deepEqual([await page.inputValue('#history-from'), await page.inputValue('#history-to')], ['2026-07-01', '2026-07-01']);
    await screenshot(page, 'history-dragged');
    await page.click('#history-reset-zoom');
    await page.waitForFunction((hash) => document.getElementById('main')?.dataset.rendered === hash, start);
    assert.equal(fetched.at(-1), '?resource=nvidia.com%2Fgpu');
    assert.equal(await page.$('#history-reset-zoom'), null);
    page.removeAllListeners('request');
    assert.deepEqual(problems, []);
  });

  it('team lines differ by colour and dash, hide from checkboxes, and each team has its quota line', async () => {
    await gotoPage(page, server.url, '#/history');
    const history = await (await api('/api/history?resource=nvidia.com/gpu')).json();
    const teams = await (await api('/api/teams')).json();
    // Quota in force per leaf team, from the Teams API (not from the page).
    const quotas = new Map<string, number>();
    const walk = (list: Array<{ team: string; leaf: boolean; resources: Array<{ resource: string; values: { current: number | null } }>; teams: never[] }>): void => {
      for (const team of list) {
        const gpu = team.resources.find((r) => r.resource === 'nvidia.com/gpu');
        if (team.leaf && gpu && gpu.values.current !== null) quotas.set(team.team, gpu.values.current);
        walk(team.teams);
      }
    };
    walk(teams.teams);
    const used = history.usage.map((u: { team: string }) => u.team) as string[];
    const withQuota = used.filter((team) => quotas.has(team));
    assert.ok(withQuota.length >= 2, `teams with a GPU quota: ${withQuota.join(', ')}`);
    const chart = await chartOf('history-usage-canvas');
    const lines = chart.datasets.filter((d) => !d.label.endsWith(' quota'));
    assert.deepEqual(lines.map((d) => d.label), used);
    const looks = lines.map((d) => `${d.borderColor} ${JSON.stringify(d.borderDash ?? [])}`);
    assert.equal(new Set(looks).size, looks.length, `every team line looks different: ${looks.join('; ')}`);
    const first = Date.parse(history.points[0]);
    const last = Date.parse(history.points.at(-1));
    assert.deepEqual(
      chart.datasets.filter((d) => d.label.endsWith(' quota')).map((d) => [d.label, d.data]),
      withQuota.map((team) => [`${team} quota`, [{ x: first, y: quotas.get(team) }, { x: last, y: quotas.get(team) }]]),
    );
    const team = withQuota[0] as string;
    await page.uncheck(`input[data-team-toggle="${team}"]`);
    const hidden = await chartOf('history-usage-canvas');
    assert.deepEqual(
      hidden.datasets.filter((d) => !d.visible).map((d) => d.label),
      [team, `${team} quota`],
    );
    assert.deepEqual(problems, []);
  });

  it('thins 1,276 snapshots to points on the real curve, says how many are drawn, and labels ticks with the year', async () => {
    // A namespace whose cpu falls by 1 every hour from 1276 to 1, across the turn of the year.
    const start = Date.parse('2025-11-10T00:00:00Z');
    const base = demoInventory(0, 1);
    const long = await openStore({ file: ':memory:' });
    const count = 1276;
    for (let hour = 0; hour < count; hour += 1) {
      const inventory: ClusterInventory = { ...base, namespaces: [{ name: 'falling', labels: {}, requests: { cpu: parseQuantity(String(count - hour)) }, pods: 1 }] };
      await long.saveSnapshot({ cluster: { name: 'long' }, takenAt: new Date(start + hour * 3_600_000), source: { kind: 'file', ref: 'long.json' }, inventory });
    }
    const running = await listen(createApp({ store: long, clock: () => new Date(start), log: () => {} }));
    try {
      const { page: tab, problems: tabProblems } = await openPage(browser);
      await gotoPage(tab, running.url, '#/history?resource=cpu');
      // 1,276 snapshots in buckets of 3 (426 buckets; the last holds one): 425 x 2 + 1 points.
      assert.equal(
        await tab.textContent('#history-summary'),
        '1,276 snapshots, 851 drawn (each group of snapshots by its lowest and highest value) of long from 2025-11-10 00:00 UTC to 2026-01-02 03:00 UTC. No allocation cycles recorded.',
      );
      const chart = await tab.evaluate(() => {
        type ChartLike = { data: { datasets: Array<{ label: string; data: Array<{ x: number; y: number }> }> }; scales: { x: { ticks: Array<{ label: string }> } } };
        const c = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): ChartLike } }).Chart.getChart(document.getElementById('history-usage-canvas') as HTMLCanvasElement);
        return { data: c.data.datasets[0]?.data ?? [], label: c.data.datasets[0]?.label, ticks: c.scales.x.ticks.map((t) => t.label) };
      });
      assert.equal(chart.label, 'falling');
      assert.equal(chart.data.length, 851);
      // Every drawn point is the real value at its own time: a falling line stays a falling line.
      const off = chart.data.filter((p) => p.y !== count - (p.x - start) / 3_600_000);
      assert.deepEqual(off, [], 'points not on the curve');
      assert.deepEqual(chart.ticks, ['2025-11-10', '2025-11-17', '2025-11-24', '2025-12-01', '2025-12-08', '2025-12-15', '2025-12-22', '2025-12-29']);
      await screenshot(tab, 'history-thinned');
      assert.deepEqual(tabProblems, []);
      await tab.context().close();
    } finally {
      await running.close();
      long.close();
    }
  });
});

describe('Review', suite, () => {
  it('labels the capacity chart\u2019s ticks with the year when its cycle crosses the turn of the year', async () => {
    // Snapshots every 6 hours from 2025-12-20 00:00 to 2026-01-09 18:00 UTC, a cycle over them: 20.75 days, so
    // ticks a week apart from the first UTC midnight, each with its year.
    const start = Date.parse('2025-12-20T00:00:00Z');
    const count = 84;
    const crossing = await openStore({ file: ':memory:' });
    for (let i = 0; i < count; i += 1) {
      await crossing.saveSnapshot({ cluster: { name: 'demo' }, takenAt: new Date(start + i * 6 * 3_600_000), source: { kind: 'file', ref: 'demo.json' }, inventory: demoInventory(i, count) });
    }
    const running = await listen(createApp({ store: crossing, clock: () => new Date('2026-01-10T00:00:00Z'), token: TOKEN, log: () => {} }));
    try {
      const saved = await fetch(`${running.url}/api/plans`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ teamsYaml: DEMO_TEAMS }) });
      assert.equal(saved.status, 201, await saved.clone().text());
      await crossing.createCycle({ cluster: 'demo', name: 'winter', createdAt: new Date(start), startsAt: new Date(start), endsAt: new Date('2026-01-10T00:00:00Z'), planId: 1 });
      const review = await (await fetch(`${running.url}/api/reviews/winter`)).json();
      const points = review.capacityTrace[0].points.map((p: { at: string }) => p.at);
      assert.deepEqual([points[0], points.at(-1), points.length], ['2025-12-20T00:00:00.000Z', '2026-01-09T18:00:00.000Z', count]);
      const { page: tab, problems: tabProblems } = await openPage(browser);
      await gotoPage(tab, running.url, '#/review?cycle=winter');
      const chart = await tab.evaluate(() => {
        type ChartLike = { scales: { x: { min: number; max: number; ticks: Array<{ label: string }> } } };
        const found = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): ChartLike } }).Chart.getChart(document.getElementById('review-capacity-canvas') as HTMLCanvasElement);
        return { min: found.scales.x.min, max: found.scales.x.max, ticks: found.scales.x.ticks.map((t) => t.label) };
      });
      assert.deepEqual(chart, { min: Date.parse(points[0]), max: Date.parse(points.at(-1)), ticks: ['2025-12-20', '2025-12-27', '2026-01-03'] });
      await screenshot(tab, 'review-year-ticks');
      assert.deepEqual(tabProblems, []);
      await tab.context().close();
    } finally {
      await running.close();
      crossing.close();
    }
  });
});

describe('Teams bars', suite, () => {
  it('share one scale per resource, group accelerators apart, show the quota band in contrast, and flag a planned cut below use', async () => {
    // Plan 2 cuts research/nlp's GPUs to a demand of 1, below what it uses.
    const cut = await post('/api/plans', { plan: 'latest', changes: [{ team: 'research/nlp', resource: 'nvidia.com/gpu', demand: '1', guarantee: null }] });
    assert.equal(cut.status, 201, await cut.clone().text());
    const { id } = await cut.json();
    await gotoPage(page, server.url, `#/teams?plan=${id}`);
    const teams = await (await api(`/api/teams?plan=${id}`)).json();
    type TeamJson = { team: string; resources: Array<{ resource: string; used: string; planned: string | null; values: { current: number | null; used: number; planned: number | null } }>; teams: TeamJson[] };
    const all: TeamJson[] = [];
    const walk = (list: TeamJson[]): void => list.forEach((t) => (all.push(t), walk(t.teams)));
    walk(teams.teams);
    const max = Math.max(...all.flatMap((t) => t.resources.filter((r) => r.resource === 'nvidia.com/gpu').map((r) => Math.max(r.values.current ?? 0, r.values.planned ?? 0, r.values.used))));
    const bars = await page.$$eval('.bar-line[data-resource="nvidia.com/gpu"]', (lines) =>
      lines.map((line) => {
        const bar = line.querySelector('.bar') as HTMLElement;
        const used = line.querySelector('.used') as HTMLElement;
        return { team: (line as HTMLElement).dataset.team as string, track: bar.clientWidth, used: used.getBoundingClientRect().width };
      }),
    );
    assert.ok(bars.length >= 4);
    for (const bar of bars) {
      const team = all.find((t) => t.team === bar.team);
      const used = team?.resources.find((r) => r.resource === 'nvidia.com/gpu')?.values.used as number;
      assert.ok(Math.abs(bar.used - (used / max) * bar.track) <= 1, `${bar.team}: ${bar.used}px for ${used} of ${max} on ${bar.track}px`);
    }
    const groups = await page.$$eval('[data-team-item="platform/fraud"] > .team-row .bar-group', (items) =>
      items.map((g) => [(g as HTMLElement).dataset.group, Array.from(g.querySelectorAll('.bar-line')).map((l) => (l as HTMLElement).dataset.resource)]),
    );
    assert.deepEqual(groups, [
      ['Accelerators', ['nvidia.com/gpu', 'nvidia.com/mig-1g.10gb']],
      ['cpu, memory and other', ['cpu']],
    ]);
    const colours = await page.evaluate(() => {
      const quota = document.querySelector('.bar .quota-area') as HTMLElement;
      return { track: getComputedStyle(quota.parentElement as HTMLElement).backgroundColor, quota: getComputedStyle(quota).backgroundColor, swatch: getComputedStyle(document.querySelector('.swatch.quota') as HTMLElement).backgroundColor };
    });
    assert.ok(contrast(colours.track, colours.quota) >= 3, `quota ${colours.quota} on track ${colours.track}: ${contrast(colours.track, colours.quota).toFixed(2)}:1`);
    assert.equal(colours.swatch, colours.quota, 'the legend shows the quota colour');
    // Flagged exactly where the API's planned quantity is below the used one (compared exactly, as quantities).
    const expectedCuts = all.flatMap((t) => t.resources.filter((r) => r.planned !== null && parseQuantity(r.planned).nanos < parseQuantity(r.used).nanos).map((r) => `${t.team} ${r.resource}`));
    assert.ok(expectedCuts.includes('research/nlp nvidia.com/gpu'), expectedCuts.join(', '));
    const flagged = await page.$$eval('.bar-line.cut', (lines) => lines.map((l) => `${(l as HTMLElement).dataset.team} ${(l as HTMLElement).dataset.resource}`));
    assert.deepEqual(flagged.sort(), expectedCuts.sort());
    assert.match((await page.textContent('.bar-line.cut[data-team="research/nlp"][data-resource="nvidia.com/gpu"]')) ?? '', /planned below use$/);
    assert.doesNotMatch((await page.textContent('main')) ?? '', /null/, 'no "null" printed under the measured-use note');
    await screenshot(page, 'teams-cut');
    assert.deepEqual(problems, []);
  });
});

describe('numbers', suite, () => {
  it('cpu in cores and memory in binary units on every page, exact text on hover; no empty Flavor column; MIG nodes as slices', async () => {
    await gotoPage(page, server.url, '#/capacity');
    const pools = await page.$$eval('table', (tables) => {
      const table = tables.find((t) => t.caption?.textContent?.startsWith('Node pools')) as HTMLTableElement;
      return Array.from(table.querySelectorAll('tbody tr')).map((row) => Array.from(row.children).slice(5, 7).map((cell) => [cell.textContent, cell.getAttribute('title')]));
    });
    const capacity = await (await api('/api/capacity')).json();
    // The command line's rule for bytes (src/quantity.ts formatBytesReadably), and cpu nano-cores as decimal cores.
    const cores = (text: string): string => {
      const nanos = parseQuantity(text).nanos;
      const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
      return `${(nanos / 1_000_000_000n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''}`;
    };
    assert.deepEqual(
      pools,
      capacity.pools.map((p: { cpu: string; memory: string }) => [
        [cores(p.cpu), cores(p.cpu) === p.cpu ? null : p.cpu],
        [formatBytesReadably(parseQuantity(p.memory)).text, formatBytesReadably(parseQuantity(p.memory)).text === p.memory ? null : p.memory],
      ]),
    );
    const h100 = capacity.pools.findIndex((p: { pool: string }) => p.pool === 'h100');
    assert.match(pools[h100]?.[1]?.[0] ?? '', /^~?\d+(\.\d)?Ti$/, 'six nodes of 519659388Ki read in TiB');
    const resources = await page.$$eval('table', (tables) => {
      const table = tables.find((t) => t.caption?.textContent?.startsWith('Cluster totals')) as HTMLTableElement;
      return Array.from(table.querySelectorAll('tbody tr')).map((row) => Array.from(row.children).map((cell) => cell.textContent));
    });
    for (const row of resources) {
      if (row[0] === 'cpu') for (const cell of row.slice(1)) assert.match(cell ?? '', /^[\d,]+(\.\d+)?$/, `cpu ${cell}`);
      if (row[0] === 'memory') for (const cell of row.slice(1)) assert.match(cell ?? '', /^~?[\d,]+(\.\d)?(Ki|Mi|Gi|Ti|Pi|Ei)$/, `memory ${cell}`);
    }

    await gotoPage(page, server.url, '#/plan?id=1');
    const headers = await page.$$eval('.table-block table thead th', (cells) => cells.map((c) => c.textContent));
    assert.equal(headers.includes('Flavor'), false, `no plan row has a flavor: ${headers.join(', ')}`);
    const cpuCells = await page.$$eval('.table-block table tbody tr', (rows) =>
      rows.filter((r) => r.children[1]?.textContent === 'cpu').flatMap((r) => Array.from(r.querySelectorAll('td.num')).map((c) => c.textContent ?? '')),
    );
    assert.ok(cpuCells.length > 0);
    for (const cell of cpuCells) assert.doesNotMatch(cell, /\d+m\b/, `cpu as cores, not millicores: ${cell}`);

    const reviewed = await api('/api/reviews/2026-Q3');
    assert.equal(reviewed.status, 200, await reviewed.clone().text());
    const review = await reviewed.json();
    await gotoPage(page, server.url, '#/review');
    const tableCells = (caption: string): Promise<Array<Array<[string, string | null]>>> =>
      page.$$eval(
        'table',
        (tables, wanted) => {
          const table = tables.find((t) => t.caption?.textContent === wanted) as HTMLTableElement;
          return Array.from(table.querySelectorAll('tbody tr')).map((row) => Array.from(row.children).map((cell): [string, string | null] => [cell.textContent ?? '', cell.getAttribute('title')]));
        },
        caption,
      );
    const capacityRows = await tableCells('Plannable capacity per resource');
    const memory = review.capacity.find((c: { resource: string }) => c.resource === 'memory');
    assert.ok(memory, 'the review lists memory capacity');
    const keys = ['previousPlan', 'thisPlan', 'atStart', 'atEnd', 'nextPlan'];
    const shown = (text: string | null): string => (text === null ? '' : formatBytesReadably(parseQuantity(text)).text);
    assert.deepEqual(
      capacityRows.find((row) => row[0]?.[0] === 'memory')?.slice(2).map(([text]) => text),
      keys.map((key) => shown(memory[key])),
      'memory in the same units as on Capacity, not raw Ki',
    );
    // Proposed memory changes in binary units too (before: `demand 1073741824k → 927712935936`, `quota 9612721577984`).
    const memoryProposals = await page.$$eval('li[data-resource="memory"]', (items) => items.map((li) => li.textContent ?? ''));
    assert.ok(memoryProposals.length > 0, 'the review proposes a memory change');
    for (const text of memoryProposals) assert.doesNotMatch(text, /\d{7,}|\d+k\b/, `memory in binary units in a proposal: ${text}`);
    const gpuHours = await tableCells('GPU-hours (granted = quota x hours measured)');
    assert.ok(gpuHours.length > 0);
    for (const row of gpuHours) {
      for (const [text, title] of row.slice(3)) {
        assert.doesNotMatch(text, /\.\d{3}$/, `hours shown as ${text}`);
        // The exact figure stays on hover; the shown one is it rounded (grouped, 0-2 decimals).
        if (title !== null) assert.equal(Number(text.replaceAll(',', '')).toFixed(0), Number(title).toFixed(0), `${text} for ${title}`);
      }
    }

    await gotoPage(page, server.url, '#/what-if');
    const shapes = await page.$$eval('#shape-select option', (items) => items.map((o) => o.textContent ?? ''));
    assert.ok(shapes.some((s) => s.includes('7x nvidia.com/mig-1g.10gb (MIG 1g.10gb slices)')), shapes.join('\n'));
    assert.ok(shapes.some((s) => /^16x nvidia\.com\/gpu \(MIG [^)]*slices\)/.test(s)), `the H200 in MIG single strategy: ${shapes.join('\n')}`);
    assert.deepEqual(shapes.filter((s) => /nvidia\.com\/gpu NVIDIA-H200/.test(s)), [], `no MIG node labelled as whole GPUs: ${shapes.join('\n')}`);
    assert.deepEqual(problems, []);
  });
});

describe('phone (390x844) and axe-core', suite, () => {
  it('header at most 100 px and not sticky, no page-wide horizontal overflow, What-if result right after the inputs', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const tab = await context.newPage();
    const tabProblems: string[] = [];
    tab.on('pageerror', (error) => tabProblems.push(error.message));
    try {
      for (const hash of PAGES) {
        await gotoPage(tab, server.url, hash);
        await screenshot(tab, `phone-${hash.slice(2)}`);
        assertPhoneLayout(await phoneLayout(tab), hash);
        assert.deepEqual(await cutChartLabels(tab), [], `${hash}: chart labels cut`);
      }
      await gotoPage(tab, server.url, '#/what-if');
      const gap = await tab.evaluate(() => {
        const teams = document.querySelector('.whatif section.panel') as HTMLElement;
        const result = document.querySelector('.whatif section[aria-label="Result"]') as HTMLElement;
        return result.getBoundingClientRect().top - teams.getBoundingClientRect().bottom;
      });
      assert.ok(gap >= 0 && gap <= 40, `the result starts ${gap}px below the team table`);
      assert.deepEqual(tabProblems, []);
    } finally {
      await context.close();
    }
  });

  it('no serious or critical axe violation on any page at 1440x900 or 390x844', async () => {
    const found: string[] = [];
    for (const viewport of [DESKTOP, PHONE]) {
      const context = await browser.newContext({ viewport });
      const tab = await context.newPage();
      try {
        for (const hash of PAGES) {
          await gotoPage(tab, server.url, hash);
          if (viewport === DESKTOP) await screenshot(tab, `desktop-${hash.slice(2)}`);
          for (const v of await seriousAxeViolations(tab)) found.push(`${viewport.width}x${viewport.height} ${hash}: ${v}`);
        }
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(found, []);
  });
});

describe('Fleet page', suite, () => {
  it('with three clusters (a cluster select in the header): phone layout as the other pages, no serious or critical axe violation at either size', async () => {
    const fleet = await openStore({ file: ':memory:' });
    const names = ['gpu-prod-us-east-1', 'gpu-prod-europe-west4', 'research-lab'];
    for (const [index, name] of names.entries()) {
      await fleet.saveSnapshot({ cluster: { name }, takenAt: new Date(Date.parse('2026-07-02T00:00:00Z') + index * 60_000), source: { kind: 'file', ref: `${name}.json` }, inventory: demoInventory(index, 3) });
    }
    const running = await listen(createApp({ store: fleet, clock: () => new Date('2026-07-03T00:00:00Z'), log: () => {} }));
    const found: string[] = [];
    try {
      const body = await (await fetch(`${running.url}/api/fleet`)).json();
      for (const viewport of [DESKTOP, PHONE]) {
        const context = await browser.newContext({ viewport });
        const tab = await context.newPage();
        const tabProblems: string[] = [];
        tab.on('pageerror', (error) => tabProblems.push(error.message));
        try {
          await gotoPage(tab, running.url, '#/fleet');
          await screenshot(tab, `fleet-3-clusters-${viewport === PHONE ? 'phone' : 'desktop'}`);
          assert.deepEqual(await tab.$$eval('#cluster-select option', (options) => options.map((o) => o.textContent)), [...names].sort());
          const clusterCells = await tab.$$eval('table', (tables) => {
            const table = tables.find((t) => t.caption?.textContent === 'Accelerators per cluster and resource') as HTMLTableElement;
            return Array.from(table.querySelectorAll('tbody tr')).map((row) => row.children[0]?.textContent);
          });
          assert.deepEqual(clusterCells, body.clusters.flatMap((c: { cluster: string; resources: unknown[] }) => c.resources.map(() => c.cluster)));
          // Cluster names are not broken at their hyphens (a line per word on a phone): one line per name.
          // (No named functions inside the page callback: tsx would wrap them in a helper the page does not have.)
          const lines = await tab.$$eval('table', (tables) =>
            ['Accelerators per cluster and resource', 'Accelerators per model and resource across clusters'].map((caption, index) =>
              Array.from((tables.find((t) => t.caption?.textContent === caption) as HTMLTableElement).querySelectorAll('tbody tr')).map((row) => {
                const range = document.createRange();
                range.selectNodeContents((index === 0 ? row.firstElementChild : row.lastElementChild) as Element);
                return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
              }),
            ),
          );
          assert.deepEqual(lines, [clusterCells.map(() => 1), body.models.map((m: { clusters: string[] }) => m.clusters.length)]);
          if (viewport === PHONE) assertPhoneLayout(await phoneLayout(tab), '#/fleet (3 clusters)');
          for (const v of await seriousAxeViolations(tab)) found.push(`${viewport.width}x${viewport.height}: ${v}`);
          assert.deepEqual(tabProblems, []);
        } finally {
          await context.close();
        }
      }
    } finally {
      await running.close();
      fleet.close();
    }
    assert.deepEqual(found, []);
  });
});

describe('static files', suite, () => {
  it('are sent compressed with an ETag, and a reload revalidates them with 304 Not Modified', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const seen: Array<Promise<[string, number, string | null, string]>> = [];
    tab.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path === '/app.js' || path === '/vendor/chart.umd.js' || path === '/app.css') {
        seen.push(Promise.all([response.allHeaders(), response.request().allHeaders()]).then(([h, r]) => [path, response.status(), h['content-encoding'] ?? null, r['accept-encoding'] ?? '']));
      }
    });
    try {
      await gotoPage(tab, server.url, '#/capacity');
      await tab.reload();
      await tab.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/capacity');
      const responses = (await Promise.all(seen)).sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
      // Chromium offers br on secure contexts (loopback is one); the server prefers it to gzip.
      const coding = (accepted: string): string => (/\bbr\b/.test(accepted) ? 'br' : 'gzip');
      assert.deepEqual(
        responses.map(([path, status, encoding]) => [path, status, encoding]),
        responses.map(([path, status, , accepted]) => [path, status, status === 304 ? null : coding(accepted)]),
      );
      assert.deepEqual(
        responses.map(([path, status]) => [path, status]),
        [
          ['/app.css', 200],
          ['/app.css', 304],
          ['/app.js', 200],
          ['/app.js', 304],
          ['/vendor/chart.umd.js', 200],
          ['/vendor/chart.umd.js', 304],
        ],
      );
    } finally {
      await context.close();
    }
  });
});
