/**
 * The repository stands alone: a fresh clone with nothing beside it must pass `npm test` and run the README's
 * commands. So no tracked file (test, example, README, script) may point at a sibling folder such as ../shared.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// A path leaving the repository towards the steering folder, in any spelling a test or script would use.
const OUTSIDE = /(\.\.\/)+shared\/|\/work\/shared\b/;

function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return listed.split('\0').filter((file) => file !== '' && !/\.(db|png|bin|pb)$/.test(file));
}

describe('the repository stands alone', () => {
  it('no tracked file refers to a folder beside the repository', () => {
    const offenders = trackedTextFiles().filter((file) => {
      // Files deleted in the work tree but still tracked are not read by anything.
      try {
        return OUTSIDE.test(readFileSync(join(REPO_ROOT, file), 'utf8'));
      } catch {
        return false;
      }
    });
    assert.deepEqual(offenders, []);
  });
});
