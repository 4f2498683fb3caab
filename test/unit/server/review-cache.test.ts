import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../../../src/server/app.js';
import type { Store } from '../../../src/store/open.js';
import { labHistory, labInventory, Q4_START } from '../review/history.js';

/** The real store, counting how often a review reads the cycle's use (the costly part of building one). */
function counted(store: Store): { store: Store; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'namespaceUsageSeries') {
        return (...args: Parameters<Store['namespaceUsageSeries']>) => {
          reads += 1;
          return target.namespaceUsageSeries(...args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, reads: () => reads };
}

describe('review kept per (snapshot, plan, cycle state)', () => {
  it('builds the review once for the JSON and every report, again only when a snapshot or a cycle changes', async () => {
    const lab = await labHistory();
    const { store, reads } = counted(lab.store);
    const app = createApp({ store, clock: () => new Date(Q4_START), token: 's3cret', log: () => {} });
    const first = await (await app.request('/api/reviews/2026-Q4')).text();
    assert.equal(reads(), 1);
    assert.equal(await (await app.request('/api/reviews/2026-Q4')).text(), first, 'the same bytes');
    const html = await (await app.request('/api/reviews/2026-Q4/report.html')).text();
    assert.equal(await (await app.request('/api/reviews/2026-Q4/report.html')).text(), html);
    await app.request('/api/reviews/2026-Q4/report.md');
    assert.equal(reads(), 1, 'the reports render from the kept review');
    await app.request('/api/reviews/2026-Q4?underUseBelow=60');
    assert.equal(reads(), 2, 'other rules, another review');

    // A snapshot stored later is part of the latest data: the review is built again.
    await lab.store.saveSnapshot({ cluster: { name: 'lab' }, takenAt: new Date(Q4_START + 2300 * 3_600_000), source: { kind: 'file', ref: 'later' }, inventory: labInventory({ gpus: 16, train: 1, idle: 1, trainMig: 7 }) });
    await app.request('/api/reviews/2026-Q4');
    assert.equal(reads(), 3);

    // Submitting the next cycle changes what the review's decision shows.
    const submitted = await app.request('/api/reviews/2027-Q1/submit', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer s3cret' }, body: JSON.stringify({ by: 'lead' }) });
    assert.equal(submitted.status, 200, await submitted.clone().text());
    const after = (await (await app.request('/api/reviews/2026-Q4')).json()) as { next: { cycle: { state: string } } };
    assert.equal(after.next.cycle.state, 'in-review');
    assert.equal(reads(), 4);
    lab.store.close();
  });
});
