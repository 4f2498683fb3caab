/**
 * Bytes per snapshot for a synthetic 5,000-node cluster: the first snapshot, unchanged hours, typical churn and
 * heavy churn. Run: `node --import tsx bench/store.bench.ts [--nodes N] [--hours H]`. Prints a table; asserts
 * nothing (numbers go to docs/store.md).
 *
 * Churn per hour, "typical": 5% of nodes change requested/pods, 0.2% change other facts (a label, readiness),
 * one node replaced, 20% of namespaces change requests/pods and so their quota's `used`. "heavy": 30% / 1% / 5
 * nodes / 60%.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClusterInventory, NamespaceFacts, NodeFacts, ResourceQuotaFacts } from '../src/inventory/types.js';
import { parseQuantity } from '../src/quantity.js';
import { parseResourceList } from '../src/resources.js';
import { openStore, type Store } from '../src/store/open.js';
import { namespaceUsageSeries } from '../src/store/series.js';
import { loadInventory, saveSnapshot } from '../src/store/snapshots.js';

const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '5000' }, hours: { type: 'string', default: '48' }, breakdown: { type: 'boolean', default: false } },
});
const NODE_COUNT = Number(values.nodes);
const HOURS = Number(values.hours);
const NAMESPACE_COUNT = Math.max(10, Math.round(NODE_COUNT / 5));

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same history. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = ['NVIDIA-H100-80GB-HBM3', 'NVIDIA-A100-SXM4-80GB', 'NVIDIA-L40S', 'AMD-Instinct-MI300X'];

function makeNode(i: number, generation: number, rand: () => number): NodeFacts {
  const name = `gpu-node-${String(i).padStart(5, '0')}${generation > 0 ? `-g${generation}` : ''}`;
  const model = MODELS[i % MODELS.length] as string;
  const pool = `pool-${model.toLowerCase().slice(0, 16)}-${i % 7}`;
  const resource = model.startsWith('AMD') ? 'amd.com/gpu' : 'nvidia.com/gpu';
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': name,
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': 'p5.48xlarge',
    'topology.kubernetes.io/region': 'eu-west-1',
    'topology.kubernetes.io/zone': `eu-west-1${'abc'[i % 3]}`,
    'karpenter.sh/nodepool': pool,
    'nvidia.com/gpu.product': model,
    'nvidia.com/gpu.count': '8',
    'nvidia.com/gpu.memory': '81559',
    'nvidia.com/gpu.family': 'hopper',
    'nvidia.com/gpu.replicas': '1',
    'nvidia.com/gpu.sharing-strategy': 'none',
    'nvidia.com/cuda.driver.major': '550',
    'nvidia.com/cuda.driver.minor': '54',
    'nvidia.com/mig.capable': 'true',
    'feature.node.kubernetes.io/cpu-model.vendor_id': 'Intel',
    'feature.node.kubernetes.io/kernel-version.full': '6.1.0-18-amd64',
  };
  const capacity = parseResourceList({ cpu: '192', memory: '2063937964Ki', pods: '110', 'ephemeral-storage': '7499362216Ki', [resource]: '8' });
  const allocatable = parseResourceList({ cpu: '191450m', memory: '2052012460Ki', pods: '110', 'ephemeral-storage': '6911350455723', [resource]: '8' });
  const gpus = Math.floor(rand() * 9);
  return {
    name,
    labels,
    pool,
    model,
    ready: true,
    schedulable: true,
    taints: [{ key: resource, value: 'present', effect: 'NoSchedule' }],
    transitional: false,
    transitionalReasons: [],
    physicalAccelerators: 8,
    accelerators: [
      {
        resource,
        vendor: resource.startsWith('amd') ? 'amd' : 'nvidia',
        model,
        sharing: 'none',
        migProfile: null,
        replicas: 1,
        unit: 'device',
        capacity: parseQuantity('8'),
        allocatable: parseQuantity('8'),
        gpuEquivalent: { numerator: 1n, denominator: 1n },
        physical: { numerator: 8n, denominator: 1n },
      },
    ],
    capacity,
    allocatable,
    requested: usage(resource, gpus),
    unhealthy: {},
    staleZeroResources: [],
    pods: gpus + 3,
  };
}

function usage(resource: string, gpus: number): NodeFacts['requested'] {
  return parseResourceList({ cpu: `${gpus * 12 + 1}`, memory: `${gpus * 96 + 2}Gi`, [resource]: String(gpus) });
}

function makeNamespace(i: number, rand: () => number): NamespaceFacts {
  const gpus = Math.floor(rand() * 64);
  return {
    name: `team-${String(i).padStart(4, '0')}`,
    labels: { 'kubernetes.io/metadata.name': `team-${i}`, team: `team-${i % 50}`, 'cost-centre': `cc-${i % 20}` },
    requests: parseResourceList({ cpu: `${gpus * 12 + 4}`, memory: `${gpus * 96 + 8}Gi`, 'nvidia.com/gpu': String(gpus) }),
    pods: gpus + 5,
  };
}

function makeQuota(ns: NamespaceFacts): ResourceQuotaFacts {
  const hard = parseResourceList({ 'requests.cpu': '2000', 'requests.memory': '16Ti', 'requests.nvidia.com/gpu': '64' });
  const used: Record<string, NodeFacts['requested'][string]> = {};
  for (const [resource, quantity] of Object.entries(ns.requests)) used[`requests.${resource}`] = quantity;
  return { namespace: ns.name, name: 'compute', hard, statusHard: hard, used, scopes: [], scopeSelector: [] };
}

interface Churn {
  name: string;
  nodeUsage: number;
  nodeFacts: number;
  nodesReplaced: number;
  namespaces: number;
}

class SyntheticCluster {
  nodes: NodeFacts[];
  namespaces: NamespaceFacts[];
  private generation = 0;

  constructor(private readonly rand: () => number) {
    this.nodes = Array.from({ length: NODE_COUNT }, (_, i) => makeNode(i, 0, rand));
    this.namespaces = Array.from({ length: NAMESPACE_COUNT }, (_, i) => makeNamespace(i, rand));
  }

  inventory(): ClusterInventory {
    const plannable: NodeFacts['allocatable'] = {};
    return {
      nodes: [...this.nodes].sort((a, b) => (a.name < b.name ? -1 : 1)),
      namespaces: this.namespaces,
      resourceQuotas: this.namespaces.map(makeQuota),
      limitRanges: this.namespaces.slice(0, 100).map((ns) => ({
        namespace: ns.name,
        name: 'defaults',
        limits: [{ type: 'Container', max: {}, min: {}, default: {}, defaultRequest: parseResourceList({ cpu: '100m', memory: '128Mi' }), maxLimitRequestRatio: {} }],
      })),
      profiles: this.namespaces.slice(0, 300).map((ns) => ({
        name: ns.name,
        namespace: ns.name,
        owner: { kind: 'User', name: `${ns.name}@example.com` },
        hard: parseResourceList({ 'requests.nvidia.com/gpu': '64' }),
        labels: { team: ns.labels.team ?? '' },
      })),
      plannable: { ...plannable, gpus: parseQuantity(String(this.nodes.filter((n) => n.ready).length * 8)) },
      plannableByFlavor: {},
      warnings: ['node gpu-node-00003: 1 of 8 nvidia.com/gpu unhealthy'],
    };
  }

  churn(c: Churn): void {
    const pick = (count: number, length: number): number[] => Array.from({ length: Math.round(count) }, () => Math.floor(this.rand() * length));
    for (const i of pick(NODE_COUNT * c.nodeUsage, this.nodes.length)) {
      const n = this.nodes[i] as NodeFacts;
      const resource = n.accelerators[0]?.resource ?? 'nvidia.com/gpu';
      const gpus = Math.floor(this.rand() * 9);
      this.nodes[i] = { ...n, requested: usage(resource, gpus), pods: gpus + 3 };
    }
    for (const i of pick(NODE_COUNT * c.nodeFacts, this.nodes.length)) {
      const n = this.nodes[i] as NodeFacts;
      this.nodes[i] = { ...n, ready: !n.ready, labels: { ...n.labels, 'nvidia.com/cuda.driver.minor': String(Math.floor(this.rand() * 100)) } };
    }
    for (const i of pick(c.nodesReplaced, this.nodes.length)) {
      this.generation += 1;
      this.nodes[i] = makeNode(i, this.generation, this.rand);
    }
    for (const i of pick(NAMESPACE_COUNT * c.namespaces, this.namespaces.length)) {
      const ns = this.namespaces[i] as NamespaceFacts;
      this.namespaces[i] = { ...makeNamespace(i, this.rand), labels: ns.labels };
    }
  }
}

function fileBytes(store: Store): number {
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const pages = store.sqlite.pragma('page_count', { simple: true }) as number;
  const free = store.sqlite.pragma('freelist_count', { simple: true }) as number;
  const size = store.sqlite.pragma('page_size', { simple: true }) as number;
  return (pages - free) * size;
}

/** Bytes per table and index (SQLite's dbstat), to see where a snapshot's bytes go. */
function tableBytes(store: Store): Map<string, number> {
  const rows = store.sqlite.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
  return new Map(rows.map((row) => [row.name, row.bytes]));
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

const scenarios: Churn[] = [
  { name: 'unchanged', nodeUsage: 0, nodeFacts: 0, nodesReplaced: 0, namespaces: 0 },
  { name: 'typical churn', nodeUsage: 0.05, nodeFacts: 0.002, nodesReplaced: 1, namespaces: 0.2 },
  { name: 'heavy churn', nodeUsage: 0.3, nodeFacts: 0.01, nodesReplaced: 5, namespaces: 0.6 },
];

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-bench-'));
console.log(`synthetic cluster: ${NODE_COUNT} nodes, ${NAMESPACE_COUNT} namespaces (one quota each), 100 limit ranges, 300 profiles; ${HOURS} hourly snapshots per scenario`);
console.log('scenario        first snapshot   per later snapshot   a year of hourly   save ms (avg)   load ms   series ms');
for (const [index, churn] of scenarios.entries()) {
  const store = openStore({ file: join(dir, `bench-${index}.db`) });
  const cluster = new SyntheticCluster(random(42));
  const start = Date.UTC(2026, 0, 1);
  saveSnapshot(store, { cluster: { name: 'big' }, takenAt: new Date(start), source: { kind: 'file', ref: 'synthetic' }, inventory: cluster.inventory() });
  const first = fileBytes(store);
  const firstTables = tableBytes(store);
  let saveMs = 0;
  let lastId = 0;
  for (let hour = 1; hour <= HOURS; hour += 1) {
    cluster.churn(churn);
    const inventory = cluster.inventory();
    const t0 = performance.now();
    lastId = saveSnapshot(store, { cluster: { name: 'big' }, takenAt: new Date(start + hour * 3_600_000), source: { kind: 'file', ref: 'synthetic' }, inventory }).id;
    saveMs += performance.now() - t0;
  }
  const perSnapshot = (fileBytes(store) - first) / HOURS;
  if (values.breakdown) {
    for (const [name, bytes] of tableBytes(store)) {
      const growth = (bytes - (firstTables.get(name) ?? 0)) / HOURS;
      if (growth > 0) console.log(`  ${churn.name}: ${name} ${kib(growth)} per snapshot`);
    }
  }
  const t1 = performance.now();
  loadInventory(store, lastId);
  const loadMs = performance.now() - t1;
  const t2 = performance.now();
  namespaceUsageSeries(store, { cluster: 'big', from: new Date(start), to: new Date(start + HOURS * 3_600_000), namespaces: ['team-0001', 'team-0002'] });
  const seriesMs = performance.now() - t2;
  console.log(
    [
      churn.name.padEnd(14),
      kib(first).padStart(14),
      kib(perSnapshot).padStart(20),
      `${((perSnapshot * 8760) / 1024 / 1024).toFixed(0)} MiB`.padStart(18),
      (saveMs / HOURS).toFixed(0).padStart(15),
      loadMs.toFixed(0).padStart(9),
      seriesMs.toFixed(0).padStart(11),
    ].join(' '),
  );
  store.close();
}
rmSync(dir, { recursive: true, force: true });
