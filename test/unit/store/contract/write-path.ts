import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, InternalError } from '../../../../src/errors.js';
import { parseQuantity } from '../../../../src/quantity.js';
import type { StoreTransaction } from '../../../../src/store/store.js';
import { at, inventory, namespace, node } from '../builders.js';
import type { StoreFactory } from './factory.js';

const snapshotAt = (iso: string, nodeName = 'n1') => ({
  cluster: { name: 'prod' },
  takenAt: at(iso),
  source: { kind: 'file' as const, ref: 'd.json' },
  inventory: inventory({ nodes: [node(nodeName)], namespaces: [namespace('a', { cpu: '1' }, 1)] }),
});

export function writePathContract(factory: StoreFactory): void {
  describe(`the write path (${factory.name})`, () => {
    it('commits every write of the work together, and the work sees its own writes', async () => {
      const store = await factory.open();
      const result = await store.write(async (tx) => {
        const snapshot = await tx.saveSnapshot(snapshotAt('2026-10-01T00:00:00Z'));
        const plan = await tx.savePlan({ cluster: 'prod', cycle: '2026-Q4', snapshotId: snapshot.id, teamsYaml: 'cycle: 2026-Q4\n', plan: {}, createdAt: at('2026-10-01T01:00:00Z') });
        const cycle = await tx.createCycle({ cluster: 'prod', name: '2026-Q4', planId: plan.id, createdAt: at('2026-10-01T02:00:00Z') });
        assert.deepEqual((await tx.listSnapshots()).map((s) => s.id), [snapshot.id]);
        assert.equal((await tx.getCycle({ name: '2026-Q4' })).planId, plan.id);
        return { snapshot: snapshot.id, plan: plan.id, cycle: cycle.id };
      });
      assert.deepEqual((await store.listSnapshots()).map((s) => s.id), [result.snapshot]);
      assert.deepEqual((await store.listPlans()).map((p) => p.id), [result.plan]);
      assert.deepEqual((await store.listCycles()).map((c) => [c.id, c.planId]), [[result.cycle, result.plan]]);
      await store.close();
    });

    it('rolls back everything the work wrote when it throws, and rethrows', async () => {
      const store = await factory.open();
      await store.saveSnapshot(snapshotAt('2026-10-01T00:00:00Z'));
      const refused = new ConflictError('changed my mind');
      await assert.rejects(
        store.write(async (tx) => {
          await tx.saveSnapshot(snapshotAt('2026-10-01T01:00:00Z', 'n2'));
          await tx.savePlan({ cluster: 'prod', cycle: 'c', snapshotId: null, teamsYaml: '', plan: {}, createdAt: at('2026-10-01T01:00:00Z') });
          await tx.createCycle({ cluster: 'other', name: 'c', createdAt: at('2026-10-01T01:00:00Z') });
          throw refused;
        }),
        (error: unknown) => error === refused,
      );
      assert.deepEqual((await store.listSnapshots()).map((s) => s.seq), [1]);
      assert.deepEqual(await store.listPlans(), []);
      assert.deepEqual(await store.listClusterNames(), ['prod']);
      // The store still writes after a rollback.
      assert.equal((await store.saveSnapshot(snapshotAt('2026-10-01T02:00:00Z', 'n3'))).seq, 2);
      await store.close();
    });

    it('lets readers outside the work see only what was committed', async () => {
      const store = await factory.open();
      await store.saveSnapshot(snapshotAt('2026-10-01T00:00:00Z'));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let written!: () => void;
      const wrote = new Promise<void>((resolve) => (written = resolve));
      const writing = store.write(async (tx) => {
        await tx.saveSnapshot(snapshotAt('2026-10-01T01:00:00Z', 'n2'));
        written();
        await released;
      });
      await wrote;
      const reading = store.listSnapshots().then((list) => list.map((s) => s.seq));
      // A store with one connection makes the reader wait for the commit; one with several answers at once, from
      // what was committed. Either way the reader never sees the snapshot of a write still open.
      const early = await Promise.race([reading, new Promise((resolve) => setTimeout(() => resolve('waiting'), 50))]);
      if (early !== 'waiting') assert.deepEqual(early, [1]);
      release();
      await writing;
      const late = await reading;
      assert.ok(JSON.stringify(late) === '[1]' || JSON.stringify(late) === '[1,2]', JSON.stringify(late));
      assert.deepEqual((await store.listSnapshots()).map((s) => s.seq), [1, 2]);
      await store.close();
    });

    it('runs writes one after another, in the order they were asked for', async () => {
      const store = await factory.open();
      const order: string[] = [];
      await Promise.all(
        ['a', 'b', 'c'].map((name, i) =>
          store.write(async (tx) => {
            order.push(`${name} begins`);
            await tx.createCycle({ cluster: 'prod', name, createdAt: at(`2026-10-01T0${i}:00:00Z`) });
            await new Promise((resolve) => setTimeout(resolve, 5));
            order.push(`${name} ends`);
          }),
        ),
      );
      assert.deepEqual(order, ['a begins', 'a ends', 'b begins', 'b ends', 'c begins', 'c ends']);
      await store.close();
    });

    it('refuses a write started inside another, and a transaction used after its write ended', async () => {
      const store = await factory.open();
      const kept: StoreTransaction[] = [];
      await assert.rejects(
        store.write(async (tx) => {
          kept.push(tx);
          await store.saveSnapshot(snapshotAt('2026-10-01T00:00:00Z'));
        }),
        (error: unknown) => error instanceof InternalError && error.message === 'a store write was started inside another: use the transaction the first one gave',
      );
      assert.equal(kept.length, 1);
      await assert.rejects((kept[0] as StoreTransaction).listSnapshots(), (error: unknown) => error instanceof InternalError && error.message === 'a store transaction was used after its write ended');
      assert.deepEqual(await store.listSnapshots(), []);
      await store.close();
    });

    it('stores a blob once per distinct value and gives it back equal', async () => {
      const store = await factory.open();
      const value = { gpus: parseQuantity('8'), note: 'eight', big: 2n ** 70n };
      const id = await store.putBlob(value);
      assert.equal(await store.putBlob({ gpus: parseQuantity('8'), note: 'eight', big: 2n ** 70n }), id);
      assert.notEqual(await store.putBlob({ ...value, note: 'nine' }), id);
      assert.deepStrictEqual(await store.getBlob(id), value);
      await store.close();
    });
  });
}
