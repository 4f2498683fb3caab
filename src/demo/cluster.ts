/**
 * The bundled demo cluster: a realistic mixed-accelerator cluster built from the node shapes the vendors' device
 * plugins advertise (docs/inventory.md), as the `kubectl get ... -o json` List a planner would dump. Deterministic:
 * the same hour gives the same objects, so `quotaplan demo` always seeds the same history.
 */

type Labels = Record<string, string>;
type Resources = Record<string, string>;
type KubeObject = Record<string, unknown>;

const BASE_NODE: Resources = { cpu: '64', memory: '528280332Ki', pods: '110', 'ephemeral-storage': '1845678080Ki' };
const BASE_ALLOCATABLE: Resources = { cpu: '63500m', memory: '519659388Ki', pods: '110', 'ephemeral-storage': '1845678080Ki' };

interface NodeShape {
  name: string;
  pool: string;
  labels: Labels;
  capacity: Resources;
  allocatable?: Resources;
  unschedulable?: boolean;
  taints?: { key: string; value?: string; effect: string }[];
}

const gpuTaint = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }];

function gfd(product: string, count: number, memoryMiB: number, family: string, extra: Labels = {}): Labels {
  return {
    'nvidia.com/gpu.present': 'true',
    'nvidia.com/gpu.product': product,
    'nvidia.com/gpu.count': String(count),
    'nvidia.com/gpu.memory': String(memoryMiB),
    'nvidia.com/gpu.family': family,
    'nvidia.com/gpu.replicas': '1',
    'nvidia.com/gpu.sharing-strategy': 'none',
    ...extra,
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The nodes: 6x 8xH100 (one with a failed GPU, one cordoned), mixed-MIG A100s (one mid-reconfiguration),
 * an H200 node in MIG single strategy, time-sliced T4s, MI300X, CPU nodes. */
export function demoNodes(): NodeShape[] {
  const h100 = range(6).map((i): NodeShape => ({
    name: `h100-${i}`,
    pool: 'h100',
    labels: gfd('NVIDIA-H100-80GB-HBM3', 8, 81559, 'hopper', { 'nvidia.com/mig.capable': 'true' }),
    capacity: { ...BASE_NODE, 'nvidia.com/gpu': '8' },
    // h100-3 lost a GPU to an Xid error: the plugin still reports 8 devices, 7 healthy (k8s-device-plugin#1014).
    allocatable: { ...BASE_ALLOCATABLE, 'nvidia.com/gpu': i === 3 ? '7' : '8' },
    unschedulable: i === 5,
    taints: i === 5 ? [...gpuTaint, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] : gpuTaint,
  }));
  const a100 = range(2).map((i): NodeShape => {
    const mig = { 'nvidia.com/gpu': '2', 'nvidia.com/mig-1g.10gb': '7', 'nvidia.com/mig-3g.40gb': '2', 'nvidia.com/mig-2g.20gb': '0' };
    return {
      name: `a100-mig-${i}`,
      pool: 'a100-mig',
      labels: gfd('NVIDIA-A100-SXM4-80GB', 4, 81920, 'ampere', {
        'nvidia.com/mig.capable': 'true',
        'nvidia.com/mig.strategy': 'mixed',
        'nvidia.com/mig.config': 'custom-mixed',
        // a100-mig-1 is being reconfigured by the MIG manager: its numbers are transitional.
        'nvidia.com/mig.config.state': i === 1 ? 'pending' : 'success',
        'nvidia.com/mig-1g.10gb.count': '7',
        'nvidia.com/mig-1g.10gb.memory': '9728',
        'nvidia.com/mig-1g.10gb.slices.gi': '1',
        'nvidia.com/mig-3g.40gb.count': '2',
        'nvidia.com/mig-3g.40gb.memory': '40192',
        'nvidia.com/mig-3g.40gb.slices.gi': '3',
      }),
      capacity: { ...BASE_NODE, ...mig },
      taints: gpuTaint,
    };
  });
  const h200: NodeShape = {
    name: 'h200-mig-0',
    pool: 'h200-mig',
    // Single strategy: every slice is an nvidia.com/gpu and GFD rewrites count and product (8 GPUs x 2 x 3g.71gb).
    labels: gfd('NVIDIA-H200-MIG-3g.71gb', 16, 71424, 'hopper', {
      'nvidia.com/mig.capable': 'true',
      'nvidia.com/mig.strategy': 'single',
      'nvidia.com/mig.config': 'all-3g.71gb',
      'nvidia.com/mig.config.state': 'success',
      'nvidia.com/gpu.slices.gi': '3',
    }),
    capacity: { ...BASE_NODE, 'nvidia.com/gpu': '16' },
    taints: gpuTaint,
  };
  const t4 = range(3).map((i): NodeShape => ({
    name: `t4-shared-${i}`,
    pool: 't4-shared',
    // Time-slicing with renameByDefault: 4 physical T4s x 4 replicas advertised as nvidia.com/gpu.shared.
    labels: gfd('Tesla-T4', 4, 15360, 'turing', {
      'nvidia.com/gpu.replicas': '4',
      'nvidia.com/gpu.sharing-strategy': 'time-slicing',
      'nvidia.com/mig.capable': 'false',
      'nvidia.com/device-plugin.config': 'ts-4',
    }),
    capacity: { ...BASE_NODE, 'nvidia.com/gpu.shared': '16' },
    taints: gpuTaint,
  }));
  const mi300x = range(2).map((i): NodeShape => ({
    name: `mi300x-${i}`,
    pool: 'mi300x',
    labels: {
      'amd.com/gpu.family': 'AI',
      'amd.com/gpu.product-name': 'AMD_Instinct_MI300X',
      'amd.com/gpu.vram': '192G',
      'amd.com/gpu.device-id': '74a1',
    },
    capacity: { ...BASE_NODE, 'amd.com/gpu': '8' },
    taints: [{ key: 'amd.com/gpu', value: 'present', effect: 'NoSchedule' }],
  }));
  const cpu = range(6).map((i): NodeShape => ({ name: `cpu-${i}`, pool: 'general', labels: {}, capacity: { ...BASE_NODE } }));
  return [...h100, ...a100, h200, ...t4, ...mi300x, ...cpu];
}

function nodeObject(shape: NodeShape): KubeObject {
  const { capacity } = shape;
  const allocatable = shape.allocatable ?? {
    ...capacity,
    cpu: BASE_ALLOCATABLE.cpu!,
    memory: BASE_ALLOCATABLE.memory!,
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: shape.name,
      labels: {
        'kubernetes.io/hostname': shape.name,
        'kubernetes.io/os': 'linux',
        'karpenter.sh/nodepool': shape.pool,
        ...shape.labels,
      },
    },
    spec: { ...(shape.unschedulable ? { unschedulable: true } : {}), ...(shape.taints ? { taints: shape.taints } : {}) },
    status: {
      capacity,
      allocatable,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
    },
  };
}

/** A team's namespaces, its GPU-hungry workload and how busy it is over time. */
interface Workload {
  namespace: string;
  pool: string;
  resource: string;
  perPod: number;
  /** Pods running at the quarter's start and end (linear trend) plus a daily swing. */
  podsFrom: number;
  podsTo: number;
  dailySwing: number;
  cpu: string;
  memory: string;
}

const WORKLOADS: Workload[] = [
  { namespace: 'fraud-train', pool: 'h100', resource: 'nvidia.com/gpu', perPod: 4, podsFrom: 3, podsTo: 4, dailySwing: 1, cpu: '32', memory: '256Gi' },
  { namespace: 'fraud-serve', pool: 'a100-mig', resource: 'nvidia.com/mig-1g.10gb', perPod: 1, podsFrom: 4, podsTo: 6, dailySwing: 2, cpu: '2', memory: '16Gi' },
  { namespace: 'recsys', pool: 'h100', resource: 'nvidia.com/gpu', perPod: 2, podsFrom: 2, podsTo: 1, dailySwing: 0, cpu: '16', memory: '128Gi' },
  { namespace: 'nlp-train', pool: 'h100', resource: 'nvidia.com/gpu', perPod: 8, podsFrom: 1, podsTo: 2, dailySwing: 1, cpu: '48', memory: '400Gi' },
  { namespace: 'nlp-train', pool: 'h200-mig', resource: 'nvidia.com/gpu', perPod: 2, podsFrom: 2, podsTo: 5, dailySwing: 1, cpu: '8', memory: '64Gi' },
  { namespace: 'nlp-eval', pool: 'a100-mig', resource: 'nvidia.com/mig-3g.40gb', perPod: 1, podsFrom: 1, podsTo: 2, dailySwing: 1, cpu: '8', memory: '64Gi' },
  { namespace: 'vision', pool: 't4-shared', resource: 'nvidia.com/gpu.shared', perPod: 1, podsFrom: 10, podsTo: 14, dailySwing: 6, cpu: '2', memory: '12Gi' },
  { namespace: 'alice-research', pool: 'mi300x', resource: 'amd.com/gpu', perPod: 2, podsFrom: 2, podsTo: 3, dailySwing: 1, cpu: '16', memory: '128Gi' },
  { namespace: 'etl', pool: 'general', resource: 'cpu', perPod: 0, podsFrom: 12, podsTo: 20, dailySwing: 8, cpu: '8', memory: '32Gi' },
];

const NAMESPACES: { name: string; labels: Labels }[] = [
  { name: 'fraud-train', labels: { team: 'fraud', department: 'platform', 'cost-centre': 'cc-114' } },
  { name: 'fraud-serve', labels: { team: 'fraud', department: 'platform', 'cost-centre': 'cc-114' } },
  { name: 'recsys', labels: { team: 'recsys', department: 'platform', 'cost-centre': 'cc-118' } },
  { name: 'nlp-train', labels: { team: 'nlp', department: 'research', 'cost-centre': 'cc-201' } },
  { name: 'nlp-eval', labels: { team: 'nlp', department: 'research', 'cost-centre': 'cc-201' } },
  { name: 'vision', labels: { team: 'vision', department: 'research', 'cost-centre': 'cc-202' } },
  { name: 'alice-research', labels: { team: 'alice', department: 'research', 'app.kubernetes.io/part-of': 'kubeflow-profile' } },
  { name: 'etl', labels: { team: 'etl', department: 'data', 'cost-centre': 'cc-300' } },
  { name: 'kube-system', labels: {} },
];

/** Pods running `hour` hours into the demo history (hour 0 = the quarter's first hour). */
function podCount(workload: Workload, hour: number, hours: number): number {
  const progress = hours <= 1 ? 1 : hour / (hours - 1);
  const trend = workload.podsFrom + (workload.podsTo - workload.podsFrom) * progress;
  // Busy in the working day (UTC 08-18), quiet at night: integer arithmetic on the hour of day.
  const hourOfDay = hour % 24;
  const busy = hourOfDay >= 8 && hourOfDay < 18 ? workload.dailySwing : 0;
  return Math.max(0, Math.round(trend) + busy);
}

function podObject(namespace: string, name: string, nodeName: string, requests: Resources): KubeObject {
  const limits = Object.fromEntries(Object.entries(requests).filter(([key]) => key !== 'cpu' && key !== 'memory'));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { nodeName, containers: [{ name: 'main', image: `${namespace}:latest`, resources: { requests, limits } }] },
    status: { phase: 'Running' },
  };
}

/** How many pods each workload runs at `hour`: the demo cluster at two hours with equal counts is the same. */
export function demoPodCounts(hour: number, hours: number): number[] {
  return WORKLOADS.map((workload) => podCount(workload, hour, hours));
}

/** Places each workload's pods on the first node of its pool with room, as a bin-packing scheduler would. */
function demoPods(nodes: NodeShape[], hour: number, hours: number): KubeObject[] {
  const free = new Map<string, number>();
  const pods: KubeObject[] = [];
  for (const workload of WORKLOADS) {
    const pool = nodes.filter((node) => node.pool === workload.pool && !node.unschedulable);
    const count = podCount(workload, hour, hours);
    for (let index = 0; index < count; index += 1) {
      // CPU-only pods spread round-robin; accelerator pods pack onto the first node with free devices.
      const node =
        workload.perPod === 0
          ? pool[index % pool.length]
          : pool.find((candidate) => {
              const key = `${candidate.name}/${workload.resource}`;
              const total = Number((candidate.allocatable ?? candidate.capacity)[workload.resource] ?? '0');
              return (free.get(key) ?? total) >= workload.perPod;
            });
      if (!node) break; // the pool is full: the rest would be Pending, which requests no capacity
      const key = `${node.name}/${workload.resource}`;
      const total = Number((node.allocatable ?? node.capacity)[workload.resource] ?? '0');
      free.set(key, (free.get(key) ?? total) - workload.perPod);
      const requests: Resources = { cpu: workload.cpu, memory: workload.memory };
      if (workload.perPod > 0) requests[workload.resource] = String(workload.perPod);
      pods.push(podObject(workload.namespace, `${workload.namespace}-${workload.pool}-${index}`, node.name, requests));
    }
  }
  pods.push(podObject('kube-system', 'coredns-0', 'cpu-0', { cpu: '100m', memory: '70Mi' }));
  return pods;
}

/** A quota as the API returns it once the resourcequota controller has synced it (status.used is left out:
 * the collector reads use from the pods themselves). */
function quotaObject(namespace: string, name: string, hard: Resources): KubeObject {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace }, spec: { hard }, status: { hard } };
}

/** The demo cluster as it was `hour` hours into a history of `hours` hours. */
export function demoCluster(options: { hour?: number; hours?: number } = {}): KubeObject {
  const hours = options.hours ?? 1;
  const hour = options.hour ?? hours - 1;
  const nodes = demoNodes();
  const profileQuota = { 'requests.cpu': '64', 'requests.memory': '512Gi', 'requests.amd.com/gpu': '8' };
  const items: KubeObject[] = [
    ...nodes.map(nodeObject),
    ...NAMESPACES.map(({ name, labels }) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
    })),
    ...demoPods(nodes, hour, hours),
    quotaObject('fraud-train', 'gpu-quota', { 'requests.nvidia.com/gpu': '16', 'requests.cpu': '160', 'requests.memory': '1Ti' }),
    quotaObject('recsys', 'gpu-quota', { 'requests.nvidia.com/gpu': '8' }),
    quotaObject('nlp-train', 'gpu-quota', { 'requests.nvidia.com/gpu': '20' }),
    quotaObject('alice-research', 'kf-resource-quota', profileQuota),
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'defaults', namespace: 'fraud-train' },
      spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '500m', memory: '1Gi' } }] },
    },
    {
      apiVersion: 'kubeflow.org/v1',
      kind: 'Profile',
      metadata: { name: 'alice-research', labels: { team: 'alice', 'cost-centre': 'cc-205', 'compliance-tier': 'internal' } },
      spec: {
        owner: { kind: 'User', name: 'alice@example.com', apiGroup: 'rbac.authorization.k8s.io' },
        resourceQuotaSpec: { hard: profileQuota },
      },
    },
  ];
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}
