/** Options shared by several commands, so every command spells them the same way. */
import { Option } from 'commander';
import { ValidationError } from '../errors.js';

/** `--db F`, falling back to $QUOTAPLAN_DB, then `quotaplan.db` in the working directory. */
export function dbOption(): Option {
  return new Option('--db <file>', 'SQLite database file, or a postgres:// URL').env('QUOTAPLAN_DB').default('quotaplan.db');
}

/** `-o, --output FORMAT` restricted to the formats a command supports. */
export function outputOption(formats: readonly string[], fallback: string): Option {
  return new Option('-o, --output <format>', 'output format').choices(formats).default(fallback);
}

/**
 * How long a command's write waits for another process's write lock (a collector saving): $QUOTAPLAN_BUSY_TIMEOUT_MS
 * in milliseconds, else the store's default (5,000). A cron collector of a large cluster may want longer.
 */
export function busyTimeoutFromEnvironment(env: NodeJS.ProcessEnv = process.env): { busyTimeoutMs?: number } {
  const text = env.QUOTAPLAN_BUSY_TIMEOUT_MS;
  if (text === undefined || text === '') return {};
  if (!/^\d{1,7}$/.test(text)) {
    throw new ValidationError(`QUOTAPLAN_BUSY_TIMEOUT_MS must be a whole number of milliseconds below 10000000, got ${JSON.stringify(text)}`, {
      field: 'QUOTAPLAN_BUSY_TIMEOUT_MS',
      value: text,
    });
  }
  return { busyTimeoutMs: Number(text) };
}
