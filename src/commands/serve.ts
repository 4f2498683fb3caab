/**
 * `quotaplan serve [--host H] [--port N] [--db F] [--token T] [--trusted-auth-header NAME]`: the dashboard and its
 * JSON API over an existing database. Loopback by default, where reading is open; changes need the token (or the
 * trusted proxy header). Beyond loopback every request needs one of them, and the server refuses to start without.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ValidationError } from '../errors.js';
import { createApp } from '../server/app.js';
import { DEFAULT_HOST, isLoopback, listen, loopbackHostNames } from '../server/listen.js';
import { openStore } from '../store/open.js';
import { busyTimeoutFromEnvironment, dbOption } from './options.js';
import { addPrometheusOptions, measureUseFrom, type PrometheusFlags } from './prometheus-options.js';

export interface ServeFlags extends Partial<PrometheusFlags> {
  host: string;
  port: number;
  db: string;
  token?: string;
  trustedAuthHeader?: string;
}

export function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError(`expected a port number 0-65535, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function tokenOption(): Option {
  return new Option('--token <token>', 'bearer token that authorizes changes (saving plans)').env('QUOTAPLAN_TOKEN');
}

export function serveCommand(): Command {
  return addPrometheusOptions(new Command('serve'))
    .addOption(new Option('--host <host>', 'address to bind').default(DEFAULT_HOST))
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').env('QUOTAPLAN_PORT').argParser(parsePort).default(8080))
    .addOption(dbOption())
    .addOption(tokenOption())
    .option('--trusted-auth-header <name>', 'trust this header (set by an authenticating proxy, e.g. X-Forwarded-User) as the user')
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: ServeFlags) => {
      await runServe(flags, { signal: shutdownSignal() });
    });
}

/** Resolves on SIGINT or SIGTERM. */
export function shutdownSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Serves until `signal` resolves. Split from the command so `quotaplan demo` and tests reuse it. */
export async function runServe(flags: ServeFlags, options: { signal: Promise<void>; onListening?: (url: string) => void }): Promise<void> {
  const loopback = isLoopback(flags.host);
  if (!loopback && flags.token !== undefined && flags.token.length < 16) {
    throw new ValidationError('--token must be at least 16 characters when serving beyond loopback', { field: '--token' });
  }
  if (!loopback && flags.token === undefined && flags.trustedAuthHeader === undefined) {
    throw new ValidationError(
      `refusing to serve on ${flags.host} without --token or --trusted-auth-header: anyone who can reach it could read the cluster's data`,
      { field: '--host', value: flags.host },
    );
  }
  const measure = flags.prometheus === undefined ? undefined : measureUseFrom(flags as PrometheusFlags);
  const store = await openStore({ file: flags.db, create: false, ...busyTimeoutFromEnvironment() });
  try {
    const app = createApp({
      store,
      clock: () => new Date(),
      token: flags.token,
      trustedAuthHeader: flags.trustedAuthHeader,
      allowedHosts: loopback ? loopbackHostNames(flags.host) : undefined,
      readersNeedAuth: !loopback,
      measure,
    });
    const server = await listen(app, { host: flags.host, port: flags.port });
    const writable = flags.token !== undefined || flags.trustedAuthHeader !== undefined;
    process.stderr.write(
      `quotaplan: dashboard at ${server.url}/ (database ${store.location}; ${writable ? 'changes need the token' : 'read-only: no --token'})\n`,
    );
    options.onListening?.(server.url);
    await options.signal;
    await server.close();
  } finally {
    await store.close();
  }
}
