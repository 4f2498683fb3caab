/**
 * The accelerator taxonomy (domain.md section 1): which node resources are accelerators, whose they are,
 * what model the labels say, how the devices are shared, what one unit is worth in GPUs, and how many physical
 * devices a node has. Capacity comes from the resources; labels only name the model and undo the sharing.
 */
import { quantityFromUnits, wholeUnits } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { device, genericModel, integerLabel, type AcceleratorShape, type Labels, type Warn } from './accelerator-shape.js';
import { amdPartition, amdSingleStrategyMode } from './amd.js';
import { intelGpu } from './intel.js';
import { migProfileFromResourceSuffix, type MigProfile } from './mig.js';
import { neuronCore, neuronModel, neuronShape, type NeuronShape } from './neuron.js';
import { nvidiaGpu, nvidiaMig, singleStrategyProfile } from './nvidia.js';
import { ZERO, add, ceil, type Rational } from '../rational.js';
import { aliasDisagreements, countedByAnother } from './same-devices.js';
import type { AcceleratorFacts, Vendor } from './types.js';
import { compareKeys } from '../text-order.js';

/** What a resource name alone says. */
type ResourceKind =
  | { family: 'nvidia-gpu'; renamedShared: boolean }
  | { family: 'nvidia-mig'; profile: MigProfile; renamedShared: boolean; labelPrefix: string }
  | { family: 'amd-gpu' }
  | { family: 'amd-partition'; mode: string }
  | { family: 'intel-gpu' }
  | { family: 'neuron-device' }
  | { family: 'neuron-core' }
  | { family: 'device'; vendor: Vendor };

/** Classifies a resource name; null when it is not an accelerator (cpu, memory, Intel `*monitoring`, ...). */
export function classifyResource(name: string): ResourceKind | null {
  if (name === 'nvidia.com/gpu') return { family: 'nvidia-gpu', renamedShared: false };
  if (name === 'nvidia.com/gpu.shared') return { family: 'nvidia-gpu', renamedShared: true };
  if (name.startsWith('nvidia.com/mig-')) {
    const suffix = name.slice('nvidia.com/mig-'.length);
    const renamedShared = suffix.endsWith('.shared');
    const bare = renamedShared ? suffix.slice(0, -'.shared'.length) : suffix;
    const profile = migProfileFromResourceSuffix(bare);
    return profile === null ? null : { family: 'nvidia-mig', profile, renamedShared, labelPrefix: `nvidia.com/mig-${bare}` };
  }
  if (name === 'amd.com/gpu') return { family: 'amd-gpu' };
  const amd = /^amd\.com\/([sdtqc]px)_nps\d+$/.exec(name);
  if (amd !== null) return { family: 'amd-partition', mode: amd[1] ?? 'spx' };
  // Intel's device plugin also advertises `monitoring` and `i915_monitoring`: access to all devices for
  // telemetry, not a device (intel-device-plugins-for-kubernetes gpu_plugin).
  if (name === 'gpu.intel.com/i915' || name === 'gpu.intel.com/xe') return { family: 'intel-gpu' };
  if (name === 'aws.amazon.com/neuron' || name === 'aws.amazon.com/neurondevice') return { family: 'neuron-device' };
  if (name === 'aws.amazon.com/neuroncore') return { family: 'neuron-core' };
  if (/^habana\.ai\/gaudi\d*$/.test(name)) return { family: 'device', vendor: 'habana' };
  if (name === 'google.com/tpu') return { family: 'device', vendor: 'google' };
  if (/^[a-z0-9.-]+\/gpu$/.test(name) && !name.endsWith('kubernetes.io/gpu')) return { family: 'device', vendor: 'other' };
  return null;
}

export function isAcceleratorResource(name: string): boolean {
  return classifyResource(name) !== null;
}

export interface NodeAccelerators {
  accelerators: AcceleratorFacts[];
  /** Physical devices on the node, never counting a device twice under two resource names or units. */
  physicalAccelerators: number;
  /** Model of the accelerator with the most physical devices. */
  model: string | null;
  warnings: string[];
}

interface NodeShape {
  name: string;
  labels: Labels;
  capacity: ResourceList;
  allocatable: ResourceList;
}

/** Facts for every accelerator resource of one node, sorted by resource name. */
export function nodeAccelerators(node: NodeShape): NodeAccelerators {
  const warnings: string[] = [];
  const warn = (message: string): void => {
    const line = `node ${node.name}: ${message}`;
    if (!warnings.includes(line)) warnings.push(line);
  };
  const names = [...new Set([...Object.keys(node.capacity), ...Object.keys(node.allocatable)])].sort();
  const accelerators: AcceleratorFacts[] = [];
  const neuron = neuronShape(node);

  for (const resource of names) {
    const kind = classifyResource(resource);
    if (kind === null) continue;
    const capacity = node.capacity[resource] ?? node.allocatable[resource] ?? quantityFromUnits(0n);
    const allocatable = node.allocatable[resource] ?? quantityFromUnits(0n);
    const units = wholeUnits(capacity, 'floor');
    const shape = describe(kind, resource, units, node.labels, neuron, warn);
    accelerators.push({
      resource,
      vendor: shape.vendor,
      model: shape.model,
      sharing: shape.sharing,
      migProfile: shape.migProfile,
      replicas: shape.replicas,
      unit: shape.unit,
      capacity,
      allocatable,
      gpuEquivalent: shape.gpuEquivalent,
      physical: shape.physical,
    });
  }

  // A resource whose devices another name on this node counts (same-devices.ts) stands for no device of its own.
  const counted = countedByAnother(accelerators);
  for (const [i, a] of accelerators.entries()) if (counted.has(a.resource)) accelerators[i] = { ...a, physical: ZERO };
  aliasDisagreements(accelerators).forEach(warn);
  const physicalAccelerators = countPhysical(node, accelerators, warn);
  return { accelerators, physicalAccelerators, model: mainModel(accelerators), warnings };
}

/** What one accelerator resource is, by its family; the vendor files hold the rules. */
function describe(kind: ResourceKind, resource: string, units: bigint, labels: Labels, neuron: NeuronShape, warn: Warn): AcceleratorShape {
  switch (kind.family) {
    case 'nvidia-gpu':
      return nvidiaGpu(kind.renamedShared, resource, units, labels, warn);
    case 'nvidia-mig':
      return nvidiaMig(kind, units, labels);
    case 'amd-gpu':
      return amdPartition(resource, amdSingleStrategyMode(labels), units, labels, warn);
    case 'amd-partition':
      return amdPartition(resource, kind.mode, units, labels, warn);
    case 'intel-gpu':
      return intelGpu(resource, units, labels, warn);
    case 'neuron-device':
      return device('aws', neuronModel(labels), units);
    case 'neuron-core':
      return neuronCore(resource, units, labels, neuron, warn);
    case 'device':
      return device(kind.vendor, genericModel(kind.vendor, labels), units);
  }
}

/**
 * Physical devices: per vendor, the sum of each resource's physical share, rounded up (a GPU cut into MIG
 * slices of several profiles is one GPU). Under MIG strategy mixed GFD keeps `nvidia.com/gpu.count` physical
 * (k8s-device-plugin#738), which also covers GPUs whose slices are partly unused; it is used when larger.
 */
function countPhysical(node: NodeShape, accelerators: AcceleratorFacts[], warn: Warn): number {
  const byVendor = new Map<Vendor, Rational>();
  for (const a of accelerators) byVendor.set(a.vendor, add(byVendor.get(a.vendor) ?? ZERO, a.physical));
  let total = 0n;
  for (const [vendor, share] of byVendor) {
    let count = ceil(share);
    if (vendor === 'nvidia') {
      const hasMixedMig = accelerators.some((a) => a.resource.startsWith('nvidia.com/mig-'));
      const labelCount = integerLabel(node.labels['nvidia.com/gpu.count']);
      if (hasMixedMig && labelCount !== null && BigInt(labelCount) > count) count = BigInt(labelCount);
      else if (!hasMixedMig && singleStrategyProfile(node.labels) === null && labelCount !== null && count > 0n && BigInt(labelCount) !== count) {
        warn(`nvidia.com/gpu.count label says ${labelCount} GPUs, resources say ${count}; using resources`);
      }
    }
    total += count;
  }
  return Number(total);
}

function mainModel(accelerators: AcceleratorFacts[]): string | null {
  const byModel = new Map<string, Rational>();
  for (const a of accelerators) {
    if (a.model === null) continue;
    byModel.set(a.model, add(byModel.get(a.model) ?? ZERO, a.physical));
  }
  let best: string | null = null;
  let bestShare: Rational = { numerator: -1n, denominator: 1n };
  for (const [model, share] of [...byModel].sort(compareKeys)) {
    if (share.numerator * bestShare.denominator > bestShare.numerator * share.denominator) {
      best = model;
      bestShare = share;
    }
  }
  return best;
}
