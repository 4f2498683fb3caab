/**
 * How a cluster test file declares its suite so that a machine without Go reports it as skipped, loudly, and CI
 * (where `CI` is set) fails instead.
 */
import { test } from 'node:test';
import { locateControlPlaneBinaries } from './binaries.js';

/**
 * node:test options for a cluster suite: `describe('...', await controlPlaneSuiteOptions(), () => { ... })`.
 * When the binaries are unavailable (outside CI) the suite gets `skip: reason`; node 20 does not count a skipped
 * suite in its `# skipped` total, so a skipped test carrying the same reason is registered beside it.
 */
export async function controlPlaneSuiteOptions(): Promise<{ skip: string | false }> {
  const found = await locateControlPlaneBinaries();
  if (found.kind === 'found') return { skip: false };
  test('a real control plane (etcd, kube-apiserver, kube-controller-manager)', { skip: found.reason }, () => {});
  return { skip: found.reason };
}
