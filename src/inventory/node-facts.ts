/**
 * One Node object -> NodeFacts: state (ready, cordoned, taints, pool, transitional) and accelerators.
 * Pods are folded in later by the InventoryBuilder; `requested` and `pods` start empty here.
 */
import { compareQuantities, formatQuantity, isZeroQuantity, subtractQuantities } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { nodeAccelerators } from './accelerators.js';
import type { NodeObject } from './objects.js';
import type { NodeFacts, TransitionalReason } from './types.js';

/** Well-known node-pool labels, in the order they are consulted. */
export const POOL_LABELS = [
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'karpenter.sh/nodepool',
  'kubernetes.azure.com/agentpool',
  'karpenter.sh/provisioner-name',
  'agentpool',
] as const;

export function poolOf(labels: Record<string, string>): string | null {
  for (const key of POOL_LABELS) {
    const value = labels[key];
    if (value !== undefined && value !== '') return value;
  }
  return null;
}

/** Labels that say a node should have accelerators, even while it advertises none. */
const ACCELERATOR_PRESENT = (labels: Record<string, string>): boolean =>
  labels['nvidia.com/gpu.present'] === 'true' ||
  (labels['cloud.google.com/gke-accelerator'] ?? '') !== '' ||
  (labels['kubernetes.azure.com/accelerator'] ?? '') !== '' ||
  Number(labels['karpenter.k8s.aws/instance-gpu-count'] ?? '0') > 0;

export interface NodeFactsResult {
  facts: NodeFacts;
  warnings: string[];
}

export function nodeFacts(node: NodeObject): NodeFactsResult {
  const { labels, name } = node.metadata;
  const { capacity, allocatable } = node.status;
  const accel = nodeAccelerators({ name, labels, capacity, allocatable });
  const warnings = [...accel.warnings];

  const ready = node.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  const schedulable = node.spec.unschedulable !== true;

  const transitionalReasons: TransitionalReason[] = [];
  const migState = labels['nvidia.com/mig.config.state'];
  if (migState !== undefined && migState !== 'success') transitionalReasons.push('mig-config-pending');
  if (labels['nvidia.com/gpu.deploy.device-plugin'] === 'paused-for-mig-change') transitionalReasons.push('device-plugin-paused');
  // AMD Device Config Manager repartitioning the GPUs (ROCm gpu-operator: profile-state success when applied).
  const dcmState = labels['dcm.amd.com/gpu-config-profile-state'];
  if (dcmState !== undefined && dcmState !== 'success') transitionalReasons.push('partition-config-pending');
  // cluster-autoscaler utils/gpu/gpu.go: a node labelled with an accelerator but advertising none is not ready yet.
  const advertises = accel.accelerators.some((a) => !isZeroQuantity(a.allocatable));
  if (ACCELERATOR_PRESENT(labels) && !advertises) transitionalReasons.push('accelerator-not-ready');

  const unhealthy: ResourceList = {};
  const staleZeroResources: string[] = [];
  for (const a of accel.accelerators) {
    if (isZeroQuantity(a.capacity)) {
      staleZeroResources.push(a.resource);
      continue;
    }
    if (compareQuantities(a.allocatable, a.capacity) < 0) {
      unhealthy[a.resource] = subtractQuantities(a.capacity, a.allocatable);
    }
  }

  if (!ready) warnings.push(`node ${name}: not Ready; its capacity is not plannable`);
  if (!schedulable) warnings.push(`node ${name}: cordoned; its capacity is not plannable`);
  if (transitionalReasons.length > 0) {
    warnings.push(`node ${name}: transitional (${transitionalReasons.join(', ')}); its capacity is not plannable`);
  }
  for (const [resource, q] of Object.entries(unhealthy)) {
    warnings.push(
      `node ${name}: ${formatQuantity(q)} of ${formatQuantity(capacity[resource] ?? q)} ${resource} unhealthy or reserved (allocatable < capacity)`,
    );
  }
  for (const resource of staleZeroResources) {
    warnings.push(`node ${name}: ${resource} is 0 (stale: device plugin stopped, profile removed, or not yet ready)`);
  }

  return {
    facts: {
      name,
      labels,
      pool: poolOf(labels),
      model: accel.model,
      ready,
      schedulable,
      taints: node.spec.taints.map((t) => (t.value === undefined ? { key: t.key, effect: t.effect } : { key: t.key, value: t.value, effect: t.effect })),
      transitional: transitionalReasons.length > 0,
      transitionalReasons,
      physicalAccelerators: accel.physicalAccelerators,
      accelerators: accel.accelerators,
      capacity,
      allocatable,
      requested: {},
      unhealthy,
      staleZeroResources,
      pods: 0,
    },
    warnings,
  };
}

/** A node's capacity counts toward plannable only when it is ready, schedulable and not in flux. */
export function isPlannable(node: Pick<NodeFacts, 'ready' | 'schedulable' | 'transitional'>): boolean {
  return node.ready && node.schedulable && !node.transitional;
}
