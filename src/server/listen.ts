/**
 * Serving an app on a socket: used by `quotaplan serve`, `quotaplan demo` and the end-to-end tests.
 * Loopback unless a host is given; the host names a loopback server answers to are pinned (DNS rebinding).
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { ExternalError } from '../errors.js';

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Host names a loopback-bound server answers to: anything else is a foreign name resolving to 127.0.0.1. */
export function loopbackHostNames(host: string): string[] {
  return [...new Set(['127.0.0.1', 'localhost', '[::1]', host.includes(':') && !host.startsWith('[') ? `[${host}]` : host])].sort();
}

/** Starts listening; resolves once the port is bound (port 0 picks a free one). */
export function listen(app: Hono, options: { host?: string; port?: number } = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, (info: AddressInfo) => {
      const urlHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${urlHost}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new ExternalError(`cannot listen on ${host}:${options.port ?? 0}: ${error.message}`, { cause: error }));
    });
  });
}
