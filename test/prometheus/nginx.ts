/**
 * A real nginx (Debian's `nginx-light`, /usr/sbin/nginx) in front of a Prometheus as the token-checking reverse
 * proxy of the field (kube-rbac-proxy, oauth2-proxy, nginx): every request without `Authorization: Bearer <token>`
 * gets 401, every other one is passed to Prometheus. A throwaway: its configuration, logs, temp files and pid live
 * in its own temp directory, one process (`master_process off`: no workers to orphan, no switch of user), a free
 * port, stopped by its test like the Prometheus servers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from './harness.js';

export const NGINX = process.env.QUOTAPLAN_NGINX ?? '/usr/sbin/nginx';

export interface RunningNginx {
  url: string;
  stop(): Promise<void>;
}

/** Starts nginx on 127.0.0.1 asking for `Bearer <token>` and passing what has it to `upstream` (an http URL). */
export async function startTokenProxy(options: { upstream: string; token: string }): Promise<RunningNginx> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} not found: apt-get install -y --no-install-recommends nginx-light (or set QUOTAPLAN_NGINX)`);
  if (!/^[A-Za-z0-9._~+/=-]+$/.test(options.token)) throw new Error(`token ${JSON.stringify(options.token)}: use token68 characters only`);
  const dir = mkdtempSync(join(tmpdir(), 'quotaplan-nginx-'));
  const port = await freePort();
  const at = (name: string): string => JSON.stringify(join(dir, name));
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'master_process off;',
      `error_log ${at('error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      `  access_log ${at('access.log')};`,
      `  client_body_temp_path ${at('client_body')};`,
      `  proxy_temp_path ${at('proxy')};`,
      `  fastcgi_temp_path ${at('fastcgi')};`,
      `  uwsgi_temp_path ${at('uwsgi')};`,
      `  scgi_temp_path ${at('scgi')};`,
      '  map $http_authorization $token_ok {',
      '    default 0;',
      `    ${JSON.stringify(`Bearer ${options.token}`)} 1;`,
      '  }',
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    location / {',
      '      if ($token_ok = 0) { return 401; }',
      `      proxy_pass ${options.upstream};`,
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn(
    NGINX,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nginx exited with ${child.exitCode}: ${log}`);
    }
    try {
      const response = await request(`${url}/-/ready`);
      await response.body.text();
      // No token: nginx itself answers 401 once it listens.
      if (response.statusCode === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx at ${url} not ready after 30 s: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop };
}
