/**
 * What the HTTP app and its routes are built from. Its own module so that routes import it and app.ts imports the
 * routes, never the other way round.
 */
import type { MeasureUse } from '../review/cycle-store.js';
import type { Store } from '../store/store.js';
import type { GuardOptions } from './guard.js';
import type { InventoryOf } from './inventory-cache.js';
import type { ViewCache } from './view-cache.js';

/** What routes are built from: the app's deps plus per-app helpers. */
export interface RouteDeps extends AppDeps {
  /** The inventory of a stored snapshot (cached: snapshots never change). */
  inventory: InventoryOf;
  /** JSON bodies derived from stored snapshots and plans, which never change (see view-cache.ts for the keys). */
  views: ViewCache;
}

export interface AppDeps {
  store: Store;
  /** The time a saved plan is stamped with. */
  clock: () => Date;
  /** Bearer token that authorizes changes (`--token` / QUOTAPLAN_TOKEN). Without it, and without a trusted header, the API is read-only. */
  token?: string | undefined;
  /** A header set by a trusted authenticating proxy (e.g. `X-Forwarded-User`); only honoured when named here. */
  trustedAuthHeader?: string | undefined;
  /** Host names the server answers to (DNS-rebinding defence); `quotaplan serve` sets them on loopback. */
  allowedHosts?: readonly string[] | undefined;
  /**
   * Reading needs the token (or proxy header) too: for a server reachable from other machines. `quotaplan serve`
   * sets it whenever it binds a non-loopback address.
   */
  readersNeedAuth?: boolean | undefined;
  /** Reads measured GPU use for the Review and Teams pages (`serve --prometheus URL`); absent: none, and they say so. */
  measure?: MeasureUse | undefined;
  /** Where server-side failures are logged; stderr by default. */
  log?: (message: string) => void;
}

/** The guard options the mutation routes need, taken from the deps. */
export function guardOptions(deps: AppDeps): GuardOptions {
  return { token: deps.token, trustedAuthHeader: deps.trustedAuthHeader, allowedHosts: deps.allowedHosts };
}
