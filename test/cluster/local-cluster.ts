/**
 * A small local cluster to try the live path on: the real control plane of the test suite (etcd, kube-apiserver,
 * kube-controller-manager from test/cluster/harness) seeded with test/fixtures/cluster-mixed-gpu.json less its AMD
 * node (so examples/teams.yaml shows what it does on a cluster that lacks a resource it names). Prints the admin
 * kubeconfig as an `export KUBECONFIG=...` line, then stays up until Ctrl-C (SIGINT) or SIGTERM, when the harness
 * stops every component and removes its folder.
 *
 *   npm run cluster:local          (QUOTAPLAN_CLUSTER_BIN=DIR to use binaries built elsewhere)
 */
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { requireControlPlaneBinaries, seedObjects, startControlPlane, toolPath } from './harness/index.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cluster-mixed-gpu.json');

/** The fixture's objects without the node carrying amd.com/gpu and the pods bound to it. */
function localClusterObjects(): KubernetesObject[] {
  const items = (JSON.parse(readFileSync(fixture, 'utf8')) as { items: Array<KubernetesObject & { status?: { capacity?: Record<string, string> }; spec?: { nodeName?: string } }> }).items;
  const amdNodes = new Set(items.filter((o) => o.kind === 'Node' && o.status?.capacity?.['amd.com/gpu'] !== undefined).map((o) => o.metadata?.name));
  return items.filter((o) => !(o.kind === 'Node' && amdNodes.has(o.metadata?.name)) && !(o.kind === 'Pod' && amdNodes.has(o.spec?.nodeName)));
}

const started = performance.now();
const binaries = await requireControlPlaneBinaries();
// kubectl, for the README's `| kubectl apply -f -`: built beside the control plane (test/cluster/build-tools.sh).
const kubectl = await toolPath('kubectl');
const plane = await startControlPlane({ binaries });
// Ctrl-C (SIGINT) and SIGTERM: the harness kills every component and removes the folder (harness/processes.ts),
// exiting 130 or 143 as a shell expects of a process stopped by a signal.

const objects = localClusterObjects();
const report = await seedObjects(plane.admin, objects);
const count = (kind: string): number => report.byKind[kind] ?? 0;
process.stdout.write(
  `local cluster up in ${((performance.now() - started) / 1000).toFixed(1)} s at ${plane.server}: ${count('Node')} nodes, ` +
    `${count('Namespace')} namespaces, ${count('Pod')} pods (NVIDIA, MIG, Intel; no AMD GPUs)\n` +
    `export KUBECONFIG=${plane.kubeconfigPath}\n` +
    `export PATH=${dirname(kubectl)}${delimiter}$PATH    # kubectl\n` +
    `Ctrl-C stops it and removes ${plane.dir}\n`,
);
// Stay up until a signal; fail loudly (and clean up) if a component dies meanwhile.
setInterval(() => {
  try {
    plane.assertRunning();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    void plane.stop().then(() => process.exit(3));
  }
}, 5_000);
