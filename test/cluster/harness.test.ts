import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  controlPlaneSuiteOptions,
  readOnlyRules,
  rulesWithout,
  seedDump,
  startControlPlane,
  waitUntil,
  type ControlPlaneBinaries,
} from './harness/index.js';

/** Binaries that are shell scripts, to drive startControlPlane's failure paths without Go; removed after the test. */
function fakeBinaries(
  t: TestContext,
  scripts: Record<'etcd' | 'kube-apiserver' | 'kube-controller-manager', string>,
): ControlPlaneBinaries {
  const dir = mkdtempSync(join(tmpdir(), 'quotaplan-fake-bin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return { dir, path: (name) => join(dir, name) };
}

const waitForever = 'exec sleep 600';

describe('rulesWithout', () => {
  test('removing one verb on one core resource keeps every other grant of the rule', () => {
    assert.deepEqual(rulesWithout(readOnlyRules, { apiGroup: '', resource: 'pods', verb: 'list' }), [
      { apiGroups: [''], resources: ['nodes', 'namespaces', 'resourcequotas', 'limitranges'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch'] },
      { apiGroups: ['kubeflow.org'], resources: ['profiles'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('removing a resource without a verb drops all access to it', () => {
    assert.deepEqual(rulesWithout(readOnlyRules, { apiGroup: 'kubeflow.org', resource: 'profiles' }), [
      readOnlyRules[0],
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('a rule spanning several groups keeps the resource in the other groups', () => {
    const rules = [{ apiGroups: ['', 'apps'], resources: ['pods'], verbs: ['list'] }];
    assert.deepEqual(rulesWithout(rules, { apiGroup: '', resource: 'pods', verb: 'list' }), [
      { apiGroups: ['apps'], resources: ['pods'], verbs: ['list'] },
    ]);
  });
});

describe('seedDump input', () => {
  // The clients are never used: validation happens before any request.
  const clients = {} as Parameters<typeof seedDump>[0];

  test('a document without an items array is refused, naming what it got', async () => {
    await assert.rejects(seedDump(clients, '{"kind":"Pod","metadata":{"name":"x"}}'), {
      message: 'dump text: expected a List with an items array (kubectl get -o json), got {"kind":"Pod","metadata":{"name":"x"}}',
    });
    await assert.rejects(seedDump(clients, null), { message: 'dump: expected a List with an items array (kubectl get -o json), got null' });
  });

  test('an item without kind, apiVersion or name is refused by index', async () => {
    await assert.rejects(seedDump(clients, { kind: 'List', items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } }, { kind: 'Node' }] }), {
      message: 'dump: items[1] lacks apiVersion, kind or metadata.name',
    });
  });
});

describe('startControlPlane failure paths', () => {
  test('a component that exits during startup fails with its log, and nothing is left behind', async (t) => {
    const binaries = fakeBinaries(t, {
      etcd: 'echo "etcd: cannot open data dir: permission denied" >&2; exit 3',
      'kube-apiserver': waitForever,
      'kube-controller-manager': waitForever,
    });
    const error = await startControlPlane({ binaries }).then(
      () => assert.fail('started with an etcd that exits'),
      (e: Error) => e,
    );
    assert.match(error.message, /^control plane in (\S+) failed to start: etcd ended \(exit code 3\)\n/);
    assert.match(error.message, /----- etcd \(exit code 3\) \S+etcd\.log, last 40 lines -----\netcd: cannot open data dir: permission denied\n/);
    assert.match(error.message, /----- kube-apiserver \(running\) /);
    const dir = /^control plane in (\S+) failed/.exec(error.message)![1]!;
    assert.equal(existsSync(dir), false, `${dir} removed`);
  });

  test('a port taken between choosing and binding it is retried, three attempts in all', async (t) => {
    const binaries = fakeBinaries(t, {
      etcd: `echo x >> "$(dirname "$0")/attempts"; echo "listen tcp 127.0.0.1:2380: bind: address already in use" >&2; exit 1`,
      'kube-apiserver': waitForever,
      'kube-controller-manager': waitForever,
    });
    const error = await startControlPlane({ binaries }).then(
      () => assert.fail('started with a port in use'),
      (e: Error) => e,
    );
    assert.equal(error.name, 'PortTakenError');
    assert.equal(readFileSync(join(binaries.dir, 'attempts'), 'utf8'), 'x\nx\nx\n');
  });
});

const childScript = fileURLToPath(new URL('./fixtures/start-and-die.ts', import.meta.url));

describe('control-plane processes die with the test process', await controlPlaneSuiteOptions(), () => {
  for (const how of ['exit', 'uncaught', 'SIGTERM', 'SIGKILL'] as const) {
    test(`when it ends by ${how}`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', childScript, how], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => (out += chunk));
      const started = await waitUntil(`child control plane (${how})`, 120_000, async () => {
        if (child.exitCode !== null && !out.includes('\n')) throw new Error(`child exited early (${child.exitCode}): ${out}`);
        const line = out.split('\n')[0];
        return out.includes('\n') ? (JSON.parse(line!) as { dir: string; pids: number[] }) : undefined;
      });
      assert.equal(started.pids.length, 3);
      if (how === 'SIGTERM' || how === 'SIGKILL') child.kill(how);
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));

      await waitUntil(`${how}: components gone and ${started.dir} removed`, 10_000, async () =>
        started.pids.every((pid) => !isAlive(pid)) && !existsSync(started.dir),
      );
    });
  }
});

/** Alive and not a zombie (a reaped-later zombie holds no ports and no files). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
