/**
 * `quotaplan emit` through the command line: a stored snapshot and plan in a database file, the tree and the PR
 * body written to a folder, re-emitting writes nothing, a file of a team that left the plan is removed.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/program.js';
import { openStore } from '../../../src/store/open.js';
import { runPlan } from '../../../src/commands/plan.js';
import { inventory, list, namespace, quota } from './builders.js';

const teamsYaml = `
cycle: 2026-Q4
surplus: hold
teams:
  - name: fraud
    namespaces: [fraud-train, fraud-serve]
    resources:
      nvidia.com/gpu: { demand: "6" }
  - name: nlp
    namespaces: [nlp]
    resources:
      nvidia.com/gpu: { demand: "2" }
`;

describe('quotaplan emit', () => {
  let dir: string;
  let db: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quotaplan-emit-'));
    db = join(dir, 'q.db');
    const store = await openStore({ file: db });
    try {
      await store.saveSnapshot({
        cluster: { name: 'prod', server: null, context: null },
        takenAt: new Date('2026-11-28T00:00:00Z'),
        source: { kind: 'file', ref: 'dump.json' },
        inventory: {
          ...inventory({
            namespaces: [
              namespace('fraud-serve', { 'nvidia.com/gpu': '1' }),
              namespace('fraud-train', { 'nvidia.com/gpu': '2' }),
              namespace('nlp', { 'nvidia.com/gpu': '3' }),
            ],
            quotas: [quota('nlp', 'gpu-quota', { 'requests.nvidia.com/gpu': '4' })],
          }),
          plannable: list({ 'nvidia.com/gpu': '8' }),
        },
      });
    } finally {
      store.close();
    }
    writeFileSync(join(dir, 'teams.yaml'), teamsYaml);
    await runPlan({ teams: join(dir, 'teams.yaml'), db, save: true, output: 'json' }, { now: new Date('2026-11-28T01:00:00Z') });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the GitOps tree and the PR body of the latest plan', async () => {
    const out = join(dir, 'repo');
    assert.equal(await main(['emit', '--plan', 'latest', '--db', db, '--out', out, '--pr-body', join(dir, 'pr.md')]), 0);
    const root = join(out, 'clusters', 'prod');
    assert.equal(
      readFileSync(join(root, 'kustomization.yaml'), 'utf8'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' +
        '  - namespaces/fraud-serve/resourcequota.yaml\n  - namespaces/fraud-train/resourcequota.yaml\n  - namespaces/nlp/resourcequota.yaml\n',
    );
    // 6 GPUs split by use 1:2 -> 2 and 4; nlp keeps its quota's name and goes from 4 to 2, below its use of 3.
    assert.match(readFileSync(join(root, 'namespaces/fraud-serve/resourcequota.yaml'), 'utf8'), /\n {4}requests\.nvidia\.com\/gpu: "2"\n$/);
    assert.match(readFileSync(join(root, 'namespaces/fraud-train/resourcequota.yaml'), 'utf8'), /\n {4}requests\.nvidia\.com\/gpu: "4"\n$/);
    assert.match(readFileSync(join(root, 'namespaces/nlp/resourcequota.yaml'), 'utf8'), /\n {2}name: gpu-quota\n/);
    const body = readFileSync(join(dir, 'pr.md'), 'utf8');
    assert.match(body, /^# Quotas for 2026-Q4 \(plan 1, cluster prod\)\n/);
    assert.match(body, /- nlp: requests\.nvidia\.com\/gpu in use 3 is above the new quota 2;/);
    assert.match(body, /\| `requests\.nvidia\.com\/gpu` \| 4 \| 2 \| -2 \| 3 \*\*over\*\* \|/);
  });

  it('re-emitting the same plan leaves every file as it was, and removes only files quotaplan wrote', async () => {
    const out = join(dir, 'repo');
    const file = join(out, 'clusters/prod/namespaces/nlp/resourcequota.yaml');
    const before = readFileSync(file, 'utf8');
    const mtime = statSync(file).mtimeMs;
    const stale = join(out, 'clusters/prod/namespaces/gone/resourcequota.yaml');
    const foreign = join(out, 'clusters/prod/namespaces/gone/networkpolicy.yaml');
    // What an earlier emit wrote for a namespace the plan no longer has: a quotaplan ResourceQuota at its own path.
    for (const [path, text] of [
      [stale, before.replaceAll('namespace: nlp', 'namespace: gone')],
      [foreign, 'kind: NetworkPolicy\n'],
    ] as const) {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
    }
    assert.equal(await main(['emit', '--plan', '1', '--db', db, '--out', out]), 0);
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal(statSync(file).mtimeMs, mtime);
    assert.equal(existsSync(stale), false);
    assert.equal(existsSync(foreign), true);
  });

  it('refuses to run without somewhere to write, and names an unknown plan', async () => {
    assert.equal(await main(['emit', '--plan', 'latest', '--db', db]), 2);
    assert.equal(await main(['emit', '--plan', '9', '--db', db, '-o', 'yaml']), 2);
    assert.equal(await main(['emit', '--plan', 'last', '--db', db, '-o', 'yaml']), 2);
  });
});
