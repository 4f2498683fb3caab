/**
 * `quotaplan demo [--port N] [--host H] [--db F] [--token T] [--no-serve]`: seeds a fresh database with the bundled
 * demo cluster (a few months of history, approved plans for the last two cycles, a draft for the next) and serves
 * the dashboard on it. The main command for a new user with no cluster.
 */
import { existsSync, rmSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ValidationError } from '../errors.js';
import { DEMO_CLUSTER, seedDemo, type DemoSeed } from '../demo/seed.js';
import { DEFAULT_HOST } from '../server/listen.js';
import { isPostgresLocation, openStore, withStore } from '../store/open.js';
import { busyTimeoutFromEnvironment } from './options.js';
import { parsePort, runServe, shutdownSignal, tokenOption } from './serve.js';

export interface DemoFlags {
  db: string;
  host: string;
  port: number;
  serve: boolean;
  token?: string;
}

export function demoCommand(): Command {
  return new Command('demo')
    .addOption(new Option('--db <file>', 'database to (re)create; only a demo database is ever replaced').env('QUOTAPLAN_DEMO_DB').default('quotaplan-demo.db'))
    .addOption(new Option('--host <host>', 'address to bind').default(DEFAULT_HOST))
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').argParser(parsePort).default(8080))
    .addOption(tokenOption())
    .option('--no-serve', 'seed the database and exit')
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: DemoFlags) => {
      const started = Date.now();
      const seed = await seedDemoDatabase(flags.db, new Date());
      process.stderr.write(
        `quotaplan: seeded ${flags.db}: cluster ${seed.cluster}, ${seed.snapshots} snapshots, cycles ${seed.cycles.join(', ')}, ` +
          `draft plan ${seed.draftPlanId} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`,
      );
      if (!flags.serve) return;
      await runServe(
        { db: flags.db, host: flags.host, port: flags.port, ...(flags.token === undefined ? {} : { token: flags.token }) },
        { signal: shutdownSignal() },
      );
    });
}

/** Recreates `file` with the demo data. Refuses to replace a database that holds any other cluster. */
export async function seedDemoDatabase(file: string, now: Date): Promise<{ cluster: string; snapshots: number; cycles: string[]; draftPlanId: number }> {
  if (isPostgresLocation(file)) {
    // The demo deletes and recreates its database; it never touches a shared PostgreSQL one.
    throw new ValidationError('the demo seeds a SQLite file of its own, not a PostgreSQL database: pass a file with --db', { field: '--db' });
  }
  if (existsSync(file)) {
    const names = await withStore({ file, readonly: true }, (existing) => existing.listClusterNames());
    const foreign = names.filter((name) => name !== DEMO_CLUSTER);
    if (foreign.length > 0) {
      throw new ValidationError(`${file} holds cluster ${foreign.join(', ')}: the demo only replaces a demo database; pass another --db`, {
        file,
        field: '--db',
        value: file,
      });
    }
    removeDatabase(file);
  }
  const store = await openStore({ file, ...busyTimeoutFromEnvironment() });
  let seed: DemoSeed;
  try {
    seed = await store.write((tx) => seedDemo({ store: tx, now }));
  } catch (error) {
    await store.close();
    removeDatabase(file); // a failed seed leaves no half-made demo database behind
    throw error;
  }
  await store.close();
  return { cluster: seed.cluster, snapshots: seed.snapshots, cycles: seed.cycles.map((c) => `${c.name} (${c.state})`), draftPlanId: seed.draftPlanId };
}

/** The SQLite file and its WAL companions. */
function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}
