/**
 * The accelerator taxonomy (domain.md section 1): which node resources are accelerators, whose they are,
 * what model the labels say, how the devices are shared, what one unit is worth in GPUs, and how many physical
 * devices a node has. Capacity comes from the resources; labels only name the model and undo the sharing.
 */
import { quantityFromUnits, wholeUnits } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { instancesPerGpu, memoryGbFromProduct, migProfileFromResourceSuffix, parseMigProfile, totalComputeSlices, type MigProfile } from './mig.js';
import { ceilRatio, ONE, ratio, ZERO, addRatios } from './ratio.js';
import type { AcceleratorFacts, AcceleratorUnit, Ratio, Sharing, Vendor } from './types.js';

type Labels = Record<string, string>;

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
    warnings.push(`node ${node.name}: ${message}`);
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

  const physicalAccelerators = countPhysical(node, accelerators, warn);
  return { accelerators, physicalAccelerators, model: mainModel(accelerators), warnings };
}

interface Shape {
  vendor: Vendor;
  model: string | null;
  sharing: Sharing;
  migProfile: string | null;
  replicas: number;
  unit: AcceleratorUnit;
  gpuEquivalent: Ratio;
  physical: Ratio;
}

function describe(
  kind: ResourceKind,
  resource: string,
  units: bigint,
  labels: Labels,
  neuron: NeuronShape,
  warn: (message: string) => void,
): Shape {
  switch (kind.family) {
    case 'nvidia-gpu':
      return nvidiaGpu(kind.renamedShared, resource, units, labels, warn);
    case 'nvidia-mig':
      return nvidiaMig(kind, units, labels);
    case 'amd-gpu': {
      const mode = (labels['amd.com/gpu.compute-memory-partition'] ?? labels['amd.com/compute-memory-partition'] ?? 'spx')
        .split('_')[0]?.toLowerCase() ?? 'spx';
      return amdPartition(mode, units, labels, warn);
    }
    case 'amd-partition':
      return amdPartition(kind.mode, units, labels, warn);
    case 'intel-gpu':
      return intelGpu(resource, units, labels, warn);
    case 'neuron-device':
      return device('aws', neuronModel(labels), units);
    case 'neuron-core': {
      const perDevice = neuron.coresPerDevice;
      if (perDevice === null) {
        warn(`${resource}: cannot tell NeuronCores per device (no aws.amazon.com/neuron resource or accelerator-count label); counting a core as one device`);
      }
      const each = perDevice === null ? ONE : ratio(1n, perDevice);
      // Cores are a second unit over the same devices: their physical share is counted from the devices.
      return {
        vendor: 'aws',
        model: neuronModel(labels),
        sharing: 'partition',
        migProfile: null,
        replicas: 1,
        unit: 'core',
        gpuEquivalent: each,
        physical: neuron.hasDevices ? ZERO : ratio(units * each.numerator, each.denominator),
      };
    }
    case 'device':
      return device(kind.vendor, genericModel(kind.vendor, labels), units);
  }
}

function device(vendor: Vendor, model: string | null, units: bigint): Shape {
  return { vendor, model, sharing: 'none', migProfile: null, replicas: 1, unit: 'device', gpuEquivalent: ONE, physical: ratio(units, 1n) };
}

// ---------------------------------------------------------------------------------------------------- NVIDIA

/** `NVIDIA-A100-SXM4-40GB-MIG-1g.5gb` and `Tesla-T4-SHARED` name the physical model `NVIDIA-A100-SXM4-40GB`, `Tesla-T4`. */
export function nvidiaModel(labels: Labels): string | null {
  const product = labels['nvidia.com/gpu.product'];
  if (product !== undefined && product !== '') return product.replace(/-SHARED$/, '').replace(/-MIG-.*$/, '');
  return cloudGpuModel(labels);
}

/** Model from cloud labels: GKE, EKS/Karpenter, AKS (instance type only). */
function cloudGpuModel(labels: Labels): string | null {
  return (
    nonEmpty(labels['cloud.google.com/gke-accelerator']) ??
    nonEmpty(labels['karpenter.k8s.aws/instance-gpu-name']) ??
    // AKS labels only `kubernetes.azure.com/accelerator=nvidia`; the instance type names the model, as it does
    // on EKS nodes without GFD or Karpenter labels.
    nonEmpty(labels['node.kubernetes.io/instance-type']) ??
    nonEmpty(labels['beta.kubernetes.io/instance-type'])
  );
}

function nvidiaGpu(renamedShared: boolean, resource: string, units: bigint, labels: Labels, warn: (m: string) => void): Shape {
  const product = labels['nvidia.com/gpu.product'] ?? null;
  const model = nvidiaModel(labels);
  const single = singleStrategyProfile(labels);
  const labelled = sharingReplicas(labels);
  let replicas = labelled;
  let sharing = replicaSharing(labels, renamedShared || replicas > 1);

  // Outside MIG single, `nvidia.com/gpu.count` stays the physical count, so the resource says how many units
  // each GPU became. It wins over the replicas label: a sharing config can fail to apply (capacity stays at the
  // GPU count, k8s-device-plugin#990) and GFD can label `replicas=1` on a shared node (k8s-device-plugin#732).
  const gpus = integerLabel(labels['nvidia.com/gpu.count']);
  if (single === null && gpus !== null && gpus > 0 && units > 0n && units % BigInt(gpus) === 0n) {
    const observed = Number(units / BigInt(gpus));
    if (observed !== labelled) {
      warn(
        `${resource}: ${units} units on ${gpus} GPUs (nvidia.com/gpu.count) means ${observed} per GPU, but labels say ${labelled} replicas; using ${observed}`,
      );
      replicas = observed;
      sharing = replicas > 1 ? replicaSharing(labels, true) : 'none';
    }
  } else if (replicas > 1 && units % BigInt(replicas) !== 0n) {
    warn(`${resource}: capacity ${units} is not a multiple of ${replicas} replicas`);
  }

  if (single !== null) {
    // MIG strategy single: every GPU is cut into the same profile and each slice is an `nvidia.com/gpu`.
    const slices = totalComputeSlices(model ?? product);
    const perGpu = instancesPerGpu(single, model, memoryGbFromProduct(model));
    const each = ratio(BigInt(single.computeSlices), BigInt(slices * replicas));
    return {
      vendor: 'nvidia',
      model,
      sharing: replicas > 1 ? sharing : 'mig',
      migProfile: single.name,
      replicas,
      unit: replicas > 1 ? 'replica' : 'mig-slice',
      gpuEquivalent: each,
      physical: ratio(units, BigInt(perGpu * replicas)),
    };
  }
  if (product !== null && /-MIG-INVALID$/.test(product)) {
    warn(`nvidia.com/gpu.product is ${product}: the MIG layout is invalid for the single strategy; counting units as whole GPUs`);
  }
  return {
    vendor: 'nvidia',
    model,
    sharing,
    migProfile: null,
    replicas,
    unit: replicas > 1 ? 'replica' : 'device',
    gpuEquivalent: ratio(1n, BigInt(replicas)),
    physical: ratio(units, BigInt(replicas)),
  };
}

/** The profile every GPU is cut into under MIG strategy single (GFD product suffix, or GKE partition size). */
function singleStrategyProfile(labels: Labels): MigProfile | null {
  const product = labels['nvidia.com/gpu.product'];
  const fromProduct = product === undefined ? null : /-MIG-(.+)$/.exec(product)?.[1];
  if (fromProduct !== undefined && fromProduct !== null && fromProduct !== 'INVALID') {
    return parseMigProfile(fromProduct.replace(/-SHARED$/, ''));
  }
  const gke = labels['cloud.google.com/gke-gpu-partition-size'];
  if (gke !== undefined && gke !== '') return parseMigProfile(gke);
  return null;
}

function sharingReplicas(labels: Labels): number {
  const nvidia = integerLabel(labels['nvidia.com/gpu.replicas']);
  if (nvidia !== null && nvidia >= 1) return nvidia;
  const gke = integerLabel(labels['cloud.google.com/gke-max-shared-clients-per-gpu']);
  if (gke !== null && gke >= 1) return gke;
  return 1;
}

function replicaSharing(labels: Labels, shared: boolean): Sharing {
  const strategy = labels['nvidia.com/gpu.sharing-strategy'] ?? labels['cloud.google.com/gke-gpu-sharing-strategy'];
  if (strategy === 'mps' || strategy === 'MPS') return 'mps';
  if (strategy === 'time-slicing' || strategy === 'time-sharing' || strategy === 'TIME_SHARING') return 'time-slicing';
  if (shared || labels['nvidia.com/gpu.product']?.endsWith('-SHARED') === true) return 'time-slicing';
  return 'none';
}

function nvidiaMig(kind: Extract<ResourceKind, { family: 'nvidia-mig' }>, units: bigint, labels: Labels): Shape {
  const model = nvidiaModel(labels) ?? nonEmpty(labels[`${kind.labelPrefix}.product`]?.replace(/-MIG-.*$/, ''));
  const slicesOfProfile = integerLabel(labels[`${kind.labelPrefix}.slices.gi`]) ?? kind.profile.computeSlices;
  const total = totalComputeSlices(model);
  const replicasLabel = integerLabel(labels[`${kind.labelPrefix}.replicas`]);
  const replicas = replicasLabel !== null && replicasLabel >= 1 ? replicasLabel : kind.renamedShared ? sharingReplicas(labels) : 1;
  const each = ratio(BigInt(slicesOfProfile), BigInt(total * replicas));
  return {
    vendor: 'nvidia',
    model,
    sharing: replicas > 1 ? replicaSharing(labels, true) : 'mig',
    migProfile: kind.profile.name,
    replicas,
    unit: replicas > 1 ? 'replica' : 'mig-slice',
    gpuEquivalent: each,
    physical: ratio(units * each.numerator, each.denominator),
  };
}

// ------------------------------------------------------------------------------------------------------- AMD

/** Compute partitions per GPU in each mode; CPX gives one partition per XCD. */
function partitionsPerGpu(mode: string, model: string | null, warn: (m: string) => void): number {
  switch (mode) {
    case 'spx':
      return 1;
    case 'dpx':
      return 2;
    case 'tpx':
      return 3;
    case 'qpx':
      return 4;
    case 'cpx': {
      const xcds = xcdsOf(model);
      if (xcds === null) warn(`amd CPX partitions on unknown model ${model ?? '(no label)'}: assuming 8 XCDs per GPU as on MI300X`);
      return xcds ?? 8;
    }
    default:
      return 1;
  }
}

/** XCDs per GPU: 8 on MI300X (and MI325X/MI350X/MI355X), 6 on MI300A (amd-smi partitioning guide). */
function xcdsOf(model: string | null): number | null {
  if (model === null) return null;
  if (/MI300A/i.test(model)) return 6;
  if (/MI3(00X|25X|50X|55X)/i.test(model)) return 8;
  return null;
}

export function amdModel(labels: Labels): string | null {
  const name = nonEmpty(labels['amd.com/gpu.product-name']);
  if (name !== null) return name;
  const keys = Object.keys(labels).sort();
  for (const key of keys) {
    const legacy = /^beta\.amd\.com\/gpu\.product-name\.(.+)$/.exec(key);
    if (legacy !== null) return legacy[1] ?? null;
  }
  const id = nonEmpty(labels['amd.com/gpu.device-id']);
  if (id !== null) return `device-${id}`;
  // Legacy labeller: `beta.amd.com/gpu.device-id.1638=1` (ROCm/k8s-device-plugin#42).
  for (const key of keys) {
    const legacy = /^beta\.amd\.com\/gpu\.device-id\.([0-9a-f]+)$/.exec(key);
    if (legacy !== null) return `device-${legacy[1] ?? ''}`;
  }
  return genericModel('amd', labels);
}

function amdPartition(mode: string, units: bigint, labels: Labels, warn: (m: string) => void): Shape {
  const model = amdModel(labels);
  const parts = partitionsPerGpu(mode, model, warn);
  return {
    vendor: 'amd',
    model,
    sharing: parts > 1 ? 'partition' : 'none',
    migProfile: null,
    replicas: 1,
    unit: parts > 1 ? 'partition' : 'device',
    gpuEquivalent: ratio(1n, BigInt(parts)),
    physical: ratio(units, BigInt(parts)),
  };
}

// ----------------------------------------------------------------------------------------------------- Intel

/**
 * Intel GPUs: NFD labels `gpu.intel.com/device-id.<class>-<id>.count` count physical devices; the plugin's
 * `-shared-dev-num` multiplies the resource with no label recording it, so replicas = units / devices.
 */
function intelGpu(resource: string, units: bigint, labels: Labels, warn: (m: string) => void): Shape {
  const ids: string[] = [];
  let devices = 0;
  for (const [key, value] of Object.entries(labels)) {
    const match = /^gpu\.intel\.com\/device-id\.(\d{4})-([0-9a-f]{4})\.count$/.exec(key);
    if (match === null) continue;
    ids.push(match[2] ?? '');
    devices += integerLabel(value) ?? 0;
  }
  for (const key of Object.keys(labels)) {
    const present = /^gpu\.intel\.com\/device-id\.\d{4}-([0-9a-f]{4})\.present$/.exec(key);
    if (present !== null && !ids.includes(present[1] ?? '')) ids.push(present[1] ?? '');
  }
  ids.sort();
  const model = ids.length > 0 ? `intel-${ids.join('+')}` : genericModel('intel', labels);
  let replicas = 1;
  if (devices > 0 && units > BigInt(devices)) {
    if (units % BigInt(devices) === 0n) replicas = Number(units / BigInt(devices));
    else warn(`${resource}: ${units} units over ${devices} devices (NFD count) is not a whole number of shares`);
  }
  return {
    vendor: 'intel',
    model,
    sharing: replicas > 1 ? 'time-slicing' : 'none',
    migProfile: null,
    replicas,
    unit: replicas > 1 ? 'replica' : 'device',
    gpuEquivalent: ratio(1n, BigInt(replicas)),
    physical: ratio(units, BigInt(replicas)),
  };
}

// ------------------------------------------------------------------------------------------------ AWS Neuron

interface NeuronShape {
  hasDevices: boolean;
  coresPerDevice: bigint | null;
}

/** Neuron devices and NeuronCores are two units over the same chips: cores per device from the node itself. */
function neuronShape(node: NodeShape): NeuronShape {
  const unitsOf = (name: string): bigint => {
    const q = node.capacity[name];
    return q === undefined ? 0n : wholeUnits(q, 'floor');
  };
  const devices = [unitsOf('aws.amazon.com/neuron'), unitsOf('aws.amazon.com/neurondevice')].reduce((a, b) => (a > b ? a : b));
  const labelled = integerLabel(node.labels['karpenter.k8s.aws/instance-accelerator-count']);
  const cores = unitsOf('aws.amazon.com/neuroncore');
  const base = devices > 0n ? devices : labelled !== null && labelled > 0 ? BigInt(labelled) : 0n;
  const coresPerDevice = base > 0n && cores > 0n && cores % base === 0n ? cores / base : null;
  return { hasDevices: devices > 0n, coresPerDevice };
}

function neuronModel(labels: Labels): string | null {
  return nonEmpty(labels['karpenter.k8s.aws/instance-accelerator-name']) ?? genericModel('aws', labels);
}

// ------------------------------------------------------------------------------------------------- the node

function genericModel(vendor: Vendor, labels: Labels): string | null {
  if (vendor === 'google') return nonEmpty(labels['cloud.google.com/gke-tpu-accelerator']);
  return (
    nonEmpty(labels['karpenter.k8s.aws/instance-accelerator-name']) ??
    nonEmpty(labels['node.kubernetes.io/instance-type']) ??
    nonEmpty(labels['beta.kubernetes.io/instance-type'])
  );
}

/**
 * Physical devices: per vendor, the sum of each resource's physical share, rounded up (a GPU cut into MIG
 * slices of several profiles is one GPU). Under MIG strategy mixed GFD keeps `nvidia.com/gpu.count` physical
 * (k8s-device-plugin#738), which also covers GPUs whose slices are partly unused; it is used when larger.
 */
function countPhysical(node: NodeShape, accelerators: AcceleratorFacts[], warn: (m: string) => void): number {
  const byVendor = new Map<Vendor, Ratio>();
  for (const a of accelerators) byVendor.set(a.vendor, addRatios(byVendor.get(a.vendor) ?? ZERO, a.physical));
  let total = 0n;
  for (const [vendor, share] of byVendor) {
    let count = ceilRatio(share);
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
  const byModel = new Map<string, Ratio>();
  for (const a of accelerators) {
    if (a.model === null) continue;
    byModel.set(a.model, addRatios(byModel.get(a.model) ?? ZERO, a.physical));
  }
  let best: string | null = null;
  let bestShare: Ratio = { numerator: -1n, denominator: 1n };
  for (const [model, share] of [...byModel].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (share.numerator * bestShare.denominator > bestShare.numerator * share.denominator) {
      best = model;
      bestShare = share;
    }
  }
  return best;
}

function integerLabel(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

