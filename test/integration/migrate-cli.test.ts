/** `quotaplan migrate`: the empty database a dashboard can start on before the first collection. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';

describe('quotaplan migrate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'quotaplan-migrate-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('creates a missing database with the current schema, then leaves it as it is', async () => {
    const db = join(dir, 'quotaplan.db');
    assert.equal(existsSync(db), false);
    const created = await runCli(['migrate', '--db', db], { cwd: dir });
    assert.deepEqual(created, { code: 0, stdout: `database ${db} created: schema up to date\n`, stderr: '' });
    const listed = await runCli(['snapshots', '--db', db, '-o', 'json'], { cwd: dir });
    assert.deepEqual(listed, { code: 0, stdout: '[]\n', stderr: '' });
    const again = await runCli(['migrate'], { cwd: dir, env: { QUOTAPLAN_DB: db } });
    assert.deepEqual(again, { code: 0, stdout: `database ${db} migrated: schema up to date\n`, stderr: '' });
  });
});
