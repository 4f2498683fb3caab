/**
 * saveSnapshot at cluster scale under churn: the synthetic GPU cluster the store benchmarks measure
 * (bench/synthetic-inventory.ts), smaller, saved hour after hour. What is stored must not depend on whether the
 * save found the previous hour in its connection's memo (BlobWriter) or started cold.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { churnScenarios, random, SyntheticCluster } from '../../../../bench/synthetic-inventory.js';
import { InternalError } from '../../../../src/errors.js';
import type { ClusterInventory } from '../../../../src/inventory/types.js';
import { formatQuantity, quantityFromNanos } from '../../../../src/quantity.js';
import { sumResourceLists, type ResourceList } from '../../../../src/resources.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';

const HOUR_MS = 3_600_000;
const START = Date.UTC(2026, 9, 1);

async function save(store: SqliteStore, inventory: ClusterInventory, hour: number): Promise<number> {
  return (await store.saveSnapshot({ cluster: { name: 'big' }, takenAt: new Date(START + hour * HOUR_MS), source: { kind: 'file', ref: 'synthetic' }, inventory })).id;
}

/** Every row of the tables a snapshot writes, in id order: two databases with equal dumps stored the same. */
function dump(store: SqliteStore): unknown {
  const out: Record<string, unknown[]> = {};
  for (const table of ['blobs', 'snapshots', 'namespace_usage', 'capacity_points']) {
    out[table] = store.sqlite.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
  }
  return out;
}

/** A fresh deep copy of each hour's inventory, as a collector builds new objects every time. */
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

describe('saveSnapshot under hourly churn', () => {
  for (const churn of ['typical churn', 'heavy churn']) {
    it(`gives back every hour's inventory exactly (${churn}, 400 nodes, 12 hours)`, async () => {
      const store = SqliteStore.open({ file: ':memory:' });
      const inventories = hours(churn, 400, 12);
      const ids: number[] = [];
      for (const [hour, inventory] of inventories.entries()) ids.push(await save(store, structuredClone(inventory), hour));
      for (const [hour, id] of ids.entries()) assert.deepStrictEqual(await store.loadInventory(id), inventories[hour], `hour ${hour}`);
    });
  }

  it('stores the same rows whether each save reuses the connection or opens a new one', async () => {
    const inventories = hours('heavy churn', 200, 10);
    const warm = SqliteStore.open({ file: ':memory:' });
    for (const [hour, inventory] of inventories.entries()) await save(warm, structuredClone(inventory), hour);
    // A new connection per save never has a memo: every item is encoded, hashed and looked up.
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-churn-'));
    const file = join(dir, 'cold.db');
    for (const [hour, inventory] of inventories.entries()) {
      const cold = SqliteStore.open({ file });
      await save(cold, structuredClone(inventory), hour);
      await cold.close();
    }
    const cold = SqliteStore.open({ file });
    assert.deepStrictEqual(dump(cold), dump(warm));
    await cold.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a value changed in place in an object it saw in the last save', async () => {
    const store = SqliteStore.open({ file: ':memory:' });
    const [inventory] = hours('typical churn', 20, 1);
    assert.ok(inventory !== undefined);
    await save(store, inventory, 0);
    // The very same objects, one label changed in place: the save compares content, never object identity.
    const changed = inventory.nodes[3];
    assert.ok(changed !== undefined);
    changed.labels['nvidia.com/cuda.driver.minor'] = '99';
    const second = await save(store, inventory, 1);
    assert.equal((await store.loadInventory(second)).nodes[3]?.labels['nvidia.com/cuda.driver.minor'], '99');
    assert.deepStrictEqual(await store.loadInventory(second), inventory);
  });

  it('does not keep what a rolled-back save wrote: the next save on the connection stores its values again', async () => {
    const store = SqliteStore.open({ file: ':memory:' });
    const [first, second] = hours('heavy churn', 100, 2);
    assert.ok(first !== undefined && second !== undefined);
    await save(store, structuredClone(first), 0);
    const blobsBefore = (store.sqlite.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n;
    // The nodes and quotas of hour 1 are written as blobs, then the namespaces fail: everything rolls back,
    // and the blob ids it used are handed out again (AUTOINCREMENT's counter rolls back too).
    const bad = structuredClone(second);
    class Opaque {}
    (bad.namespaces[0] as unknown as { labels: unknown }).labels = new Opaque();
    await assert.rejects(() => save(store, bad, 1), InternalError);
    assert.equal((store.sqlite.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n, blobsBefore);
    // Different content in those ids now: a memo kept from the failed save would point nodes at wrong blobs.
    const other = structuredClone(second);
    for (const node of other.nodes) node.labels['rollback-test'] = 'x';
    const id = await save(store, other, 1);
    assert.deepStrictEqual(await store.loadInventory(id), other);
    const again = await save(store, structuredClone(second), 2);
    assert.deepStrictEqual(await store.loadInventory(again), second);
  });
});

describe('capacity points under hourly churn', () => {
  it('are the formatted sums of the nodes capacity, allocatable and requests, and the plannable', async () => {
    const store = SqliteStore.open({ file: ':memory:' });
    const inventories = hours('heavy churn', 150, 6);
    // Makes the fold's format rule visible: a DecimalSI zero first, then BinarySI memory (Go's Add takes the
    // right operand's format when the left is zero, so the sum prints as Gi).
    const first = inventories[0]?.nodes[0];
    assert.ok(first !== undefined);
    first.requested = { ...first.requested, memory: quantityFromNanos(0n, 'DecimalSI') };
    for (const [hour, inventory] of inventories.entries()) {
      const id = await save(store, structuredClone(inventory), hour);
      const rows = store.sqlite.prepare('SELECT resource, capacity, allocatable, requested, plannable FROM capacity_points WHERE snapshot_id = ? ORDER BY resource').all(id);
      const sums = {
        capacity: sumResourceLists(inventory.nodes.map((n) => n.capacity)),
        allocatable: sumResourceLists(inventory.nodes.map((n) => n.allocatable)),
        requested: sumResourceLists(inventory.nodes.map((n) => n.requested)),
        plannable: inventory.plannable,
      };
      const names = [...new Set(Object.values(sums).flatMap((list) => Object.keys(list)))].sort();
      const text = (list: ResourceList, name: string): string => (list[name] === undefined ? '0' : formatQuantity(list[name]));
      assert.deepStrictEqual(
        rows,
        names.map((resource) => ({
          resource,
          capacity: text(sums.capacity, resource),
          allocatable: text(sums.allocatable, resource),
          requested: text(sums.requested, resource),
          plannable: text(sums.plannable, resource),
        })),
        `hour ${hour}`,
      );
    }
  });
});
