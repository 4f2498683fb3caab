/**
 * The physical accelerators behind the DRA devices, for the figures that count GPUs rather than devices (the
 * dashboard's "physical accelerators" and GPU-equivalents, the review's totals). A physical device is a group of
 * devices joined by uuid/parentUUID and shared counter sets (pools.ts physicalGroups): the NVIDIA driver's dynamic
 * MIG publishes a GPU and each of its MIG placements, and that is one GPU, whatever the number of devices.
 *
 * Beside a device plugin (KEP-5004): where every node a GPU can be used from has a device plugin serving the
 * extendedResourceName of a class that selects it, the scheduler uses the device plugin there
 * (extended-resources.ts), and the node's own `physicalAccelerators` already count that GPU: it is marked
 * `countedByDevicePlugin` and left out of totals that add nodes' figures. So is a GPU on a node whose device plugin
 * advertises its vendor's GPUs at all, whatever the class (device-plugin-overlap.ts): the node's figures count it.
 */
import { add, compare, ONE, rational, ZERO, type Rational } from '../../rational.js';
import { compareText } from '../../text-order.js';
import { parseMigProfile, totalComputeSlices } from '../mig.js';
import { isPlannable } from '../node-facts.js';
import type { NodeFacts } from '../types.js';
import { classDevicesKey } from './claim-use.js';
import { blocksAllocation } from './capacity.js';
import { deviceKey } from './device-classes.js';
import type { DraCapacity, DraDeviceFacts, ResourceClaimFacts } from './types.js';

export interface DraPhysicalDevice {
  driver: string;
  pool: string;
  /** The device that names it (DraDeviceFacts.physical). */
  name: string;
  /** The nodes its devices can be used from, sorted. */
  nodes: string[];
  model: string | null;
  /** One of its devices has no NoSchedule or NoExecute taint. */
  allocatable: boolean;
  /** One of its devices is plannable (untainted, usable from a plannable node). */
  plannable: boolean;
  /** GPU-equivalents of it allocated to ResourceClaims (gpuShareOf each allocated device, admin access left out), at most 1. */
  allocated: Rational;
  /**
   * Nodes' figures count it: a device plugin serves the extendedResourceName of its class on every node it can be
   * used from (KEP-5004), or advertises its vendor's GPUs there (one of its devices `alsoByDevicePlugin`:
   * device-plugin-overlap.ts, whatever the class).
   */
  countedByDevicePlugin: boolean;
}

/**
 * The share of its physical GPU one device is: a MIG device (a `profile` attribute such as `3g.40gb`) its compute
 * slices over the GPU's (3/7; 4 on an A30: mig.ts, the rule the device-plugin MIG resources follow); any other
 * device a whole one.
 */
export function gpuShareOf(device: Pick<DraDeviceFacts, 'profile' | 'model'>): Rational {
  const profile = device.profile === null ? null : parseMigProfile(device.profile);
  if (profile === null) return ONE;
  const slices = BigInt(totalComputeSlices(device.model));
  return compare(rational(BigInt(profile.computeSlices), slices), ONE) >= 0 ? ONE : rational(BigInt(profile.computeSlices), slices);
}

export interface DraPhysicalInput {
  nodes: readonly Pick<NodeFacts, 'name' | 'allocatable'>[];
  dra?: DraCapacity | undefined;
  resourceClaims?: readonly ResourceClaimFacts[] | undefined;
}

/** The physical devices of the complete pools usable from a node of the inventory, sorted by driver, pool, name. */
export function draPhysicalDevices(inventory: DraPhysicalInput): DraPhysicalDevice[] {
  const dra = inventory.dra;
  if (dra === undefined) return [];
  const nodes = new Map(inventory.nodes.map((n) => [n.name, n]));
  const extendedOf = new Map(dra.classes.map((c) => [c.name, c.extendedResourceName]));
  const byKey = new Map(dra.devices.map((d) => [deviceKey(d.driver, d.pool, d.name), d]));
  const allocatedShare = new Map<string, Rational>();
  for (const claim of inventory.resourceClaims ?? []) {
    for (const result of claim.allocation?.devices ?? []) {
      if (result.adminAccess) continue;
      const device = byKey.get(deviceKey(result.driver, result.pool, result.device));
      if (device === undefined) continue;
      const physical = deviceKey(device.driver, device.pool, device.physical);
      allocatedShare.set(physical, add(allocatedShare.get(physical) ?? ZERO, gpuShareOf(device)));
    }
  }
  const groups = new Map<string, DraDeviceFacts[]>();
  for (const device of dra.devices) {
    if (!device.nodes.some((n) => nodes.has(n))) continue;
    const key = deviceKey(device.driver, device.pool, device.physical);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [device]);
    else list.push(device);
  }
  const out: DraPhysicalDevice[] = [];
  for (const [key, devices] of groups) {
    const first = devices[0] as DraDeviceFacts;
    const nodeNames = [...new Set(devices.flatMap((d) => d.nodes).filter((n) => nodes.has(n)))].sort(compareText);
    const served = (resource: string): boolean => nodeNames.every((n) => (nodes.get(n)?.allocatable[resource]?.nanos ?? 0n) > 0n);
    const extended = new Set(devices.flatMap((d) => d.classes.map((c) => extendedOf.get(c) ?? null)).filter((r): r is string => r !== null));
    const allocated = allocatedShare.get(key) ?? ZERO;
    out.push({
      driver: first.driver,
      pool: first.pool,
      name: first.physical,
      nodes: nodeNames,
      model: devices.find((d) => d.model !== null)?.model ?? null,
      allocatable: devices.some((d) => !blocksAllocation(d.taints)),
      plannable: devices.some((d) => d.plannable),
      allocated: compare(allocated, ONE) > 0 ? ONE : allocated,
      countedByDevicePlugin: [...extended].some(served) || devices.some((d) => d.alsoByDevicePlugin),
    });
  }
  return out.sort((a, b) => compareText(a.driver, b.driver) || compareText(a.pool, b.pool) || compareText(a.name, b.name));
}

export interface DraPlannableInput {
  nodes: readonly Pick<NodeFacts, 'name' | 'ready' | 'schedulable' | 'transitional' | 'allocatable'>[];
  dra?: DraCapacity | undefined;
}

/**
 * The DRA devices counted in the inventory's `plannable`, per resource (sorted): a class's plannable devices under
 * `<class>.deviceclass.resource.k8s.io/devices`, or under its extendedResourceName those usable from a plannable
 * node whose device plugin does not serve it (the rule of extended-resources.ts, device by device; a name two
 * classes claim counts none), none of them `alsoByDevicePlugin` (device-plugin-overlap.ts). The same counts as
 * `DraClassCapacity.inPlannable`.
 */
export function draPlannableDevices(inventory: DraPlannableInput): Map<string, DraDeviceFacts[]> {
  const out = new Map<string, DraDeviceFacts[]>();
  const dra = inventory.dra;
  if (dra === undefined) return out;
  const nodes = new Map(inventory.nodes.map((n) => [n.name, n]));
  const claimants = new Map<string, number>();
  for (const c of dra.classes) if (c.extendedResourceName !== null) claimants.set(c.extendedResourceName, (claimants.get(c.extendedResourceName) ?? 0) + 1);
  for (const c of [...dra.classes].sort((a, b) => compareText(a.name, b.name))) {
    if (c.unsupported) continue;
    const resource = c.extendedResourceName;
    if (resource !== null && (claimants.get(resource) ?? 0) > 1) continue;
    const counted = dra.devices.filter((d) => {
      if (!d.plannable || d.alsoByDevicePlugin || !d.classes.includes(c.name)) return false;
      if (resource === null) return true;
      const usable = d.nodes.map((n) => nodes.get(n)).filter((n): n is NonNullable<typeof n> => n !== undefined && isPlannable(n));
      return usable.length > 0 && !usable.every((n) => (n.allocatable[resource]?.nanos ?? 0n) > 0n);
    });
    if (counted.length === 0) continue;
    const key = resource ?? classDevicesKey(c.name);
    out.set(key, [...(out.get(key) ?? []), ...counted]);
  }
  return new Map([...out].sort((a, b) => compareText(a[0], b[0])));
}
