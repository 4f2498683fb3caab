/**
 * Finds (or builds) the command-line tools the deployment tests drive: kubectl (plugin discovery) and helm (the
 * chart), built from Go modules by test/cluster/build-tools.sh beside the control plane, in the same folder; and
 * Kueue's CRDs, copied out of the sigs.k8s.io/kueue module by the same script.
 *
 * As for the control plane (binaries.ts): missing or older than the go.mod/go.sum it comes from (or the build
 * script) and Go on PATH: build it. No Go: CI fails; elsewhere the test is skipped, loudly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { clusterModuleDir, goOnPath, inCi } from './binaries.js';

/**
 * `kueue-crds` is a folder: Kueue's CRD files copied out of its Go module; `kueue-manager` Kueue's controllers and
 * scheduler (test/cluster/kueue/cmd/kueue-manager) built from the same module.
 */
export type ToolName = 'kubectl' | 'helm' | 'kueue-crds' | 'kueue-manager';

export type ToolLookup = { kind: 'found'; path: string } | { kind: 'unavailable'; reason: string };

/** The go.mod folder each tool is built from. */
const moduleDir: Record<ToolName, string> = {
  kubectl: clusterModuleDir,
  helm: join(clusterModuleDir, 'helm'),
  'kueue-crds': join(clusterModuleDir, 'kueue'),
  'kueue-manager': join(clusterModuleDir, 'kueue'),
};

/** Source files of a tool beyond its go.mod and go.sum. */
const ownSources: Partial<Record<ToolName, string[]>> = { 'kueue-manager': [join(clusterModuleDir, 'kueue', 'cmd', 'kueue-manager', 'main.go')] };

const lookups = new Map<ToolName, Promise<ToolLookup>>();

/** Memoized per process and tool. */
export function locateTool(name: ToolName): Promise<ToolLookup> {
  let lookup = lookups.get(name);
  if (lookup === undefined) {
    lookup = Promise.resolve().then(() => locateNow(name));
    lookups.set(name, lookup);
  }
  return lookup;
}

function locateNow(name: ToolName): ToolLookup {
  const dir = process.env.QUOTAPLAN_CLUSTER_BIN || join(clusterModuleDir, '.bin');
  const path = join(dir, name);
  const missing = !existsSync(path);
  const stale = !missing && !process.env.QUOTAPLAN_CLUSTER_BIN && isOlderThanSources(path, name);
  if (!missing && !stale) return { kind: 'found', path };
  if (goOnPath() !== undefined) {
    process.stderr.write(`[cluster] ${name} in ${dir} ${missing ? 'missing' : 'older than its go.mod'}: running test/cluster/build-tools.sh ${name}\n`);
    const build = spawnSync('bash', [join(clusterModuleDir, 'build-tools.sh'), name], {
      env: { ...process.env, QUOTAPLAN_CLUSTER_BIN: dir },
      stdio: ['ignore', 2, 2], // stdout of a test file is its TAP stream
    });
    if (build.status !== 0) throw new Error(`test/cluster/build-tools.sh ${name} failed (exit ${build.status ?? build.signal}); see its output above`);
    return { kind: 'found', path };
  }
  if (stale) return { kind: 'found', path };
  const reason = `${name} is missing in ${dir} and Go is not on PATH to build it (test/cluster/build-tools.sh). See docs/testing.md.`;
  if (inCi()) throw new Error(`CI is set, so ${name} must be available: ${reason}`);
  const bar = '!'.repeat(100);
  process.stderr.write(`\n${bar}\n!! SKIPPED: ${reason}\n${bar}\n\n`);
  return { kind: 'unavailable', reason };
}

function isOlderThanSources(path: string, name: ToolName): boolean {
  const sources = [join(moduleDir[name], 'go.mod'), join(moduleDir[name], 'go.sum'), join(clusterModuleDir, 'build-tools.sh'), ...(ownSources[name] ?? [])];
  return Math.max(...sources.map((file) => statSync(file).mtimeMs)) > statSync(path).mtimeMs;
}

/**
 * node:test options for a suite that needs `names`: skipped (with a skipped test carrying the reason, as
 * controlPlaneSuiteOptions does) when one is unavailable outside CI.
 */
export async function toolSuiteOptions(...names: ToolName[]): Promise<{ skip: string | false }> {
  for (const name of names) {
    const found = await locateTool(name);
    if (found.kind === 'unavailable') {
      test(`${name} built from its Go module`, { skip: found.reason }, () => {});
      return { skip: found.reason };
    }
  }
  return { skip: false };
}

/** The path of a tool that toolSuiteOptions found. */
export async function toolPath(name: ToolName): Promise<string> {
  const found = await locateTool(name);
  if (found.kind === 'unavailable') throw new Error(found.reason);
  return found.path;
}
