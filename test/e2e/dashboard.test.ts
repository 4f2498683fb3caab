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
import type { Store } from '../../src/store/open.js';
import { openStore } from '../../src/store/open.js';
import { seedDemo } from '../../src/demo/seed.js';
import { DEMO_TEAMS, HOSTILE, demoInventory, seededStore } from '../unit/server/seed.js';
import { dumpFileObjects, dumpObjects } from '../../src/collect/dump.js';
import { InventoryBuilder } from '../../src/inventory/builder.js';
import { aNode } from '../builders/kube.js';
import { browserSuiteOptions, gotoPage, launchBrowser, openPage, screenshot } from './browser.js';

const TOKEN = 'e2e-token';
let store: Store;
let server: RunningServer;
let browser: Browser;
let page: Page;
let problems: string[];

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, init);
}

const suite = browserSuiteOptions();

before(async () => {
  if (suite.skip) return;
  store = await seededStore({ hours: 48 });
  await store.createCycle({
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
async function chartData(canvasId: string): Promise<{ labels: string[]; datasets: { label: string; data: unknown[] }[]; width: number; height: number }> {
  return page.evaluate((id) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement;
    type ChartLike = { width: number; height: number; data: { labels?: string[]; datasets: { label: string; data: unknown[] }[] } };
    const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): ChartLike } }).Chart.getChart(canvas);
    return {
      labels: [...(chart.data.labels ?? [])],
      datasets: chart.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })),
      // Drawn into a laid-out canvas, not a detached one.
      width: chart.width,
      height: chart.height,
    };
  }, canvasId);
}

describe('dashboard pages', suite, () => {
  it('Capacity: the chart and its table carry the pool numbers of the API', async () => {
    await gotoPage(page, server.url, '#/capacity');
    await screenshot(page, 'capacity');
    const capacity = await (await api('/api/capacity')).json();
    const h100 = capacity.groups.find((g: { pool: string; resource: string }) => g.pool === 'h100' && g.resource === 'nvidia.com/gpu');
    const label = 'h100 · NVIDIA-H100-80GB-HBM3 · nvidia.com/gpu';
    const chart = await chartData('capacity-chart-canvas');
    assert.ok(chart.width > 600 && chart.height > 200, `chart drawn at ${chart.width}x${chart.height}`);
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

  it('Teams: bars say the API\u2019s numbers and nested teams collapse from the keyboard', async () => {
    await gotoPage(page, server.url, '#/teams');
    const teams = await (await api('/api/teams')).json();
    const platform = teams.teams.find((t: { team: string }) => t.team === 'platform');
    const fraud = platform.teams.find((t: { team: string }) => t.team === 'platform/fraud');
    const gpu = fraud.resources.find((r: { resource: string }) => r.resource === 'nvidia.com/gpu');
    const text = await page.textContent('.bar-line[data-team="platform/fraud"][data-resource="nvidia.com/gpu"]');
    // fraud-serve has no nvidia.com/gpu quota: the quota in force covers fraud-train only, and says so.
    assert.equal(gpu.limitedNamespaces, 1);
    assert.equal(text, `nvidia.com/gpuused ${gpu.used} / quota ${gpu.current} (1 of 2 namespaces) \u2192 planned ${gpu.planned}`);
    const rows = await tableRows('.table-block table');
    assert.deepEqual(
      rows.find((r) => r[0] === 'platform/fraud' && r[1] === 'nvidia.com/gpu'),
      // No cycle is approved here: nothing to reconcile with.
      ['platform/fraud', 'nvidia.com/gpu', gpu.current, '1 of 2', gpu.used, gpu.overQuota ? 'yes' : '', gpu.planned, gpu.queued, '', ''],
    );
    const toggle = page.locator('[data-team-item="platform"] > .team-row button.toggle');
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.isVisible('[data-team-item="platform/fraud"]'), false);
    await page.keyboard.press('Space');
    assert.equal(await page.isVisible('[data-team-item="platform/fraud"]'), true);
    assert.deepEqual(problems, []);
  });

  it('Plan: the chart draws the plan\u2019s rows and the downloads are the emitted files', async () => {
    await gotoPage(page, server.url, '#/plan');
    const plan = await (await api('/api/plans/latest')).json();
    const gpuRows = plan.rows.filter((r: { resource: string }) => r.resource === 'nvidia.com/gpu');
    const chart = await chartData('plan-chart-canvas');
    assert.deepEqual(chart.labels, gpuRows.map((r: { team: string }) => r.team));
    assert.deepEqual(chart.datasets.find((d) => d.label === 'Proposed')?.data, gpuRows.map((r: { proposed: string }) => Number(r.proposed)));
    assert.equal(await page.getAttribute('a[data-download="yaml"]', 'href'), `/api/plans/${plan.id}/manifests.yaml`);
    const download = await Promise.all([page.waitForEvent('download'), page.click('a[data-download="pr-body"]')]);
    assert.equal(download[0].suggestedFilename(), `plan-${plan.id}-pr-body.md`);
    const csv = await Promise.all([page.waitForEvent('download'), page.click('#plan-chart button[data-csv]')]);
    const csvPath = await csv[0].path();
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(csvPath, 'utf8').trim().split('\r\n');
    assert.equal(lines[0], 'team,current,proposed,used');
    assert.equal(lines.length, gpuRows.length + 1);
    assert.deepEqual(problems, []);
  });

  it('What-if: lowering a demand and adding nodes recomputes the plan at once; saving needs the token', async () => {
    await gotoPage(page, server.url, '#/what-if');
    const demand = page.locator('input[data-bound="research/nlp|nvidia.com/gpu|demand"]');
    await demand.fill('10');
    await demand.press('Tab');
    await page.waitForFunction(() => (document.querySelector('.page')as HTMLElement | null)?.dataset.whatif?.startsWith('done-'));
    const expected = await (
      await api('/api/what-if', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ changes: [{ team: 'research/nlp', resource: 'nvidia.com/gpu', demand: '10' }] }),
      })
    ).json();
    const nlp = expected.rows.find((r: { team: string; resource: string }) => r.team === 'research/nlp' && r.resource === 'nvidia.com/gpu');
    assert.notEqual(nlp.proposed, nlp.baseline, 'the edit changes the plan');
    const chart = await chartData('whatif-chart-canvas');
    const at = chart.labels.indexOf('research/nlp');
    assert.equal(chart.datasets.find((d) => d.label === 'What-if')?.data[at], Number(nlp.proposed));
    assert.equal(chart.datasets.find((d) => d.label === 'Plan 1')?.data[at], Number(nlp.baseline));
    assert.ok((await page.textContent('#whatif-changed'))?.includes(`research/nlp nvidia.com/gpu: ${nlp.baseline} \u2192 ${nlp.proposed}`));
    await screenshot(page, 'what-if-after-edit');

    await page.click('#save-plan');
    await page.waitForFunction(() => document.getElementById('whatif-status')?.textContent?.startsWith('Not saved'));
    assert.equal(await page.textContent('#whatif-status'), 'Not saved: this change needs a token: Authorization: Bearer <token>');
    const stored = await (await api('/api/plans')).json();
    assert.equal(stored.plans.length, 1, 'nothing was stored');
    problems.splice(0); // the refused POST logs a 401 in the console, which is the point of this step

    await page.fill('#shape-count', '4');
    await page.selectOption('#shape-select', 'h100-0');
    const before = await page.evaluate(() => (document.querySelector('.page') as HTMLElement).dataset.whatif);
    await page.click('#add-nodes');
    await page.waitForFunction((previous) => {
      const state = (document.querySelector('.page') as HTMLElement).dataset.whatif;
      return state !== previous && state?.startsWith('done-');
    }, before);
    assert.match((await page.textContent('#node-changes')) ?? '', /\+4 nodes of 8x nvidia\.com\/gpu NVIDIA-H100-80GB-HBM3 \(pool h100\)/);
    assert.match((await page.textContent('#whatif-status')) ?? '', /^Recomputed: \d+ allocations differ from plan 1\.$/);

    assert.equal(await page.isDisabled('#save-plan'), true, 'a plan with hypothetical nodes cannot be saved');
    const withNodes = await page.evaluate(() => (document.querySelector('.page') as HTMLElement).dataset.whatif);
    await page.click('[data-node-change="0"] button');
    await page.waitForFunction((previous) => {
      const state = (document.querySelector('.page') as HTMLElement).dataset.whatif;
      return state !== previous && state?.startsWith('done-');
    }, withNodes);
    assert.equal(await page.isDisabled('#save-plan'), false);

    await page.click('#token-button');
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[value="save"]');
    await page.click('#save-plan');
    await page.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/plan?id=2');
    assert.equal(await page.textContent('h1'), 'Plan 2: 2026-Q3');
    const saved = await (await api('/api/plans/2')).json();
    assert.deepEqual(saved.plan, expected.plan, 'the saved plan is the what-if the page showed');
    await screenshot(page, 'plan-saved-from-what-if');
    assert.deepEqual(problems, []);
  });

  it('History: asks for one resource at a time; one point per snapshot, the last ones equal the API, cycles listed', async () => {
    const asked: string[] = [];
    const record = (request: { url(): string }): void => {
      const url = new URL(request.url());
      if (url.pathname === '/api/history') asked.push(url.search);
    };
    page.on('request', record);
    try {
      await gotoPage(page, server.url, '#/history');
      assert.deepEqual(asked, ['?resource=nvidia.com%2Fgpu'], 'only the GPU series are fetched');
      const history = await (await api('/api/history?resource=nvidia.com/gpu')).json();
      const everything = await (await api('/api/history')).json();
      const all = everything.capacity.map((c: { resource: string }) => c.resource);
      assert.deepEqual(history.resources, all, 'every resource is listed, whichever was asked');
      const options = await page.$$eval('#history-resource option', (items) => items.map((o) => (o as HTMLOptionElement).value));
      assert.deepEqual(options, all.filter((r: string) => r !== 'pods'));
      const gpu = history.capacity[0];
      assert.deepEqual(gpu, everything.capacity.find((c: { resource: string }) => c.resource === 'nvidia.com/gpu'), 'the same figures as the whole answer');
      const chart = await chartData('history-capacity-canvas');
      assert.ok(chart.width > 600 && chart.height > 200, `chart drawn at ${chart.width}x${chart.height}`);
      const requested = chart.datasets.find((d) => d.label === 'Requested')?.data as { x: number; y: number }[];
      assert.equal(requested.length, 48);
      assert.deepEqual(requested.map((p) => p.y), gpu.requested);
      assert.equal(requested[47]?.x, Date.parse('2026-07-02T23:00:00Z'));
      const rows = await tableRows('#history-capacity table');
      assert.deepEqual(rows[47], ['2026-07-02T23:00:00.000Z', String(gpu.capacity[47]), String(gpu.allocatable[47]), String(gpu.plannable[47]), String(gpu.requested[47])]);
      const use = await chartData('history-usage-canvas');
      assert.deepEqual(
        use.datasets.filter((d) => !d.label.endsWith(' quota')).map((d) => [d.label, (d.data as { y: number }[]).map((p) => p.y)]),
        history.usage.map((u: { team: string; used: number[] }) => [u.team, u.used]),
      );
      assert.match((await page.textContent('main p.muted')) ?? '', /Cycles: 2026-Q3 \(draft\)\./);
      await screenshot(page, 'history');

      await page.selectOption('#history-resource', 'cpu');
      await page.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/history?resource=cpu');
      assert.deepEqual(asked.slice(1), ['?resource=cpu'], 'choosing cpu fetches the cpu series only');
      const cpu = (await (await api('/api/history?resource=cpu')).json()).capacity[0];
      const cpuChart = await chartData('history-capacity-canvas');
      assert.deepEqual((cpuChart.datasets.find((d) => d.label === 'Requested')?.data as { y: number }[]).map((p) => p.y), cpu.requested.map((v: number) => Number(v.toFixed(3))));
      assert.equal(await page.inputValue('#history-resource'), 'cpu');
    } finally {
      page.off('request', record);
    }
    assert.deepEqual(problems, []);
  });

  it('shows cluster strings with HTML in them as text, never as markup', async () => {
    await gotoPage(page, server.url, '#/capacity');
    const pools = await page.$$eval('table', (tables) =>
      tables.filter((t) => t.caption?.textContent?.startsWith('Node pools')).flatMap((t) => Array.from(t.querySelectorAll('tbody tr th')).map((th) => th.textContent)),
    );
    assert.ok(pools.includes(HOSTILE), 'the pool name is shown literally in the pools table');
    await gotoPage(page, server.url, '#/what-if');
    const options = await page.$$eval('#shape-select option', (items) => items.map((o) => o.textContent));
    assert.ok(options.includes(`CPU node (pool ${HOSTILE})`), 'the pool name is shown literally');
    for (const hash of ['#/capacity', '#/teams', '#/plan', '#/what-if', '#/history']) {
      await gotoPage(page, server.url, hash);
      assert.equal(await page.locator('img').count(), 0, `${hash} has no <img>`);
    }
    assert.deepEqual(problems, []);
  });

  it('is usable from the keyboard: skip link, then the navigation', async () => {
    await page.goto('about:blank');
    await gotoPage(page, server.url, '#/capacity');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Teams');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/teams');
    assert.deepEqual(problems, []);
  });
});

describe('several clusters in one database', suite, () => {
  it('lets the reader pick the cluster; every page then shows that cluster', async () => {
    const multi = await seededStore({ hours: 1 });
    await multi.saveSnapshot({
      cluster: { name: 'zeta' },
      takenAt: new Date('2026-07-05T00:00:00Z'),
      source: { kind: 'file', ref: 'zeta.json' },
      inventory: demoInventory(0, 1),
    });
    const second = await listen(createApp({ store: multi, clock: () => new Date(0), log: () => {} }));
    try {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${second.url}/#/capacity`);
      await tab.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/capacity');
      assert.equal(await tab.inputValue('#cluster-select'), 'demo');
      assert.match((await tab.textContent('main p.muted')) ?? '', /^Snapshot 1 of demo,/);
      await tab.selectOption('#cluster-select', 'zeta');
      await tab.waitForFunction(() => /^Snapshot 2 of zeta,/.test(document.querySelector('main p.muted')?.textContent ?? ''));
      await context.close();
    } finally {
      await second.close();
      multi.close();
    }
  });
});

describe('a cluster with DRA', suite, () => {
  it('the Capacity page shows the DRA devices by DeviceClass, labelled, beside the device-plugin figures', async () => {
    const builder = new InventoryBuilder();
    builder.add(aNode('dra-h100-0').withCapacity({ cpu: '64', memory: '512Gi' }).parsed());
    builder.add(aNode('dra-h100-1').withCapacity({ cpu: '64', memory: '512Gi' }).parsed());
    builder.add(aNode('a100-0').withLabels({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB', 'nvidia.com/gpu.count': '4' }).withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '4' }).parsed());
    for await (const object of dumpFileObjects(new URL('../fixtures/dra/nvidia-cluster.json', import.meta.url).pathname)) builder.add(object);
    const draStore = await openStore({ file: ':memory:' });
    await draStore.saveSnapshot({ cluster: { name: 'dra' }, takenAt: new Date('2026-07-05T00:00:00Z'), source: { kind: 'file', ref: 'dra.json' }, inventory: builder.build() });
    const draServer = await listen(createApp({ store: draStore, clock: () => new Date(0), log: () => {} }));
    try {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${draServer.url}/#/capacity`);
      await tab.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/capacity');
      assert.equal(await tab.textContent('main h2:has-text("DRA devices")'), 'DRA devices (ResourceSlices), by DeviceClass');
      const rows = await tab.$$eval('table', (tables) => {
        const dra = tables.find((t) => (t.querySelector('caption')?.textContent ?? '').startsWith('DRA devices by DeviceClass'));
        return Array.from(dra?.querySelectorAll('tbody tr') ?? []).map((row) => Array.from(row.children).map((cell) => (cell.textContent ?? '').trim()));
      });
      assert.deepEqual(rows, [
        ['gpu.nvidia.com', 'nvidia.com/gpu', 'NVIDIA-H100-80GB-HBM3: 3', '3', '3', '0', '3', ''],
        ['mig.nvidia.com', 'mig.nvidia.com.deviceclass.resource.k8s.io/devices', 'NVIDIA-H100-80GB-HBM3: 3', '3', '1', '0', '3', 'at most: devices share counters'],
      ]);
      await screenshot(tab, 'capacity-dra');
      await context.close();
    } finally {
      await draServer.close();
      await draStore.close();
    }
  });
});

describe('a cluster whose quotas Kueue, KAI Scheduler and Volcano enforce', suite, () => {
  it('the Capacity page shows the quotas in force: ResourceQuotas beside each scheduler’s figures', async () => {
    const builder = new InventoryBuilder();
    const items = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cv' } },
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quotaplan', namespace: 'cv' }, spec: { hard: { 'requests.nvidia.com/gpu': '6' } }, status: { hard: { 'requests.nvidia.com/gpu': '6' }, used: { 'requests.nvidia.com/gpu': '4' } } },
      {
        apiVersion: 'kueue.x-k8s.io/v1beta2',
        kind: 'ClusterQueue',
        metadata: { name: 'ml-cv' },
        spec: {
          cohortName: 'ml',
          fairSharing: { weight: '3' },
          resourceGroups: [{ coveredResources: ['nvidia.com/gpu'], flavors: [{ name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '6', borrowingLimit: '2', lendingLimit: '1' }] }] }],
        },
        status: { flavorsUsage: [{ name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', total: '4', borrowed: '0' }] }], pendingWorkloads: 1, admittedWorkloads: 1 },
      },
      { apiVersion: 'scheduling.run.ai/v2', kind: 'Queue', metadata: { name: 'ml-cv' }, spec: { parentQueue: 'ml', resources: { gpu: { quota: 6, limit: 8, overQuotaWeight: 3 } } } },
      { apiVersion: 'scheduling.volcano.sh/v1beta1', kind: 'Queue', metadata: { name: 'ml-cv' }, spec: { parent: 'ml', weight: 3, deserved: { 'nvidia.com/gpu': '6' }, guarantee: { resource: { 'nvidia.com/gpu': '5' } }, capability: { 'nvidia.com/gpu': '8' } }, status: { allocated: { 'nvidia.com/gpu': '4' } } },
    ];
    for (const object of dumpObjects(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }))) builder.add(object);
    const quotaStore = await openStore({ file: ':memory:' });
    await quotaStore.saveSnapshot({ cluster: { name: 'queues' }, takenAt: new Date('2026-07-05T00:00:00Z'), source: { kind: 'file', ref: 'queues.json' }, inventory: builder.build() });
    const quotaServer = await listen(createApp({ store: quotaStore, clock: () => new Date(0), log: () => {} }));
    try {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${quotaServer.url}/#/capacity`);
      await tab.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/capacity');
      const rows = await tab.$$eval('table', (tables) => {
        const table = tables.find((t) => (t.querySelector('caption')?.textContent ?? '').startsWith('Quotas in force'));
        return Array.from(table?.querySelectorAll('tbody tr') ?? []).map((row) => Array.from(row.children).map((cell) => (cell.textContent ?? '').trim()));
      });
      // Enforced by, object, namespace / parent, flavor, resource, guarantee, quota, limit, weight, in use, pending.
      assert.deepEqual(rows, [
        ['ResourceQuota', 'ResourceQuota cv/quotaplan', 'cv', '–', 'requests.nvidia.com/gpu', '–', '6', '–', '–', '4', '–'],
        // Kueue: guarantee 6 - lending 1 = 5, limit 6 + borrowing 2 = 8.
        ['Kueue', 'ClusterQueue ml-cv', 'ml', 'nvidia-h100-80gb-hbm3', 'nvidia.com/gpu', '5', '6', '8', '3', '4', '1'],
        ['KAI Scheduler', 'Queue ml-cv', 'ml', '–', 'gpu (GPUs)', '–', '6', '8', '3', '–', '–'],
        ['Volcano', 'Queue ml-cv', 'ml', '–', 'nvidia.com/gpu', '5', '6', '8', '3', '4', '–'],
      ]);
      await screenshot(tab, 'capacity-quotas-in-force');
      await context.close();
    } finally {
      await quotaServer.close();
      await quotaStore.close();
    }
  });
});

describe('the bundled demo (quotaplan demo)', suite, () => {
  it('renders every page of the navigation without errors', async () => {
    const demo = await openStore({ file: ':memory:' });
    const seed = await seedDemo({ store: demo, now: new Date('2026-11-28T03:00:00Z'), stepHours: 24 });
    const running = await listen(createApp({ store: demo, clock: () => new Date('2026-11-28T04:00:00Z'), log: () => {} }));
    try {
      const { page: tab, problems: tabProblems } = await openPage(browser);
      // The page list the navigation is built from (a browser module; its entries only import pages when loaded).
      const registry = new URL('../../web/pages/index.js', import.meta.url).href;
      const { pages } = (await import(registry)) as { pages: Array<{ id: string }> };
      assert.ok(pages.length >= 5);
      for (const { id } of pages) {
        await gotoPage(tab, running.url, `#/${id}`);
        assert.notEqual(await tab.textContent('h1'), 'Something went wrong', `#/${id}: ${await tab.textContent('main')}`);
        await screenshot(tab, `bundled-demo-${id}`);
      }
      await gotoPage(tab, running.url, '#/plan');
      assert.equal(await tab.inputValue('#plan-select'), String(seed.draftPlanId));
      assert.deepEqual(tabProblems, []);
      await tab.context().close();
    } finally {
      await running.close();
      demo.close();
    }
  });
});
