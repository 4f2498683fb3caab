/**
 * One SQLite connection: WAL journal (readers never block the one writer, and the writer never blocks readers),
 * `synchronous = NORMAL`, foreign keys on, then every migration in `migrations/` (resolved from this file's URL so
 * it works from any working directory). The SqliteStore opens two of these on a file (a reader and a writer) and
 * one on `:memory:`.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { ExternalError } from '../../errors.js';
import { packageFile } from '../../package-files.js';
import * as schema from './schema.js';

export type SqliteDatabase = BetterSQLite3Database<typeof schema>;

/** A better-sqlite3 handle and drizzle over it. Never leaves src/store/sqlite/. */
export interface Connection {
  /** The file opened, or `:memory:`. */
  readonly file: string;
  readonly db: SqliteDatabase;
  readonly sqlite: Database.Database;
}

export interface OpenConnectionOptions {
  file: string;
  readonly: boolean;
  /**
   * SQLite's own busy handler, in milliseconds. It waits synchronously (the whole thread stops), so only the
   * opening (migrations) and the reader use it; the writer sets 0 after opening and waits in write-lock.ts instead.
   */
  busyTimeoutMs: number;
  /** Run the migrations (the first read-write connection of a store does; its second one need not). */
  migrate?: boolean;
}

export const MIGRATIONS_FOLDER = packageFile('migrations');

export function openConnection(options: OpenConnectionOptions): Connection {
  let sqlite: Database.Database;
  try {
    sqlite = new Database(options.file, { readonly: options.readonly, fileMustExist: options.readonly });
  } catch (error) {
    throw new ExternalError(`cannot open database ${options.file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    if (!options.readonly) sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const db = drizzle({ client: sqlite, schema });
    if (!options.readonly && options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return { file: options.file, db, sqlite };
  } catch (error) {
    sqlite.close();
    throw new ExternalError(`cannot prepare database ${options.file}: ${(error as Error).message}`, { cause: error });
  }
}
