/**
 * The synthetic cluster the collector tests read: a node of every accelerator shape docs/inventory.md describes, team namespaces with bound pods (some terminal, one unbound, one with an
 * init container and a sidecar), quotas, a limit range and Kubeflow Profiles.
 */
import type { KubernetesObject, V1LimitRangeItem, V1Pod } from '@kubernetes/client-node';
import { dumpYaml } from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  boundPodObject,
  limitRangeObject,
  namespaceObject,
  nodeObject,
  profileObject,
  resourceQuotaObject,
  waitUntil,
  type ControlPlane,
  type ResourceList,
} from './harness/index.js';
import { InventoryBuilder } from '../../src/inventory/builder.js';
import { parseObject } from '../../src/kinds/parse.js';
import { type KubeObject } from '../../src/kinds/registry.js';
import type { ClusterInventory } from '../../src/inventory/types.js';

const host = { cpu: '64', memory: '512Gi', pods: '110' };
const gfd = (product: string, count: number, extra: Record<string, string> = {}): Record<string, string> => ({
  'nvidia.com/gpu.present': 'true',
  'nvidia.com/gpu.product': product,
  'nvidia.com/gpu.count': String(count),
  ...extra,
});

/** name -> physical accelerator devices, as domain.md section 1 defines them (never label counts, never cores). */
export const physicalAcceleratorsByNode: Record<string, number> = {
  'a100-mig-pending-1': 8,
  'a100-mixed-1': 4,
  'a100-single-1': 2,
  'cpu-1': 0,
  'gaudi-1': 8,
  'h100-1': 8,
  'h100-cordoned-1': 8,
  'h100-not-ready-1': 8,
  'h100-xid-1': 8,
  'intel-1': 2,
  'l4-mps-renamed-1': 4,
  'mi300x-1': 8,
  'mi300x-cpx-1': 8,
  't4-time-sliced-1': 8,
  'tpu-1': 4,
  'trn1-1': 16,
};

export function clusterNodes(): KubernetesObject[] {
  return [
    // Whole GPUs.
    nodeObject('h100-1', {
      capacity: { ...host, 'nvidia.com/gpu': '8' },
      labels: { ...gfd('NVIDIA-H100-80GB-HBM3', 8, { 'nvidia.com/gpu.memory': '81559' }), 'karpenter.sh/nodepool': 'h100' },
    }),
    // MIG mixed (gpu-operator#637): 2 GPUs with MIG off, 2 with MIG on, a stale zero profile.
    nodeObject('a100-mixed-1', {
      capacity: { ...host, 'nvidia.com/gpu': '2', 'nvidia.com/mig-1g.10gb': '6', 'nvidia.com/mig-2g.20gb': '4', 'nvidia.com/mig-3g.40gb': '0' },
      labels: {
        ...gfd('NVIDIA-A100-SXM4-80GB', 4, { 'nvidia.com/mig.strategy': 'mixed', 'nvidia.com/mig.config.state': 'success' }),
        'nvidia.com/mig-1g.10gb.count': '6',
        'nvidia.com/mig-2g.20gb.count': '4',
        'cloud.google.com/gke-nodepool': 'a100-mig',
      },
    }),
    // MIG single: 2 A100-40GB cut into 7 x 1g.5gb each; GFD overwrites gpu.count with the slice count.
    nodeObject('a100-single-1', {
      capacity: { ...host, 'nvidia.com/gpu': '14' },
      labels: gfd('NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', 14, { 'nvidia.com/mig.strategy': 'single', 'nvidia.com/mig.config.state': 'success' }),
    }),
    // Time-slicing: 8 physical T4 x 10 replicas; gpu.count stays physical.
    nodeObject('t4-time-sliced-1', {
      capacity: { ...host, 'nvidia.com/gpu': '80' },
      labels: gfd('Tesla-T4-SHARED', 8, { 'nvidia.com/gpu.replicas': '10', 'nvidia.com/gpu.sharing-strategy': 'time-slicing' }),
    }),
    // MPS with renameByDefault: the resource is nvidia.com/gpu.shared.
    nodeObject('l4-mps-renamed-1', {
      capacity: { ...host, 'nvidia.com/gpu.shared': '40' },
      labels: gfd('NVIDIA-L4', 4, { 'nvidia.com/gpu.replicas': '10', 'nvidia.com/gpu.sharing-strategy': 'mps' }),
    }),
    // An Xid error: capacity 8, allocatable 7 (k8s-device-plugin#1014).
    nodeObject('h100-xid-1', {
      capacity: { ...host, 'nvidia.com/gpu': '8' },
      allocatable: { ...host, 'nvidia.com/gpu': '7' },
      labels: gfd('NVIDIA-H100-80GB-HBM3', 8),
    }),
    // A MIG reconfiguration in progress: transitional, not plannable.
    nodeObject('a100-mig-pending-1', {
      capacity: { ...host, 'nvidia.com/gpu': '8' },
      labels: gfd('NVIDIA-A100-SXM4-80GB', 8, { 'nvidia.com/mig.config': 'all-1g.10gb', 'nvidia.com/mig.config.state': 'pending' }),
    }),
    nodeObject('h100-cordoned-1', { capacity: { ...host, 'nvidia.com/gpu': '8' }, labels: gfd('NVIDIA-H100-80GB-HBM3', 8), unschedulable: true }),
    nodeObject('h100-not-ready-1', {
      capacity: { ...host, 'nvidia.com/gpu': '8' },
      labels: gfd('NVIDIA-H100-80GB-HBM3', 8),
      conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime down' }],
    }),
    // AMD: whole MI300X, and CPX partitions (8 GPUs -> 64) with a stale amd.com/gpu: 0 (ROCm/gpu-operator#382).
    nodeObject('mi300x-1', {
      capacity: { ...host, 'amd.com/gpu': '8' },
      labels: { 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X_OAM', 'amd.com/gpu.family': 'AI', 'amd.com/gpu.compute-memory-partition': 'SPX_NPS1' },
    }),
    nodeObject('mi300x-cpx-1', {
      capacity: { ...host, 'amd.com/gpu': '0', 'amd.com/cpx_nps4': '64' },
      labels: { 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X_OAM', 'amd.com/gpu.compute-memory-partition': 'CPX_NPS4' },
    }),
    // Intel: the monitoring pseudo-resource is not an accelerator.
    nodeObject('intel-1', {
      capacity: { ...host, 'gpu.intel.com/i915': '2', 'gpu.intel.com/i915_monitoring': '1' },
      labels: { 'gpu.intel.com/device-id.0300-0bd5.present': 'true' },
    }),
    nodeObject('gaudi-1', { capacity: { ...host, 'habana.ai/gaudi': '8' } }),
    nodeObject('tpu-1', {
      capacity: { ...host, 'google.com/tpu': '4' },
      labels: { 'cloud.google.com/gke-tpu-accelerator': 'tpu-v5-lite-podslice', 'cloud.google.com/gke-nodepool': 'tpu' },
    }),
    // AWS Trainium: devices and cores on the same node; count devices, never both.
    nodeObject('trn1-1', {
      capacity: { ...host, 'aws.amazon.com/neuron': '16', 'aws.amazon.com/neuroncore': '32' },
      labels: { 'node.kubernetes.io/instance-type': 'trn1.32xlarge', 'eks.amazonaws.com/nodegroup': 'trn1' },
    }),
    nodeObject('cpu-1', { capacity: host }),
  ];
}

export function clusterWorkloads(): KubernetesObject[] {
  const pod = (namespace: string, name: string, nodeName: string, requests: ResourceList, phase?: 'Running' | 'Succeeded' | 'Failed'): V1Pod =>
    boundPodObject({ namespace, name, nodeName, requests, ...(phase ? { phase } : {}) });
  // An init container bigger than the app containers, and a sidecar (init container with restartPolicy Always).
  const withInit: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'prepare-and-train', namespace: 'team-research' },
    spec: {
      nodeName: 'mi300x-1',
      initContainers: [
        { name: 'log-shipper', image: 'registry.invalid/log:1', restartPolicy: 'Always', resources: { requests: { cpu: '250m', memory: '256Mi' } } },
        { name: 'fetch', image: 'registry.invalid/fetch:1', resources: { requests: { cpu: '6', memory: '4Gi' } } },
      ],
      containers: [
        { name: 'train', image: 'registry.invalid/train:1', resources: { requests: { cpu: '2', memory: '16Gi', 'amd.com/gpu': '2' }, limits: { 'amd.com/gpu': '2' } } },
        { name: 'metrics', image: 'registry.invalid/metrics:1', resources: { requests: { cpu: '500m', memory: '512Mi' } } },
      ],
    },
  };
  return [
    namespaceObject('team-vision', { team: 'vision', 'cost-centre': 'cc-1001' }),
    namespaceObject('team-nlp', { team: 'nlp', 'compliance-tier': 'restricted' }),
    namespaceObject('team-research', { team: 'research' }),
    namespaceObject('idle', {}),
    pod('team-vision', 'train-0', 'h100-1', { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '2' }, 'Running'),
    pod('team-vision', 'train-1', 'h100-1', { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '2' }, 'Running'),
    pod('team-vision', 'train-2', 'h100-xid-1', { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '2' }),
    pod('team-vision', 'finished', 'h100-1', { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '4' }, 'Succeeded'),
    pod('team-nlp', 'mig-a', 'a100-mixed-1', { cpu: '1', memory: '4Gi', 'nvidia.com/mig-1g.10gb': '1' }, 'Running'),
    pod('team-nlp', 'mig-b', 'a100-mixed-1', { cpu: '1', memory: '4Gi', 'nvidia.com/mig-1g.10gb': '1' }, 'Running'),
    pod('team-nlp', 'notebook', 't4-time-sliced-1', { cpu: '500m', memory: '2Gi', 'nvidia.com/gpu': '5' }, 'Running'),
    pod('team-nlp', 'crashed', 't4-time-sliced-1', { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '10' }, 'Failed'),
    // Never scheduled (no nodeName): it still counts for the namespace's quota usage.
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'waiting', namespace: 'team-nlp' },
      spec: { containers: [{ name: 'main', image: 'registry.invalid/w:1', resources: { requests: { cpu: '1', memory: '1Gi' } } }] },
    } satisfies V1Pod,
    withInit,
    pod('team-research', 'infer', 'trn1-1', { cpu: '3', memory: '8Gi', 'aws.amazon.com/neuron': '4' }, 'Running'),
    resourceQuotaObject({
      namespace: 'team-vision',
      name: 'gpu',
      hard: { 'requests.nvidia.com/gpu': '8', 'requests.cpu': '32', 'requests.memory': '128Gi' },
    }),
    resourceQuotaObject({ namespace: 'team-nlp', name: 'mig', hard: { 'requests.nvidia.com/mig-1g.10gb': '4', pods: '10' } }),
    resourceQuotaObject({ namespace: 'team-nlp', name: 'not-best-effort', hard: { 'requests.nvidia.com/gpu': '10' }, scopes: ['NotBestEffort'] }),
    limitRangeObject({
      namespace: 'team-nlp',
      name: 'defaults',
      // Wire form (`default`, which client-node's model calls `_default`): the harness seeds plain JSON.
      limits: [
        { type: 'Container', defaultRequest: { cpu: '500m', memory: '1Gi' }, default: { cpu: '1', memory: '2Gi' }, max: { 'nvidia.com/gpu': '4' } },
      ] as unknown as V1LimitRangeItem[],
    }),
    profileObject({ name: 'team-research', owner: 'alice@example.com', hard: { 'requests.amd.com/gpu': '4', 'requests.aws.amazon.com/neuron': '8' }, labels: { team: 'research' } }),
    profileObject({ name: 'sandbox', owner: 'bob@example.com', labels: { 'cost-centre': 'cc-2002' } }),
  ] as KubernetesObject[];
}

/** Waits until the quota controller has computed status.used for every quota (admission and the snapshot read it). */
export async function quotasSettled(plane: ControlPlane, count: number): Promise<void> {
  await waitUntil(`status.used of ${count} ResourceQuotas`, 30_000, async () => {
    const quotas = (await plane.admin.core.listResourceQuotaForAllNamespaces()).items;
    return quotas.length === count && quotas.every((q) => q.status?.used !== undefined && Object.keys(q.status.used).length > 0);
  });
}

/**
 * The inventory of everything the admin can see, read WITHOUT pagination through client-node's generated API
 * and folded by the same InventoryBuilder: a reference for what the collector must store, reached by another path.
 */
export async function referenceInventory(plane: ControlPlane): Promise<ClusterInventory> {
  const { core, customObjects } = plane.admin;
  // Back to the wire form (client-node's typed models rename fields such as LimitRangeItem `default`).
  const plain = (kind: string, object: object): Record<string, unknown> =>
    parse(dumpYaml({ ...object, apiVersion: 'v1', kind })) as Record<string, unknown>;
  const objects: KubeObject[] = [];
  for (const node of (await core.listNode()).items) objects.push(parseObject(plain('Node', node)));
  for (const ns of (await core.listNamespace()).items) objects.push(parseObject(plain('Namespace', ns)));
  for (const q of (await core.listResourceQuotaForAllNamespaces()).items) objects.push(parseObject(plain('ResourceQuota', q)));
  for (const l of (await core.listLimitRangeForAllNamespaces()).items) objects.push(parseObject(plain('LimitRange', l)));
  try {
    const profiles = (await customObjects.listClusterCustomObject({ group: 'kubeflow.org', version: 'v1', plural: 'profiles' })) as {
      items: Record<string, unknown>[];
    };
    for (const p of profiles.items) objects.push(parseObject({ ...p, kind: 'Profile', apiVersion: 'kubeflow.org/v1' }));
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
  }
  for (const pod of (await core.listPodForAllNamespaces()).items) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    objects.push(parseObject(plain('Pod', pod)));
  }
  const builder = new InventoryBuilder();
  for (const object of objects) builder.add(object);
  return builder.build();
}
