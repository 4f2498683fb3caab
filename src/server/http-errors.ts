/**
 * The one mapping from quotaplan's typed errors to HTTP statuses and the JSON error body `{ error, field }`.
 * Routes throw; `app.onError` calls `errorResponse`. Nothing else picks a status for an error.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ConflictError, ExternalError, InternalError, NotFoundError, StoreBusyError, UpstreamError, ValidationError } from '../errors.js';

/** The body of every error response. `field` names the input at fault (`body.teams[0].weight`, `query.snapshot`). */
export interface ErrorBody {
  error: string;
  field: string | null;
}

/** An HTTP refusal decided by the edge itself (authentication, CSRF, content type), with the field at fault. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
  constructor(
    message: string,
    readonly status: 401 | 403 | 413 | 415,
    readonly field: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** `teams[0].weight` from a zod path. */
export function pathToField(prefix: string, path: readonly PropertyKey[]): string {
  let field = prefix;
  for (const key of path) field += typeof key === 'number' ? `[${key}]` : `${field === '' ? '' : '.'}${String(key)}`;
  return field;
}

/** The first issue of a zod error as a ValidationError naming the field (`body.changes[0].weight`). */
export function validationErrorFromZod(
  prefix: string,
  error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> },
): ValidationError {
  const issue = error.issues[0];
  if (!issue) return new ValidationError(`invalid ${prefix}`, { field: prefix });
  const field = pathToField(prefix, issue.path);
  return new ValidationError(`${field === '' ? 'request' : field}: ${issue.message}`, { field });
}

export function errorResponse(error: unknown, c: Context, log: (message: string) => void): Response {
  const respond = (status: ContentfulStatusCode, message: string, field: string | null, headers?: Record<string, string>): Response =>
    c.json<ErrorBody>({ error: message, field }, status, headers);
  if (error instanceof ValidationError) return respond(400, error.message, error.where.field ?? error.where.file ?? null);
  if (error instanceof NotFoundError) return respond(404, error.message, error.where.field ?? null);
  if (error instanceof ConflictError) return respond(409, error.message, null);
  if (error instanceof RefusedError) return respond(error.status, error.message, error.field, error.headers);
  if (error instanceof HTTPException) {
    // hono's own refusals: malformed JSON body (400), body too large (413).
    const field = error.status === 400 || error.status === 413 ? 'body' : null;
    return respond(error.status as ContentfulStatusCode, error.message || 'request refused', field);
  }
  if (error instanceof StoreBusyError) {
    // Another process (a collector) is writing: a passing condition, so the client is told to try again after
    // about as long as this request was willing to wait.
    log(`quotaplan serve: ${error.message}`);
    return respond(503, error.message, null, { 'Retry-After': String(Math.max(1, Math.ceil(error.timeoutMs / 1000))) });
  }
  if (error instanceof UpstreamError) {
    // The page asked for something read through another service (Prometheus), which failed: a gateway's answer.
    log(`quotaplan serve: ${error.message}`);
    return respond(error.timedOut ? 504 : 502, error.message, null);
  }
  if (error instanceof ExternalError) {
    log(`quotaplan serve: ${error.message}`);
    return respond(500, error.message, null);
  }
  // InternalError and anything unexpected: a bug. Log the stack, tell the client no more than that.
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  log(`quotaplan serve: internal error: ${detail}`);
  return respond(500, error instanceof InternalError ? `internal error: ${error.message}` : 'internal error', null);
}
