/**
 * Turning transport failures into messages a user can act on: which server, which credentials, which missing
 * permission, and what to run next.
 */
import { ExternalError } from '../errors.js';
import { isRetryable } from './retry.js';
import { ApiNetworkError, ApiResponseError } from './transport.js';

export interface FailureContext {
  /** The verb quotaplan sent (`list`). */
  verb: string;
  group: string;
  resource: string;
  server: string;
  context: string;
  /** How many tries were made before giving up (for retryable failures). */
  attempts: number;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Already-explained errors (ExternalError and friends) pass through unchanged. */
export function describeApiFailure(error: unknown, where: FailureContext): unknown {
  if (error instanceof ApiResponseError) return describeResponse(error, where);
  if (error instanceof ApiNetworkError) return describeNetwork(error, where);
  return error;
}

function describeResponse(error: ApiResponseError, where: FailureContext): ExternalError {
  const detail = error.status?.message ?? '';
  if (error.statusCode === 401) {
    return new ExternalError(
      `the API server at ${where.server} rejected the credentials of context "${where.context}" (HTTP 401 Unauthorized)` +
        `${detail ? `: ${detail}` : ''}; the token or client certificate is missing, expired or unknown to the cluster`,
      { cause: error },
    );
  }
  if (error.statusCode === 403) {
    const missing = missingPermission(error, where);
    const group = missing.group === '' ? '"" (core)' : `"${missing.group}"`;
    return new ExternalError(
      `forbidden: the identity of context "${where.context}" may not ${missing.verb} ${missing.resource} ` +
        `(API group ${group}) at ${where.server}${detail ? `: ${detail}` : ''}; ` +
        // Only `collect --watch` watches; its role is the one-shot role plus `watch`.
        `grant the read-only ClusterRole printed by \`quotaplan rbac${missing.verb === 'watch' ? ' --watch' : ''}\``,
      { cause: error },
    );
  }
  const tries = isRetryable(error) ? ` after ${where.attempts} attempts` : '';
  return new ExternalError(
    `${where.verb} ${where.resource} at ${where.server} failed${tries}: HTTP ${error.statusCode}` +
      `${error.status?.reason ? ` ${error.status.reason}` : ''}${detail ? `: ${detail}` : ''}`,
    { cause: error },
  );
}

/**
 * The verb and resource refused. The Status details carry the resource (`details.kind` holds the plural resource
 * and `details.group` the group, apiserver `endpoints/handlers/responsewriters` `forbidden`); the verb is only in
 * the message ("cannot list resource ..."), so ours is the fallback.
 */
export function missingPermission(error: ApiResponseError, where: Pick<FailureContext, 'verb' | 'group' | 'resource'>): {
  verb: string;
  group: string;
  resource: string;
} {
  const details = error.status?.details;
  const verb = /cannot (\w+) resource/.exec(error.status?.message ?? '')?.[1] ?? where.verb;
  return {
    verb,
    group: details?.group ?? where.group,
    resource: details?.kind ?? where.resource,
  };
}

function describeNetwork(error: ApiNetworkError, where: FailureContext): ExternalError {
  if (unreachableCodes.has(error.code)) {
    return new ExternalError(
      `cannot reach the Kubernetes API server at ${where.server} (context "${where.context}"): ${error.code}; ` +
        'check the server address in the kubeconfig and that the cluster is up',
      { cause: error },
    );
  }
  if (error.code.startsWith('ERR_TLS') || error.code.includes('CERT') || error.code.includes('SELF_SIGNED')) {
    return new ExternalError(
      `TLS with the API server at ${where.server} failed (${error.code}); check certificate-authority(-data) ` +
        `and tls-server-name of context "${where.context}"`,
      { cause: error },
    );
  }
  const tries = isRetryable(error) ? ` after ${where.attempts} attempts` : '';
  return new ExternalError(`${where.verb} ${where.resource} at ${where.server} failed${tries}: ${error.message}`, { cause: error });
}
