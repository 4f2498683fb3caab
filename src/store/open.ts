/**
 * Opening the database: WAL journal (readers never block the one writer, and the writer never blocks readers),
 * a busy timeout for the rare writer-writer overlap, foreign keys on, then every migration in `migrations/`.
 * The folder is resolved from this file's URL so it works from any working directory.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ExternalError, ValidationError } from '../errors.js';
import * as schema from './schema.js';

export type StoreDatabase = BetterSQLite3Database<typeof schema>;

export interface Store {
  /** The file opened, or `:memory:`. */
  readonly file: string;
  readonly db: StoreDatabase;
  /** The better-sqlite3 handle, for pragmas and size measurements. */
  readonly sqlite: Database.Database;
  close(): void;
}

export interface OpenStoreOptions {
  /** Path of the SQLite file (created when missing), or `:memory:`. */
  file: string;
  /** How long a writer waits for another writer's lock before failing, in milliseconds. */
  busyTimeoutMs?: number;
  /** Open an existing file read-only (no migrations run). */
  readonly?: boolean;
  /** false: a missing file is a ValidationError instead of a new empty database (for commands that only read). */
  create?: boolean;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

export function openStore(options: OpenStoreOptions): Store {
  if (options.create === false && options.file !== ':memory:' && !existsSync(options.file)) {
    throw new ValidationError(`no database at ${options.file} (run \`quotaplan collect\` first, or pass --db)`, {
      file: options.file,
      field: '--db',
      value: options.file,
    });
  }
  let sqlite: Database.Database;
  try {
    sqlite = new Database(options.file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new ExternalError(`cannot open database ${options.file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!options.readonly) sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const db = drizzle({ client: sqlite, schema });
    if (!options.readonly) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return { file: options.file, db, sqlite, close: () => sqlite.close() };
  } catch (error) {
    sqlite.close();
    throw new ExternalError(`cannot prepare database ${options.file}: ${(error as Error).message}`, { cause: error });
  }
}
