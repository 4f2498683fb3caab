/**
 * The first hour (issue 21): the README's first-session block, parsed from README.md and run as written, top to
 * bottom, against the small local cluster `npm run cluster:local` starts; the RBAC binding to a person; the local
 * cluster and the benchmark's held cluster cleaning up after themselves.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { openStore } from '../../src/store/open.js';
import {
  connect,
  controlPlaneSuiteOptions,
  identityNamespace,
  requireControlPlaneBinaries,
  toolPath,
  toolSuiteOptions,
  writeKubeconfig,
} from './harness/index.js';
import { createServiceAccountIdentity } from './harness/rbac.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The fenced sh block that follows "A first session" in README.md, one command per line. */
export function firstSessionCommands(readme: string): string[] {
  const from = readme.indexOf('A first session');
  assert.ok(from >= 0, 'README.md has a first session');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from));
  assert.ok(block?.[1], 'README.md first session has a ```sh block');
  return block[1].split('\n').filter((line) => line.trim() !== '');
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Spawns `command` and waits until its stdout or stderr matches `ready` (or it exits: then fails). */
async function startUntil(command: string, args: string[], ready: RegExp, options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Started> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === null ? null : 128 + signalNumber(signal)))));
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (ready.test(out) || ready.test(err)) resolve();
    };
    child.stdout?.on('data', (chunk: Buffer) => ((out += chunk.toString()), check()));
    child.stderr?.on('data', (chunk: Buffer) => ((err += chunk.toString()), check()));
    void exited.then((code) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before ${ready}:\n${out}\n${err}`)));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : signal === 'SIGKILL' ? 9 : 0;
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** The GPU quotas of a plan table: [team, quota] per `nvidia.com/gpu` row. */
function gpuQuotas(table: string): string[][] {
  return table
    .split('\n')
    .map((line) => line.split(/\s+/))
    .filter((cells) => cells[1] === 'nvidia.com/gpu' && cells[0] !== 'RESOURCE')
    .map((cells) => [cells[0] as string, cells[3] as string]);
}

/** The control plane and kubectl (the README's block pipes into `kubectl apply`). */
async function suiteOptions(): Promise<{ skip: string | false }> {
  const plane = await controlPlaneSuiteOptions();
  return plane.skip !== false ? plane : toolSuiteOptions('kubectl');
}

describe('the first hour on the local cluster (issue 21)', await suiteOptions(), () => {
  let cluster: Started;
  let kubectl: string;
  let kubeconfig: string;
  let clusterDir: string;
  /** PATH with `quotaplan` (the built CLI) and the control plane's kubectl first. */
  let path: string;
  const work = mkdtempSync(join(tmpdir(), 'quotaplan-first-hour-'));

  before(async () => {
    await requireControlPlaneBinaries();
    kubectl = await toolPath('kubectl');
    const shims = join(work, 'bin');
    mkdirSync(shims);
    writeFileSync(join(shims, 'quotaplan'), `#!/bin/sh\nexec node ${JSON.stringify(join(repo, 'bin', 'quotaplan.js'))} "$@"\n`);
    chmodSync(join(shims, 'quotaplan'), 0o755);
    path = [shims, dirname(kubectl), process.env.PATH ?? ''].join(delimiter);
    // The CLI runs from dist/: build it when the sources changed (as the integration tests do).
    const build = spawnSync('npm', ['run', 'build'], { cwd: repo, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    // The command `npm run cluster:local` runs, exec'd so that signals reach it as they would from a terminal.
    const script = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['cluster:local'];
    cluster = await startUntil('bash', ['-c', `exec ${script}`], /^Ctrl-C stops it and removes .+$/m, { cwd: repo });
    kubeconfig = /^export KUBECONFIG=(.+)$/m.exec(cluster.stdout())?.[1] as string;
    clusterDir = dirname(kubeconfig);
  });

  after(() => {
    if (cluster?.child.exitCode === null) cluster.child.kill('SIGKILL');
  });

  test('`npm run cluster:local` starts a small seeded cluster and prints how to reach it', () => {
    const lines = cluster.stdout().split('\n');
    assert.match(lines[0] as string, /^local cluster up in \d+\.\d s at https:\/\/127\.0\.0\.1:\d+: 7 nodes, 5 namespaces, 6 pods \(NVIDIA, MIG, Intel; no AMD GPUs\)$/);
    assert.equal(lines[1], `export KUBECONFIG=${kubeconfig}`);
    assert.equal(lines[2], `export PATH=${dirname(kubectl)}${delimiter}$PATH    # kubectl`);
    assert.equal(lines[3], `Ctrl-C stops it and removes ${clusterDir}`);
    const nodes = spawnSync(kubectl, ['get', 'nodes', '-o', 'name', '--kubeconfig', kubeconfig], { encoding: 'utf8' });
    assert.equal(nodes.error, undefined);
    assert.equal(nodes.status, 0, nodes.stderr);
    // test/fixtures/cluster-mixed-gpu.json without its AMD node (gpu-mi300x).
    assert.deepEqual(nodes.stdout.trim().split('\n'), [
      'node/cpu-1',
      'node/gpu-a100-mig',
      'node/gpu-h100-a',
      'node/gpu-h100-b',
      'node/gpu-h100-cordoned',
      'node/gpu-intel-flex',
      'node/gpu-t4-shared',
    ]);
  });

  test("the README's first-session block runs as written, top to bottom", async () => {
    const commands = firstSessionCommands(readFileSync(join(repo, 'README.md'), 'utf8'));
    const session = join(work, 'session');
    mkdirSync(session);
    symlinkSync(join(repo, 'examples'), join(session, 'examples'));
    // As a newcomer's shell would have it after pasting the two exports; port 0 so that a busy 8080 cannot fail it.
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: path, KUBECONFIG: kubeconfig, QUOTAPLAN_PORT: '0' };
    delete env.QUOTAPLAN_DB;
    const outputs: Array<{ command: string; stdout: string; stderr: string }> = [];
    for (const command of commands) {
      if (/^quotaplan serve\b/.test(command)) {
        const serve = await startUntil('bash', ['-c', `exec ${command}`], /dashboard at (http:\S+)/, { cwd: session, env });
        const url = /dashboard at (http:\S+)/.exec(serve.stderr())?.[1] as string;
        assert.equal(await httpStatus(url), 200);
        serve.child.kill('SIGTERM');
        assert.equal(await serve.exited, 0, serve.stderr());
        outputs.push({ command, stdout: serve.stdout(), stderr: serve.stderr() });
        continue;
      }
      const run = spawnSync('bash', ['-o', 'pipefail', '-c', command], { cwd: session, env, encoding: 'utf8' });
      assert.equal(run.status, 0, `${command}\n${run.stdout}\n${run.stderr}`);
      outputs.push({ command, stdout: run.stdout, stderr: run.stderr });
    }
    /** The output of the one step whose command (without its comment) is `command` (or, with `prefix`, starts with it). */
    const step = (command: string, prefix = false): { stdout: string; stderr: string } => {
      const found = outputs.filter((o) => {
        const bare = o.command.replace(/\s+#.*$/, '');
        return bare === command || (prefix && bare.startsWith(`${command} `));
      });
      assert.equal(found.length, 1, `one step is ${command}`);
      return found[0] as { stdout: string; stderr: string };
    };

    // rbac: bound to the person running it (the local cluster's admin user), not a ServiceAccount.
    assert.match(step('quotaplan rbac', true).stdout, /clusterrolebinding.rbac.authorization.k8s.io\/quotaplan-collector created/);
    const binding = spawnSync(kubectl, ['get', 'clusterrolebinding', 'quotaplan-collector', '-o', 'json'], { env, encoding: 'utf8' });
    assert.equal(binding.error, undefined);
    assert.equal(binding.status, 0, binding.stderr);
    assert.deepEqual((JSON.parse(binding.stdout) as { subjects: unknown[] }).subjects, [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'quotaplan-admin' },
    ]);

    // Looking stored nothing; --save stored plan 1.
    const looked = step('quotaplan plan --teams examples/teams.yaml');
    assert.equal(looked.stderr, 'not stored: add --save to store it for emit, apply and cycles\n');
    // 29 plannable GPUs (7 + 8 + 2 + 12; the cordoned node's 8 are not) - 2 reserved = 27, divided as on the
    // fixture with its AMD node (amd.com/gpu is a pool of its own): platform 19 (fraud 15, vision 4), research 8.
    assert.deepEqual(gpuQuotas(looked.stdout), [
      ['platform', '19'],
      ['platform/fraud', '15'],
      ['platform/vision', '4'],
      ['research', '8'],
    ]);
    assert.match(
      looked.stdout,
      /\[unknown-resource\] research: the cluster has no resource amd\.com\/gpu \(examples\/teams\.yaml: teams\[1\]\.resources\.amd\.com\/gpu\), so its quota is 0 and its guarantee 2 cannot be met \(planned as 0, not refused\)/,
    );
    const saved = step('quotaplan plan --teams examples/teams.yaml --save');
    assert.match(saved.stderr, /^stored plan 1 \(cluster .+, cycle 2026-Q4\)\n$/);
    assert.equal(saved.stdout, looked.stdout);
    const store = await openStore({ file: join(session, 'quotaplan.db'), create: false });
    try {
      assert.deepEqual((await store.listPlans()).map((p) => p.id), [1]);
      // 7 nodes; 6 pods seeded, of which old-job has Succeeded and holds no resources, so 5 count.
      assert.deepEqual((await store.listSnapshots()).map((s) => [s.nodes, s.pods]), [[7, 5]]);
    } finally {
      await store.close();
    }

    // emit wrote the GitOps tree and the PR body.
    assert.ok(existsSync(join(session, 'pr.md')));
    assert.ok(readdirSync(join(session, 'gitops')).length > 0);
  });

  test('`quotaplan rbac --user NAME | kubectl apply -f -` lets that user collect, and only after it is applied', async () => {
    const admin = connect(kubeconfig);
    const server = (parse(readFileSync(kubeconfig, 'utf8')) as { clusters: Array<{ cluster: { server: string } }> }).clusters[0]?.cluster.server as string;
    const caFile = join(clusterDir, 'pki', 'apiserver.crt');
    const identity = async (name: string): Promise<string> => {
      const token = await createServiceAccountIdentity(admin, { name, rules: [] });
      return writeKubeconfig({ path: join(work, `${name}.kubeconfig`), server, caFile, user: name, token });
    };
    const env = { ...process.env, PATH: path, KUBECONFIG: kubeconfig };
    const collectAs = (file: string, db: string) =>
      spawnSync('quotaplan', ['collect', '--kubeconfig', file, '--quiet', '--db', join(work, db)], { env, encoding: 'utf8' });
    try {
      for (const [flag, name, subject] of [
        ['--user', 'jane', `system:serviceaccount:${identityNamespace}:jane`],
        ['--group', 'kim', `system:serviceaccounts:${identityNamespace}`],
      ] as const) {
        const file = await identity(name);
        const refused = collectAs(file, `${name}-before.db`);
        assert.equal(refused.status, 3, refused.stderr);
        assert.match(refused.stderr, /may not list nodes/);
        const bound = spawnSync('bash', ['-o', 'pipefail', '-c', `quotaplan rbac ${flag} ${subject} | kubectl apply -f -`], { env, encoding: 'utf8' });
        assert.equal(bound.status, 0, bound.stderr);
        const collected = collectAs(file, `${name}-after.db`);
        assert.equal(collected.status, 0, collected.stderr);
        assert.match(collected.stdout, /: 7 nodes, /);
      }
    } finally {
      admin.close();
    }
  });

  test('apply --dry-run refuses a Profile that does not exist, as the warning says, instead of showing it as new', async () => {
    const dir = join(work, 'ghost');
    mkdirSync(dir);
    writeFileSync(join(dir, 'teams.yaml'), 'cycle: q\nteams:\n  - {name: ghost, profiles: [ghost], resources: {cpu: {demand: "1"}}}\n');
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: path, KUBECONFIG: kubeconfig };
    delete env.QUOTAPLAN_DB;
    const run = (...args: string[]) => spawnSync('quotaplan', args, { cwd: dir, env, encoding: 'utf8' });
    assert.equal(run('collect', '--quiet').status, 0);
    assert.equal(run('plan', '--teams', 'teams.yaml', '--save').status, 0);
    const applied = run('apply', '--plan', 'latest', '--dry-run');
    assert.equal(applied.status, 3, applied.stderr);
    assert.match(applied.stderr, /^warning: ghost: Profile ghost is not in the snapshot; the patch fails until it exists$/m);
    assert.equal(
      applied.stdout,
      'Profile ghost: FAILED Profile ghost does not exist; quotaplan sets the quota of an existing Profile and never creates one (create it in Kubeflow first)\n' +
        // The team's default LimitRange goes to the namespace, which does not exist either: the server says so.
        'LimitRange ghost/quotaplan-defaults: FAILED HTTP 404: namespaces "ghost" not found\n' +
        'nothing applied: 0 new, 0 changed, 0 unchanged, 0 in conflict, 2 failed\n',
    );
    const profile = spawnSync(kubectl, ['get', 'profiles.kubeflow.org', 'ghost'], { env, encoding: 'utf8' });
    assert.equal(profile.status, 1);
    assert.match(profile.stderr, /NotFound/);
  });

  test('Ctrl-C (SIGINT) stops the local cluster and removes its folder', async () => {
    cluster.child.kill('SIGINT');
    // The harness kills etcd, kube-apiserver and kube-controller-manager and removes the folder, exiting 130.
    assert.equal(await cluster.exited, 130);
    assert.equal(existsSync(clusterDir), false);
  });
});

describe("the benchmark's held cluster (bench/hold-cluster.ts)", await controlPlaneSuiteOptions(), () => {
  test('removes bench/results/held-cluster.kubeconfig-path when it stops, so the pointer never names a deleted folder', async () => {
    const pointer = join(repo, 'bench', 'results', 'held-cluster.kubeconfig-path');
    const held = await startUntil('node', ['--import', 'tsx', 'bench/hold-cluster.ts', '--nodes', '1', '--pods', '1', '--namespaces', '1'], /Ctrl-C stops it/, {
      cwd: repo,
    });
    const kubeconfig = /kubeconfig (\S+) \(also in/.exec(held.stdout())?.[1] as string;
    assert.equal(readFileSync(pointer, 'utf8'), kubeconfig);
    held.child.kill('SIGTERM');
    await held.exited;
    assert.equal(existsSync(pointer), false);
    assert.equal(existsSync(dirname(kubeconfig)), false);
  });
});
