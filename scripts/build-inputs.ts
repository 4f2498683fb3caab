/**
 * What the build reads, as one hash: every file under src/, package.json and the build scripts. The build records
 * it in dist/build-stamp.json; the tests compare it with the sources they run against, so a stale dist/ is rebuilt
 * before any test runs the compiled CLI, never tested in place of the sources.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot: string = fileURLToPath(new URL('..', import.meta.url));
export const distDir: string = join(repoRoot, 'dist');
export const buildStampFile: string = join(distDir, 'build-stamp.json');

export interface BuildStamp {
  /** sha256 over the path and content of every input, in path order. */
  inputs: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

export function buildInputsHash(root: string = repoRoot): string {
  const files = [
    ...filesUnder(join(root, 'src')),
    ...filesUnder(join(root, 'scripts')),
    join(root, 'package.json'),
  ]
    .map((file) => relative(root, file).split(sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The stamp of the current dist/, or undefined when there is none. */
export function readBuildStamp(): BuildStamp | undefined {
  if (!existsSync(buildStampFile)) return undefined;
  return JSON.parse(readFileSync(buildStampFile, 'utf8')) as BuildStamp;
}

/** Whether dist/ was built from the sources as they are now. */
export function distIsCurrent(): boolean {
  return readBuildStamp()?.inputs === buildInputsHash();
}
