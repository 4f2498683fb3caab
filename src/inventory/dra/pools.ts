/**
 * ResourceSlices grouped into the pools their driver publishes, and which of them can be counted. A driver
 * republishes a pool by writing every slice again with a higher `pool.generation`; until all
 * `resourceSliceCount` slices of the highest generation are there, the pool is in transition and the scheduler
 * itself sees only part of it (k8s.io/dynamic-resource-allocation/resourceslice/tracker and structured
 * allocator: slices of older generations are ignored, an incomplete pool is skipped). quotaplan counts a pool
 * only when it is complete, and otherwise says so, as it does for a node whose MIG layout is being changed.
 */
import type { DeviceFacts, ResourceSliceFacts } from './types.js';

/** A complete pool: the slices of its highest generation, all present. */
export interface DevicePool {
  driver: string;
  name: string;
  generation: number;
  slices: ResourceSliceFacts[];
}

export interface PoolsRead {
  /** Sorted by driver, then pool name. */
  complete: DevicePool[];
  /** The incomplete pools (transitional), in the same order. */
  transitional: TransitionalPool[];
  /** One per incomplete pool, in the same order. */
  warnings: string[];
}

/** A pool whose highest generation is not all published yet: not counted. */
export interface TransitionalPool {
  driver: string;
  name: string;
  generation: number;
  published: number;
  expected: number;
}

export function readPools(slices: readonly ResourceSliceFacts[]): PoolsRead {
  const byPool = new Map<string, ResourceSliceFacts[]>();
  for (const slice of slices) {
    const key = `${slice.driver}\u0000${slice.pool.name}`;
    const list = byPool.get(key);
    if (list === undefined) byPool.set(key, [slice]);
    else list.push(slice);
  }
  const complete: DevicePool[] = [];
  const transitional: TransitionalPool[] = [];
  const warnings: string[] = [];
  for (const key of [...byPool.keys()].sort(compare)) {
    const all = byPool.get(key) as ResourceSliceFacts[];
    const first = all[0] as ResourceSliceFacts;
    const generation = Math.max(...all.map((s) => s.pool.generation));
    const current = all.filter((s) => s.pool.generation === generation).sort((a, b) => compare(a.name, b.name));
    const expected = Math.max(...current.map((s) => s.pool.resourceSliceCount));
    const where = `resource pool ${first.driver}/${first.pool.name}`;
    if (current.length < expected) {
      transitional.push({ driver: first.driver, name: first.pool.name, generation, published: current.length, expected });
      warnings.push(
        `${where}: ${current.length} of ${expected} slice(s) of generation ${generation} published; its devices are not counted until the driver has published them all (transitional)`,
      );
      continue;
    }
    complete.push({ driver: first.driver, name: first.pool.name, generation, slices: current });
  }
  return { complete, transitional, warnings };
}

/** An attribute's value as a string: a name without a domain belongs to the slice's driver (`uuid` = `<driver>/uuid`). */
export function stringAttribute(device: DeviceFacts, driver: string, name: string): string | null {
  const value = device.attributes[name] ?? device.attributes[`${driver}/${name}`];
  return value !== undefined && 'string' in value ? value.string : null;
}

/**
 * Which physical device each of a pool's devices is part of. Devices that share a physical GPU are joined: a MIG
 * device to its parent by `parentUUID` = the GPU's `uuid` (NVIDIA driver attributes), and every device that
 * draws from one counter set (partitionable devices, KEP-4815: the NVIDIA driver's dynamic MIG publishes the GPU
 * and each possible MIG placement, all consuming `gpu-<minor>-counter-set`). A device with none of these is one
 * physical device. Counting devices instead would count a dynamic-MIG GPU once per placement.
 *
 * Returns device name -> the name of one device of its physical device (the first in slice and device order).
 */
export function physicalGroups(pool: DevicePool): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const add = (x: string): void => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const union = (a: string, b: string): void => {
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const devices: string[] = [];
  for (const slice of pool.slices) {
    for (const device of slice.devices) {
      const self = `device:${device.name}`;
      devices.push(device.name);
      add(self);
      const uuid = stringAttribute(device, pool.driver, 'uuid');
      const parentUuid = stringAttribute(device, pool.driver, 'parentUUID');
      if (uuid !== null) union(self, `uuid:${uuid}`);
      if (parentUuid !== null) union(self, `uuid:${parentUuid}`);
      for (const consumption of device.consumesCounters) union(self, `counters:${consumption.counterSet}`);
    }
  }
  const firstOfRoot = new Map<string, string>();
  const groups = new Map<string, string>();
  for (const name of devices) {
    const root = find(`device:${name}`);
    const first = firstOfRoot.get(root) ?? name;
    firstOfRoot.set(root, first);
    groups.set(name, first);
  }
  return groups;
}

/** How many physical devices a pool's devices stand for (physicalGroups). */
export function physicalDevices(pool: DevicePool): number {
  return new Set(physicalGroups(pool).values()).size;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
