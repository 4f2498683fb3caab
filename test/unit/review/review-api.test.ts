import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReviewJson } from '../../../src/emit/review-json.js';
import { createApp } from '../../../src/server/app.js';
import { labHistory } from './history.js';

const NOW = new Date('2027-01-05T10:00:00Z');

async function setup() {
  const history = await labHistory();
  const app = createApp({ store: history.store, clock: () => NOW, token: 's3cret', log: () => {} });
  const post = (path: string, body: unknown, headers: Record<string, string> = { Authorization: 'Bearer s3cret' }) =>
    app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { ...history, app, post };
}

describe('GET /api/reviews', async () => {
  const { app } = await setup();

  it('lists the cycles and names the one latest reviews', async () => {
    const body = (await (await app.request('/api/reviews')).json()) as { latest: string; cycles: { name: string; state: string }[] };
    assert.equal(body.latest, '2026-Q4');
    assert.deepEqual(body.cycles.map((c) => `${c.name} ${c.state}`), ['2026-Q3 approved', '2026-Q4 approved', '2027-Q1 draft']);
  });

  it('returns the same review as the CLI: train averaged 5.6 GPUs, p95 8, 12364.8 GPU-hours', async () => {
    const response = await app.request('/api/reviews/2026-Q4');
    assert.equal(response.status, 200);
    const review = (await response.json()) as ReviewJson;
    const train = review.teams.find((t) => t.team === 'train' && t.resource === 'nvidia.com/gpu');
    assert.deepEqual([train?.average, train?.averageExact, train?.p95, train?.peak, train?.usedGpuHours, train?.grantedGpuHours], ['5.600', '28/5', '8', '8', '12364.800', '22080.000']);
    const mig = review.teams.find((t) => t.team === 'train' && t.resource === 'nvidia.com/mig-1g.10gb');
    assert.deepEqual([mig?.gpuEquivalent, mig?.usedUnitHours, mig?.usedGpuHours], ['0.143', '15456.000', '2208.000']);
  });

  it('takes thresholds in percent from the query', async () => {
    const review = (await (await app.request('/api/reviews/latest?underUseBelow=60')).json()) as ReviewJson;
    assert.equal(review.rules.underUseAverageBelow, '60.0%');
    assert.ok(review.proposals.some((p) => p.team === 'train' && p.kind === 'lower-demand' && p.proposedDemand === '8'));
  });

  it('404 for a cycle that does not exist, 400 naming the field for a bad name or threshold', async () => {
    const missing = await app.request('/api/reviews/2020-Q1');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'cluster lab has no cycle 2020-Q1', field: 'cycle' });
    const bad = await app.request('/api/reviews/..%2Fx');
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { field: string }).field, 'cycle');
    const threshold = await app.request('/api/reviews/latest?flagPeakAbove=lots');
    assert.equal(threshold.status, 400);
    assert.equal(((await threshold.json()) as { field: string }).field, 'flagPeakAbove');
  });

  it('serves the Markdown, HTML and CSV reports as downloads', async () => {
    const md = await app.request('/api/reviews/2026-Q4/report.md');
    assert.equal(md.headers.get('content-disposition'), 'attachment; filename="review-2026-Q4.md"');
    assert.match(await md.text(), /^# Allocation review: 2026-Q4 \(cluster lab\)/);
    const html = await app.request('/api/reviews/2026-Q4/report.html');
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await html.text(), /<svg /);
    const csv = await app.request('/api/reviews/2026-Q4/report.csv');
    assert.match(await csv.text(), /^cycle,team,leaf,resource,/);
  });
});

describe('POST /api/reviews/:cycle/submit and /approve', () => {
  it('needs the token: without it nothing changes', async () => {
    const { post, store, q1PlanId } = await setup();
    const response = await post('/api/reviews/2027-Q1/approve', { planId: q1PlanId, by: 'head' }, {});
    assert.equal(response.status, 401);
    assert.equal((await store.getCycle({ name: '2027-Q1' })).state, 'draft');
  });

  it('submits, then approves with who, when and the note; approving again is a 409', async () => {
    const { post, store, q1PlanId } = await setup();
    // The dashboard adds the picked cluster to every POST body.
    const submitted = await post('/api/reviews/2027-Q1/submit', { cluster: 'lab' });
    assert.equal(submitted.status, 200);
    assert.equal(((await submitted.json()) as { state: string }).state, 'in-review');
    const approved = await post('/api/reviews/2027-Q1/approve', { planId: q1PlanId, by: 'head-of-ml', note: 'train to 6' });
    assert.equal(approved.status, 200);
    const cycle = await store.getCycle({ name: '2027-Q1' });
    assert.deepEqual([cycle.state, cycle.approvedBy, cycle.approvedAt?.toISOString(), cycle.approvalNote], ['approved', 'head-of-ml', NOW.toISOString(), 'train to 6']);
    const again = await post('/api/reviews/2027-Q1/approve', { planId: q1PlanId, by: 'someone' });
    assert.equal(again.status, 409);
    assert.match(((await again.json()) as { error: string }).error, /it cannot be approved again/);
  });

  it('with the token an approval must name the approver, and the plan reviewed must be the cycle\u2019s', async () => {
    const { post, q1PlanId, q4PlanId } = await setup();
    await post('/api/reviews/2027-Q1/submit', {});
    const anonymous = await post('/api/reviews/2027-Q1/approve', { planId: q1PlanId });
    assert.equal(anonymous.status, 400);
    assert.equal(((await anonymous.json()) as { field: string }).field, 'by');
    const stale = await post('/api/reviews/2027-Q1/approve', { planId: q4PlanId, by: 'head' });
    assert.equal(stale.status, 409);
    const noPlan = await post('/api/reviews/2027-Q1/approve', { by: 'head' });
    assert.equal(noPlan.status, 400);
    assert.equal(((await noPlan.json()) as { field: string }).field, 'planId');
  });

  it('a trusted proxy user is the approver', async () => {
    const history = await labHistory();
    const app = createApp({ store: history.store, clock: () => NOW, trustedAuthHeader: 'X-Forwarded-User', log: () => {} });
    const post = (path: string, body: unknown) =>
      app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-User': 'carol' }, body: JSON.stringify(body) });
    await post('/api/reviews/2027-Q1/submit', {});
    const approved = await post('/api/reviews/2027-Q1/approve', { planId: history.q1PlanId });
    assert.equal(approved.status, 200);
    assert.equal((await history.store.getCycle({ name: '2027-Q1' })).approvedBy, 'carol');
  });

  it('skipping review is a 409 and the cycle stays a draft', async () => {
    const { post, store, q1PlanId } = await setup();
    const response = await post('/api/reviews/2027-Q1/approve', { planId: q1PlanId, by: 'head' });
    assert.equal(response.status, 409);
    assert.equal((await store.getCycle({ name: '2027-Q1' })).state, 'draft');
  });
});
