/**
 * Opening the store. Today every store is SQLite (src/store/sqlite/); a PostgreSQL implementation will be chosen
 * here from the location (a `postgres://` URL), and callers keep getting the same Store interface.
 */
import { SqliteStore, type OpenSqliteStoreOptions } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export type OpenStoreOptions = OpenSqliteStoreOptions;

export async function openStore(options: OpenStoreOptions): Promise<Store> {
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
