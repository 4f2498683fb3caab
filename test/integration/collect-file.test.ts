/**
 * `quotaplan collect --from-file`, `snapshots` and `inventory --snapshot` through the real CLI, on a database file.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoCluster } from '../../src/demo/cluster.js';
import { runCli, type CliResult } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-collect-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const quotaplan = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(args, { cwd: dir, env });

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

const dump = join(dir, 'prod-east.json');
const badJson = join(dir, 'broken.json');
const badQuantity = join(dir, 'bad-quantity.json');
const badName = join(dir, 'bad-name.json');
const db = join(dir, 'quotaplan.db');

before(() => {
  writeFileSync(dump, JSON.stringify(demoCluster({ hour: 0 })));
  writeFileSync(badJson, '{"kind": "List", "items": [');
  writeFileSync(badName, JSON.stringify({ kind: 'List', items: [{ kind: 'Namespace', metadata: { name: '../victim\u001b[2J' } }] }));
  writeFileSync(
    badQuantity,
    JSON.stringify({
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'n1', labels: {} },
          status: { capacity: { cpu: '8' }, allocatable: { cpu: 'eight' } },
        },
      ],
    }),
  );
});

describe('quotaplan collect --from-file', () => {
  it('stores a snapshot named after the dump file and lists it', async () => {
    const collected = await quotaplan(['collect', '--from-file', dump, '--db', db, '--taken-at', '2026-10-01T09:00:00Z']);
    assert.equal(collected.code, 0);
    assert.match(collected.stdout, /^snapshot 1 of cluster prod-east taken at 2026-10-01T09:00:00\.000Z: \d+ nodes, \d+ namespaces, \d+ pods, \d+ warnings\n$/);

    const listed = await quotaplan(['snapshots', '--db', db, '-o', 'json']);
    assert.equal(listed.code, 0);
    const [entry] = JSON.parse(listed.stdout) as Record<string, unknown>[];
    const fromDump = JSON.parse((await quotaplan(['inventory', '--from-file', dump, '-o', 'json'])).stdout) as {
      nodes: unknown[];
      namespaces: { pods: number }[];
      warnings: string[];
    };
    assert.equal(collected.stderr, fromDump.warnings.map((w) => `warning: ${w}\n`).join(''));
    assert.deepEqual(entry, {
      cluster: 'prod-east',
      context: null,
      id: 1,
      namespaces: fromDump.namespaces.length,
      nodes: fromDump.nodes.length,
      pods: fromDump.namespaces.reduce((sum, ns) => sum + ns.pods, 0),
      seq: 1,
      server: null,
      source: { kind: 'file', ref: dump },
      takenAt: '2026-10-01T09:00:00.000Z',
      warnings: fromDump.warnings.length,
    });
  });

  it('prints the warnings it counts, one per line on stderr, the same as the inventory lists', async () => {
    const fixture = join(import.meta.dirname, '..', 'fixtures', 'cluster-mixed-gpu.json');
    const collected = await quotaplan(['collect', '--from-file', fixture, '--db', join(dir, 'warned.db'), '--taken-at', '2026-10-01T09:00:00Z']);
    assert.equal(collected.code, 0, collected.stderr);
    const listed = JSON.parse((await quotaplan(['inventory', '--from-file', fixture, '-o', 'json'])).stdout) as { warnings: string[] };
    // The fixture has a stale MIG profile, an unhealthy GPU, a cordoned node and time-sliced T4s beside whole GPUs.
    assert.equal(listed.warnings.length, 4);
    assert.match(collected.stdout, / 4 warnings\n$/);
    assert.equal(collected.stderr, listed.warnings.map((w) => `warning: ${w}\n`).join(''));
    assert.match(collected.stderr, /^warning: node gpu-h100-cordoned: cordoned; its capacity is not plannable$/m);
  });

  it('prints the same inventory from the store as from the dump, as JSON and as a table', async () => {
    for (const output of ['json', 'table']) {
      const stored = await quotaplan(['inventory', '--snapshot', 'latest', '--db', db, '-o', output]);
      const direct = await quotaplan(['inventory', '--from-file', dump, '-o', output]);
      assert.equal(stored.code, 0, stored.stderr);
      assert.equal(stored.stdout, direct.stdout);
      assert.equal((await quotaplan(['inventory', '--snapshot', '1', '--db', db, '-o', output])).stdout, direct.stdout);
    }
  });

  it('takes --cluster and the QUOTAPLAN_DB variable, and keeps clusters apart', async () => {
    const collected = await quotaplan(['collect', '--from-file', dump, '--cluster', 'west', '--taken-at', '2026-10-01T10:00:00+02:00'], { QUOTAPLAN_DB: db });
    assert.equal(collected.code, 0, collected.stderr);
    assert.match(collected.stdout, /^snapshot 2 of cluster west taken at 2026-10-01T08:00:00\.000Z: /);
    const table = await quotaplan(['snapshots', '--db', db, '--cluster', 'west']);
    assert.deepEqual(table.stdout.split('\n')[0]?.split(/\s{2,}/), ['ID', 'CLUSTER', 'TAKEN AT', 'SOURCE', 'NODES', 'NAMESPACES', 'PODS', 'WARNINGS']);
    assert.deepEqual(table.stdout.trimEnd().split('\n').slice(1).map((line) => line.trim().split(/\s+/).slice(0, 4)), [
      ['2', 'west', '2026-10-01T08:00:00.000Z', `file:${dump}`],
    ]);
    const ambiguous = await quotaplan(['inventory', '--snapshot', 'latest', '--db', db]);
    assert.equal(ambiguous.code, 2);
    assert.equal(ambiguous.stderr, 'quotaplan: the database holds several clusters (prod-east, west): choose one with --cluster\n');
  });

  it('stores a collection taken before the latest one in its place in time (two collections that overlapped)', async () => {
    const collected = await quotaplan(['collect', '--from-file', dump, '--db', db, '--taken-at', '2026-09-30T00:00:00Z']);
    assert.equal(collected.code, 0, collected.stderr);
    assert.match(collected.stdout, /^snapshot 3 of cluster prod-east taken at 2026-09-30T00:00:00\.000Z: /);
    const listed = await quotaplan(['snapshots', '--db', db, '--cluster', 'prod-east', '-o', 'json']);
    assert.deepEqual(
      (JSON.parse(listed.stdout) as Array<{ id: number; seq: number; takenAt: string }>).map((s) => [s.id, s.seq, s.takenAt]),
      [
        [3, 1, '2026-09-30T00:00:00.000Z'],
        [1, 2, '2026-10-01T09:00:00.000Z'],
      ],
    );
    const latest = await quotaplan(['inventory', '--snapshot', 'latest', '--cluster', 'prod-east', '--db', db, '-o', 'json']);
    assert.equal(latest.stdout, (await quotaplan(['inventory', '--snapshot', '1', '--db', db, '-o', 'json'])).stdout);
  });
});

describe('bad dumps and bad flags leave the database unchanged', () => {
  const cases: [string, string[], number, string | RegExp][] = [
    ['malformed JSON', ['--from-file', badJson], 2, /^quotaplan: .*broken\.json: malformed JSON/],
    ['an invalid quantity', ['--from-file', badQuantity], 2, /bad-quantity\.json.*allocatable.*"eight"/],
    [
      'a namespace name that is not a DNS-1123 label',
      ['--from-file', badName],
      2,
      `quotaplan: ${badName}: Namespace ../victim\\u001b[2J (items[0]): metadata.name: must be a lowercase RFC 1123 label: at most 63 characters, lower case letters, digits and "-", starting and ending with a letter or digit (got "../victim\\u001b[2J")\n`,
    ],
    ['a missing dump', ['--from-file', join(dir, 'nothing.json')], 2, `quotaplan: ${join(dir, 'nothing.json')}: cannot read dump: no such file\n`],
    ['a --taken-at without a zone', ['--from-file', dump, '--taken-at', '2026-10-02'], 2, 'quotaplan: --taken-at must be an ISO 8601 time with a zone, e.g. 2026-10-01T09:00:00Z; got "2026-10-02"\n'],
    ['an empty --cluster', ['--from-file', dump, '--cluster', ''], 2, /^quotaplan: --cluster: a cluster name must be non-empty/],
    ['an unknown flag', ['--from-file', dump, '--bogus'], 2, /unknown option '--bogus'/],
    ['--from-file with --context', ['--from-file', dump, '--context', 'x'], 2, /cannot be used with option '--context/],
  ];
  for (const [name, args, code, message] of cases) {
    it(`refuses ${name}`, async () => {
      const hash = sha256(db);
      const result = await quotaplan(['collect', ...args, '--db', db]);
      assert.equal(result.code, code, result.stderr);
      if (typeof message === 'string') assert.equal(result.stderr, message);
      else assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
      assert.equal(sha256(db), hash);
    });
  }

  it('does not create a database for a bad dump', async () => {
    const fresh = join(dir, 'fresh.db');
    const result = await quotaplan(['collect', '--from-file', badJson, '--db', fresh]);
    assert.equal(result.code, 2);
    assert.equal(existsSync(fresh), false);
  });
});
