/**
 * better-sqlite3's install script (prebuild-install) downloads a prebuilt native module from GitHub, which this
 * machine and CI cannot reach, and then compiles SQLite from source: minutes on two busy cores, for every install a
 * test makes. prebuild-install also looks in a local folder first (`npm_config_better_sqlite3_local_prebuilds`, its
 * documented offline mirror). This packs the checkout's own module, compiled by `npm ci` for the Node running the
 * tests, into that folder under the name prebuild-install asks for, so each install runs the real install script
 * and finds the same binary a download would have given.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/cli.js';

/** The environment that points prebuild-install at the folder; merge it into npm's environment. */
export function localPrebuildFor(dir: string): Record<string, string> {
  const module = join(REPO_ROOT, 'node_modules/better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(module, 'package.json'), 'utf8')) as { version: string };
  const folder = join(dir, 'prebuilds');
  mkdirSync(folder, { recursive: true });
  const file = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', join(folder, file), '-C', module, 'build/Release/better_sqlite3.node']);
  return { npm_config_better_sqlite3_local_prebuilds: folder };
}
