/**
 * Starts the real control plane (test/cluster/harness), seeds the synthetic GPU cluster the collector benchmark
 * uses, prints the admin kubeconfig's path and keeps the cluster up until interrupted (Ctrl-C), so that tools can be
 * measured against it repeatedly: `bench/collect.bench.ts --kubeconfig PATH --stages NODES:PODS`.
 *
 *   node --import tsx bench/hold-cluster.ts [--nodes 5000] [--pods 150000] [--namespaces 1000]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { seedObjects, startControlPlane } from '../test/cluster/harness/index.js';
import { syntheticNamespace, syntheticNode, syntheticPod, syntheticPolicyObjects } from './synthetic-cluster.js';

const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '5000' }, pods: { type: 'string', default: '150000' }, namespaces: { type: 'string', default: '1000' } },
});
const [nodes, pods, namespaces] = [Number(values.nodes), Number(values.pods), Number(values.namespaces)];
if (![nodes, pods, namespaces].every((n) => Number.isInteger(n) && n > 0) || pods % nodes !== 0) {
  throw new Error('--nodes, --pods and --namespaces must be positive whole numbers, --pods a multiple of --nodes');
}

const plane = await startControlPlane({ resourceQuotaSyncPeriod: '10m', readyTimeoutMs: 180_000 });
const stop = async (): Promise<void> => {
  await plane.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

const first: KubernetesObject[] = [];
for (let i = 0; i < namespaces; i++) first.push(syntheticNamespace(i) as KubernetesObject);
for (let i = 0; i < nodes; i++) first.push(syntheticNode(i) as KubernetesObject);
await seedObjects(plane.admin, first);
const started = performance.now();
for (let start = 0; start < pods; start += 10_000) {
  const batch: KubernetesObject[] = [];
  for (let i = start; i < Math.min(pods, start + 10_000); i++) batch.push(syntheticPod(i, { podsPerNode: pods / nodes, namespaces }) as KubernetesObject);
  await seedObjects(plane.admin, batch);
  process.stderr.write(`seeded ${Math.min(pods, start + 10_000)} pods in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}
await seedObjects(plane.admin, syntheticPolicyObjects(namespaces) as KubernetesObject[]);
const results = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(results, { recursive: true });
const pointer = join(results, 'held-cluster.kubeconfig-path');
writeFileSync(pointer, plane.kubeconfigPath);
// The pointer goes with the cluster: however this process ends (Ctrl-C, SIGTERM, a failure), it must not keep
// naming a folder the harness has removed.
process.on('exit', () => rmSync(pointer, { force: true }));
console.log(`${nodes} nodes, ${pods} pods, ${namespaces} namespaces: kubeconfig ${plane.kubeconfigPath} (also in ${pointer}); Ctrl-C stops it`);
// Stay up until a signal (the harness's children would be stopped when this process exits).
setInterval(() => plane.assertRunning(), 10_000);
