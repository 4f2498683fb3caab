/**
 * The small family of errors quotaplan raises. Only entry points (src/cli.ts, the HTTP app's onError)
 * turn them into exit codes or HTTP statuses.
 */

/** Bad input from a user: a file, a flag, a field. The message names where and what. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly where: { file?: string; field?: string; value?: unknown } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * What a request or flag names does not exist (an unknown snapshot id, plan id, cycle or cluster name). Thrown by the
 * store; bad input to the CLI (exit 2), a 404 over HTTP. `latest` of nothing is a ValidationError instead: the
 * name is fine, there is just nothing stored yet.
 */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    message: string,
    readonly where: { field?: string; value?: unknown } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Something outside quotaplan failed in a way the user can act on (unreachable server, 403, ...). */
export class ExternalError extends Error {
  override readonly name: string = 'ExternalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Another writer (a collector in another process) kept the store locked for writing longer than this one was
 * willing to wait. An outside failure to the CLI (exit 3); a 503 with Retry-After over HTTP.
 */
export class StoreBusyError extends ExternalError {
  override readonly name: string = 'StoreBusyError';
  constructor(
    message: string,
    /** How long the writer was willing to wait (the store's busy timeout). */
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A service a request reads through (Prometheus) failed: exit 3 to the CLI; over HTTP a 504 when it did not answer
 * in time, else a 502 (unreachable, refused, or an answer that is not its API's).
 */
export class UpstreamError extends ExternalError {
  override readonly name: string = 'UpstreamError';
  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A state the user asked for cannot be reached (infeasible plan, approving an approved cycle, ...). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A bug in quotaplan. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Exit code for each error kind: 2 bad input (or a name that names nothing), 3 external failure, 4 conflict, 70 internal. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ValidationError || error instanceof NotFoundError) return 2;
  if (error instanceof ExternalError) return 3;
  if (error instanceof ConflictError) return 4;
  return 70;
}
