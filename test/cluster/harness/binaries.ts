/**
 * Finds (or builds) etcd, kube-apiserver and kube-controller-manager for the cluster suite.
 *
 * Order: `$QUOTAPLAN_CLUSTER_BIN` if set, else `test/cluster/.bin`. Missing or older than go.mod/go.sum/build.sh
 * and Go on PATH: run build.sh (Go's build cache makes a rebuild with nothing changed quick). No Go: in CI that
 * is a failure; elsewhere the suite is skipped with a loud message, so it shows up as skipped and not as passed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const clusterModuleDir: string = dirname(dirname(fileURLToPath(import.meta.url)));

export const controlPlaneBinaryNames = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
export type ControlPlaneBinary = (typeof controlPlaneBinaryNames)[number];

export interface ControlPlaneBinaries {
  dir: string;
  path(name: ControlPlaneBinary): string;
}

export type BinaryLookup =
  | { kind: 'found'; binaries: ControlPlaneBinaries }
  | { kind: 'unavailable'; reason: string };

let lookup: Promise<BinaryLookup> | undefined;

/** Memoized per process: each test file is its own process under `node --test`, so at most one build per file. */
export function locateControlPlaneBinaries(): Promise<BinaryLookup> {
  lookup ??= Promise.resolve().then(locateNow);
  return lookup;
}

/** The binaries, or an error explaining why they are unavailable (for benchmarks, which cannot "skip"). */
export async function requireControlPlaneBinaries(): Promise<ControlPlaneBinaries> {
  const found = await locateControlPlaneBinaries();
  if (found.kind === 'unavailable') throw new Error(found.reason);
  return found.binaries;
}

function locateNow(): BinaryLookup {
  const dir = process.env.QUOTAPLAN_CLUSTER_BIN || join(clusterModuleDir, '.bin');
  const binaries: ControlPlaneBinaries = { dir, path: (name) => join(dir, name) };
  const missing = controlPlaneBinaryNames.filter((name) => !existsSync(binaries.path(name)));
  const stale = missing.length === 0 && isOlderThanSources(binaries);
  if (missing.length === 0 && !stale) return { kind: 'found', binaries };

  if (goOnPath() !== undefined) {
    const why = missing.length > 0 ? `missing ${missing.join(', ')}` : 'older than go.mod/go.sum/build.sh';
    process.stderr.write(`[cluster] control-plane binaries in ${dir} ${why}: running test/cluster/build.sh\n`);
    const build = spawnSync('bash', [join(clusterModuleDir, 'build.sh')], {
      env: { ...process.env, QUOTAPLAN_CLUSTER_BIN: dir },
      stdio: ['ignore', 2, 2], // stdout of a test file is its TAP stream
    });
    if (build.status !== 0) {
      throw new Error(`test/cluster/build.sh failed (exit ${build.status ?? build.signal}); see its output above`);
    }
    return { kind: 'found', binaries };
  }
  if (stale) {
    process.stderr.write(`[cluster] binaries in ${dir} are older than go.mod, and Go is not on PATH: using them\n`);
    return { kind: 'found', binaries };
  }

  const reason =
    `control-plane binaries missing in ${dir} (${missing.join(', ')}) and Go is not on PATH. ` +
    'Install Go (see go.mod in test/cluster for the version) or set QUOTAPLAN_CLUSTER_BIN to a folder ' +
    'holding etcd, kube-apiserver and kube-controller-manager. See docs/testing.md.';
  if (inCi()) throw new Error(`CI is set, so the cluster suite must run: ${reason}`);
  const bar = '!'.repeat(100);
  process.stderr.write(`\n${bar}\n!! CLUSTER SUITE SKIPPED: ${reason}\n${bar}\n\n`);
  return { kind: 'unavailable', reason: `cluster suite skipped: ${reason}` };
}

function isOlderThanSources(binaries: ControlPlaneBinaries): boolean {
  // An explicit QUOTAPLAN_CLUSTER_BIN is trusted as given (e.g. binaries downloaded or built elsewhere).
  if (process.env.QUOTAPLAN_CLUSTER_BIN) return false;
  const oldestBinary = Math.min(...controlPlaneBinaryNames.map((name) => statSync(binaries.path(name)).mtimeMs));
  const newestSource = Math.max(
    ...['go.mod', 'go.sum', 'build.sh'].map((file) => statSync(join(clusterModuleDir, file)).mtimeMs),
  );
  return newestSource > oldestBinary;
}

export function goOnPath(): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder && existsSync(join(folder, 'go'))) return join(folder, 'go');
  }
  return undefined;
}

/** `CI=true` (or any value but empty, `0`, `false`), as CI services and .ci/run set it. */
export function inCi(): boolean {
  const ci = (process.env.CI ?? '').trim().toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false';
}
