/** Options shared by several commands, so every command spells them the same way. */
import { Option } from 'commander';

/** `--db F`, falling back to $QUOTAPLAN_DB, then `quotaplan.db` in the working directory. */
export function dbOption(): Option {
  return new Option('--db <file>', 'SQLite database file').env('QUOTAPLAN_DB').default('quotaplan.db');
}

/** `-o, --output FORMAT` restricted to the formats a command supports. */
export function outputOption(formats: readonly string[], fallback: string): Option {
  return new Option('-o, --output <format>', 'output format').choices(formats).default(fallback);
}
