/**
 * The built CLI loads only what a command needs. Each run records every module Node's loader actually loads
 * (test/support/record-modules.mjs, an ESM loader hook); dist/meta.json, esbuild's own record of the build, says
 * which source files each loaded bundle file holds. A command that never talks to a cluster must not load
 * @kubernetes/client-node, by far the largest part of the bundle.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuilt, REPO_ROOT, runCli, type CliResult } from '../support/cli.js';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/cluster-mixed-gpu.json');
const TEAMS = join(REPO_ROOT, 'examples/teams.yaml');
const RECORDER = fileURLToPath(new URL('../support/record-modules.mjs', import.meta.url));
const CLIENT_NODE = 'node_modules/@kubernetes/client-node/';

interface BuildRecord {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

interface Loaded {
  run: CliResult;
  /** Source files (repo-relative: `src/...`, `node_modules/<package>/...`) the process loaded. */
  sources: Set<string>;
}

let dir: string;
let record: BuildRecord;
let runs = 0;

/** Runs the CLI with the recorder and resolves every loaded file to the sources it holds. */
async function loadedBy(args: string[]): Promise<Loaded> {
  const file = join(dir, `modules-${++runs}.txt`);
  const run = await runCli(args, { cwd: dir, nodeOptions: ['--import', pathToFileURL(RECORDER).href], env: { QUOTAPLAN_RECORD_MODULES: file } });
  const dist = pathToFileURL(join(REPO_ROOT, 'dist/')).href;
  const root = pathToFileURL(REPO_ROOT).href;
  const sources = new Set<string>();
  for (const url of readFileSync(file, 'utf8').split('\n').filter((line) => line !== '')) {
    if (url.startsWith(dist)) {
      const output = record.outputs[url.slice(dist.length)];
      assert.ok(output, `${url} is not in dist/meta.json`);
      for (const input of Object.keys(output.inputs)) sources.add(input);
    } else if (url.startsWith(root)) {
      sources.add(url.slice(root.length));
    }
  }
  return { run, sources };
}

function clientNodeIn(sources: Set<string>): string[] {
  return [...sources].filter((source) => source.startsWith(CLIENT_NODE));
}

describe('the built CLI loads only what a command needs', () => {
  before(() => {
    ensureBuilt();
    record = JSON.parse(readFileSync(join(REPO_ROOT, 'dist/meta.json'), 'utf8')) as BuildRecord;
    dir = mkdtempSync(join(tmpdir(), 'quotaplan-loading-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("--version prints package.json's version, loading the entry, the program, the command catalog and commander: nothing else", async () => {
    const { run, sources } = await loadedBy(['--version']);
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual({ code: run.code, stdout: run.stdout }, { code: 0, stdout: `${version}\n` });
    assert.deepEqual(
      [...sources].filter((source) => !source.startsWith('node_modules/commander/')).sort(),
      ['bin/quotaplan.js', 'package.json', 'src/cli.ts', 'src/commands/catalog.ts', 'src/errors.ts', 'src/program.ts', 'src/terminal-text.ts', 'src/version.ts'],
    );
  });

  test('--help lists every command without loading any of them', async () => {
    const { run, sources } = await loadedBy(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^ {2}collect +read a cluster/m);
    assert.deepEqual([...sources].filter((source) => source.startsWith('src/commands/')), ['src/commands/catalog.ts']);
  });

  test('inventory --from-file, plan --from-file, rbac and review run without loading @kubernetes/client-node', async () => {
    const inventory = await loadedBy(['inventory', '--from-file', FIXTURE, '-o', 'json']);
    assert.equal(inventory.run.code, 0, inventory.run.stderr);
    assert.ok(inventory.sources.has('src/commands/inventory.ts'));
    assert.deepEqual(clientNodeIn(inventory.sources), []);

    const plan = await loadedBy(['plan', '--teams', TEAMS, '--from-file', FIXTURE, '-o', 'json']);
    assert.equal(plan.run.code, 0, plan.run.stderr);
    assert.ok(plan.sources.has('src/plan/build-plan.ts'));
    assert.deepEqual(clientNodeIn(plan.sources), []);

    const rbac = await loadedBy(['rbac']);
    assert.equal(rbac.run.code, 0, rbac.run.stderr);
    assert.deepEqual(clientNodeIn(rbac.sources), []);

    const db = join(dir, 'demo.db');
    const seeded = await runCli(['demo', '--no-serve', '--db', db], { cwd: dir });
    assert.equal(seeded.code, 0, seeded.stderr);
    const review = await loadedBy(['review', '--cycle', 'latest', '--db', db, '-o', 'json']);
    assert.equal(review.run.code, 0, review.run.stderr);
    assert.ok(review.sources.has('src/commands/review.ts'));
    assert.deepEqual(clientNodeIn(review.sources), []);
  });

  test('collect from a dump does not load the client; collect from a cluster does (the recorder sees it)', async () => {
    const fromFile = await loadedBy(['collect', '--from-file', FIXTURE, '--db', join(dir, 'collect.db')]);
    assert.equal(fromFile.run.code, 0, fromFile.run.stderr);
    assert.deepEqual(clientNodeIn(fromFile.sources), []);
    // A SQLite --db never loads the PostgreSQL store or its driver (both are in the build, in chunks of their own).
    const built = Object.values(record.outputs).flatMap((output) => Object.keys(output.inputs));
    assert.ok(built.includes('src/store/postgres/pg-store.ts') && built.some((source) => source.startsWith('node_modules/pg/')));
    assert.deepEqual([...fromFile.sources].filter((source) => source.startsWith('src/store/postgres/') || source.startsWith('node_modules/pg')), []);

    const missing = join(dir, 'no-such-kubeconfig');
    const live = await loadedBy(['collect', '--kubeconfig', missing, '--db', join(dir, 'collect.db')]);
    assert.equal(live.run.stderr, `quotaplan: kubeconfig file ${missing} does not exist (from --kubeconfig)\n`);
    assert.equal(live.run.code, 2);
    assert.ok(live.sources.has(`${CLIENT_NODE}dist/config.js`));
  });
});
