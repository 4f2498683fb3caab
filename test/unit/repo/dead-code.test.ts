/**
 * No dead exports, unused files or unlisted dependencies (knip, configured in knip.json: the tests, bench/, scripts/
 * and web/ are entry points, so an export only they use still counts as used). A failure names each item.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('dead code', () => {
  it('knip finds nothing unused or unlisted', () => {
    const run = spawnSync(process.execPath, [`${REPO_ROOT}node_modules/knip/bin/knip.js`, '--no-progress', '--no-config-hints'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    assert.equal(`${run.stdout}${run.stderr}`, '');
    assert.equal(run.status, 0);
  });
});
