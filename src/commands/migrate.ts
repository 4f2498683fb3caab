/**
 * `quotaplan migrate [--db F]`: create the database if it is missing and bring its schema up to date. Every command
 * that writes does this when it opens the database; this one does only that, for a dashboard that starts before
 * the first collection (`serve` never creates a database: a mistyped --db would look like an empty cluster) and for
 * upgrading a database ahead of a new version's first write.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { isPostgresLocation, openStore } from '../store/open.js';
import { dbOption } from './options.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .addOption(dbOption())
    // addCommand does not copy the program's settings: without these a bad flag would exit 1 from commander.
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: { db: string }) => {
      const existed = isPostgresLocation(flags.db) || existsSync(flags.db);
      const store = await openStore({ file: flags.db });
      // The store's location: a PostgreSQL URL without its password.
      const location = store.location;
      await store.close();
      process.stdout.write(`database ${location} ${existed ? 'migrated' : 'created'}: schema up to date\n`);
    });
}
