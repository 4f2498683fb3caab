/**
 * The Review page's DRA section (issue 14), in headless Chromium against a real `quotaplan serve` (a child process,
 * as a user starts it) over a SQLite store holding a cycle on a mixed cluster: a device-plugin node (a100-0,
 * 4 x nvidia.com/gpu) and the NVIDIA-shaped DRA fixture the review's DRA tests use (test/fixtures/dra), with
 * dra-h100-1's productName made hostile (a DeviceClass name is a DNS subdomain, validated where it enters; a
 * productName is any string) and research's MIG claim allocated. Every cell is checked against figures counted from
 * the fixture by hand, on the Review and Capacity pages and in the PR body the Plan page downloads; axe-core at
 * 1440x900 and 390x844; screenshots land in test-artifacts/ (review-dra-*).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axeCore from 'axe-core';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { InventoryBuilder } from '../../src/inventory/builder.js';
import type { ClusterInventory } from '../../src/inventory/types.js';
import { parseObject } from '../../src/kinds/parse.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { planToJson } from '../../src/plan/plan-json.js';
import { parseTeamsFile } from '../../src/plan/teams-file.js';
import { openStore } from '../../src/store/open.js';
import { aNamespace, aNode, gfd } from '../builders/kube.js';
import { REPO_ROOT } from '../support/cli.js';
import { FIXTURE, MIG_KEY } from '../unit/review/dra-mixed.js';
import { ARTIFACTS, browserSuiteOptions, gotoPage, launchBrowser, openPage, screenshot } from './browser.js';

/** A productName without spaces (a model is the productName with its spaces as `-`), markup if ever parsed as HTML. */
const HOSTILE = `<svg/onload=alert(1)>&amp;"q'|*x*|`;
const H100 = 'NVIDIA-H100-80GB-HBM3';
const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const suite = browserSuiteOptions();
const dir = mkdtempSync(join(tmpdir(), 'quotaplan-review-dra-'));
const db = join(dir, 'quotaplan.db');
let serve: ChildProcess | undefined;
let url = '';
let browser: Browser;

/**
 * a100-0: 4 device-plugin GPUs. The DRA fixture: dra-h100-0 with 2 whole GPUs (vision's claim holds both);
 * dra-h100-1 (its productName HOSTILE) with one dynamic-MIG GPU publishing itself and 3 MIG placements that share
 * its counters, one of them (1g.10gb) allocated here to research's claim; dra-h100-2 a pool in transition
 * (generation 2: 1 of 2 slices), not counted.
 */
function inventory(): ClusterInventory {
  const b = new InventoryBuilder();
  b.add(aNode('a100-0').withLabels({ ...gfd('NVIDIA-A100-SXM4-80GB', 4), 'karpenter.sh/nodepool': 'plugin' }).withCapacity({ cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': '4' }).parsed());
  for (const name of ['dra-h100-0', 'dra-h100-1', 'dra-h100-2']) {
    b.add(aNode(name).withLabels({ 'kubernetes.io/hostname': name, 'karpenter.sh/nodepool': 'dra' }).withCapacity({ cpu: '64', memory: '512Gi', pods: '110' }).parsed());
  }
  for (const ns of ['vision', 'research']) b.add(parseObject(aNamespace(ns)));
  type Item = { kind: string; metadata: { name: string; namespace?: string }; spec?: { nodeName?: string; devices?: Array<{ attributes?: Record<string, { string?: string }> }> }; status?: unknown };
  const items = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { items: Item[] }).items;
  for (const item of items) {
    if (item.kind === 'ResourceSlice' && item.spec?.nodeName === 'dra-h100-1') {
      for (const device of item.spec.devices ?? []) {
        const product = device.attributes?.productName;
        assert.ok(product !== undefined, 'every dra-h100-1 device names its product');
        product.string = HOSTILE;
      }
    }
    if (item.kind === 'ResourceClaim' && item.metadata.name === 'notebook-mig') {
      assert.equal(item.status, undefined, 'the fixture leaves research\'s claim pending');
      item.status = { allocation: { devices: { results: [{ request: 'mig/small', driver: 'gpu.nvidia.com', pool: 'dra-h100-1', device: 'gpu-0-mig-1g10gb-9-0' }] } } };
    }
    b.add(parseObject(item));
  }
  return b.build();
}

/** Resolves with the first match of `pattern` on the child's stderr. */
function waitForStderr(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match !== null) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`quotaplan serve exited (${code}) before listening: ${seen}`)));
  });
}

before(async () => {
  if (suite.skip) return;
  const store = await openStore({ file: db });
  const first = new Date('2026-10-01T00:00:00Z');
  const snapshotId = (await store.saveSnapshot({ cluster: { name: 'lab' }, takenAt: first, source: { kind: 'file', ref: 'test' }, inventory: inventory() })).id;
  const yaml = ['cycle: 2026-Q4', 'teams:', '  - name: vision', '    namespaces: [vision]', '    resources:', '      nvidia.com/gpu: { demand: "7" }', `      ${MIG_KEY}: { demand: "3" }`, ''].join('\n');
  const teams = parseTeamsFile(yaml, 'teams.yaml');
  const planId = (await store.savePlan({ cluster: 'lab', cycle: '2026-Q4', snapshotId, teamsYaml: yaml, plan: planToJson(buildPlan({ teams, inventory: inventory(), previous: null })), createdAt: first })).id;
  await store.createCycle({ cluster: 'lab', name: '2026-Q4', planId, startsAt: first, endsAt: new Date('2027-01-01T00:00:00Z'), createdAt: first, actor: 'planner' });
  await store.saveSnapshot({ cluster: { name: 'lab' }, takenAt: new Date('2026-10-02T00:00:00Z'), source: { kind: 'file', ref: 'test' }, inventory: inventory() });
  await store.close();
  serve = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'src/cli.ts'), 'serve', '--db', db, '--port', '0'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  [, url] = (await waitForStderr(serve, /dashboard at (http:\/\/[^ ]+)\//)) as [string, string];
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (serve !== undefined && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve?.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A tab at a size that records page errors, console errors and dialogs (an alert would be one). */
function tab(width: number, height: number): ReturnType<typeof openPage> {
  return openPage(browser, { width, height });
}

/** The cells' text of the table with this caption, row by row (no functions declared in the page: tsx names them). */
async function rowsOf(page: Page, caption: string): Promise<Array<Array<string | null>>> {
  return page.evaluate(
    (wanted) =>
      Array.from(
        Array.from(document.querySelectorAll('table caption'))
          .find((c) => c.textContent === wanted)
          ?.closest('table')
          ?.querySelectorAll('tbody tr') ?? [],
        (tr) => Array.from(tr.children, (c) => c.textContent),
      ),
    caption,
  );
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') does not block it.
  await page.evaluate(axeCore.source);
  return page.evaluate(async () => {
    type Result = { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }> };
    const result = (await (window as unknown as { axe: { run(): Promise<Result> } }).axe.run()) as Result;
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('Review page: DRA devices beside the device-plugin capacity', suite, () => {
  it('per DeviceClass and model: DRA devices, physical GPUs, allocated, quota key; physical GPUs of all classes; transitional pools; names as text', async () => {
    const { page, problems, close } = await tab(1440, 900);
    try {
      await gotoPage(page, url, '#/review');
      const section = await page.evaluate(() => {
        const box = document.getElementById('review-dra');
        const table = box?.querySelector('table');
        const headings = Array.from(document.querySelectorAll('main h2'), (h) => h.textContent);
        return {
          heading: document.getElementById('review-dra-heading')?.textContent,
          headings,
          caption: table?.querySelector('caption')?.textContent,
          header: Array.from(table?.querySelectorAll('thead th') ?? [], (n) => n.textContent),
          rows: Array.from(table?.querySelectorAll('tbody tr') ?? [], (tr) => Array.from(tr.children, (n) => n.textContent)),
          physical: document.getElementById('review-dra-physical')?.textContent,
          pools: Array.from(document.querySelectorAll('#review-dra-pools li'), (li) => li.textContent),
          poolsIntro: document.querySelector('#review-dra-pools p')?.textContent,
          // Markup in a name would have made elements; the scroll box is focusable and named after the table.
          elementsInTable: Array.from(table?.querySelectorAll('tbody *') ?? [], (e) => e.localName).filter((name) => !['tr', 'th', 'td'].includes(name)),
          svgOnPage: document.querySelectorAll('main svg').length,
          scrollBox: { tabindex: box?.querySelector('.scroll')?.getAttribute('tabindex'), label: box?.querySelector('.scroll')?.getAttribute('aria-label') },
          csv: box?.querySelector('button[data-csv]')?.getAttribute('data-csv'),
        };
      });
      assert.equal(section.heading, 'DRA devices (ResourceSlices), by DeviceClass');
      // After the capacity table (device plugins and DRA together), before use per team.
      const at = section.headings.indexOf('DRA devices (ResourceSlices), by DeviceClass');
      assert.equal(section.headings[at - 1], 'Capacity change since the last cycle');
      assert.equal(section.headings[at + 1], 'Use vs quota per team');
      assert.equal(section.caption, 'DRA devices by DeviceClass and model');
      assert.deepEqual(section.header, ['DeviceClass', 'Model', 'DRA devices', 'Physical GPUs', 'Allocated (claims)', 'Quota key']);
      // By class, then model by code unit ('<' before 'N'). Counted from the fixture:
      assert.deepEqual(section.rows, [
        // dra-h100-1's gpu-0: one device, one GPU, not allocated.
        ['gpu.nvidia.com', HOSTILE, '1', '1', '0', 'requests.nvidia.com/gpu'],
        // dra-h100-0's gpu-0 and gpu-1: two GPUs, both in vision's claim.
        ['gpu.nvidia.com', H100, '2', '2', '2', 'requests.nvidia.com/gpu'],
        // dra-h100-1's three MIG placements share its GPU's counters (at most 3 at once); research holds the 1g.10gb.
        ['mig.nvidia.com', HOSTILE, '3 (at most)', '1', '1', MIG_KEY],
      ]);
      // dra-h100-0's two GPUs and dra-h100-1's one (its MIG placements are the same GPU).
      assert.equal(section.physical, 'Physical GPUs behind all DeviceClasses, each counted once: 3.');
      assert.equal(section.poolsIntro, 'Transitional pools, not counted until their driver has published every slice (1):');
      assert.deepEqual(section.pools, ['gpu.nvidia.com/dra-h100-2 (generation 2: 1 of 2 slices)']);
      assert.deepEqual(section.elementsInTable, []);
      assert.equal(section.svgOnPage, 0);
      assert.deepEqual(section.scrollBox, { tabindex: '0', label: 'DRA devices by DeviceClass and model' });
      assert.equal(section.csv, 'review-2026-Q4-dra.csv');
      // The device-plugin figures beside: plannable nvidia.com/gpu at the end of data is a100-0's 4 plus the 3 DRA GPUs.
      const gpuRow = (await rowsOf(page, 'Plannable capacity per resource')).find((cells) => cells[0] === 'nvidia.com/gpu');
      assert.equal(gpuRow?.[5], '7');
      // The table's CSV: the same figures, the name quoted (it holds '"'), the Devices cell as shown.
      const download = page.waitForEvent('download');
      await page.click('#review-dra button[data-csv]');
      const csv = readFileSync((await (await download).path()) as string, 'utf8');
      const quoted = `"${HOSTILE.replaceAll('"', '""')}"`;
      assert.equal(
        csv,
        [
          'deviceClass,model,devices,physicalGpus,allocated,quotaKey',
          `gpu.nvidia.com,${quoted},1,1,0,requests.nvidia.com/gpu`,
          `gpu.nvidia.com,${H100},2,2,2,requests.nvidia.com/gpu`,
          `mig.nvidia.com,${quoted},3 (at most),1,1,${MIG_KEY}`,
          '',
        ].join('\r\n'),
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('Capacity page: the device-plugin groups labelled as such, the DRA devices in their own table, the cards counting both', async () => {
    const { page, problems, close } = await tab(1440, 900);
    try {
      await gotoPage(page, url, '#/capacity');
      const view = {
        ...(await page.evaluate(() => ({
          headings: Array.from(document.querySelectorAll('main h2'), (h) => h.textContent),
          chart: document.querySelector('#capacity-chart')?.closest('figure')?.querySelector('figcaption')?.textContent ?? null,
          physicalCard: document.querySelector('[data-card="physical"] .value')?.textContent,
          svgInMain: document.querySelectorAll('main svg').length,
        }))),
        plugin: (await rowsOf(page, 'Device-plugin accelerators by pool, model and resource')).map((cells) => cells.slice(0, 7)),
        dra: await rowsOf(page, 'DRA devices by DeviceClass: plannable devices, physical devices behind them, not plannable, counted in plannable'),
      };
      assert.ok(view.headings.includes('Device-plugin accelerators by pool, model and resource'), view.headings.join(' | '));
      assert.ok(view.headings.includes('DRA devices (ResourceSlices), by DeviceClass'), view.headings.join(' | '));
      assert.ok(view.chart?.startsWith('Device-plugin accelerators by pool and model, in GPU-equivalents'), view.chart ?? 'no chart');
      // a100-0's 4 device-plugin GPUs, and dra-h100-0's 2 and dra-h100-1's 1 DRA GPUs.
      assert.equal(view.physicalCard, '7');
      assert.deepEqual(view.plugin, [['plugin', 'NVIDIA-A100-SXM4-80GB', 'nvidia.com/gpu', 'whole device', '1', '4', '4']]);
      assert.deepEqual(view.dra, [
        ['gpu.nvidia.com', 'nvidia.com/gpu', `${HOSTILE}: 1, ${H100}: 2`, '3', '3', '0', '3', ''],
        ['mig.nvidia.com', MIG_KEY, `${HOSTILE}: 3`, '3', '1', '0', '3', 'at most: devices share counters'],
      ]);
      assert.equal(view.svgInMain, 0);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('the PR body download (Plan page): the device plugins\' capacity beside the DRA devices per resource, labelled', async () => {
    const body = await (await fetch(`${url}/api/plans/1/pr-body.md`)).text();
    const section = body.slice(body.indexOf('## Accelerator capacity'), body.indexOf('### DRA capacity'));
    assert.ok(section.startsWith('## Accelerator capacity: device plugins and DRA\n'), body);
    assert.deepEqual(
      section.split('\n').filter((line) => line.startsWith('|')),
      [
        '| Resource | Device plugins | DRA devices | Plannable |',
        '|---|---:|---:|---:|',
        // dra-h100-1's three MIG placements, under the MIG class's own key (it names no extended resource).
        `| \`${MIG_KEY}\` | - | 3 | 3 |`,
        // a100-0's 4 from its device plugin; dra-h100-0's 2 and dra-h100-1's 1 through gpu.nvidia.com's extendedResourceName.
        '| `nvidia.com/gpu` | 4 | 3 | 7 |',
      ],
    );
    assert.ok(body.includes('### DRA capacity (ResourceSlices, by DeviceClass)'), body);
  });

  it('reads at 1440x900 and 390x844: the table scrolls in its own box, not the page; no serious or critical axe violation (Review and Capacity)', async () => {
    const found: string[] = [];
    for (const size of SIZES) {
      const { page, problems, close } = await tab(size.width, size.height);
      try {
        for (const hash of ['#/review', '#/capacity']) {
          await gotoPage(page, url, hash);
          await screenshot(page, `review-dra-${size.name}-${hash.slice(2)}`);
          for (const v of await seriousAxeViolations(page)) found.push(`${size.width}x${size.height} ${hash}: ${v}`);
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          const wide = await page.evaluate((limit) => Array.from(document.querySelectorAll('main *')).filter((e) => e.getBoundingClientRect().right > limit + 0.5 && !e.closest('.scroll')).map((e) => `${e.localName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 8), size.width);
          assert.ok(width <= size.width, `${hash} at ${size.name}: the page is ${width}px wide: ${wide.join('; ')}`);
        }
        await gotoPage(page, url, '#/review');
        // The section alone, for reading at each size (the full page is long).
        const clip = await page.evaluate(() => {
          const top = (document.getElementById('review-dra-heading') as HTMLElement).getBoundingClientRect().top + window.scrollY;
          const bottom = (document.getElementById('review-dra') as HTMLElement).getBoundingClientRect().bottom + window.scrollY;
          return { x: 0, y: Math.max(0, top - 8), width: document.documentElement.clientWidth, height: bottom - top + 16 };
        });
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: `${ARTIFACTS}review-dra-${size.name}-section.png`, clip, fullPage: true });
        const box = await page.evaluate(() => {
          const scroll = document.querySelector('#review-dra .scroll') as HTMLElement;
          return { client: scroll.clientWidth, scroll: scroll.scrollWidth, overflow: getComputedStyle(scroll).overflowX };
        });
        assert.equal(box.overflow, 'auto');
        if (size.name === 'phone') assert.ok(box.scroll > box.client, `on a phone the DRA table scrolls in its box (${box.scroll} > ${box.client})`);
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    }
    assert.deepEqual(found, []);
  });
});
