/**
 * How the contract suite gets a store: a name for the test titles and a function that opens a new, empty store.
 * The SQLite run is test/unit/store/sqlite-contract.test.ts; a PostgreSQL run adds one factory beside it.
 */
import type { Store } from '../../../../src/store/store.js';

export interface StoreFactory {
  /** Shown in the suite's title, e.g. `sqlite :memory:`. */
  name: string;
  /** A new empty store; the test closes it. */
  open(): Promise<Store>;
}
