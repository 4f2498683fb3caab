/**
 * The throwaway PostgreSQL server of test/support/postgres.ts leaves nothing behind: a test process killed with
 * SIGKILL (no cleanup of its own runs) takes its server down with it, and its temp directory. A real server: run under the heavy-test lock.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, it } from 'node:test';

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the test PostgreSQL server', () => {
  it('stops when the test process that started it is killed', async () => {
    const script = `
      import { freshDatabase, postgresDirectory } from ${JSON.stringify(new URL('../support/postgres.ts', import.meta.url).href)};
      const url = await freshDatabase();
      process.stdout.write(JSON.stringify({ url, dir: await postgresDirectory() }) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const started = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', (code) => reject(new Error(`the child exited ${code} before starting a server`)));
    });
    const { url, dir } = JSON.parse(started) as { url: string; dir: string };
    const port = Number(new URL(url).port);
    assert.equal(await listening(port), true);
    assert.equal(existsSync(dir), true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The server's shell sees its pipe close and stops the server (a fast shutdown): wait for the port to close.
    let open = true;
    for (let tries = 0; tries < 200 && open; tries += 1) {
      open = await listening(port);
      if (open) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(open, false);
    for (let tries = 0; tries < 200 && existsSync(dir); tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(existsSync(dir), false);
  });
});
