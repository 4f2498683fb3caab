/**
 * A fleet writing to one PostgreSQL database: four collector processes (the real CLI, `collect --from-file` of a
 * cluster each, five collections one after another) run at once against a database none of them created, while
 * the dashboard API (createApp over the PostgreSQL store, in this process) is read in a loop. Counted: snapshots
 * written (collections that exited 0) against snapshots read; every read sees whole snapshots only (each cluster's
 * seqs 1..n with the times given, never a count going down), and the last read sees every one written.
 * A real server: run under the heavy-test lock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/open.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { freshDatabase, stopPostgres } from '../support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-fleet-'));
after(async () => {
  await stopPostgres();
  rmSync(dir, { recursive: true, force: true });
});

const DUMP = join(REPO_ROOT, 'test/fixtures/cluster-mixed-gpu.json');
const CLUSTERS = ['east', 'north', 'south', 'west'];
const COLLECTIONS = 5;
const takenAt = (k: number): string => `2026-11-01T0${k}:00:00.000Z`;

interface SnapshotJson {
  cluster: string;
  seq: number;
  takenAt: string;
}

describe('several collectors writing to one PostgreSQL database while the dashboard reads', () => {
  it('loses no snapshot and shows none half-written', async () => {
    const url = await freshDatabase();
    // The dashboard's store opens first (it creates the tables); the collectors then race each other.
    const store = await openStore({ file: url });
    const app = createApp({ store, clock: () => new Date('2026-11-02T00:00:00Z'), log: () => {} });
    let collecting = true;
    const collectors = Promise.all(
      CLUSTERS.map(async (cluster) => {
        const codes: number[] = [];
        for (let k = 0; k < COLLECTIONS; k += 1) {
          const result = await runCli(['collect', '--from-file', DUMP, '--cluster', cluster, '--db', url, '--taken-at', takenAt(k)], {
            cwd: dir,
            // A loaded test machine: wait for the other writers rather than give up after the default 5 s.
            env: { QUOTAPLAN_BUSY_TIMEOUT_MS: '120000' },
          });
          // Nothing on stderr but the dump's own inventory warnings (collect prints them): no busy or store error.
          for (const line of result.stderr.split('\n').filter((text) => text !== '')) assert.match(line, /^warning: /, `${cluster} collection ${k}`);
          codes.push(result.code);
        }
        return codes;
      }),
    ).finally(() => (collecting = false));

    const seen = new Map<string, number>(CLUSTERS.map((cluster) => [cluster, 0]));
    let reads = 0;
    const checkRead = async (): Promise<number> => {
      const response = await app.request('/api/snapshots', { headers: { host: 'localhost' } });
      assert.equal(response.status, 200);
      const { snapshots } = (await response.json()) as { snapshots: SnapshotJson[] };
      for (const cluster of CLUSTERS) {
        const mine = snapshots.filter((s) => s.cluster === cluster);
        assert.deepEqual(
          mine.map((s) => [s.seq, s.takenAt]),
          mine.map((_, i) => [i + 1, takenAt(i)]),
        );
        assert.ok(mine.length >= (seen.get(cluster) as number), `${cluster}: ${mine.length} after ${seen.get(cluster)}`);
        seen.set(cluster, mine.length);
      }
      reads += 1;
      return snapshots.length;
    };
    while (collecting) {
      await checkRead();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const codes = await collectors;
    const written = codes.flat().filter((code) => code === 0).length;
    assert.deepEqual(codes, CLUSTERS.map(() => Array.from({ length: COLLECTIONS }, () => 0)));
    assert.equal(written, CLUSTERS.length * COLLECTIONS);
    assert.equal(await checkRead(), written);
    assert.deepEqual([...seen.values()], CLUSTERS.map(() => COLLECTIONS));
    assert.ok(reads > 1, `the dashboard was read ${reads} times`);
    await store.close();
  });
});
