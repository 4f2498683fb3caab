/**
 * One collector's saves, alone, for a CPU profile: a synthetic cluster of `--nodes` nodes (bench/synthetic-inventory.ts,
 * "typical churn" every hour) saved `--hours` times into a fresh database on the tests' throwaway PostgreSQL server
 * (or a SQLite file with `--sqlite`). Prints each save's milliseconds (the first, a whole new cluster, apart) and
 * the mean CPU time this process spent in a later save (the rest of a save's time is the server's and the wire's).
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-save.ts [--nodes 1000] [--hours 20]
 *   node --import tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/open.js';
import { freshDatabase, stopPostgres } from '../test/support/postgres.js';
import { churnScenarios, random, SyntheticCluster } from './synthetic-inventory.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '1000' }, hours: { type: 'string', default: '20' }, sqlite: { type: 'boolean', default: false } } });
const typical = churnScenarios.find((c) => c.name === 'typical churn') ?? (churnScenarios[1] as (typeof churnScenarios)[number]);
const dir = mkdtempSync(join(tmpdir(), 'quotaplan-profile-save-'));
try {
  const store = await openStore({ file: values.sqlite ? join(dir, 'one.db') : await freshDatabase() });
  const cluster = new SyntheticCluster(random(1000), Number(values.nodes));
  const times: number[] = [];
  const cpu: number[] = [];
  let churnMs = 0;
  for (let hour = 0; hour < Number(values.hours); hour += 1) {
    const churnStart = performance.now();
    if (hour > 0) cluster.churn(typical);
    const inventory = cluster.inventory();
    churnMs += performance.now() - churnStart;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    await store.saveSnapshot({ cluster: { name: 'one' }, takenAt: new Date(Date.UTC(2026, 6, 1) + hour * 3_600_000), source: { kind: 'live', ref: 'one' }, inventory });
    times.push(performance.now() - started);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
  }
  await store.close();
  const later = times.slice(1).sort((a, b) => a - b);
  const ms = (value: number | undefined): number => Math.round((value ?? NaN) * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({ nodes: Number(values.nodes), first: ms(times[0]), laterMedian: ms(later[Math.floor(later.length / 2)]), laterMean: ms(later.reduce((a, b) => a + b, 0) / later.length), laterCpuMean: ms(cpu.slice(1).reduce((a, b) => a + b, 0) / (cpu.length - 1)), churnAndInventoryMs: ms(churnMs), saves: times.map(ms) })}\n`,
  );
} finally {
  await stopPostgres();
  rmSync(dir, { recursive: true, force: true });
}
