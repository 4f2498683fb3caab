/**
 * A throwaway PostgreSQL server for tests: Debian's postgresql 15 binaries (`initdb`, `postgres`), a data directory
 * in a temp dir, a free port on 127.0.0.1, started once per test process and reused by its tests, each test in a
 * database of its own (`freshDatabase()`). Never the machine's default cluster.
 *
 * PostgreSQL refuses to run as root, and CI runs the tests as root: there the server runs as `nobody` (runuser),
 * owning its data directory. It is started under a shell that holds the read end of a pipe from this process:
 * when this process ends in any way (SIGKILL included), the pipe closes, the shell's `read` returns and the server
 * is stopped and its directory removed, so no server outlives its tests. `stopPostgres()` does the same at once.
 *
 * Run test files that use it under the heavy-test lock (COMMON.md): it is a real server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = process.env.QUOTAPLAN_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const NOBODY_UID = 65534;
const NOBODY_GID = 65534;

interface Server {
  dir: string;
  port: number;
  child: ChildProcess;
}

let server: Promise<Server> | null = null;
let databases = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const asRoot = process.getuid?.() === 0;
/** The command run as the server's user: `nobody` when the tests run as root. */
const asServerUser = (argv: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'nobody', '--', ...argv]] : [argv[0] as string, argv.slice(1)]);

async function start(): Promise<Server> {
  if (!existsSync(join(BIN, 'postgres'))) throw new Error(`no PostgreSQL at ${BIN} (apt-get install postgresql, or set QUOTAPLAN_PG_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'quotaplan-pg-'));
  if (asRoot) chownSync(dir, NOBODY_UID, NOBODY_GID);
  const data = join(dir, 'data');
  const [initCommand, initArgs] = asServerUser([join(BIN, 'initdb'), '-D', data, '-U', 'quotaplan', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8', cwd: dir });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr}`);
  const port = await freePort();
  // fsync off: a throwaway server whose data dies with the test.
  const postgres = [join(BIN, 'postgres'), '-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
  // $0 is the directory to remove once the server stopped (the server's user owns it).
  const script = `"$@" & pid=$!; read _; kill -INT $pid; wait $pid; rm -rf "$0"`;
  const [command, args] = asServerUser(['sh', '-c', script, dir, ...postgres]);
  const child = spawn(command, args, { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  // The pipe must not keep this process alive.
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  child.unref();
  for (let tries = 0; ; tries += 1) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'quotaplan', database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (tries > 300 || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { dir, port, child };
}

/** The temp directory of this process's server (its data and socket), once started. */
export async function postgresDirectory(): Promise<string | null> {
  return server === null ? null : (await server).dir;
}

/** The base URL of the test process's server (started on first use). */
async function baseUrl(): Promise<string> {
  server ??= start();
  const { port } = await server;
  return `postgres://quotaplan@127.0.0.1:${port}`;
}

/** A new, empty database on the test server, as a `postgres://` URL. */
export async function freshDatabase(): Promise<string> {
  const base = await baseUrl();
  const name = `t${process.pid}_${(databases += 1)}`;
  const client = new pg.Client({ connectionString: `${base}/postgres` });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return `${base}/${name}`;
}

/** Stops the server (it would also stop when this process ends) and removes its directory. */
export async function stopPostgres(): Promise<void> {
  if (server === null) return;
  const { child, dir } = await server;
  server = null;
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin?.end();
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
