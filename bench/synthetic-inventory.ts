/**
 * A synthetic 5,000-node GPU cluster as a ClusterInventory, with hourly churn, for the store and dashboard
 * benchmarks (bench/store.bench.ts, bench/store-year.ts): written straight into the store, never through an API
 * server. Deterministic for a given seed.
 *
 * Churn per hour, "typical": 5% of nodes change requested/pods, 0.2% change other facts (a label, readiness),
 * one node replaced, 20% of namespaces change requests/pods and so their quota's `used`. "heavy": 30% / 1% / 5
 * nodes / 60%.
 */
import type { ClusterInventory, NamespaceFacts, NodeFacts, ResourceQuotaFacts } from '../src/inventory/types.js';
import { parseQuantity } from '../src/quantity.js';
import { parseResourceList } from '../src/resources.js';

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same history. */
export function random(seed: number): () => number {
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

// Parsed once: every quota, limit range and Profile of the synthetic cluster has the same lists (nothing mutates them).
const QUOTA_HARD = parseResourceList({ 'requests.cpu': '2000', 'requests.memory': '16Ti', 'requests.nvidia.com/gpu': '64' });
const LIMIT_DEFAULT_REQUEST = parseResourceList({ cpu: '100m', memory: '128Mi' });
const PROFILE_HARD = parseResourceList({ 'requests.nvidia.com/gpu': '64' });

function makeQuota(ns: NamespaceFacts): ResourceQuotaFacts {
  const hard = QUOTA_HARD;
  const used: Record<string, NodeFacts['requested'][string]> = {};
  for (const [resource, quantity] of Object.entries(ns.requests)) used[`requests.${resource}`] = quantity;
  return { namespace: ns.name, name: 'compute', hard, statusHard: hard, used, scopes: [], scopeSelector: [] };
}

export interface Churn {
  name: string;
  nodeUsage: number;
  nodeFacts: number;
  nodesReplaced: number;
  namespaces: number;
}

export class SyntheticCluster {
  nodes: NodeFacts[];
  namespaces: NamespaceFacts[];
  private generation = 0;

  constructor(
    private readonly rand: () => number,
    readonly nodeCount: number,
    readonly namespaceCount: number = Math.max(10, Math.round(nodeCount / 5)),
  ) {
    this.nodes = Array.from({ length: nodeCount }, (_, i) => makeNode(i, 0, rand));
    this.namespaces = Array.from({ length: namespaceCount }, (_, i) => makeNamespace(i, rand));
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
        limits: [{ type: 'Container', max: {}, min: {}, default: {}, defaultRequest: LIMIT_DEFAULT_REQUEST, maxLimitRequestRatio: {} }],
      })),
      profiles: this.namespaces.slice(0, 300).map((ns) => ({
        name: ns.name,
        namespace: ns.name,
        owner: { kind: 'User', name: `${ns.name}@example.com` },
        hard: PROFILE_HARD,
        labels: { team: ns.labels.team ?? '' },
      })),
      plannable: { ...plannable, gpus: parseQuantity(String(this.nodes.filter((n) => n.ready).length * 8)) },
      plannableByFlavor: {},
      warnings: ['node gpu-node-00003: 1 of 8 nvidia.com/gpu unhealthy'],
    };
  }

  churn(c: Churn): void {
    const pick = (count: number, length: number): number[] => Array.from({ length: Math.round(count) }, () => Math.floor(this.rand() * length));
    for (const i of pick(this.nodeCount * c.nodeUsage, this.nodes.length)) {
      const n = this.nodes[i] as NodeFacts;
      const resource = n.accelerators[0]?.resource ?? 'nvidia.com/gpu';
      const gpus = Math.floor(this.rand() * 9);
      this.nodes[i] = { ...n, requested: usage(resource, gpus), pods: gpus + 3 };
    }
    for (const i of pick(this.nodeCount * c.nodeFacts, this.nodes.length)) {
      const n = this.nodes[i] as NodeFacts;
      this.nodes[i] = { ...n, ready: !n.ready, labels: { ...n.labels, 'nvidia.com/cuda.driver.minor': String(Math.floor(this.rand() * 100)) } };
    }
    for (const i of pick(c.nodesReplaced, this.nodes.length)) {
      this.generation += 1;
      this.nodes[i] = makeNode(i, this.generation, this.rand);
    }
    for (const i of pick(this.namespaceCount * c.namespaces, this.namespaces.length)) {
      const ns = this.namespaces[i] as NamespaceFacts;
      this.namespaces[i] = { ...makeNamespace(i, this.rand), labels: ns.labels };
    }
  }
}


export const churnScenarios: Churn[] = [
  { name: 'unchanged', nodeUsage: 0, nodeFacts: 0, nodesReplaced: 0, namespaces: 0 },
  { name: 'typical churn', nodeUsage: 0.05, nodeFacts: 0.002, nodesReplaced: 1, namespaces: 0.2 },
  { name: 'heavy churn', nodeUsage: 0.3, nodeFacts: 0.01, nodesReplaced: 5, namespaces: 0.6 },
];
