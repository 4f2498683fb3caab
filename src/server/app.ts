/**
 * The dashboard's HTTP app, built from its dependencies (never from a module-level database): the JSON API under
 * `/api`, one hono sub-app per resource mounted with `app.route()`, and the static page from `web/`.
 * Adding a page's API (e.g. the Review page) is one `api.route('/reviews', reviewRoutes(deps))` line below. What the
 * app and its routes are built from is in deps.ts (routes import it, never this file).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { guardOptions, type AppDeps, type RouteDeps } from './deps.js';
import { hostCheck, requireWriter, sameOriginJson, type GuardVariables } from './guard.js';
import { NotFoundError } from '../errors.js';
import { errorResponse, RefusedError } from './http-errors.js';
import { capacityRoutes } from './routes/capacity.js';
import { fleetRoutes } from './routes/fleet.js';
import { historyRoutes } from './routes/history.js';
import { metaRoutes } from './routes/meta.js';
import { planRoutes } from './routes/plans.js';
import { reviewRoutes } from './routes/review.js';
import { snapshotRoutes } from './routes/snapshots.js';
import { teamRoutes } from './routes/teams.js';
import { whatIfRoutes } from './routes/what-if.js';
import { webRoutes } from './web-assets.js';
import { inventoryCache } from './inventory-cache.js';
import { viewCache } from './view-cache.js';
import { escapeTerminalText } from '../terminal-text.js';

// Callers that build the app (commands/serve.ts, tests) name its deps from here too.
export type { AppDeps } from './deps.js';

const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(deps: AppDeps): Hono {
  const log = deps.log ?? ((message: string) => process.stderr.write(`${escapeTerminalText(message, { newlines: 'keep' })}\n`));
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
  api.route('/fleet', fleetRoutes(routeDeps));
  api.route('/teams', teamRoutes(routeDeps));
  api.route('/plans', planRoutes(routeDeps));
  api.route('/what-if', whatIfRoutes(routeDeps));
  api.route('/history', historyRoutes(routeDeps));
  api.route('/reviews', reviewRoutes(routeDeps));
  api.all('*', (c) => {
    throw new NotFoundError(`no API route ${c.req.method} ${c.req.path}`, { field: 'path' });
  });
  app.route('/api', api);

  app.route('/', webRoutes());
  app.notFound((c) => c.json({ error: `not found: ${c.req.path}`, field: 'path' }, 404));
  app.onError((error, c) => errorResponse(error, c, log));
  return app;
}
