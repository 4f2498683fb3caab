/**
 * MIG profile names, parsed rather than enumerated: `<N>g.<memory>gb` plus optional suffixes such as `+me`,
 * `-me`, `+gfx` (names vary by driver; GPU Operator default MIG config, domain.md section 1).
 */
export interface MigProfile {
  /** As the driver names it, e.g. `1g.10gb+me`. */
  name: string;
  /** Compute slices (`<N>g`). */
  computeSlices: number;
  /** Memory in GB, from the name. */
  memoryGb: number;
}

const PROFILE = /^(\d+)g\.(\d+)gb((?:[+-][a-z]+)*)$/;

/** Parses a profile name as the driver writes it (`3g.40gb`, `1g.10gb+me`); null when it is not one. */
export function parseMigProfile(name: string): MigProfile | null {
  const match = PROFILE.exec(name);
  if (match === null) return null;
  const computeSlices = Number(match[1]);
  const memoryGb = Number(match[2]);
  if (computeSlices < 1 || memoryGb < 1) return null;
  return { name, computeSlices, memoryGb };
}

/**
 * The profile behind a mixed-strategy resource suffix. The device plugin writes `+` as `.` in resource names
 * (`1g.10gb+me` -> `nvidia.com/mig-1g.10gb.me`), so every `.word` after `<mem>gb` was a `+word`.
 */
export function migProfileFromResourceSuffix(suffix: string): MigProfile | null {
  const match = /^(\d+g\.\d+gb)((?:[.-][a-z]+)*)$/.exec(suffix);
  if (match === null) return null;
  const extras = (match[2] ?? '').replace(/\.([a-z]+)/g, '+$1');
  return parseMigProfile(`${match[1] ?? ''}${extras}`);
}

/**
 * Compute slices of the whole GPU: 7 on most MIG-capable GPUs, 4 on A30 and RTX PRO 6000 (the product label
 * says which).
 */
export function totalComputeSlices(product: string | null): number {
  if (product === null) return 7;
  return /(^|[-_ ])A30([-_ ]|$)/i.test(product) || /RTX[-_ ]?PRO[-_ ]?6000/i.test(product) ? 4 : 7;
}

/**
 * How many instances of one profile fit on one GPU, for turning a single-strategy slice count back into
 * physical GPUs. Bounded by compute slices and, when the GPU's memory is known, by memory slices (8 per GPU,
 * 4 on 4-slice GPUs): `1g.20gb` on an 80GB A100 takes two memory slices, so 4 fit, not 7. Checked against
 * the GPU Operator's default MIG table in domain.md (test/unit/inventory/mig.test.ts).
 */
export function instancesPerGpu(profile: MigProfile, product: string | null, gpuMemoryGb: number | null): number {
  // A GPU has one set of media engines: a media-extension profile (`+me`) fits once (`1g.10gb+me x1`).
  if (/[+-]me(\b|$)/.test(profile.name)) return 1;
  const slices = totalComputeSlices(product);
  const byCompute = Math.floor(slices / profile.computeSlices);
  if (gpuMemoryGb === null || gpuMemoryGb <= 0) return Math.max(1, byCompute);
  const memorySlicesTotal = slices === 4 ? 4 : 8;
  const memorySlices = Math.max(1, Math.round((profile.memoryGb * memorySlicesTotal) / gpuMemoryGb));
  return Math.max(1, Math.min(byCompute, Math.floor(memorySlicesTotal / memorySlices)));
}

/** `NVIDIA-A100-SXM4-80GB` -> 80; null when the product name carries no memory size. */
export function memoryGbFromProduct(product: string | null): number | null {
  if (product === null) return null;
  const match = /(\d+)GB/i.exec(product);
  return match === null ? null : Number(match[1]);
}
