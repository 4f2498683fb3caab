/**
 * Runs the real CLI in a child process, as a user would: `bin/quotaplan.js`, which runs the build in dist/. Before
 * the first run in a test process, dist/ is rebuilt if it was built from other sources than the checkout's (see
 * scripts/build-inputs.ts), so the tests exercise what ships and a stale build can never stand in for the sources.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { distIsCurrent } from '../../scripts/build-inputs.js';

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The command users run (and `npm install -g` links as `quotaplan` and `kubectl-quotaplan`). */
export const CLI_BIN = join(REPO_ROOT, 'bin/quotaplan.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let built = false;

/** Builds dist/ when it does not match the sources (scripts/build.ts takes a lock: test files run in parallel). */
export function ensureBuilt(): void {
  if (built) return;
  if (!distIsCurrent()) {
    execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'scripts/build.ts'), '--if-stale'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 2, 2], // stdout of a test file is its TAP stream
    });
  }
  built = true;
}

/** The environment a test's CLI runs in: the caller's, less quotaplan's own variables, plus `env`. */
export function cliEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['QUOTAPLAN_DB', 'QUOTAPLAN_DEMO_DB', 'QUOTAPLAN_TOKEN', 'QUOTAPLAN_BUSY_TIMEOUT_MS']) delete result[name];
  return { ...result, ...env };
}

export async function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; nodeOptions?: readonly string[] },
): Promise<CliResult> {
  ensureBuilt();
  try {
    const { stdout, stderr } = await run(process.execPath, [...(options.nodeOptions ?? []), CLI_BIN, ...args], {
      cwd: options.cwd,
      env: cliEnvironment(options.env),
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
