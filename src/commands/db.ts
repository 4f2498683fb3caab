/**
 * `quotaplan db copy --from DB --to DB`: copy every cluster's history (snapshots, plans, cycles and their events)
 * from one database to another, e.g. a collector's SQLite file into the fleet's PostgreSQL database
 * (`--to postgres://...`). One write on the destination: all of it or nothing (src/store/copy.ts).
 */
import { Command } from 'commander';
import { copyStore } from '../store/copy.js';
import { openStore, withStore } from '../store/open.js';
import { busyTimeoutFromEnvironment } from './options.js';

export function dbCommand(): Command {
  const copy = new Command('copy')
    .description('copy every cluster history (snapshots, plans, cycles) from one database to another')
    .requiredOption('--from <db>', 'the database to read: a SQLite file or a postgres:// URL')
    .requiredOption('--to <db>', 'the database to write (created or migrated): a SQLite file or a postgres:// URL')
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: { from: string; to: string }) => {
      await withStore({ file: flags.from, create: false, readonly: true }, async (from) => {
        const to = await openStore({ file: flags.to, ...busyTimeoutFromEnvironment() });
        try {
          const counts = await copyStore({ from, to });
          process.stdout.write(
            `copied ${counts.clusters} clusters, ${counts.snapshots} snapshots, ${counts.plans} plans, ${counts.cycles} cycles (${counts.cycleEvents} events) from ${from.location} to ${to.location}\n`,
          );
        } finally {
          await to.close();
        }
      });
    });
  return new Command('db').description('database maintenance: copy a history between databases').addCommand(copy).showHelpAfterError().exitOverride();
}
