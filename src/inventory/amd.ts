/**
 * AMD Instinct GPUs (ROCm device plugin + node labeller): whole GPUs and compute partitions, named
 * `amd.com/gpu` (single naming strategy) or `amd.com/<mode>_nps<n>` (mixed).
 */
import { rational } from '../rational.js';
import { genericModel, nonEmpty, type AcceleratorShape, type Labels, type Warn } from './accelerator-shape.js';

/**
 * The compute partition mode of `amd.com/gpu` under the single naming strategy (`cpx_nps4` -> `cpx`), from the
 * node labeller, else from the Device Config Manager profile.
 */
export function amdSingleStrategyMode(labels: Labels): string {
  const partition = labels['amd.com/gpu.compute-memory-partition'] ?? labels['amd.com/compute-memory-partition'];
  if (partition !== undefined) return partition.split('_')[0]?.toLowerCase() ?? 'spx';
  return dcmProfileMode(labels) ?? 'spx';
}

/**
 * The compute mode the Device Config Manager applied to every GPU (`dcm.amd.com/gpu-config-profile=cpx-nps4`,
 * state `success`); null for mixed profiles (`cpx-2x-spx-6x-nps1`) or while it is being applied.
 */
function dcmProfileMode(labels: Labels): string | null {
  if (labels['dcm.amd.com/gpu-config-profile-state'] !== 'success') return null;
  const match = /^([sdtqc]px)-nps\d+$/.exec(labels['dcm.amd.com/gpu-config-profile'] ?? '');
  return match?.[1] ?? null;
}

/** Compute partitions per GPU in each mode; CPX gives one partition per XCD. */
function partitionsPerGpu(mode: string, model: string | null, warn: Warn): number {
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

/**
 * `amd.com/gpu` or `amd.com/<mode>_nps<n>`. The device plugin has listed CPX partitions under `spx_nps1`
 * (ROCm/gpu-operator#382); when the applied DCM profile names another mode for every GPU, that mode wins.
 */
export function amdPartition(resource: string, namedMode: string, units: bigint, labels: Labels, warn: Warn): AcceleratorShape {
  const applied = dcmProfileMode(labels);
  let mode = namedMode;
  if (applied !== null && applied !== namedMode && units > 0n) {
    warn(`${resource}: the applied DCM profile ${labels['dcm.amd.com/gpu-config-profile'] ?? ''} makes ${applied} partitions; counting its units as ${applied} (ROCm/gpu-operator#382)`);
    mode = applied;
  }
  const model = amdModel(labels);
  const parts = partitionsPerGpu(mode, model, warn);
  return {
    vendor: 'amd',
    model,
    sharing: parts > 1 ? 'partition' : 'none',
    migProfile: null,
    replicas: 1,
    unit: parts > 1 ? 'partition' : 'device',
    gpuEquivalent: rational(1n, BigInt(parts)),
    physical: rational(units, BigInt(parts)),
  };
}
