/**
 * `quotaplan db copy --from FILE.db --to postgres://...` (the real CLI) moves a history without loss: every stored
 * figure read back through the Store interface from the PostgreSQL copy equals the SQLite original (snapshot
 * lists, every inventory, usage and capacity series, snapshot points, History totals, plans, cycles and their
 * events), ids aside (each database numbers its own rows). A second copy of the same clusters is refused (exit 4)
 * and leaves the destination as it was. A real server: run under the heavy-test lock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { seedDemo } from '../../src/demo/seed.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { at, inventory, namespace, node } from '../unit/store/builders.js';
import { runCli } from '../support/cli.js';
import { freshDatabase, stopPostgres } from '../support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-copy-'));
after(async () => {
  await stopPostgres();
  rmSync(dir, { recursive: true, force: true });
});

const ALL_TIME = { from: new Date(0), to: new Date('9999-01-01T00:00:00Z') };

/** Everything a reader of `store` can see, with each database's own ids replaced by (cluster, seq) or a position. */
async function everything(store: Store): Promise<unknown> {
  const clusters = await store.listClusterNames();
  const snapshotKey = new Map<number, string>();
  const out: Record<string, unknown> = { clusters };
  for (const cluster of clusters) {
    const snapshots = await store.listSnapshots({ cluster });
    for (const s of snapshots) snapshotKey.set(s.id, `${cluster}#${s.seq}`);
    const range = { cluster, ...ALL_TIME };
    const key = (id: number): string => snapshotKey.get(id) as string;
    out[cluster] = {
      snapshots: snapshots.map(({ id: _id, ...rest }) => rest),
      inventories: await Promise.all(snapshots.map((s) => store.loadInventory(s.id))),
      usage: (await store.namespaceUsageSeries(range)).map((p) => ({ ...p, snapshotId: key(p.snapshotId) })),
      capacity: (await store.capacitySeries(range)).map((p) => ({ ...p, snapshotId: key(p.snapshotId) })),
      points: (await store.snapshotPoints(range)).map((p) => ({ ...p, snapshotId: key(p.snapshotId) })),
      newestSeq: await store.newestSeq(cluster),
      totals: await store.historyTotals({ cluster, grouping: { by: 'namespace' } }).current(),
      latest: key((await store.resolveSnapshot({ ref: 'latest', cluster })).id),
    };
  }
  const plans = await store.listPlans();
  const planIndex = new Map(plans.map((p, i) => [p.id, i]));
  out.plans = await Promise.all(
    plans.map(async ({ id }) => {
      const { id: _id, snapshotId, ...plan } = await store.getPlan(id);
      return { ...plan, snapshot: snapshotId === null ? null : snapshotKey.get(snapshotId) };
    }),
  );
  out.cycles = await Promise.all(
    (await store.listCycles()).map(async ({ id, planId, ...cycle }) => ({
      ...cycle,
      plan: planId === null ? null : planIndex.get(planId),
      events: await store.listCycleEvents(id),
    })),
  );
  return out;
}

describe('quotaplan db copy', () => {
  it('copies a SQLite history of two clusters to PostgreSQL with every figure equal', async () => {
    const file = join(dir, 'fleet.db');
    const sqlite = await openStore({ file });
    // The demo's history (snapshots, a plan per cycle, cycles approved, in review and draft) one snapshot a day...
    await sqlite.write((tx) => seedDemo({ store: tx, now: new Date('2026-11-28T04:17:00Z'), stepHours: 24 }));
    // ...and a second cluster whose snapshots were stored out of time order (overlapping collections).
    for (const hour of [0, 2, 1, 4, 3]) {
      await sqlite.saveSnapshot({
        cluster: { name: 'west', server: 'https://west:6443', context: 'west' },
        takenAt: at(`2026-11-01T0${hour}:00:00Z`),
        source: { kind: 'live', ref: 'west' },
        inventory: inventory({ nodes: [node(`n${hour % 3}`)], namespaces: [namespace('a', { cpu: `${hour % 2}` }, hour), namespace('b', { 'nvidia.com/gpu': '1' }, 1)] }),
      });
    }
    const expected = await everything(sqlite);
    const cycles = await sqlite.listCycles();
    let events = 0;
    for (const cycle of cycles) events += (await sqlite.listCycleEvents(cycle.id)).length;
    const counts = `2 clusters, ${(await sqlite.listSnapshots()).length} snapshots, ${(await sqlite.listPlans()).length} plans, ${cycles.length} cycles (${events} events)`;
    await sqlite.close();

    const url = await freshDatabase();
    const copied = await runCli(['db', 'copy', '--from', file, '--to', url], { cwd: dir });
    assert.equal(copied.stderr, '');
    assert.equal(copied.code, 0);
    const postgres = await openStore({ file: url });
    try {
      assert.equal(copied.stdout, `copied ${counts} from ${file} to ${url}\n`);
      assert.deepStrictEqual(await everything(postgres), expected);

      const again = await runCli(['db', 'copy', '--from', file, '--to', url], { cwd: dir });
      assert.equal(again.code, 4);
      assert.equal(again.stderr, `quotaplan: ${url} already holds cluster demo, west: copy into a database without them\n`);
      assert.deepStrictEqual(await everything(postgres), expected);
    } finally {
      await postgres.close();
    }
  });
});
