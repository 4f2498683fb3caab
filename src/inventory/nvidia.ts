/**
 * NVIDIA GPUs (k8s-device-plugin + GPU Feature Discovery, GPU Operator, GKE): whole GPUs, MIG slices under the
 * single and mixed strategies, and time-slicing / MPS replicas (domain.md section 1).
 */
import { instancesPerGpu, memoryGbFromProduct, parseMigProfile, totalComputeSlices, type MigProfile } from './mig.js';
import { rational } from '../rational.js';
import type { Sharing } from './types.js';
import { integerLabel, nonEmpty, type AcceleratorShape, type Labels, type Warn } from './accelerator-shape.js';

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

export function nvidiaGpu(renamedShared: boolean, resource: string, units: bigint, labels: Labels, warn: Warn): AcceleratorShape {
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
    const each = rational(BigInt(single.computeSlices), BigInt(slices * replicas));
    return {
      vendor: 'nvidia',
      model,
      sharing: replicas > 1 ? sharing : 'mig',
      migProfile: single.name,
      replicas,
      unit: replicas > 1 ? 'replica' : 'mig-slice',
      gpuEquivalent: each,
      physical: rational(units, BigInt(perGpu * replicas)),
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
    gpuEquivalent: rational(1n, BigInt(replicas)),
    physical: rational(units, BigInt(replicas)),
  };
}

/** The profile every GPU is cut into under MIG strategy single (GFD product suffix, or GKE partition size). */
export function singleStrategyProfile(labels: Labels): MigProfile | null {
  const product = labels['nvidia.com/gpu.product'];
  const fromProduct = product === undefined ? null : /-MIG-(.+)$/.exec(product)?.[1];
  if (fromProduct !== undefined && fromProduct !== null && fromProduct !== 'INVALID') {
    return parseMigProfile(fromProduct.replace(/-SHARED$/, ''));
  }
  const gke = labels['cloud.google.com/gke-gpu-partition-size'];
  if (gke !== undefined && gke !== '') return parseMigProfile(gke);
  // MIG manager's uniform configs are named `all-<profile>` (GPU Operator default MIG config).
  const config = /^all-(\d+g\.\d+gb.*)$/.exec(labels['nvidia.com/mig.config'] ?? '')?.[1];
  if (labels['nvidia.com/mig.strategy'] === 'single' && config !== undefined) return parseMigProfile(config);
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

/** A mixed-strategy MIG resource `nvidia.com/mig-<profile>[.shared]`; labelPrefix is `nvidia.com/mig-<profile>`. */
export function nvidiaMig(kind: { profile: MigProfile; renamedShared: boolean; labelPrefix: string }, units: bigint, labels: Labels): AcceleratorShape {
  const model = nvidiaModel(labels) ?? nonEmpty(labels[`${kind.labelPrefix}.product`]?.replace(/-MIG-.*$/, ''));
  const slicesOfProfile = integerLabel(labels[`${kind.labelPrefix}.slices.gi`]) ?? kind.profile.computeSlices;
  const total = totalComputeSlices(model);
  const replicasLabel = integerLabel(labels[`${kind.labelPrefix}.replicas`]);
  const replicas = replicasLabel !== null && replicasLabel >= 1 ? replicasLabel : kind.renamedShared ? sharingReplicas(labels) : 1;
  const each = rational(BigInt(slicesOfProfile), BigInt(total * replicas));
  return {
    vendor: 'nvidia',
    model,
    sharing: replicas > 1 ? replicaSharing(labels, true) : 'mig',
    migProfile: kind.profile.name,
    replicas,
    unit: replicas > 1 ? 'replica' : 'mig-slice',
    gpuEquivalent: each,
    physical: rational(units * each.numerator, each.denominator),
  };
}
