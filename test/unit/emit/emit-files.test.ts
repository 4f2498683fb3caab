/**
 * `quotaplan emit --out DIR` on a real filesystem with hostile contents: names that would leave DIR, symbolic links
 * planted in the tree, other clusters' trees and user files beside it, and failures half-way. Nothing outside DIR
 * is ever written, nothing is written through a link, only this tree's own files are removed, and a failure
 * leaves every file as it was.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../../src/program.js';
import { openStore } from '../../../src/store/open.js';
import { runPlan } from '../../../src/commands/plan.js';
import { inventory, list, namespace } from './builders.js';

const teamsYaml = (gpus: { fraud: number; nlp: number }, extra = ''): string => `
cycle: 2026-Q4
surplus: hold
teams:
  - name: fraud
    namespaces: [fraud-train, fraud-serve]
    resources:
      nvidia.com/gpu: { demand: "${gpus.fraud}" }
  - name: nlp
    namespaces: [nlp]
    resources:
      nvidia.com/gpu: { demand: "${gpus.nlp}" }
${extra}`;

let dir: string;

/** A database in `dir` with a snapshot of `cluster` and one plan per teams file; returns its path. */
async function storeWithPlans(name: string, cluster: string, teams: string[]): Promise<string> {
  const db = join(dir, `${name}.db`);
  const store = await openStore({ file: db });
  try {
    await store.saveSnapshot({
      cluster: { name: cluster, server: null, context: null },
      takenAt: new Date('2026-11-28T00:00:00Z'),
      source: { kind: 'file', ref: 'dump.json' },
      inventory: {
        ...inventory({
          namespaces: [
            namespace('fraud-serve', { 'nvidia.com/gpu': '1' }),
            namespace('fraud-train', { 'nvidia.com/gpu': '2' }),
            namespace('nlp', { 'nvidia.com/gpu': '1' }),
            namespace('vision', { 'nvidia.com/gpu': '1' }),
          ],
        }),
        plannable: list({ 'nvidia.com/gpu': '16' }),
      },
    });
  } finally {
    await store.close();
  }
  for (const [i, text] of teams.entries()) {
    const file = join(dir, `${name}-teams-${i}.yaml`);
    writeFileSync(file, text);
    await runPlan({ teams: file, db, save: true, output: 'json' }, { now: new Date(`2026-11-28T0${i + 1}:00:00Z`) });
  }
  return db;
}

/** Runs the CLI in this process; stderr is captured. */
async function emit(args: string[]): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(['emit', ...args]);
    return { code, stderr: chunks.join('') };
  } finally {
    process.stderr.write = write;
  }
}

/** Every entry below `root`: files with their bytes, links with their target, folders; sorted. */
function treeState(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (path: string, rel: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const relative = rel === '' ? name : `${rel}/${name}`;
      const stats = lstatSync(full);
      if (stats.isSymbolicLink()) out.push(`${relative} -> ${readlinkSync(full)}`);
      else if (stats.isDirectory()) {
        out.push(`${relative}/`);
        walk(full, relative);
      } else out.push(`${relative}: ${readFileSync(full, 'utf8')}`);
    }
  };
  walk(root, '');
  return out;
}

const rqOf = (gpus: number): RegExp => new RegExp(`\\n {4}requests\\.nvidia\\.com/gpu: "${gpus}"\\n$`);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'quotaplan-emit-files-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('emit never writes outside --out (issue 13 item 1)', () => {
  it('refuses a Profile named ../../../../victim/config with exit 2 and writes nothing, inside or outside --out', async () => {
    const hostile = '\n  - name: intruder\n    profiles: ["../../../../victim/config"]\n    resources:\n      cpu: { demand: "1" }\n';
    // `plan` refuses the name where it enters (src/kube-names.ts); a plan stored before it did, or written to the
    // store by anything else, still reaches emit: store it as the benign plan's twin with the hostile teams file.
    const db = await storeWithPlans('q', 'prod', [teamsYaml({ fraud: 6, nlp: 2 })]);
    const hostileFile = join(dir, 'hostile.yaml');
    writeFileSync(hostileFile, teamsYaml({ fraud: 6, nlp: 2 }, hostile));
    await assert.rejects(runPlan({ teams: hostileFile, db, save: true, output: 'json' }, { now: new Date('2026-11-28T05:00:00Z') }), /victim/);
    const store = await openStore({ file: db });
    try {
      const stored = await store.getPlan((await store.listPlans()).at(-1)!.id);
      await store.savePlan({ ...stored, teamsYaml: teamsYaml({ fraud: 6, nlp: 2 }, hostile), createdAt: new Date('2026-11-28T06:00:00Z') });
    } finally {
      await store.close();
    }
    // The profile's file would be clusters/prod/profiles/../../../../victim/config.yaml: dir/a/b/c/victim/config.yaml.
    const out = join(dir, 'a', 'b', 'c', 'repo');
    mkdirSync(dirname(out), { recursive: true });
    const before = treeState(dir);
    const result = await emit(['--plan', 'latest', '--db', db, '--out', out, '--pr-body', join(dir, 'pr.md')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"\.\.\/\.\.\/\.\.\/\.\.\/victim\/config"/);
    assert.deepEqual(treeState(dir), before);
  });
});

describe('emit never writes through a symbolic link below --out (issue 13 item 2)', () => {
  let db: string;
  let out: string;
  let outside: string;

  beforeEach(async () => {
    db = await storeWithPlans('q', 'prod', [teamsYaml({ fraud: 6, nlp: 2 }), teamsYaml({ fraud: 4, nlp: 4 })]);
    out = join(dir, 'repo');
    outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'victim.yaml'), 'precious: true\n');
    assert.equal((await emit(['--plan', '1', '--db', db, '--out', out])).code, 0);
  });

  it('refuses a file of the tree that is a link to a file outside, leaves the link and the target as they were', async () => {
    const file = join(out, 'clusters/prod/namespaces/nlp/resourcequota.yaml');
    rmSync(file);
    symlinkSync(join(outside, 'victim.yaml'), file);
    const before = treeState(dir);
    const result = await emit(['--plan', '2', '--db', db, '--out', out]);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `quotaplan: ${file} is a symbolic link: emit never writes through links below --out (remove the link, or emit to another folder); nothing written\n`,
    );
    assert.deepEqual(treeState(dir), before);
    assert.equal(readFileSync(join(outside, 'victim.yaml'), 'utf8'), 'precious: true\n');
  });

  it('refuses a folder of the tree that is a link to a folder outside, and writes nothing there or anywhere', async () => {
    const folder = join(out, 'clusters/prod/namespaces');
    rmSync(folder, { recursive: true });
    symlinkSync(outside, folder);
    const before = treeState(dir);
    const result = await emit(['--plan', '2', '--db', db, '--out', out]);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `quotaplan: ${folder} is a symbolic link: emit never writes through links below --out (remove the link, or emit to another folder); nothing written\n`,
    );
    assert.deepEqual(treeState(dir), before);
    assert.deepEqual(readdirSync(outside), ['victim.yaml']);
  });

  it('refuses a --pr-body that is a link, and writes neither the link target nor the tree', async () => {
    const body = join(dir, 'pr.md');
    symlinkSync(join(outside, 'victim.yaml'), body);
    const before = treeState(dir);
    const result = await emit(['--plan', '2', '--db', db, '--out', out, '--pr-body', body]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `quotaplan: --pr-body ${body} is a symbolic link: emit never writes through links; nothing written\n`);
    assert.deepEqual(treeState(dir), before);
  });

  it('follows a link given as --out itself (the user chose it) and writes the tree into the folder it names', async () => {
    const real = join(dir, 'real-repo');
    mkdirSync(real);
    symlinkSync(real, join(dir, 'link-repo'));
    const result = await emit(['--plan', '2', '--db', db, '--out', join(dir, 'link-repo')]);
    assert.equal(result.code, 0);
    assert.match(readFileSync(join(real, 'clusters/prod/namespaces/nlp/resourcequota.yaml'), 'utf8'), rqOf(4));
  });
});

describe('emit --layout flat removes only its own tree\'s files (issue 13 item 3)', () => {
  it("keeps a user's file that mentions the label in a comment and another cluster's tree below, removes its own stale object", async () => {
    const prod = await storeWithPlans('prod', 'prod', [teamsYaml({ fraud: 6, nlp: 2 })]);
    const staging = await storeWithPlans(
      'staging',
      'staging',
      [teamsYaml({ fraud: 6, nlp: 2 }, '\n  - name: vision\n    namespaces: [vision]\n    resources:\n      nvidia.com/gpu: { demand: "1" }\n'), teamsYaml({ fraud: 6, nlp: 2 })],
    );
    const out = join(dir, 'repo');
    // Another cluster's tree emitted earlier below the same folder, in both layouts.
    assert.equal((await emit(['--plan', '1', '--db', prod, '--out', join(out, 'clusters/prod')])).code, 0);
    assert.equal((await emit(['--plan', '1', '--db', prod, '--out', join(out, 'clusters/prod-flat'), '--layout', 'flat'])).code, 0);
    // This cluster's flat tree, with a team (vision) that the next plan no longer has.
    assert.equal((await emit(['--plan', '1', '--db', staging, '--out', out, '--layout', 'flat'])).code, 0);
    assert.equal(existsSync(join(out, 'vision.resourcequota.yaml')), true);
    const notes = '# quotas are written by a tool: app.kubernetes.io/managed-by: quotaplan\nkind: ConfigMap\n';
    writeFileSync(join(out, 'notes.yaml'), notes);
    const copied = readFileSync(join(out, 'nlp.resourcequota.yaml'), 'utf8');
    // A quotaplan object under a name the flat layout would not give it: not this tree's file.
    writeFileSync(join(out, 'nlp-backup.yaml'), copied);
    const others = treeState(join(out, 'clusters'));

    const result = await emit(['--plan', '2', '--db', staging, '--out', out, '--layout', 'flat']);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, `emit: 3 written, 1 unchanged, 1 removed in ${out}\n`);
    assert.equal(existsSync(join(out, 'vision.resourcequota.yaml')), false);
    assert.equal(readFileSync(join(out, 'notes.yaml'), 'utf8'), notes);
    assert.equal(readFileSync(join(out, 'nlp-backup.yaml'), 'utf8'), copied);
    assert.deepEqual(treeState(join(out, 'clusters')), others);
  });

  it('keeps files that look like its own in a folder that has no quotaplan-tree.txt yet, and says so', async () => {
    const db = await storeWithPlans('q', 'prod', [teamsYaml({ fraud: 6, nlp: 2 })]);
    const out = join(dir, 'repo');
    assert.equal((await emit(['--plan', '1', '--db', db, '--out', out, '--layout', 'flat'])).code, 0);
    const old = readFileSync(join(out, 'nlp.resourcequota.yaml'), 'utf8').replaceAll('nlp', 'gone');
    writeFileSync(join(out, 'gone.resourcequota.yaml'), old);
    rmSync(join(out, 'quotaplan-tree.txt'));
    const result = await emit(['--plan', '1', '--db', db, '--out', out, '--layout', 'flat']);
    assert.equal(result.code, 0);
    assert.equal(
      result.stderr,
      `emit: kept ${JSON.stringify(join(out, 'gone.resourcequota.yaml'))}: it looks like a file of this tree, but the folder had no quotaplan-tree.txt yet (delete it by hand if it is stale)\n` +
        `emit: 1 written, 3 unchanged, 0 removed in ${out}\n`,
    );
    assert.equal(readFileSync(join(out, 'gone.resourcequota.yaml'), 'utf8'), old);
  });

  it('refuses cluster "prod:east" in the folder of cluster "prod/east" (both clusters/prod-east) with exit 4', async () => {
    const slash = await storeWithPlans('slash', 'prod/east', [teamsYaml({ fraud: 6, nlp: 2 })]);
    const colon = await storeWithPlans('colon', 'prod:east', [teamsYaml({ fraud: 4, nlp: 4 })]);
    const out = join(dir, 'repo');
    assert.equal((await emit(['--plan', '1', '--db', slash, '--out', out])).code, 0);
    assert.equal(readFileSync(join(out, 'clusters/prod-east/quotaplan-tree.txt'), 'utf8').split('\n').slice(2).join('\n'), 'cluster: prod/east\nlayout: gitops\n');
    const before = treeState(dir);
    const result = await emit(['--plan', '1', '--db', colon, '--out', out, '--pr-body', join(dir, 'pr.md')]);
    assert.equal(result.code, 4);
    assert.equal(
      result.stderr,
      `quotaplan: ${join(out, 'clusters/prod-east')} holds the gitops tree of cluster "prod/east"; cluster "prod:east" maps to the same folder: ` +
        'nothing written (emit one of them to another --out)\n',
    );
    assert.deepEqual(treeState(dir), before);
  });

  it("refuses to write one cluster's flat tree over another's, and a flat tree into a gitops cluster folder", async () => {
    const prod = await storeWithPlans('prod', 'prod', [teamsYaml({ fraud: 6, nlp: 2 })]);
    const dev = await storeWithPlans('dev', 'dev', [teamsYaml({ fraud: 4, nlp: 4 })]);
    const out = join(dir, 'repo');
    assert.equal((await emit(['--plan', '1', '--db', prod, '--out', out, '--layout', 'flat'])).code, 0);
    assert.equal((await emit(['--plan', '1', '--db', prod, '--out', join(dir, 'gitops')])).code, 0);
    const before = treeState(dir);
    const flatOverFlat = await emit(['--plan', '1', '--db', dev, '--out', out, '--layout', 'flat']);
    assert.equal(flatOverFlat.code, 4);
    assert.equal(
      flatOverFlat.stderr,
      `quotaplan: ${out} holds the flat tree of cluster "prod"; cluster "dev" maps to the same folder: nothing written (emit one of them to another --out)\n`,
    );
    const flatOverGitops = await emit(['--plan', '1', '--db', prod, '--out', join(dir, 'gitops/clusters/prod'), '--layout', 'flat']);
    assert.equal(flatOverGitops.code, 4);
    assert.equal(
      flatOverGitops.stderr,
      `quotaplan: ${join(dir, 'gitops/clusters/prod')} holds the gitops tree of cluster "prod": nothing written (give --layout gitops, or another --out)\n`,
    );
    assert.deepEqual(treeState(dir), before);
  });
});

describe('a filesystem failure during emit leaves every file as it was (issue 13 item 4)', () => {
  let db: string;
  let out: string;

  beforeEach(async () => {
    const vision = '\n  - name: vision\n    namespaces: [vision]\n    resources:\n      nvidia.com/gpu: { demand: "1" }\n';
    db = await storeWithPlans('q', 'prod', [teamsYaml({ fraud: 6, nlp: 2 }), teamsYaml({ fraud: 4, nlp: 4 }, vision)]);
    out = join(dir, 'repo');
    assert.equal((await emit(['--plan', '1', '--db', db, '--out', out])).code, 0);
  });

  it('a file where a folder belongs: exit 2 naming it, no file of the tree changed', async () => {
    const folder = join(out, 'clusters/prod/namespaces/nlp');
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'not a folder\n');
    const before = treeState(dir);
    const result = await emit(['--plan', '2', '--db', db, '--out', out, '--pr-body', join(dir, 'pr.md')]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `quotaplan: ${folder} is a file where emit needs a folder: nothing written\n`);
    assert.deepEqual(treeState(dir), before);
  });

  it('--pr-body naming a folder: exit 2 naming it, and the tree is not written either', async () => {
    const fresh = join(dir, 'fresh');
    const body = join(dir, 'body');
    mkdirSync(body);
    const before = treeState(dir);
    const result = await emit(['--plan', '2', '--db', db, '--out', fresh, '--pr-body', body]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `quotaplan: --pr-body ${body} is a folder; nothing written\n`);
    assert.deepEqual(treeState(dir), before);
  });

  it('a file emit cannot replace (read-only): exit 3 naming it, files already replaced get their bytes back', async () => {
    const file = join(out, 'clusters/prod/namespaces/nlp/resourcequota.yaml');
    const before = treeState(dir);
    const undo = makeUnwritable(file);
    let result;
    try {
      result = await emit(['--plan', '2', '--db', db, '--out', out, '--pr-body', join(dir, 'pr.md')]);
    } finally {
      undo.restore();
    }
    assert.equal(result.code, 3);
    assert.equal(
      result.stderr,
      `quotaplan: cannot ${undo.failure} ${file}: ` +
        `${undo.code}; nothing was changed (every file written so far has its previous content back)\n`,
    );
    assert.deepEqual(treeState(dir), before);
  });
});

/**
 * Makes `file` impossible to replace for this process. As root, permission bits do not stop anything: the file is
 * made immutable (`chattr +i`, ext4/xfs/btrfs), so its rename fails after the files before it were replaced. As any
 * other user its folder is made read-only, so the new content cannot even be staged there.
 */
function makeUnwritable(file: string): { restore: () => void; failure: 'replace' | 'write'; code: string } {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', file]);
    return { restore: () => execFileSync('chattr', ['-i', file]), failure: 'replace', code: 'EPERM (operation not permitted)' };
  }
  chmodSync(dirname(file), 0o555);
  return { restore: () => chmodSync(dirname(file), 0o755), failure: 'write', code: 'EACCES (permission denied)' };
}
