/**
 * Who may do what. Reading is open (the server binds loopback unless told otherwise); anything that changes stored
 * data needs the bearer token or, when explicitly enabled, an identity header set by a trusted auth proxy.
 *
 * CSRF: the token travels in the `Authorization` header, never in a cookie, so a page on another origin cannot make
 * the browser attach it. On top of that every non-GET request must be `application/json` (an HTML form cannot send
 * that without a CORS preflight, which this server never grants) and must not come from another origin
 * (`Origin` / `Sec-Fetch-Site`). The host check refuses DNS-rebinding: a foreign name resolving to 127.0.0.1.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { RefusedError } from './http-errors.js';

export interface GuardOptions {
  /** Bearer token that authorizes mutations. */
  token?: string | undefined;
  /** Name of a header (e.g. `X-Forwarded-User`) a trusted auth proxy sets; when present it authorizes mutations. */
  trustedAuthHeader?: string | undefined;
  /** Host names (without port) the server answers to; absent = any. */
  allowedHosts?: readonly string[] | undefined;
}

/** Variables the guard sets for the routes behind it. */
export interface GuardVariables {
  /** Who made the mutation: `token` or the proxy's user name. */
  actor: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hostName(hostHeader: string): string {
  // `[::1]:8080` -> `[::1]`; `localhost:8080` -> `localhost`.
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1).toLowerCase();
  return (hostHeader.split(':')[0] ?? '').toLowerCase();
}

/** Refuses requests for a host the server does not serve (DNS rebinding). */
export function hostCheck(allowedHosts: readonly string[] | undefined): MiddlewareHandler {
  const allowed = allowedHosts ? new Set(allowedHosts.map((host) => host.toLowerCase())) : undefined;
  return async (c, next) => {
    if (allowed) {
      const host = hostName(c.req.header('host') ?? new URL(c.req.url).host);
      if (!allowed.has(host)) throw new RefusedError(`host ${JSON.stringify(host)} is not served here`, 403, 'host');
    }
    await next();
  };
}

/** Refuses cross-origin and non-JSON requests for every method that can change something. */
export function sameOriginJson(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const fetchSite = c.req.header('sec-fetch-site');
      if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
        throw new RefusedError(`cross-site request refused (Sec-Fetch-Site: ${fetchSite})`, 403, 'origin');
      }
      const origin = c.req.header('origin');
      if (origin !== undefined) {
        const requestHost = c.req.header('host') ?? new URL(c.req.url).host;
        let originHost: string | undefined;
        try {
          originHost = new URL(origin).host;
        } catch {
          originHost = undefined;
        }
        if (originHost !== requestHost) throw new RefusedError(`cross-origin request refused (Origin: ${origin})`, 403, 'origin');
      }
      const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (contentType !== 'application/json') {
        throw new RefusedError('request body must be application/json', 415, 'content-type');
      }
    }
    await next();
  };
}

function sameSecret(given: string, expected: string): boolean {
  // Compare digests so neither the length nor the content leaks through timing.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Authorizes a request: the bearer token, or the trusted proxy header when enabled. Sets `actor`.
 * Every mutation goes through it; so does every read when the server is not on loopback (`readersNeedAuth`).
 */
export function requireWriter(options: GuardOptions, what = 'this change'): MiddlewareHandler<{ Variables: GuardVariables }> {
  const proxyHeader = options.trustedAuthHeader?.toLowerCase();
  return async (c, next) => {
    if (proxyHeader) {
      const user = c.req.header(proxyHeader)?.trim();
      if (user) {
        c.set('actor', user);
        await next();
        return;
      }
    }
    if (!options.token) {
      throw new RefusedError(
        'changes are disabled: start the server with --token (or QUOTAPLAN_TOKEN) or --trusted-auth-header',
        403,
        'authorization',
      );
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new RefusedError(`${what} needs a token: Authorization: Bearer <token>`, 401, 'authorization', {
        'WWW-Authenticate': 'Bearer realm="quotaplan"',
      });
    }
    if (!sameSecret(match[1]!, options.token)) {
      throw new RefusedError('invalid token', 401, 'authorization', {
        'WWW-Authenticate': 'Bearer realm="quotaplan", error="invalid_token"',
      });
    }
    c.set('actor', 'token');
    await next();
  };
}
