import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError, ValidationError } from '../../../../src/errors.js';
import { at, inventory, node } from '../builders.js';
import type { StoreFactory } from './factory.js';

/** A NotFoundError naming the field and value, with the store's message. */
function notFound(message: string, field: string, value: unknown): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof NotFoundError, `expected NotFoundError, got ${String(error)}`);
    assert.equal(error.message, message);
    assert.deepEqual(error.where, { field, value });
    return true;
  };
}

export function notFoundContract(factory: StoreFactory): void {
  describe(`what names nothing (${factory.name})`, () => {
    it('is a NotFoundError naming the field and value: snapshot and plan ids, cycle and cluster names, blob ids', async () => {
      const store = await factory.open();
      await store.saveSnapshot({ cluster: { name: 'prod' }, takenAt: at('2026-10-01T00:00:00Z'), source: { kind: 'file', ref: 'd.json' }, inventory: inventory({ nodes: [node('n1')] }) });
      await assert.rejects(() => store.getSnapshot(99), notFound('no snapshot 99 in the database', 'snapshot', 99));
      await assert.rejects(() => store.loadInventory(99), notFound('no snapshot 99 in the database', 'snapshot', 99));
      await assert.rejects(() => store.resolveSnapshot({ ref: '99' }), notFound('no snapshot 99 in the database', 'snapshot', 99));
      await assert.rejects(() => store.getPlan(7), notFound('no plan 7 in the database', 'plan', 7));
      await assert.rejects(() => store.getCycle({ name: '2027-Q1' }), notFound('cluster prod has no cycle 2027-Q1', 'cycle', '2027-Q1'));
      await assert.rejects(() => store.resolveCluster('dev'), notFound('no cluster "dev" in the database (known: prod)', 'cluster', 'dev'));
      await assert.rejects(() => store.listPlans({ cluster: 'dev' }), notFound('no cluster "dev" in the database (known: prod)', 'cluster', 'dev'));
      await assert.rejects(() => store.getBlob(123456), notFound('no blob 123456 in the database', 'blob', 123456));
      await store.close();
    });

    it('is a ValidationError when `latest` finds nothing yet, or a cluster must be chosen', async () => {
      const store = await factory.open();
      await assert.rejects(() => store.resolveCluster(), { name: 'ValidationError', message: 'the database has no snapshots yet: run `quotaplan collect` first' });
      await store.createCycle({ cluster: 'prod', name: '2026-Q4', createdAt: at('2026-09-01T00:00:00Z') });
      await assert.rejects(() => store.getPlan('latest'), (error: unknown) => error instanceof ValidationError && error.message === 'no plan stored for cluster prod');
      await assert.rejects(() => store.resolveSnapshot({ ref: 'latest' }), (error: unknown) => error instanceof ValidationError && error.message === 'cluster prod has no snapshots');
      await store.createCycle({ cluster: 'dev', name: '2026-Q4', createdAt: at('2026-09-01T00:00:00Z') });
      await assert.rejects(() => store.resolveCluster(), { name: 'ValidationError', message: 'the database holds several clusters (dev, prod): choose one with --cluster' });
      assert.equal(await store.resolveCluster('dev'), 'dev');
      await store.close();
    });
  });
}
