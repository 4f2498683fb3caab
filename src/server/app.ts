/**
 * The dashboard's HTTP app, built from its dependencies (never from a module-level database): the JSON API under
 * `/api`, one hono sub-app per resource mounted with `app.route()`, and the static page from `web/`.
 * Adding a page's API (e.g. the Review page) is one `api.route('/reviews', reviewRoutes(deps))` line below.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { Store } from '../store/open.js';
import { hostCheck, requireWriter, sameOriginJson, type GuardOptions, type GuardVariables } from './guard.js';
import { errorResponse, NotFoundError, RefusedError } from './http-errors.js';
import { capacityRoutes } from './routes/capacity.js';
import { historyRoutes } from './routes/history.js';
import { metaRoutes } from './routes/meta.js';
import { planRoutes } from './routes/plans.js';
import { reviewRoutes } from './routes/review.js';
import { snapshotRoutes } from './routes/snapshots.js';
import { teamRoutes } from './routes/teams.js';
import { whatIfRoutes } from './routes/what-if.js';
import { webRoutes } from './web-assets.js';
import { inventoryCache, type InventoryOf } from './inventory-cache.js';
import { viewCache, type ViewCache } from './view-cache.js';

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
  /** Where server-side failures are logged; stderr by default. */
  log?: (message: string) => void;
}

/** The guard options the mutation routes need, taken from the deps. */
export function guardOptions(deps: AppDeps): GuardOptions {
  return { token: deps.token, trustedAuthHeader: deps.trustedAuthHeader, allowedHosts: deps.allowedHosts };
}

const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(deps: AppDeps): Hono {
  const log = deps.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const routeDeps: RouteDeps = { ...deps, inventory: inventoryCache(deps.store), views: viewCache() };
  const app = new Hono();
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      crossOriginResourcePolicy: 'same-origin',
      referrerPolicy: 'no-referrer',
    }),
  );
  app.use('*', hostCheck(deps.allowedHosts));

  const api = new Hono<{ Variables: GuardVariables }>();
  api.use('*', sameOriginJson());
  api.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new RefusedError(`request body above ${MAX_BODY_BYTES} bytes`, 413, 'body');
      },
    }),
  );
  if (deps.readersNeedAuth) {
    const reader = requireWriter(guardOptions(deps), 'reading this server');
    // /api/meta stays open so the page can say that a token is needed.
    api.use('*', (c, next) => (c.req.path === '/api/meta' ? next() : reader(c, next)));
  }
  api.route('/meta', metaRoutes(deps));
  api.route('/snapshots', snapshotRoutes(routeDeps));
  api.route('/capacity', capacityRoutes(routeDeps));
  api.route('/teams', teamRoutes(routeDeps));
  api.route('/plans', planRoutes(routeDeps));
  api.route('/what-if', whatIfRoutes(routeDeps));
  api.route('/history', historyRoutes(routeDeps));
  api.route('/reviews', reviewRoutes(deps));
  api.all('*', (c) => {
    throw new NotFoundError(`no API route ${c.req.method} ${c.req.path}`, 'path');
  });
  app.route('/api', api);

  app.route('/', webRoutes());
  app.notFound((c) => c.json({ error: `not found: ${c.req.path}`, field: 'path' }, 404));
  app.onError((error, c) => errorResponse(error, c, log));
  return app;
}
