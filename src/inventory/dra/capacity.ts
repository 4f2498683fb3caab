/**
 * DRA capacity: the devices of the complete pools, where each can be used, which DeviceClasses select it, and
 * per class how many devices (per model) and physical devices are plannable. A device is plannable when a
 * node it can be used from is plannable (ready, schedulable, not transitional: the rule the device-plugin
 * resources follow) and it has no NoSchedule or NoExecute taint (DRADeviceTaints: the scheduler does not
 * allocate it to a claim that does not tolerate the taint, as a device plugin leaves an unhealthy device out of
 * allocatable). A device usable from many nodes (a network-attached one) is one device, counted once.
 */
import { compareText } from '../../text-order.js';
import { deviceKey, matchDeviceClasses } from './device-classes.js';
import { reachableNodes, reachOf, type NodeLabels } from './node-selection.js';
import { physicalGroups, readPools, stringAttribute } from './pools.js';
import { claimUseByNamespace, classDevicesKey, type ClaimsOfPods } from './claim-use.js';
import { draExtendedResourceDevices, type NodeAllocatable } from './extended-resources.js';
import { devicePluginResourcesBeside, type DevicePluginAccelerators } from './device-plugin-overlap.js';
import type { DeviceClassFacts, DeviceTaint, DraCapacity, DraClassCapacity, DraDeviceFacts, ResourceClaimFacts, ResourceSliceFacts } from './types.js';
import { UNKNOWN_MODEL } from '../types.js';

export interface DraCapacityInput {
  classes: readonly DeviceClassFacts[];
  slices: readonly ResourceSliceFacts[];
  claims: readonly ResourceClaimFacts[];
  /**
   * Every node of the inventory, with whether it is plannable, which resources its device plugins serve and its
   * accelerator resources (none when absent: device-plugin-overlap.ts).
   */
  nodes: readonly (NodeLabels & NodeAllocatable & { accelerators?: DevicePluginAccelerators })[];
  /** Per namespace, the claims its pods use (assemble.ts claimsInUse); none when absent. */
  claimsInUse?: ReadonlyMap<string, ClaimsOfPods>;
}

export interface DraCapacityRead {
  capacity: DraCapacity;
  /**
   * What DRA adds to the inventory's `plannable`, resource -> model -> devices: a class's devices under its
   * extendedResourceName (extended-resources.ts), and a class without one as `<class>.deviceclass.resource.k8s.io/devices`
   * (the ResourceQuota key that counts its devices, claim-use.ts).
   */
  plannable: Record<string, Record<string, number>>;
  /** Transitional pools, selectors that cannot be evaluated or failed, devices on unknown nodes. */
  warnings: string[];
}

/** The GPU model as the `nvidia.com/gpu.product` label writes it: `NVIDIA H100 80GB HBM3` -> `NVIDIA-H100-80GB-HBM3`. */
export function modelOf(productName: string | null): string | null {
  if (productName === null) return null;
  const words = productName.trim().split(/\s+/);
  return words.join('-') || null;
}

const BLOCKING_TAINTS: ReadonlySet<string> = new Set(['NoSchedule', 'NoExecute']);

/** A NoSchedule or NoExecute taint: the scheduler allocates the device to no claim that does not tolerate it. */
export function blocksAllocation(taints: readonly DeviceTaint[]): boolean {
  return taints.some((t) => BLOCKING_TAINTS.has(t.effect));
}

export function readDraCapacity(input: DraCapacityInput): DraCapacityRead {
  const pools = readPools(input.slices);
  const warnings = [...pools.warnings];
  const matched = matchDeviceClasses(input.classes, pools.complete);
  warnings.push(...matched.warnings);

  const plannableNodes = new Set(input.nodes.filter((n) => n.plannable).map((n) => n.name));
  const knownNodes = new Set(input.nodes.map((n) => n.name));
  const acceleratorsOf = new Map(input.nodes.map((n) => [n.name, n.accelerators ?? []]));
  /** The node's device-plugin resources of the vendor whose GPUs `driver` publishes (device-plugin-overlap.ts). */
  const pluginResources = (node: string, driver: string): string[] => devicePluginResourcesBeside(driver, acceleratorsOf.get(node) ?? []);
  const unknownNodes = new Map<string, number>();
  const devices: DraDeviceFacts[] = [];
  for (const pool of pools.complete) {
    const groups = physicalGroups(pool);
    for (const slice of pool.slices) {
      for (const device of slice.devices) {
        const nodes = [...new Set(reachableNodes(reachOf(slice, device), input.nodes))].sort(compareText);
        for (const node of nodes) if (!knownNodes.has(node)) unknownNodes.set(node, (unknownNodes.get(node) ?? 0) + 1);
        const key = deviceKey(pool.driver, pool.name, device.name);
        const classes = [...matched.members].filter(([, keys]) => keys.has(key)).map(([name]) => name);
        const attribute = (name: string): string | null => stringAttribute(device, pool.driver, name);
        const tainted = blocksAllocation(device.taints);
        const known = nodes.filter((n) => knownNodes.has(n));
        devices.push({
          driver: pool.driver,
          pool: pool.name,
          name: device.name,
          nodes,
          type: attribute('type'),
          productName: attribute('productName'),
          profile: attribute('profile'),
          uuid: attribute('uuid'),
          parentUUID: attribute('parentUUID'),
          memory: device.capacity.memory ?? device.capacity[`${pool.driver}/memory`] ?? null,
          model: modelOf(attribute('productName')),
          physical: groups.get(device.name) ?? device.name,
          counterSets: [...new Set(device.consumesCounters.map((c) => c.counterSet))].sort(compareText),
          taints: device.taints.map((t) => ({ ...t })),
          classes,
          plannable: !tainted && nodes.some((n) => plannableNodes.has(n)),
          alsoByDevicePlugin: known.length > 0 && known.every((n) => pluginResources(n, pool.driver).length > 0),
        });
      }
    }
  }
  devices.sort((a, b) => compareText(a.driver, b.driver) || compareText(a.pool, b.pool) || compareText(a.name, b.name));
  for (const [node, count] of [...unknownNodes].sort((a, b) => compareText(a[0], b[0]))) {
    warnings.push(`node ${node}: ${count} DRA device(s) published for a node not in the inventory; not counted`);
  }

  const counted = [...input.classes]
    .sort((a, b) => compareText(a.name, b.name))
    .map((deviceClass) => classCapacity(deviceClass, devices, matched.unsupported.has(deviceClass.name)));
  const extended = draExtendedResourceDevices({ devices, classes: counted }, input.nodes);
  const own = classResources(counted, devices);
  const classes = counted.map((c) => ({
    ...c,
    inPlannable:
      c.extendedResourceName === null
        ? Object.values(own[classDevicesKey(c.name)] ?? {}).reduce((sum, n) => sum + n, 0)
        : (extended.byClass.get(c.name) ?? 0),
  }));
  for (const c of classes) {
    if (c.partitionable && c.devices > 0) {
      warnings.push(
        `DeviceClass ${c.name}: some of its ${c.devices} device(s) draw on one shared counter set (partitionable devices, e.g. dynamic MIG placements of one GPU): ` +
          'not all of them can be allocated at once, so its device count is an upper bound and a quota planned on it may not be allocatable in full',
      );
    }
  }
  warnings.push(...extended.warnings);
  warnings.push(...overlapWarnings(devices, input.nodes, pluginResources));
  return {
    capacity: { devices, classes, namespaces: claimUseByNamespace(input.claims, input.classes, input.claimsInUse ?? new Map()) },
    plannable: { ...extended.byResource, ...own },
    warnings,
  };
}

/**
 * Per node (sorted) and DRA driver: a node whose device plugin advertises the GPUs of the vendor whose DRA driver
 * publishes GPUs for it too (device-plugin-overlap.ts), with how many physical GPUs the driver publishes there.
 */
function overlapWarnings(devices: readonly DraDeviceFacts[], nodes: readonly { name: string }[], pluginResources: (node: string, driver: string) => string[]): string[] {
  const out: string[] = [];
  for (const node of [...nodes].sort((a, b) => compareText(a.name, b.name))) {
    const physicalByDriver = new Map<string, Set<string>>();
    for (const d of devices) {
      if (!d.nodes.includes(node.name)) continue;
      const set = physicalByDriver.get(d.driver) ?? new Set<string>();
      set.add(deviceKey(d.driver, d.pool, d.physical));
      physicalByDriver.set(d.driver, set);
    }
    for (const [driver, physical] of [...physicalByDriver].sort((a, b) => compareText(a[0], b[0]))) {
      const resources = pluginResources(node.name, driver);
      if (resources.length === 0) continue;
      out.push(
        `node ${node.name}: its device plugin advertises ${resources.join(', ')} and the DRA driver ${driver} publishes ${physical.size} physical GPU(s) for it too: ` +
          'the same GPUs twice, which the two would allocate without knowing of each other (run one of them per node); ' +
          'counted once, from the device plugin: the DRA devices only such nodes can use are left out of plannable and the physical GPU totals',
      );
    }
  }
  return out;
}

function classCapacity(deviceClass: DeviceClassFacts, devices: readonly DraDeviceFacts[], unsupported: boolean): Omit<DraClassCapacity, 'inPlannable'> {
  const selected = devices.filter((d) => d.classes.includes(deviceClass.name));
  const plannable = selected.filter((d) => d.plannable);
  const byModel = new Map<string, number>();
  for (const d of plannable) byModel.set(d.model ?? UNKNOWN_MODEL, (byModel.get(d.model ?? UNKNOWN_MODEL) ?? 0) + 1);
  const devicesByModel: Record<string, number> = {};
  for (const model of [...byModel.keys()].sort(compareText)) devicesByModel[model] = byModel.get(model) as number;
  return {
    name: deviceClass.name,
    extendedResourceName: deviceClass.extendedResourceName,
    devices: plannable.length,
    physical: new Set(plannable.map((d) => deviceKey(d.driver, d.pool, d.physical))).size,
    devicesByModel,
    unplannable: selected.length - plannable.length,
    partitionable: sharesCounters(plannable),
    unsupported,
  };
}

/** Whether two of the devices draw on the same counter set of the same pool. */
function sharesCounters(devices: readonly DraDeviceFacts[]): boolean {
  const seen = new Set<string>();
  for (const d of devices) {
    for (const set of d.counterSets) {
      const key = `${d.driver}/${d.pool}/${set}`;
      if (seen.has(key)) return true;
      seen.add(key);
    }
  }
  return false;
}

/**
 * Classes without an extendedResourceName, as the plannable resource their quota key names (devices per model):
 * their plannable devices but those a device plugin publishes too (device-plugin-overlap.ts).
 */
function classResources(classes: readonly Omit<DraClassCapacity, 'inPlannable'>[], devices: readonly DraDeviceFacts[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const c of classes) {
    if (c.extendedResourceName !== null || c.unsupported) continue;
    const byModel = new Map<string, number>();
    for (const d of devices) {
      if (!d.plannable || d.alsoByDevicePlugin || !d.classes.includes(c.name)) continue;
      const model = d.model ?? UNKNOWN_MODEL;
      byModel.set(model, (byModel.get(model) ?? 0) + 1);
    }
    if (byModel.size === 0) continue;
    const sorted: Record<string, number> = {};
    for (const model of [...byModel.keys()].sort(compareText)) sorted[model] = byModel.get(model) as number;
    out[classDevicesKey(c.name)] = sorted;
  }
  return out;
}
