/** `GET /api/meta`: what the page needs first: the clusters known, the one shown, and whether changes are possible. */
import { Hono } from 'hono';
import { VERSION } from '../../version.js';
import type { AppDeps } from '../deps.js';

export interface MetaJson {
  version: string;
  /** Every cluster in the database, sorted. */
  clusters: string[];
  /** The cluster shown when the page names none: the only one, else null (the page asks). */
  cluster: string | null;
  /** How a change can be authorized here: `token`, `proxy`, both, or none (read-only). */
  writers: Array<'token' | 'proxy'>;
  /** Reading needs the token too (a server bound beyond loopback). */
  readersNeedAuth: boolean;
}

export function metaRoutes(deps: AppDeps): Hono {
  return new Hono().get('/', async (c) => {
    const writers: MetaJson['writers'] = [];
    if (deps.token) writers.push('token');
    if (deps.trustedAuthHeader) writers.push('proxy');
    const readersNeedAuth = deps.readersNeedAuth === true;
    // Behind auth, even the cluster names are for authorized readers only.
    const clusters = readersNeedAuth ? [] : await deps.store.listClusterNames();
    return c.json<MetaJson>({
      version: VERSION,
      clusters,
      cluster: clusters.length === 1 ? (clusters[0] ?? null) : null,
      writers,
      readersNeedAuth,
    });
  });
}
