/**
 * The first review a newcomer asks for (issue 21 item 5): right after a first plan, with one snapshot in the
 * cycle, then two. Each message says what to do next, and counts read as English.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, type CliResult } from '../support/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/cluster-mixed-gpu.json', import.meta.url));
const TEAMS = fileURLToPath(new URL('../../examples/teams.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quotaplan-first-review-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'quotaplan.db');
const quotaplan = (...args: string[]): Promise<CliResult> => runCli([...args, '--db', db], { cwd: dir });

async function ok(...args: string[]): Promise<CliResult> {
  const run = await quotaplan(...args);
  assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
  return run;
}

describe('the first review', () => {
  it('right after a first plan, says there is no cycle yet and how to start one (exit 2)', async () => {
    await ok('collect', '--from-file', FIXTURE, '--cluster', 'lab', '--taken-at', '2026-10-01T00:00:00Z');
    await ok('plan', '--teams', TEAMS, '--save');
    const review = await quotaplan('review', '--cycle', 'latest');
    assert.equal(review.code, 2);
    assert.equal(
      review.stderr,
      'quotaplan: cluster lab has no cycle with a plan that has begun: nothing to review yet. A review compares use over a ' +
        'cycle with its quotas: start one on a stored plan (quotaplan cycle start --cycle NAME --plan ID; a started one gets ' +
        'its plan with quotaplan cycle plan --cycle NAME --plan ID), collect while it runs, then review it\n',
    );
  });

  it('with one snapshot in the cycle, says a second is needed, not that none covers it', async () => {
    await ok('cycle', 'start', '--cycle', '2026-Q4', '--plan', '1', '--by', 'newcomer');
    const review = await ok('review', '--cycle', 'latest', '-o', 'md');
    assert.match(review.stdout, /^- Only 1 snapshot in this cycle so far: use over time needs a second one \(run quotaplan collect again later\)\.$/m);
    assert.doesNotMatch(review.stdout, /No snapshot covers/);
  });

  it('with two, counts the one snapshot whose requests held over the window in the singular', async () => {
    await ok('collect', '--from-file', FIXTURE, '--cluster', 'lab', '--taken-at', '2026-10-02T00:00:00Z');
    const review = await ok('review', '--cycle', 'latest', '-o', 'md');
    // 2026-10-01 to 10-02: 24 h of the quarter's 92 days (2208 h); the first snapshot holds for all of it.
    assert.match(review.stdout, /^- Use measured from 2026-10-01 00:00 UTC to 2026-10-02 00:00 UTC: 24(\.0+)? h of the cycle's 2208(\.0+)? h, 1 snapshot \(/m);
  });

  it('cycle start --help does not promise an approved cycle the first one cannot have', async () => {
    const help = await runCli(['cycle', 'start', '--help'], { cwd: dir });
    assert.equal(help.code, 0);
    // Commander wraps the description at the terminal width.
    assert.match(help.stdout.replace(/\s+/g, ' '), /start a draft cycle; its teams file starts from the latest approved cycle's, when there is one/);
  });
});
