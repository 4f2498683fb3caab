/**
 * Opening the store: a `postgres://` (or `postgresql://`) URL opens the PostgreSQL store (src/store/postgres/,
 * loaded only then, so SQLite users never load the driver); anything else is a SQLite file (src/store/sqlite/).
 * Callers get the same Store interface either way.
 */
import { SqliteStore, type OpenSqliteStoreOptions } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export type OpenStoreOptions = OpenSqliteStoreOptions;

/** Whether `--db` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (isPostgresLocation(options.file)) {
    const { PostgresStore } = await import('./postgres/pg-store.js');
    return PostgresStore.open({
      url: options.file,
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      ...(options.readonly === undefined ? {} : { readonly: options.readonly }),
    });
  }
  return SqliteStore.open(options);
}

/** Opens the store, runs `use`, and closes it whatever happens. */
export async function withStore<T>(options: OpenStoreOptions, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(options);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
export type { Store } from './store.js';
