/**
 * Measures the cluster harness itself (not a test, never asserted on): control-plane startup and seeding rate.
 *
 *   node --import tsx test/cluster/measure.ts [--starts 5] [--pods 2000]
 *
 * Prints one JSON line per measurement and a summary with medians.
 */
import { parseArgs } from 'node:util';
import { boundPodObject, namespaceObject, nodeObject, seedObjects, startControlPlane } from './harness/index.js';

const { values } = parseArgs({ options: { starts: { type: 'string', default: '5' }, pods: { type: 'string', default: '2000' } } });
const starts = Number(values.starts);
const podCount = Number(values.pods);

const startup: number[] = [];
const apiServer: number[] = [];
for (let i = 0; i < starts; i++) {
  const plane = await startControlPlane();
  startup.push(plane.timings.totalMs);
  apiServer.push(plane.timings.apiServerReadyMs);
  console.log(JSON.stringify({ measure: 'startup', ...plane.timings }));
  await plane.stop();
}

const plane = await startControlPlane();
try {
  await seedObjects(plane.admin, [
    ...Array.from({ length: 20 }, (_, i) => namespaceObject(`ns-${i}`)),
    ...Array.from({ length: 100 }, (_, i) => nodeObject(`node-${i}`, { capacity: { cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': '8' } })),
  ]);
  const rates: Record<string, number> = {};
  for (const via of ['json', 'client-node'] as const) {
    for (const phase of ['Pending', 'Running'] as const) {
      const pods = Array.from({ length: podCount }, (_, i) =>
        boundPodObject({
          namespace: `ns-${i % 20}`,
          name: `${via}-${phase.toLowerCase()}-${i}`,
          nodeName: `node-${i % 100}`,
          requests: { cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': '1' },
          ...(phase === 'Running' ? { phase } : {}),
        }),
      );
      const cpu = process.cpuUsage();
      const report = await seedObjects(plane.admin, pods, { via });
      const used = process.cpuUsage(cpu);
      rates[`${via} ${phase}`] = report.objectsPerSecond;
      console.log(
        JSON.stringify({
          measure: 'seed pods',
          via,
          phase,
          objects: report.objects,
          requests: report.requests,
          ms: report.ms,
          objectsPerSecond: report.objectsPerSecond,
          clientCpuMs: Math.round((used.user + used.system) / 1000),
        }),
      );
    }
  }
  console.log(JSON.stringify({ summary: { startupMedianMs: median(startup), apiServerReadyMedianMs: median(apiServer), podsPerSecond: rates } }));
} finally {
  await plane.stop();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
