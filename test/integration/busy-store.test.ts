/**
 * Writers wait their turn while another process holds the database's write lock (a collector saving a large
 * snapshot), without blocking anything else: the CLI waits and succeeds, the server keeps answering other requests
 * while a write waits, and a write that waited longer than the busy timeout is a 503 with Retry-After.
 * The other process is real (test/support/hold-write-lock.ts), and so are the CLI and `quotaplan serve`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, runCli, type CliResult } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-busy-'));
const db = join(dir, 'quotaplan.db');
const TOKEN = 'busy-store-test-token-0123456789';
const quotaplan = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli([...args, '--db', db], { cwd: dir, env });
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function tsx(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script, ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  return child;
}

/** Resolves with the first match of `pattern` in the child's `stream`. */
function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child[stream]?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match !== null) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`${stream} never matched ${pattern} (exit ${code}): ${seen}`)));
  });
}

/** Another process holds the write lock for `ms` milliseconds (or until `release()`) from when this resolves. */
async function holdWriteLock(ms: number | 'until-told'): Promise<{ released: Promise<void>; release: () => void }> {
  const holder = tsx(fileURLToPath(new URL('../support/hold-write-lock.ts', import.meta.url)), [db, String(ms)]);
  const released = waitFor(holder, 'stdout', /released/).then(() => undefined);
  await waitFor(holder, 'stdout', /holding/);
  return { released, release: () => holder.stdin?.end('release\n') };
}

/** Resolves once process `pid` has the database file open (Linux /proc): it is about to read or write it. */
async function openedDatabase(pid: number): Promise<void> {
  const target = (fd: string): string | null => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return null; // closed meanwhile
    }
  };
  while (!readdirSync(`/proc/${pid}/fd`).some((fd) => target(fd) === db)) await new Promise((resolve) => setTimeout(resolve, 50));
}

before(async () => {
  for (const args of [
    ['collect', '--from-file', join(REPO_ROOT, 'test/fixtures/cluster-mixed-gpu.json'), '--cluster', 'lab', '--taken-at', '2026-10-01T00:00:00Z'],
    ['plan', '--teams', join(REPO_ROOT, 'examples/teams.yaml'), '--save', '-o', 'json'],
    ['cycle', 'start', '--cycle', '2026-Q4', '--plan', '1', '--by', 'planner'],
  ]) {
    const result = await quotaplan(args);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  }
});

describe('a writer while another process holds the write lock', () => {
  it('cycle submit waits for the lock and succeeds', async () => {
    // The lock is taken before the CLI starts and let go only after the CLI has opened the database and had time
    // to reach its write; the CLI waits up to a minute here ($QUOTAPLAN_BUSY_TIMEOUT_MS).
    const { released, release } = await holdWriteLock('until-told');
    const cli = tsx(join(REPO_ROOT, 'src/cli.ts'), ['cycle', 'submit', '--cycle', '2026-Q4', '--by', 'planner', '--db', db], { QUOTAPLAN_BUSY_TIMEOUT_MS: '60000' });
    let stdout = '';
    let stderr = '';
    cli.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    cli.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    await Promise.race([openedDatabase(cli.pid as number), exited]);
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 3000)), exited]);
    release();
    await released;
    assert.equal(await exited, 0, stderr);
    assert.equal(stdout, 'cycle 2026-Q4 (cluster lab) is in-review, plan 1\n');
  });

  it('names a bad QUOTAPLAN_BUSY_TIMEOUT_MS', async () => {
    const refused = await quotaplan(['cycle', 'submit', '--cycle', '2026-Q4', '--by', 'planner'], { QUOTAPLAN_BUSY_TIMEOUT_MS: '5s' });
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, 'quotaplan: QUOTAPLAN_BUSY_TIMEOUT_MS must be a whole number of milliseconds below 10000000, got "5s"\n');
  });

  it('over HTTP: other requests are answered while a write waits; a write that waited too long is a 503 with Retry-After', async () => {
    const server = tsx(join(REPO_ROOT, 'src/cli.ts'), ['serve', '--db', db, '--port', '0', '--token', TOKEN]);
    const [, url] = await waitFor(server, 'stderr', /dashboard at (http:\/\/[^ ]+)\//);
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    try {
      // Held past the server's 5 s busy timeout.
      const { released } = await holdWriteLock(9000);
      const finished: string[] = [];
      const approving = post('/api/reviews/2026-Q4/approve', { planId: 1, by: 'head-of-ml' }).then((response) => {
        finished.push('approve');
        return response;
      });
      // Sent after the approval started waiting: answered first, the waiting write blocks nothing.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const meta = await fetch(`${url}/api/snapshots`);
      finished.push('snapshots');
      assert.equal(meta.status, 200);
      const approve = await approving;
      assert.deepEqual(finished, ['snapshots', 'approve']);
      assert.equal(approve.status, 503);
      assert.equal(approve.headers.get('retry-after'), '5');
      assert.deepEqual(await approve.json(), {
        error: `database ${db} is busy: another process kept it locked for writing longer than 5000 ms`,
        field: null,
      });
      await released;

      // Held for a while (under the 5 s timeout): the save waits its turn and is stored, and the server answers
      // meanwhile. The same plan is computed once first, so the save's own work is short and it is soon waiting.
      assert.equal((await post('/api/what-if', { plan: '1' })).status, 200);
      const { released: releasedAgain } = await holdWriteLock(4000);
      const order: string[] = [];
      const saving = post('/api/plans', { plan: '1' }).then((response) => {
        order.push('save');
        return response;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await fetch(`${url}/api/meta`)).status, 200);
      order.push('meta');
      const saved = await saving;
      assert.equal(saved.status, 201, await saved.clone().text());
      assert.deepEqual(order, ['meta', 'save']);
      await releasedAgain;
      const approved = await post('/api/reviews/2026-Q4/approve', { planId: 1, by: 'head-of-ml' });
      assert.equal(approved.status, 200, await approved.clone().text());
    } finally {
      server.kill('SIGTERM');
    }
  });
});
