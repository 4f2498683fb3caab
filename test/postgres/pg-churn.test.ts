/**
 * The PostgreSQL store at cluster scale under churn (the synthetic GPU cluster of bench/synthetic-inventory.ts,
 * small): every hour comes back exactly; what is stored does not depend on whether a save found the previous
 * hour's blob ids in the store's memo or started cold; a rolled-back save leaves nothing in the memo. The twin of
 * test/unit/store/sqlite/snapshots-churn.test.ts. A real server: run under the heavy-test lock.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { churnScenarios, random, SyntheticCluster } from '../../bench/synthetic-inventory.js';
import { ConflictError } from '../../src/errors.js';
import type { ClusterInventory } from '../../src/inventory/types.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { freshDatabase, stopPostgres } from '../support/postgres.js';

after(() => stopPostgres());

const HOUR_MS = 3_600_000;
const START = Date.UTC(2026, 9, 1);

async function save(store: Store, inventory: ClusterInventory, hour: number): Promise<number> {
  return (await store.saveSnapshot({ cluster: { name: 'big' }, takenAt: new Date(START + hour * HOUR_MS), source: { kind: 'file', ref: 'synthetic' }, inventory })).id;
}

function hours(churnName: string, nodes: number, count: number): ClusterInventory[] {
  const churn = churnScenarios.find((c) => c.name === churnName);
  assert.ok(churn !== undefined);
  const cluster = new SyntheticCluster(random(7), nodes);
  const out: ClusterInventory[] = [];
  for (let hour = 0; hour < count; hour++) {
    if (hour > 0) cluster.churn(churn);
    out.push(structuredClone(cluster.inventory()));
  }
  return out;
}

/** Every row of the tables a snapshot writes, in key order. */
async function dump(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of ['blobs', 'snapshots', 'namespace_usage', 'capacity_points']) out[table] = (await client.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows;
    return out;
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL store under hourly churn', () => {
  it("gives back every hour's inventory exactly (heavy churn, 200 nodes, 8 hours)", async () => {
    const store = await openStore({ file: await freshDatabase() });
    const inventories = hours('heavy churn', 200, 8);
    const ids: number[] = [];
    for (const [hour, inventory] of inventories.entries()) ids.push(await save(store, structuredClone(inventory), hour));
    for (const [hour, id] of ids.entries()) assert.deepStrictEqual(await store.loadInventory(id), inventories[hour], `hour ${hour}`);
    await store.close();
  });

  it('stores the same rows whether each save reuses the store or opens a new one', async () => {
    const inventories = hours('heavy churn', 100, 6);
    const warmUrl = await freshDatabase();
    const warm = await openStore({ file: warmUrl });
    for (const [hour, inventory] of inventories.entries()) await save(warm, structuredClone(inventory), hour);
    await warm.close();
    const coldUrl = await freshDatabase();
    for (const [hour, inventory] of inventories.entries()) {
      const cold = await openStore({ file: coldUrl });
      await save(cold, structuredClone(inventory), hour);
      await cold.close();
    }
    const rows = (await dump(warmUrl)) as Record<string, unknown[]>;
    assert.ok((rows.snapshots as unknown[]).length === 6);
    assert.deepStrictEqual(await dump(coldUrl), rows);
  });

  it('does not keep what a rolled-back save wrote: the next save stores its values again', async () => {
    const store = await openStore({ file: await freshDatabase() });
    const [first, second] = hours('heavy churn', 50, 2);
    assert.ok(first !== undefined && second !== undefined);
    await save(store, structuredClone(first), 0);
    const refused = new ConflictError('rolled back');
    await assert.rejects(
      store.write(async (tx) => {
        await tx.saveSnapshot({ cluster: { name: 'big' }, takenAt: new Date(START + HOUR_MS), source: { kind: 'file', ref: 'synthetic' }, inventory: structuredClone(second) });
        throw refused;
      }),
      (error: unknown) => error === refused,
    );
    const id = await save(store, structuredClone(second), 1);
    assert.deepStrictEqual(await store.loadInventory(id), second);
    assert.deepEqual((await store.listSnapshots()).map((s) => s.seq), [1, 2]);
    await store.close();
  });
});
