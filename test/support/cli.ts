/** Runs the real CLI (`src/cli.ts` through tsx) in a child process, as a user would. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a test's CLI runs in: the caller's, less quotaplan's own variables, plus `env`. */
function cliEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['QUOTAPLAN_DB', 'QUOTAPLAN_DEMO_DB', 'QUOTAPLAN_TOKEN', 'QUOTAPLAN_BUSY_TIMEOUT_MS']) delete result[name];
  return { ...result, ...env };
}

export async function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'src/cli.ts'), ...args], {
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
