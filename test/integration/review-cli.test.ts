/**
 * `quotaplan review` and `quotaplan cycle` through the real CLI against a demo database. Expected figures are
 * derived by hand from src/demo/cluster.ts: recsys runs pods of 2 GPUs, 2 pods until hour 1802 of the 3605-hour
 * history (2026-07-01 to 2026-11-28T04:00Z) and 1 pod after, so all of 2026-Q4 (from hour 2208) it requests
 * exactly 2 GPUs. The quarter is measured from 2026-10-01T00:00Z to the last snapshot, 2026-11-28T03:00Z: 1395 h.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { seedDemoDatabase } from '../../src/commands/demo.js';
import type { ReviewJson } from '../../src/emit/review-json.js';
import type { PlanJson } from '../../src/plan/plan-json.js';
import { openStore } from '../../src/store/open.js';
import type { Browser } from 'playwright-core';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/listen.js';
import type { Store } from '../../src/store/open.js';
import { ARTIFACTS, gotoPage, launchBrowser, openPage, screenshot } from '../e2e/browser.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-review-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'demo.db');

/** recsys's nvidia.com/gpu quota and demand in a stored plan, read from the plan itself. */
async function recsysGpu(planId: number): Promise<{ quota: string; demand: string | null }> {
  const store = await openStore({ file: db, create: false });
  try {
    const plan = (await store.getPlan(planId)).plan as PlanJson;
    const allocation = plan.allocations.find((a) => a.team === 'platform/recsys' && a.resource === 'nvidia.com/gpu');
    assert.ok(allocation);
    return { quota: allocation.quota, demand: allocation.demand };
  } finally {
    await store.close();
  }
}

describe('quotaplan review against the demo database', () => {
  before(async () => {
    await seedDemoDatabase(db, new Date('2026-11-28T04:17:00Z'));
  });

  it('-o json: recsys used exactly 2 GPUs all quarter: average 2, p95 2, peak 2, 2790 of 8 x 1395 GPU-hours', async () => {
    const result = await runCli(['review', '--db', db, '--cycle', '2026-Q4', '-o', 'json'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const review = JSON.parse(result.stdout) as ReviewJson;
    assert.equal(review.cycle.name, '2026-Q4');
    assert.equal(review.cycle.state, 'approved');
    assert.deepEqual(review.coverage, { from: '2026-10-01T00:00:00.000Z', to: '2026-11-28T03:00:00.000Z', hours: '1395.000', cycleHours: '2208.000', snapshots: 465 });
    const current = await recsysGpu(review.planId);
    assert.equal(current.quota, '8');
    const recsys = review.teams.find((t) => t.team === 'platform/recsys' && t.resource === 'nvidia.com/gpu');
    assert.deepEqual(
      {
        quota: recsys?.quota,
        average: recsys?.average,
        averageExact: recsys?.averageExact,
        p95: recsys?.p95,
        peak: recsys?.peak,
        averageOfQuota: recsys?.averageOfQuota,
        usedUnitHours: recsys?.usedUnitHours,
        grantedUnitHours: recsys?.grantedUnitHours,
      },
      { quota: '8', average: '2.000', averageExact: '2', p95: '2', peak: '2', averageOfQuota: '25.0%', usedUnitHours: '2790.000', grantedUnitHours: '11160.000' },
    );
    const proposal = review.proposals.find((p) => p.team === 'platform/recsys' && p.resource === 'nvidia.com/gpu');
    assert.deepEqual([proposal?.kind, proposal?.demand, proposal?.proposedDemand], ['lower-demand', current.demand, '2']);
    assert.equal(review.next?.cycle.name, '2027-Q1');
    assert.equal(proposal?.nextDemand, (await recsysGpu(review.next!.planId!)).demand);
  });

  it('-o md: a Markdown report with the sections a meeting needs and recsys\u2019s row', async () => {
    const result = await runCli(['review', '--db', db, '-o', 'md'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const md = result.stdout;
    for (const heading of ['# Allocation review: 2026-Q4 (cluster demo)', '## Capacity change since the last cycle', '## Use vs quota per team', '## GPU-hours used vs granted', '## Proposed changes', '## Warnings', '## Decision']) {
      assert.ok(md.includes(`\n${heading}`) || md.startsWith(heading), `missing ${heading}`);
    }
    const next = await recsysGpu(3);
    assert.ok(md.includes(`| platform/recsys | nvidia.com/gpu | 8 | 12 | 2.000 | 2 | 2 | 25.0% | 25.0% | 0.0 | ${next.quota} |`), md);
    assert.ok(md.includes('- **platform/recsys** nvidia.com/gpu: demand 12 -> **2**'));
    // Memory reads as on every page (issue 18 item 10): the demo's 9353868984Ki of capacity is 8.71 Ti, not raw Ki.
    assert.ok(md.includes('| memory | – | \\~8.7Ti | \\~8.7Ti | \\~8.7Ti | \\~8.7Ti | \\~8.7Ti |'), md);
    assert.ok(!md.includes('9353868984Ki'));
    assert.ok(md.includes('`quotaplan cycle submit --cycle 2027-Q1`'));
  });

  it('-o csv: one row per team and resource with the same figures', async () => {
    const result = await runCli(['review', '--db', db, '--cycle', '2026-Q4', '-o', 'csv'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const [header, ...rows] = result.stdout.trimEnd().split('\r\n').map((line) => line.split(','));
    const column = (name: string): number => header!.indexOf(name);
    const recsys = rows.find((r) => r[column('team')] === 'platform/recsys' && r[column('resource')] === 'nvidia.com/gpu');
    assert.ok(recsys);
    assert.deepEqual(
      ['quota', 'average', 'p95', 'peak', 'used_unit_hours', 'granted_unit_hours', 'proposals', 'proposed_demand'].map((name) => recsys[column(name)]),
      ['8', '2.000', '2', '2', '2790.000', '11160.000', 'lower-demand', '2'],
    );
    // A mig-1g.10gb slice is 1/7 of an A100: fraud's slice-hours over 7 are its GPU-hours.
    const fraud = rows.find((r) => r[column('team')] === 'platform/fraud' && r[column('resource')] === 'nvidia.com/mig-1g.10gb');
    assert.ok(fraud);
    assert.equal(fraud[column('gpu_per_unit')], '0.143');
    const sliceHours = Number(fraud[column('used_unit_hours')]);
    assert.ok(Number.isInteger(sliceHours), 'snapshots every 3 h of whole slices give whole slice-hours');
    assert.equal(fraud[column('used_gpu_hours')], (Math.round((sliceHours / 7) * 1000) / 1000).toFixed(3));
  });

  it('-o html --out: one file with inline SVG charts that renders offline in Chromium', async () => {
    const file = join(dir, 'review.html');
    const result = await runCli(['review', '--db', db, '-o', 'html', '--out', file], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const html = readFileSync(file, 'utf8');
    assert.doesNotMatch(html, /<script|<link|src="http|href="http/);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(file).href);
      assert.deepEqual(requests, [pathToFileURL(file).href]);
      const charts = await page.locator('figure.chart svg').count();
      // Capacity over time, use vs quota for each of the 5 accelerator resources, GPU-hours per team.
      assert.equal(charts, 7);
      const bars = await page.locator('figure[data-chart="use-nvidia.com/gpu"] svg rect title').allTextContents();
      assert.ok(bars.includes('platform/recsys · Average: 2 nvidia.com/gpu (units)'), bars.join('\n'));
      assert.ok((await page.locator('table').count()) >= 3);
      await screenshot(page, 'review-report');
    } finally {
      await browser.close();
    }
  });

  it('without --prometheus every format says there is no measured use instead of showing zeros', async () => {
    const note = 'no measured use (no --prometheus given)';
    const json = JSON.parse((await runCli(['review', '--db', db, '--cycle', '2026-Q4', '-o', 'json'], { cwd: dir })).stdout) as ReviewJson;
    assert.deepEqual(json.measured, {
      available: false, note, source: null, from: null, to: null, measuredHours: null, gapHours: null, gaps: [], warnings: [], teams: [], unowned: [], idle: [],
    });
    assert.equal(json.proposals.filter((p) => p.kind === 'low-measured-use').length, 0);
    const md = (await runCli(['review', '--db', db, '--cycle', '2026-Q4'], { cwd: dir })).stdout;
    assert.ok(md.includes(`## Measured GPU use (dcgm-exporter)\n\n${note}.\n`), md);
    const html = (await runCli(['review', '--db', db, '--cycle', '2026-Q4', '-o', 'html'], { cwd: dir })).stdout;
    assert.ok(html.includes(`<h2>Measured GPU use (dcgm-exporter)</h2>\n<p class="gap">${note}.</p>`));
    const [header, ...rows] = (await runCli(['review', '--db', db, '--cycle', '2026-Q4', '-o', 'csv'], { cwd: dir })).stdout.trimEnd().split('\r\n').map((line) => line.split(','));
    // Reasons before them may hold quoted commas: the measured columns are read from the end of the line.
    assert.deepEqual(header!.slice(-10), [
      'team_requested_gpu_hours', 'team_granted_gpu_hours', 'team_busy_gpu_hours', 'team_allocated_gpu_hours', 'team_busy_of_granted', 'team_busy_of_requested',
      'measured_note', 'team_memory_average_mib', 'team_memory_peak_mib', 'measured_warnings',
    ]);
    assert.ok(rows.length > 0);
    for (const row of rows) assert.deepEqual(row.slice(-10), ['', '', '', '', '', '', note, '', '', '']);
  });

  it('names the cycle it cannot find, with exit code 2', async () => {
    const result = await runCli(['review', '--db', db, '--cycle', '2025-Q1'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cluster demo has no cycle 2025-Q1/);
  });

  it('reads thresholds from a rules file and flags', async () => {
    const result = await runCli(['review', '--db', db, '-o', 'json', '--under-use-below', '20'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const review = JSON.parse(result.stdout) as ReviewJson;
    assert.equal(review.rules.underUseAverageBelow, '20.0%');
    // recsys at 25% is no longer under-using its GPUs.
    assert.equal(review.proposals.find((p) => p.team === 'platform/recsys' && p.resource === 'nvidia.com/gpu'), undefined);
    const bad = await runCli(['review', '--db', db, '--rules', join(dir, 'missing.yaml')], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /missing\.yaml: cannot read rules file: no such file/);
  });
});

describe('quotaplan cycle against the demo database', () => {
  const file = join(dir, 'cycle.db');
  before(async () => {
    await seedDemoDatabase(db, new Date('2026-11-28T04:17:00Z'));
    copyFileSync(db, file);
  });

  it('submits and approves the draft, then refuses approving again, changing its plan and a new draft before it', async () => {
    const cli = (...args: string[]) => runCli(['cycle', ...args, '--db', file], { cwd: dir });
    const submitted = await cli('submit', '--cycle', '2027-Q1', '--by', 'planner');
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.equal(submitted.stdout, 'cycle 2027-Q1 (cluster demo) is in-review, plan 3\n');
    const wrongPlan = await cli('approve', '--cycle', '2027-Q1', '--by', 'head-of-ml', '--plan', '2');
    assert.equal(wrongPlan.code, 4);
    assert.match(wrongPlan.stderr, /cycle 2027-Q1 is reviewing plan 3, not plan 2/);
    const approved = await cli('approve', '--cycle', '2027-Q1', '--by', 'head-of-ml', '--note', 'recsys to 2 GPUs next time', '--plan', '3');
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /^cycle 2027-Q1 \(cluster demo\) is approved by head-of-ml at \d{4}-/);
    const again = await cli('approve', '--cycle', '2027-Q1', '--by', 'someone', '--note', 'again');
    assert.equal(again.code, 4);
    assert.match(again.stderr, /cycle 2027-Q1 of cluster demo was approved by head-of-ml on .*: it cannot be approved again/);
    const replan = await cli('plan', '--cycle', '2027-Q1', '--plan', '2');
    assert.equal(replan.code, 4);
    assert.match(replan.stderr, /its plan 3 cannot be replaced by plan 2/);
    const list = await cli('list', '-o', 'json');
    const cycles = JSON.parse(list.stdout) as { name: string; state: string; approvedBy: string | null; approvalNote: string | null; events: { to: string }[] }[];
    assert.deepEqual(
      cycles.map((c) => [c.name, c.state, c.approvedBy]),
      [
        ['2026-Q3', 'approved', 'head-of-ml@example.com'],
        ['2026-Q4', 'approved', 'head-of-ml@example.com'],
        ['2027-Q1', 'approved', 'head-of-ml'],
      ],
    );
    assert.deepEqual(cycles[2]!.events.map((e) => e.to), ['draft', 'in-review', 'approved']);
  });

  it('starts the next cycle from the approved one, writing its teams file renamed', async () => {
    const teams = join(dir, 'q2.yaml');
    const started = await runCli(['cycle', 'start', '--cycle', '2027-Q2', '--by', 'planner', '--teams-out', teams, '--db', file], { cwd: dir });
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^cycle 2027-Q2 \(cluster demo\) is draft, plan none\nstarts from approved cycle 2027-Q1 \(plan 3\)\n/);
    const text = readFileSync(teams, 'utf8');
    assert.match(text, /^cycle: 2027-Q2$/m);
    const skip = await runCli(['cycle', 'approve', '--cycle', '2027-Q2', '--by', 'head-of-ml', '--db', file], { cwd: dir });
    assert.equal(skip.code, 4);
    assert.match(skip.stderr, /cycle 2027-Q2 is draft: it cannot skip to approved/);
    const third = await runCli(['cycle', 'start', '--cycle', '2027-Q3', '--db', file], { cwd: dir });
    assert.equal(third.code, 4);
    assert.match(third.stderr, /cycle 2027-Q2 \(draft\) is not approved yet/);
  });
});

describe('the dashboard Review page on the demo database', () => {
  const file = join(dir, 'page.db');
  const TOKEN = 'review-token';
  let server: RunningServer;
  let store: Store;
  let browser: Browser;

  before(async () => {
    await seedDemoDatabase(db, new Date('2026-11-28T04:17:00Z'));
    copyFileSync(db, file);
    store = await openStore({ file, create: false });
    server = await listen(createApp({ store, clock: () => new Date('2026-12-20T10:00:00Z'), token: TOKEN, log: () => {} }));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    store?.close();
  });

  it('shows the review with its charts and tables, refuses approval without the token and approves with it', async () => {
    const { page, problems } = await openPage(browser);
    await gotoPage(page, server.url, '#/review');
    assert.equal(await page.locator('h1').first().textContent(), 'Review: 2026-Q4');
    // Capacity over time and use vs quota are chart.js canvases, each with its table.
    assert.equal(await page.locator('figure.chart canvas').count(), 2);
    const recsys = await page.$$eval('table tbody tr', (rows) =>
      rows.map((row) => Array.from(row.children).map((cell) => (cell.textContent ?? '').trim())).filter((cells) => cells[0] === 'platform/recsys' && cells[1] === 'nvidia.com/gpu'),
    );
    // The average 2.000 reads as 2 (exact, no trailing zeros; the API's text stays the cell's title and is in the CSV).
    assert.deepEqual(recsys[0]?.slice(0, 7), ['platform/recsys', 'nvidia.com/gpu', '8', '12', '2', '2', '2']);
    assert.equal(await page.locator('table:has(caption:text("Use vs quota per team and resource")) tbody tr:has(th:text-is("platform/recsys")) td[title="2.000"]').count() > 0, true);
    assert.equal(await page.locator('#review-decision').getAttribute('data-state'), 'draft');
    await screenshot(page, 'review-page');

    // Submitting without the token is refused and said so on the page.
    await page.click('#review-submit');
    await page.waitForFunction(() => document.getElementById('review-action-status')?.className === 'error');
    assert.match((await page.locator('#review-action-status').textContent()) ?? '', /needs a token/);

    await page.click('#token-button');
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[value="save"]');
    await page.fill('#review-submitter', 'capacity-planner');
    await page.click('#review-submit');
    await page.waitForSelector('#review-decision[data-state="in-review"]');
    await page.fill('#review-by', 'head-of-ml');
    await page.fill('#review-note', 'recsys to 2 GPUs');
    await page.click('#review-approve');
    await page.waitForSelector('#review-decision[data-state="approved"]');
    await screenshot(page, 'review-page-approved');
    await page.locator('#review-decision').screenshot({ path: `${ARTIFACTS}review-decision-approved.png` });
    const cycle = await store.getCycle({ name: '2027-Q1' });
    assert.deepEqual([cycle.state, cycle.approvedBy, cycle.approvalNote, cycle.approvedAt?.toISOString()], ['approved', 'head-of-ml', 'recsys to 2 GPUs', '2026-12-20T10:00:00.000Z']);
    assert.deepEqual((await store.listCycleEvents(cycle.id)).map((e) => [e.toState, e.actor]).slice(1), [['in-review', 'capacity-planner'], ['approved', 'head-of-ml']]);
    assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  });
});
