/**
 * A client for the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`), which Prometheus, Thanos, Mimir and
 * VictoriaMetrics all answer. Requests go through undici (Node's fetch engine) so a CA bundle, a bearer token or
 * basic-auth credentials (Prometheus's own `--web.config.file` `basic_auth_users`) can be given; every failure
 * becomes a PrometheusError (an UpstreamError: exit 3, HTTP 502/504) that says what failed: unreachable, an untrusted
 * TLS certificate, too slow, refused (401/403, or 4xx/5xx with Prometheus's own `errorType` and `error`), a query
 * limit hit, or an answer that is not the API's JSON. Sample values stay the strings Prometheus sent: the caller
 * turns them into exact rationals.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { UpstreamError, ValidationError } from '../../errors.js';
import { compareKeys } from '../../text-order.js';

export type PrometheusFailure = 'unreachable' | 'tls' | 'timeout' | 'unauthorized' | 'http' | 'limit' | 'bad-response';

export class PrometheusError extends UpstreamError {
  override readonly name = 'PrometheusError';
  constructor(
    message: string,
    readonly failure: PrometheusFailure,
    options?: { cause?: unknown },
  ) {
    super(message, failure === 'timeout', options);
  }
}

export interface PrometheusOptions {
  /** Base URL, e.g. `http://prometheus:9090` or `https://thanos.example/prefix`. */
  url: string;
  /** Bearer token sent as `Authorization: Bearer ...`. */
  token?: string | undefined;
  /** Basic-auth credentials sent as `Authorization: Basic ...` (not with a token). */
  basicAuth?: { username: string; password: string } | undefined;
  /** PEM bundle of the CA(s) the server's certificate must chain to (added to Node's defaults). */
  ca?: string | undefined;
  /** Per request, client side; also sent as the API's `timeout` so Prometheus stops evaluating too. */
  timeoutMs: number;
  /** Points per range request (default and Prometheus's own limit: 11,000). */
  maxPointsPerQuery?: number;
}

/** One series of a range or instant result: its labels and `[unixSeconds, "value"]` pairs. */
export interface PromSeries {
  metric: Record<string, string>;
  /** Points as Prometheus sent them: seconds since the epoch and the value's text (`"0.35"`, `"NaN"`). */
  values: [number, string][];
}

export interface PromResult {
  series: PromSeries[];
  /** The API's `warnings` (partial data from a store that did not answer, ...): shown, never dropped. */
  warnings: string[];
}

/** Node's codes for a certificate that does not chain to a trusted CA or does not name the host (tls.TLSSocket). */
const TLS_TRUST = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_[A-Z_]+|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** Prometheus refuses a range query of more than 11,000 points per series (web/api/v1/api.go, queryRange). */
export const MAX_POINTS_PER_QUERY = 11_000;

export interface PrometheusClient {
  readonly url: string;
  /** `query_range` from `start` to `end` (both evaluated) every `stepSeconds`; split into requests of at most 11,000 points. */
  queryRange(query: string, range: { start: Date; end: Date; stepSeconds: number }): Promise<PromResult>;
  /** An instant query at `time`. */
  query(query: string, time: Date): Promise<PromResult>;
  close(): Promise<void>;
}

const apiShape = (body: unknown): body is { status: string; data?: { resultType?: string; result?: unknown }; errorType?: string; error?: string; warnings?: unknown } =>
  typeof body === 'object' && body !== null && typeof (body as { status?: unknown }).status === 'string';

export interface PrometheusCredentials {
  token: string | undefined;
  basicAuth: { username: string; password: string } | undefined;
  ca: string | undefined;
}

/**
 * Reads the token, password and CA files named by flags; a file that cannot be read, or two ways to authenticate at
 * once, is bad input naming the flag.
 */
export function readPrometheusCredentials(flags: {
  token?: string | undefined;
  tokenFile?: string | undefined;
  user?: string | undefined;
  passwordFile?: string | undefined;
  ca?: string | undefined;
}): PrometheusCredentials {
  const read = (file: string, flag: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ValidationError(`${file}: cannot read ${flag}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { file, field: flag });
    }
  };
  if (flags.token !== undefined && flags.tokenFile !== undefined) {
    throw new ValidationError('--prometheus-token and --prometheus-token-file: give one of them', { field: '--prometheus-token' });
  }
  if ((flags.user === undefined) !== (flags.passwordFile === undefined)) {
    throw new ValidationError('--prometheus-user and --prometheus-password-file: give both or neither', { field: flags.user === undefined ? '--prometheus-user' : '--prometheus-password-file' });
  }
  if (flags.user !== undefined && (flags.token !== undefined || flags.tokenFile !== undefined)) {
    throw new ValidationError('--prometheus-user and --prometheus-token: give one way to authenticate', { field: '--prometheus-user' });
  }
  if (flags.user !== undefined && (flags.user === '' || flags.user.includes(':'))) {
    // RFC 7617: the user-id of basic auth cannot hold a colon.
    throw new ValidationError(`--prometheus-user: ${JSON.stringify(flags.user)} is not a user name (empty, or holds a ":")`, { field: '--prometheus-user', value: flags.user });
  }
  const token = flags.tokenFile === undefined ? flags.token : read(flags.tokenFile, '--prometheus-token-file').trim();
  const basicAuth =
    flags.user === undefined || flags.passwordFile === undefined
      ? undefined
      : { username: flags.user, password: read(flags.passwordFile, '--prometheus-password-file').replace(/\r?\n$/, '') };
  return { token, basicAuth, ca: flags.ca === undefined ? undefined : read(flags.ca, '--prometheus-ca') };
}

/** `http://host:9090/` -> a URL object; anything else is bad input naming `--prometheus`. */
export function parsePrometheusUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError(`--prometheus: ${JSON.stringify(text)} is not a URL (e.g. http://prometheus:9090)`, { field: '--prometheus', value: text });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`--prometheus: ${JSON.stringify(text)} is not an http or https URL`, { field: '--prometheus', value: text });
  }
  if (url.username !== '' || url.password !== '') {
    // A URL is printed in every message and report: credentials go in files instead.
    throw new ValidationError('--prometheus: put credentials in --prometheus-user and --prometheus-password-file (or --prometheus-token-file), not in the URL', { field: '--prometheus' });
  }
  return url;
}

export function createPrometheusClient(options: PrometheusOptions): PrometheusClient {
  const base = parsePrometheusUrl(options.url);
  const shown = base.origin + base.pathname.replace(/\/$/, '');
  const dispatcher = new Agent({
    ...(options.ca === undefined ? {} : { connect: { ca: options.ca } }),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });

  const authorization =
    options.token !== undefined
      ? `Bearer ${options.token}`
      : options.basicAuth === undefined
        ? undefined
        : `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`, 'utf8').toString('base64')}`;

  async function call(path: string, params: Record<string, string>): Promise<PromResult> {
    const url = new URL(`${base.pathname.replace(/\/$/, '')}/api/v1/${path}`, base);
    const body = new URLSearchParams({ ...params, timeout: `${Math.max(1, Math.floor(options.timeoutMs / 1000))}s` }).toString();
    const what = `Prometheus at ${shown}: ${path} ${JSON.stringify(params.query)}`;
    let status: number;
    let text: string;
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      // AbortSignal.timeout() rejects with a DOMException named TimeoutError (its numeric `code` is 23).
      const name = (error as Error).name;
      const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : name;
      if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        throw new PrometheusError(`${what}: no answer within ${options.timeoutMs / 1000} s (raise --prometheus-timeout, or a larger --prometheus-step reads fewer points)`, 'timeout', { cause: error });
      }
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      if (TLS_TRUST.test(cause ?? code)) {
        throw new PrometheusError(
          `${what}: the server's TLS certificate is not trusted (${cause ?? code}: ${(error as Error).message}); give the CA that signed it with --prometheus-ca`,
          'tls',
          { cause: error },
        );
      }
      throw new PrometheusError(`${what}: cannot connect: ${cause ?? code} ${(error as Error).message}`.trim(), 'unreachable', { cause: error });
    }
    if (status === 401 || status === 403) {
      const given = options.token !== undefined ? 'the --prometheus-token given' : options.basicAuth !== undefined ? `user ${JSON.stringify(options.basicAuth.username)} and its --prometheus-password-file` : 'no credentials';
      throw new PrometheusError(
        `${what}: HTTP ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}: the server refused ${given} (--prometheus-user and --prometheus-password-file, or --prometheus-token[-file])`,
        'unauthorized',
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new PrometheusError(`${what}: HTTP ${status}, not the Prometheus API's JSON: ${JSON.stringify(text.slice(0, 200))}`, status >= 400 ? 'http' : 'bad-response', { cause: error });
    }
    if (!apiShape(parsed)) throw new PrometheusError(`${what}: HTTP ${status}, not the Prometheus API's JSON`, 'bad-response');
    if (parsed.status !== 'success') {
      const message = parsed.error ?? 'no error message';
      // Prometheus answers 422 `execution` "query processing would load too many samples into memory" for
      // --query.max-samples; Thanos and Mimir say "limit" in theirs.
      const limit = /too many samples|limit|exceeded maximum resolution/i.test(message);
      throw new PrometheusError(
        `${what}: HTTP ${status} ${parsed.errorType ?? 'error'}: ${message}` +
          (limit ? ' (a query limit of the server: a larger --prometheus-step, a shorter cycle, or a higher limit on the server)' : ''),
        limit ? 'limit' : 'http',
      );
    }
    if (status >= 400) throw new PrometheusError(`${what}: HTTP ${status}`, 'http');
    const data = parsed.data;
    const warnings = Array.isArray(parsed.warnings) ? parsed.warnings.filter((w): w is string => typeof w === 'string') : [];
    if (data === undefined || !Array.isArray(data.result) || (data.resultType !== 'matrix' && data.resultType !== 'vector')) {
      throw new PrometheusError(`${what}: the answer has no matrix or vector result (resultType ${String(data?.resultType)})`, 'bad-response');
    }
    return { series: data.result.map((entry) => toSeries(entry, data.resultType as string, what)), warnings };
  }

  return {
    url: shown,
    async queryRange(query, range) {
      const step = range.stepSeconds;
      const maxPoints = options.maxPointsPerQuery ?? MAX_POINTS_PER_QUERY;
      const startS = Math.floor(range.start.getTime() / 1000);
      const endS = Math.floor(range.end.getTime() / 1000);
      const merged = new Map<string, PromSeries>();
      const warnings: string[] = [];
      // Chunks of at most maxPoints points, each starting one step after the last one's end.
      for (let chunkStart = startS; chunkStart <= endS; chunkStart += step * maxPoints) {
        const chunkEnd = Math.min(endS, chunkStart + step * (maxPoints - 1));
        const result = await call('query_range', { query, start: String(chunkStart), end: String(chunkEnd), step: String(step) });
        warnings.push(...result.warnings);
        for (const series of result.series) {
          const key = JSON.stringify(Object.entries(series.metric).sort(compareKeys));
          const existing = merged.get(key);
          if (existing === undefined) merged.set(key, series);
          else existing.values.push(...series.values);
        }
      }
      return { series: [...merged.values()], warnings: [...new Set(warnings)] };
    },
    query(query, time) {
      return call('query', { query, time: String(time.getTime() / 1000) });
    },
    close() {
      return dispatcher.close();
    },
  };
}

function toSeries(entry: unknown, resultType: string, what: string): PromSeries {
  const e = entry as { metric?: unknown; values?: unknown; value?: unknown };
  const metric = typeof e.metric === 'object' && e.metric !== null ? (e.metric as Record<string, string>) : {};
  const raw = resultType === 'matrix' ? e.values : [e.value];
  if (!Array.isArray(raw)) throw new PrometheusError(`${what}: a series without values`, 'bad-response');
  const values = raw.map((point): [number, string] => {
    if (!Array.isArray(point) || typeof point[0] !== 'number' || typeof point[1] !== 'string') {
      throw new PrometheusError(`${what}: a point is not [time, "value"]: ${JSON.stringify(point)}`, 'bad-response');
    }
    return [point[0], point[1]];
  });
  return { metric, values };
}
