/**
 * A real Prometheus (Debian's package: /usr/bin/prometheus and /usr/bin/promtool, 2.42) loaded with the generated
 * quarter of dcgm-exporter series (dcgm-series.ts).
 *
 * Blocks are built once and kept in the system's temp directory under a name that hashes the generator's source
 * and promtool's version, so every test file of a run (and later runs) reuses them. promtool 2.42 writes 2-hour
 * blocks and reads its whole input once per block, so the input is written one UTC day per file (12 blocks each):
 * one pass over the quarter in all, instead of one per block. Each server gets its own copy of the blocks (it
 * writes a WAL and a lock beside them), a free port, and is stopped by its test. A server can be given more
 * configuration (a remote_read that answers nothing, so every query comes back with warnings) and a web
 * configuration (TLS with a throwaway CA, basic auth).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { openMetrics } from './dcgm-series.js';

export const PROMETHEUS = process.env.QUOTAPLAN_PROMETHEUS ?? '/usr/bin/prometheus';
export const PROMTOOL = process.env.QUOTAPLAN_PROMTOOL ?? '/usr/bin/promtool';

function requireBinaries(): void {
  for (const binary of [PROMETHEUS, PROMTOOL]) {
    if (!existsSync(binary)) {
      throw new Error(`${binary} not found: apt-get install -y --no-install-recommends prometheus (or set QUOTAPLAN_PROMETHEUS / QUOTAPLAN_PROMTOOL)`);
    }
  }
}

/** The directory of TSDB blocks holding the generated series, built on first use. */
export function dcgmBlocks(): string {
  requireBinaries();
  const source = readFileSync(fileURLToPath(new URL('./dcgm-series.ts', import.meta.url)), 'utf8');
  const version = execFileSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
  const key = createHash('sha256').update(source).update(version).digest('hex').slice(0, 16);
  const done = join(tmpdir(), `quotaplan-dcgm-blocks-${key}`);
  if (existsSync(done)) return done;

  const work = mkdtempSync(join(tmpdir(), 'quotaplan-dcgm-build-'));
  try {
    const inputs = join(work, 'input');
    const blocks = join(work, 'blocks');
    mkdirSync(inputs);
    mkdirSync(blocks);
    for (const [day, text] of splitByDay(openMetrics())) {
      const file = join(inputs, `${day}.om`);
      writeFileSync(file, text);
      execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', file, blocks], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
    try {
      renameSync(blocks, done);
    } catch (error) {
      // Another test process built them first: theirs are the same.
      if (!existsSync(done)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return done;
}

/** OpenMetrics text split into one document per UTC day, families kept in order. */
function splitByDay(text: string): Map<number, string> {
  const days = new Map<number, { lines: string[]; family: string | null }>();
  let family = '';
  for (const line of text.split('\n')) {
    if (line === '' || line === '# EOF') continue;
    if (line.startsWith('# TYPE')) {
      family = line;
      continue;
    }
    const seconds = Number(line.slice(line.lastIndexOf(' ') + 1));
    const day = Math.floor(seconds / 86_400);
    let entry = days.get(day);
    if (entry === undefined) days.set(day, (entry = { lines: [], family: null }));
    if (entry.family !== family) {
      entry.lines.push(family);
      entry.family = family;
    }
    entry.lines.push(line);
  }
  return new Map([...days].map(([day, entry]) => [day, `${entry.lines.join('\n')}\n# EOF\n`]));
}

/** A free port on 127.0.0.1 (bound, then closed) for a server to listen on. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  /** SIGSTOP: the server keeps its socket (connections are accepted by the kernel) but answers nothing: a slow server. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface PrometheusServerOptions {
  blocks: string;
  /** Extra flags (e.g. `--query.max-samples=1000`). */
  args?: string[];
  /** prometheus.yml beyond `global: {}` (e.g. a `remote_read` section). */
  config?: string;
  /**
   * `--web.config.file` (Prometheus's exporter-toolkit): TLS and basic auth. `tls` serves https with this
   * certificate; the readiness check then trusts `tls.ca` and takes a 401 as up.
   */
  web?: { tls?: { cert: string; key: string; ca: string }; basicAuthUsers?: Record<string, string> };
}

/** Starts prometheus over a copy of the blocks. */
export async function startPrometheus(options: PrometheusServerOptions): Promise<RunningPrometheus> {
  requireBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'quotaplan-prometheus-'));
  const data = join(dir, 'data');
  cpSync(options.blocks, data, { recursive: true });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, `global: {}\n${options.config ?? ''}`);
  const webArgs: string[] = [];
  if (options.web !== undefined) {
    const web = join(dir, 'web.yml');
    const lines: string[] = [];
    if (options.web.tls !== undefined) lines.push('tls_server_config:', `  cert_file: ${JSON.stringify(options.web.tls.cert)}`, `  key_file: ${JSON.stringify(options.web.tls.key)}`);
    if (options.web.basicAuthUsers !== undefined) {
      lines.push('basic_auth_users:', ...Object.entries(options.web.basicAuthUsers).map(([user, hash]) => `  ${JSON.stringify(user)}: ${JSON.stringify(hash)}`));
    }
    writeFileSync(web, `${lines.join('\n')}\n`);
    webArgs.push(`--web.config.file=${web}`);
  }
  const port = await freePort();
  const url = `${options.web?.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  const readiness = new Agent(options.web?.tls === undefined ? {} : { connect: { ca: readFileSync(options.web.tls.ca, 'utf8') } });
  let log = '';
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      // The data is months old: keep it, and do not spend the test's CPU compacting a thousand 2-hour blocks.
      '--storage.tsdb.retention.time=100y',
      '--storage.tsdb.max-block-duration=2h',
      `--web.listen-address=127.0.0.1:${port}`,
      ...webArgs,
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    }
    await readiness.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
    }
    try {
      const response = await request(`${url}/-/ready`, { dispatcher: readiness });
      await response.body.text();
      // Behind basic auth every path answers 401 to a request without credentials: the server is up.
      if (response.statusCode === 200 || response.statusCode === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus at ${url} not ready after 120 s: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop,
  };
}

/** A port nothing listens on (bound, then closed): a Prometheus that is down. */
export async function closedPort(): Promise<number> {
  return freePort();
}
