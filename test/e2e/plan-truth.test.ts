/**
 * Issue 18 (part B) in headless Chromium: every page says which plan it shows and what it is (draft, the cycle's
 * plan, approved); Review attaches a draft to the cycle; the quota in force is reconciled with the approved plan;
 * queued demand beside use; What-if errors beside the input that caused them with the results marked stale, and
 * weight 0 refused there; the Capacity cards add up; Review's buttons are off on a read-only server. Screenshots
 * of the changed pages at 1440x900 and 390x844 land in test-artifacts/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { dumpObjects } from '../../src/collect/dump.js';
import { InventoryBuilder } from '../../src/inventory/builder.js';
import { approveCycle, submitCycle } from '../../src/review/cycle-store.js';
import { createApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/listen.js';
import type { Store } from '../../src/store/open.js';
import { DEMO_TEAMS, demoListWithWaiting, seededStore } from '../unit/server/seed.js';
import { browserSuiteOptions, gotoPage, launchBrowser, screenshot } from './browser.js';

const TOKEN = 'e2e-token-plan-truth';
const NOW = new Date('2026-07-02T00:00:00Z');
const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let store: Store;
let server: RunningServer;
let readOnly: RunningServer;
let browser: Browser;

const suite = browserSuiteOptions();

async function api(path: string, init: RequestInit = {}): Promise<any> {
  const response = await fetch(`${server.url}${path}`, init);
  assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

function saveBody(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) };
}

/** A tab at a size that records console errors and page errors. */
async function tab(width = 1440, height = 900): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return { page, problems };
}

before(async () => {
  if (suite.skip) return;
  store = await seededStore({ hours: 2 });
  // The latest snapshot: recsys has 5 pods waiting for 10 GPUs.
  const builder = new InventoryBuilder();
  for (const object of dumpObjects(JSON.stringify(demoListWithWaiting(1, 2)))) builder.add(object);
  await store.saveSnapshot({ cluster: { name: 'demo' }, takenAt: new Date('2026-07-01T02:00:00Z'), source: { kind: 'file', ref: 'w.json' }, inventory: builder.build() });
  server = await listen(createApp({ store, clock: () => NOW, token: TOKEN, log: () => {} }));
  readOnly = await listen(createApp({ store, clock: () => NOW, log: () => {} }));
  // Plan 1 approved for 2026-Q3; plan 2 the plan of the 2026-Q4 draft; plan 3 a saved what-if of plan 2.
  await api('/api/plans', saveBody({ teamsYaml: DEMO_TEAMS }));
  await store.createCycle({ cluster: 'demo', name: '2026-Q3', createdAt: NOW, startsAt: new Date('2026-07-01T00:00:00Z'), endsAt: new Date('2026-10-01T00:00:00Z'), planId: 1 });
  await submitCycle(store, { cycle: '2026-Q3', at: NOW, actor: 'planner' });
  await approveCycle(store, { cycle: '2026-Q3', at: NOW, actor: 'head-of-ml', note: 'as proposed' });
  await api('/api/plans', saveBody({ teamsYaml: DEMO_TEAMS.replace('cycle: 2026-Q3', 'cycle: 2026-Q4') }));
  await store.createCycle({ cluster: 'demo', name: '2026-Q4', createdAt: NOW, startsAt: new Date('2026-10-01T00:00:00Z'), endsAt: new Date('2027-01-01T00:00:00Z'), planId: 2 });
  await api('/api/plans', saveBody({ plan: '2', changes: [{ team: 'research/nlp', resource: 'nvidia.com/gpu', demand: '10' }] }));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await readOnly?.close();
  store?.close();
});

async function shots(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await screenshot(page, `${name}-${size.name}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('the dashboard tells which plan it shows', suite, () => {
  it('Teams shows the cycle\u2019s plan, not the newest draft; reconciles the approved plan; queued pods beside use', async () => {
    const { page, problems } = await tab();
    await gotoPage(page, server.url, '#/teams');
    assert.equal(await page.getAttribute('#plan-status', 'data-plan-relation'), 'cycle-plan');
    assert.equal(
      await page.textContent('#plan-status'),
      'cycle\u2019s plan Plan 2 is the plan of cycle 2026-Q4 (draft): what Review submits, then approves. Not approved yet. Approved: plan 1 (cycle 2026-Q3).',
    );
    assert.equal(await page.inputValue('#teams-plan'), '2');
    // Choosing the draft says it is one.
    await page.selectOption('#teams-plan', '3');
    await page.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/teams?plan=3');
    assert.equal(await page.getAttribute('#plan-status', 'data-plan-relation'), 'draft');
    assert.match((await page.textContent('#plan-status')) ?? '', /^draft Plan 3 is a draft \(made for cycle 2026-Q4\): saved, but no cycle has taken it, so Review does not approve it and nothing applies it\. The plan of cycle 2026-Q4 is plan 2 \(draft\)\./);

    const teams = await api('/api/teams?plan=3');
    const recsys = teams.teams.find((t: any) => t.team === 'platform').teams.find((t: any) => t.team === 'platform/recsys');
    const gpu = recsys.resources.find((r: any) => r.resource === 'nvidia.com/gpu');
    assert.equal(gpu.queued, '10');
    assert.equal(await page.textContent('[data-queued="platform/recsys"]'), '5 pods not scheduled yet (1 SchedulingGated, 4 Unschedulable)');
    assert.match((await page.textContent('.bar-line[data-team="platform/recsys"][data-resource="nvidia.com/gpu"]')) ?? '', new RegExp(`^nvidia\\.com/gpuused ${gpu.used} \\(10 queued\\) / quota ${gpu.current} `));
    // The demo's quotas are not plan 1's: the reconciliation says how many approved quotas are not in force.
    const rows = teams.teams.flatMap(function walk(t: any): any[] {
      return [...t.resources.map((r: any) => ({ team: t.team, ...r })), ...t.teams.flatMap(walk)];
    });
    const count = (state: string) => rows.filter((r: any) => r.applied === state).length;
    assert.equal(
      await page.textContent('#reconciliation'),
      `Per leaf team and resource, the quota of the approved plan 1 against the ResourceQuotas in snapshot 3: ${count('applied')} in force, ${count('not-applied')} approved but not yet applied, ${count('differs')} in force differ from the approved quota.` +
        (count('not-applied') + count('differs') > 0 ? ' Apply the approved plan (quotaplan emit / apply --plan 1) to bring them in line.' : ''),
    );
    assert.ok(count('not-applied') + count('differs') > 0, 'the demo cluster does not run plan 1\u2019s quotas');
    await page.goto(`${server.url}/#/teams`);
    await page.waitForFunction(() => document.getElementById('main')?.dataset.rendered === '#/teams');
    await shots(page, 'truth-teams');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('Plan names a draft a draft and points to Review; What-if starts from the cycle\u2019s plan', async () => {
    const { page, problems } = await tab();
    await gotoPage(page, server.url, '#/plan?id=3');
    assert.equal(await page.getAttribute('#plan-status', 'data-plan-relation'), 'draft');
    assert.equal(await page.textContent('#attach-on-review'), 'Attach it to cycle 2026-Q4 on the Review page.');
    await gotoPage(page, server.url, '#/plan?id=1');
    assert.equal(await page.getAttribute('#plan-status', 'data-plan-relation'), 'approved');
    assert.match((await page.textContent('#plan-status')) ?? '', /^approved Plan 1 is approved: the plan of cycle 2026-Q3, approved by head-of-ml on 2026-07-02 00:00 UTC\.$/);
    await gotoPage(page, server.url, '#/what-if');
    assert.equal(await page.getAttribute('#plan-status', 'data-plan-relation'), 'cycle-plan');
    assert.match((await page.textContent('main p.muted')) ?? '', /^Starting from plan 2 \(2026-Q4\) on snapshot 3\./);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe('What-if: errors where they happen, stale results marked, weight 0 refused', suite, () => {
  it('an infeasible guarantee: the error beside its input, in view, announced; the results marked stale until fixed', async () => {
    const { page, problems } = await tab();
    await gotoPage(page, server.url, '#/what-if?plan=2');
    assert.equal(await page.getAttribute('#whatif-result', 'data-stale'), null);
    const guarantee = page.locator('input[data-bound="research/nlp|nvidia.com/gpu|guarantee"]');
    await guarantee.fill('1000');
    await guarantee.press('Tab');
    await page.waitForFunction(() => (document.querySelector('.page') as HTMLElement).dataset.whatif?.startsWith('error-'));
    // The note is in the input's own cell, names the problem, and is announced.
    assert.equal(await page.evaluate(() => document.getElementById('whatif-input-error')?.closest('td')?.querySelector('input')?.dataset.bound), 'research/nlp|nvidia.com/gpu|guarantee');
    assert.equal(await page.getAttribute('#whatif-input-error', 'role'), 'alert');
    assert.equal(await guarantee.getAttribute('aria-invalid'), 'true');
    assert.equal(await guarantee.getAttribute('aria-describedby'), 'whatif-input-error');
    const conflict = await fetch(`${server.url}/api/what-if`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ plan: '2', changes: [{ team: 'research/nlp', resource: 'nvidia.com/gpu', guarantee: '1000' }] }),
    });
    assert.equal(conflict.status, 409);
    assert.equal(await page.textContent('#whatif-input-error'), (await conflict.json()).error);
    const box = await page.locator('#whatif-input-error').boundingBox();
    assert.ok(box !== null && box.y >= 0 && box.y + box.height <= 900, `the error is in view (${JSON.stringify(box)})`);
    assert.equal(await page.getAttribute('#whatif-result', 'data-stale'), 'true');
    assert.equal(await page.isVisible('#whatif-stale'), true);
    problems.splice(0); // the refused POST logs a 409 in the console, which is the point of this step
    await shots(page, 'truth-what-if-error');

    await guarantee.fill('8');
    await guarantee.press('Tab');
    await page.waitForFunction(() => (document.querySelector('.page') as HTMLElement).dataset.whatif?.startsWith('done-'));
    assert.equal(await page.getAttribute('#whatif-result', 'data-stale'), 'false');
    assert.equal(await page.isVisible('#whatif-stale'), false);
    assert.equal(await page.locator('#whatif-input-error').count(), 0);
    assert.equal(await guarantee.getAttribute('aria-invalid'), null);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('weight 0 is refused beside the weight, never dropped while the input shows 0', async () => {
    const { page, problems } = await tab();
    await gotoPage(page, server.url, '#/what-if?plan=2');
    const weight = page.locator('input[data-weight="platform"]');
    await weight.fill('0');
    await weight.press('Tab');
    await page.waitForFunction(() => (document.querySelector('.page') as HTMLElement).dataset.whatif?.startsWith('error-'));
    assert.equal(
      await page.textContent('#whatif-input-error'),
      'changes[0].weight: a weight must be above 0 (teams share by weight; to give a team no more than its guarantee, set its demand to the guarantee) (field: changes[0].weight)',
    );
    assert.equal(await page.evaluate(() => document.getElementById('whatif-input-error')?.closest('td')?.querySelector('input')?.dataset.weight), 'platform');
    assert.equal(await page.inputValue('input[data-weight="platform"]'), '0');
    assert.equal(await page.getAttribute('#whatif-result', 'data-stale'), 'true');
    problems.splice(0);
    await weight.fill('');
    await weight.press('Tab');
    await page.waitForFunction(() => (document.querySelector('.page') as HTMLElement).dataset.whatif?.startsWith('done-'));
    assert.equal(await page.getAttribute('#whatif-result', 'data-stale'), 'false');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('offers queued demand as the demand: the raised demands are listed and planned', async () => {
    const { page, problems } = await tab();
    await gotoPage(page, server.url, '#/what-if?plan=2');
    await page.check('#queued-demand');
    await page.waitForFunction(() => (document.querySelector('.page') as HTMLElement).dataset.whatif?.startsWith('done-'));
    // Plan 2 is planned on snapshot 3, where recsys has 10 GPUs queued beside 2 running: demand 8 -> 12.
    assert.equal(await page.textContent('#whatif-queued li[data-team="platform/recsys"]'), 'platform/recsys nvidia.com/gpu: demand 8 \u2192 12 (10 queued)');
    assert.equal(await page.locator('#whatif-queued li').count(), 1);
    const row = await page.$$eval('#whatif-result table tbody tr', (rows) =>
      rows.map((r) => Array.from(r.children).map((c) => (c.textContent ?? '').trim())).find((cells) => cells[0] === 'platform/recsys' && cells[1] === 'nvidia.com/gpu'),
    );
    const expected = await api('/api/what-if', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ plan: '2', demandFrom: 'queued' }) });
    const planned = expected.rows.find((r: any) => r.team === 'platform/recsys' && r.resource === 'nvidia.com/gpu');
    assert.equal(planned.demand, '12');
    assert.deepEqual(row?.slice(2, 4), [planned.baseline, planned.proposed]);
    await page.uncheck('#queued-demand');
    await page.waitForFunction(() => document.getElementById('whatif-queued')?.childElementCount === 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe('Review attaches a draft to the cycle; its buttons follow what the server allows', suite, () => {
  it('read-only server: Submit and Attach are off, with the reason shown', async () => {
    const { page, problems } = await tab();
    await gotoPage(page, readOnly.url, '#/review');
    assert.equal(await page.isDisabled('#review-submit'), true);
    assert.equal(await page.isDisabled('#review-attach-button'), true);
    assert.equal(await page.getAttribute('#review-submit', 'aria-describedby'), 'review-readonly');
    assert.equal(
      await page.textContent('#review-readonly'),
      'This server is read-only: it was started without --token or --trusted-auth-header, so it refuses every change. Attaching a plan, submitting and approving are off; run them with quotaplan cycle plan / submit / approve, or restart the server with a token.',
    );
    await shots(page, 'truth-review-read-only');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('with a token: the draft becomes the cycle\u2019s plan, recorded in its history; Submit is on', async () => {
    const { page, problems } = await tab();
    await gotoPage(page, server.url, '#/review');
    assert.equal(await page.isDisabled('#review-submit'), false);
    assert.equal(await page.locator('#review-readonly').count(), 0);
    assert.deepEqual(await page.$$eval('#review-attach-plan option', (options) => options.map((o) => (o as HTMLOptionElement).value)), ['3']);
    await page.click('#token-button');
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[value="save"]');
    await page.fill('#review-attach-by', 'alice');
    await page.click('#review-attach-button');
    await page.waitForFunction(() => /[?&]t=/.test(location.hash) && document.getElementById('main')?.dataset.rendered === location.hash);
    const list = await api('/api/plans');
    assert.deepEqual(list.current, { cycle: '2026-Q4', planId: 3, state: 'draft' });
    const history = await page.textContent('#review-decision ul');
    assert.match(history ?? '', /draft \u2192 draft by alice \(plan 2 -> 3\)/);
    assert.equal(await page.getAttribute('#next-plan-status', 'data-plan-relation'), 'cycle-plan');
    assert.match((await page.textContent('#next-plan-status')) ?? '', /Plan 3 is the plan of cycle 2026-Q4 \(draft\)/);
    await shots(page, 'truth-review');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe('Capacity: the cards add up and plannable capacity is shown', suite, () => {
  it('allocatable - requested - left on nodes taking no pods = free, in the figures shown', async () => {
    const { page, problems } = await tab();
    await gotoPage(page, server.url, '#/capacity');
    const card = async (id: string) => Math.round(Number(await page.textContent(`[data-card="${id}"] .value`)) * 10);
    const [allocatable, requested, unavailable, free] = [await card('allocatable'), await card('requested'), await card('unavailable'), await card('free')];
    assert.equal(allocatable - requested - unavailable, free);
    const capacity = await api('/api/capacity');
    assert.equal(free, Math.round(capacity.totals.gpuEquivalent.free * 10));
    assert.equal(await card('plannable'), Math.round(capacity.totals.gpuEquivalent.plannable * 10));
    assert.ok(unavailable > 0, 'the demo has a cordoned H100 node and a transitional MIG node');
    const plannable = await page.$$eval('table', (tables) =>
      tables.filter((t) => t.caption?.textContent === 'Plannable capacity per resource').flatMap((t) => Array.from(t.querySelectorAll('tbody tr')).map((tr) => tr.children[0]?.textContent)),
    );
    assert.deepEqual(plannable, Object.keys(capacity.plannable));
    await shots(page, 'truth-capacity');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
