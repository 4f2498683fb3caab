/**
 * The npm package as users get it: `npm pack` of the built checkout, installed with `npm install -g --prefix`
 * (production dependencies only: tsx, esbuild, the Kubernetes client are dev dependencies, bundled into dist/), and
 * the image's production install (scripts/install-production.sh, which the Containerfile runs). Each installed
 * copy must find its migrations, web assets, chart.js, .proto files, the demo's teams file and the History worker
 * from its own folder. Then kubectl, built from its Go module, must find `kubectl-quotaplan` as a plugin.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { toolPath, toolSuiteOptions } from '../cluster/harness/tools.js';
import { cliEnvironment, ensureBuilt, REPO_ROOT, runCli } from '../support/cli.js';
import { localPrebuildFor } from './local-prebuild.js';

const exec = promisify(execFile);
const FIXTURE = join(REPO_ROOT, 'test/fixtures/cluster-mixed-gpu.json');
/** kubectl from its Go module (test/cluster/build-tools.sh); its part is skipped, loudly, where Go is missing outside CI. */
const kubectlSuite = await toolSuiteOptions('kubectl');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runIn(command: string, args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd: options.cwd, env: cliEnvironment(options.env), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Every package name in a node_modules tree, nested ones included, sorted. */
function installedPackages(nodeModules: string): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@') ? readdirSync(join(dir, entry)).map((name) => `${entry}/${name}`) : [entry];
      for (const name of scoped) {
        names.add(name);
        walk(join(dir, name, 'node_modules'));
      }
    }
  };
  walk(nodeModules);
  return [...names].sort();
}

/** The packages package-lock.json installs without dev dependencies (by name, at any depth), sorted. */
function productionPackagesOfLock(): string[] {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  const names = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.dev !== true && entry.devOptional !== true)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  return [...new Set(names)].sort();
}

/** Serves `db` with the installed CLI `bin`, fetches `paths`, stops it; the server's stderr once it stopped. */
async function serveAndFetch(bin: string, db: string, paths: string[]): Promise<{ bodies: Map<string, { status: number; body: Buffer }>; stderr: string }> {
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', db], { env: cliEnvironment(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.setEncoding('utf8');
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      server.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        const match = /dashboard at (http:\/\/\S+?)\/ /.exec(stderr);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
    });
    const bodies = new Map<string, { status: number; body: Buffer }>();
    for (const path of paths) {
      const response = await fetch(`${url}${path}`);
      bodies.set(path, { status: response.status, body: Buffer.from(await response.arrayBuffer()) });
    }
    return { bodies, stderr: await stopped() };
  } finally {
    server.kill('SIGTERM');
  }

  async function stopped(): Promise<string> {
    server.kill('SIGTERM');
    await exited;
    return stderr;
  }
}

describe('the npm package', () => {
  let dir: string;
  let tarball: string;
  let prebuild: Record<string, string>;
  let prefix: string;

  let packedFiles: string[];
  let installed: Run;

  before(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'quotaplan-package-'));
    prebuild = localPrebuildFor(dir);
    prefix = join(dir, 'global');
    // dist/ is current (ensureBuilt): pack it as it is rather than building again through `prepare`.
    const packed = await runIn('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT });
    assert.equal(packed.code, 0, packed.stderr);
    const [manifest] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(manifest);
    tarball = join(dir, manifest.filename);
    packedFiles = manifest.files.map((file) => file.path).sort();
    installed = await runIn('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: dir, env: prebuild });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('npm pack ships the built CLI, migrations, web assets and data files, and no TypeScript, tests or maps', () => {
    const built = readdirSync(join(REPO_ROOT, 'dist'))
      .filter((file) => file.endsWith('.js') || file === 'THIRD-PARTY-NOTICES.txt')
      .map((file) => `dist/${file}`);
    const shipped = (folder: string): string[] =>
      readdirSync(join(REPO_ROOT, folder), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(REPO_ROOT.length));
    const expected = [
      'README.md',
      'bin/quotaplan.js',
      'package.json',
      ...built,
      ...shipped('migrations'),
      ...shipped('web'),
      ...shipped('src/collect/proto'),
      'src/demo/teams.yaml',
    ].sort();
    assert.deepEqual(packedFiles, expected);
  });

  test('npm install -g installs it with the production dependencies of package-lock.json and nothing else', async () => {
    assert.equal(installed.code, 0, installed.stderr);
    assert.deepEqual(installedPackages(join(prefix, 'lib/node_modules/quotaplan/node_modules')), productionPackagesOfLock());
    assert.deepEqual(readdirSync(join(prefix, 'bin')).sort(), ['kubectl-quotaplan', 'quotaplan']);
    const version = await runIn(join(prefix, 'bin/quotaplan'), ['--version'], { cwd: dir });
    assert.deepEqual(version, { code: 0, stdout: '0.1.0\n', stderr: '' });
    const inventory = await runIn(join(prefix, 'bin/quotaplan'), ['inventory', '--from-file', FIXTURE, '-o', 'json'], { cwd: dir });
    const checkout = await runCli(['inventory', '--from-file', FIXTURE, '-o', 'json'], { cwd: dir });
    assert.equal(checkout.code, 0, checkout.stderr);
    assert.deepEqual(inventory, checkout);
  });

  test('the installed CLI finds its migrations, demo teams, web assets, chart.js, chartjs-plugin-zoom, History worker and .proto files', async () => {
    const bin = join(prefix, 'lib/node_modules/quotaplan/bin/quotaplan.js');
    const db = join(dir, 'demo.db');
    const demo = await runIn(process.execPath, [bin, 'demo', '--no-serve', '--db', db], { cwd: dir });
    assert.equal(demo.code, 0, demo.stderr);

    const { bodies, stderr } = await serveAndFetch(bin, db, ['/', '/vendor/chart.umd.js', '/vendor/chartjs-plugin-zoom.min.js', '/api/history?maxPoints=10']);
    // The installed package's own files (npm install -g may resolve a newer chart.js 4.x than the checkout's lock).
    const installed = join(prefix, 'lib/node_modules/quotaplan');
    const servedAs = (path: string, file: string): { status: number; sameBytes: boolean } => ({
      status: bodies.get(path)?.status ?? 0,
      sameBytes: bodies.get(path)?.body.equals(readFileSync(join(installed, file))) ?? false,
    });
    assert.deepEqual(servedAs('/', 'web/index.html'), { status: 200, sameBytes: true });
    assert.deepEqual(servedAs('/vendor/chart.umd.js', 'node_modules/chart.js/dist/chart.umd.js'), { status: 200, sameBytes: true });
    assert.deepEqual(servedAs('/vendor/chartjs-plugin-zoom.min.js', 'node_modules/chartjs-plugin-zoom/dist/chartjs-plugin-zoom.min.js'), { status: 200, sameBytes: true });
    assert.equal(bodies.get('/api/history?maxPoints=10')?.status, 200);
    // The History totals are built in the worker (dist/history-totals-worker.js); a failed worker would say so here.
    assert.match(stderr, /^quotaplan: dashboard at http:\/\/127\.0\.0\.1:\d+\/ \(database .*demo\.db; read-only: no --token\)\n$/);

    // A live collection loads the protobuf schemas before its first request: a refused connection, not a missing file.
    const kubeconfig = join(dir, 'unreachable.kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'gone', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'gone',
      }),
    );
    const collect = await runIn(process.execPath, [bin, 'collect', '--kubeconfig', kubeconfig, '--db', join(dir, 'never.db'), '--quiet'], { cwd: dir });
    assert.equal(collect.code, 3, collect.stderr);
    assert.match(collect.stderr, /^quotaplan: cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(context "gone"\): ECONNREFUSED/);
  });

  test("the image's production install (scripts/install-production.sh) runs without dev dependencies", async () => {
    const app = join(dir, 'app');
    const install = await runIn('bash', [join(REPO_ROOT, 'scripts/install-production.sh'), tarball, join(REPO_ROOT, 'package-lock.json'), app], { cwd: dir, env: prebuild });
    assert.equal(install.code, 0, install.stderr);
    assert.deepEqual(installedPackages(join(app, 'node_modules')), productionPackagesOfLock());
    const inventory = await runIn(process.execPath, [join(app, 'bin/quotaplan.js'), 'inventory', '--from-file', FIXTURE, '-o', 'json'], { cwd: dir });
    const checkout = await runCli(['inventory', '--from-file', FIXTURE, '-o', 'json'], { cwd: dir });
    assert.deepEqual(inventory, checkout);
  });

  describe('kubectl quotaplan', kubectlSuite, () => {
    test('kubectl lists the installed kubectl-quotaplan as a plugin and runs it, with its own name in usage', async () => {
      const kubectl = await toolPath('kubectl');
      // Only the installed bins and node: another kubectl-* elsewhere on PATH would be listed too.
      const env = { PATH: `${join(prefix, 'bin')}${delimiter}${dirname(process.execPath)}`, KUBECONFIG: join(dir, 'no-kubeconfig') };
      const list = await runIn(kubectl, ['plugin', 'list'], { cwd: dir, env });
      assert.deepEqual(list, { code: 0, stdout: `The following compatible plugins are available:\n\n${join(prefix, 'bin/kubectl-quotaplan')}\n`, stderr: '' });
      const version = await runIn(kubectl, ['quotaplan', '--version'], { cwd: dir, env });
      assert.deepEqual(version, { code: 0, stdout: '0.1.0\n', stderr: '' });
      const help = await runIn(kubectl, ['quotaplan', 'rbac', '--help'], { cwd: dir, env });
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^Usage: kubectl quotaplan rbac \[options\]\n/);
    });
  });
});
