/**
 * DRA devices that serve an extended resource (KEP-5004, DRAExtendedResource, beta and on in 1.36): a DeviceClass
 * with `extendedResourceName: nvidia.com/gpu` lets pods ask for `nvidia.com/gpu` and get a device of the class,
 * but only on a node whose device plugin does not provide that resource (KEP-5004 "Filter": "if the node does not
 * have device plugin to provide the capacity for the resource", the dynamicresources plugin allocates from the
 * class; the noderesources plugin checks it against the node's allocatable otherwise). So plannable
 * `nvidia.com/gpu` is the device-plugin allocatable of plannable nodes plus the plannable DRA devices of the class
 * usable from a plannable node without it: never the same GPU twice when a node runs both a device plugin and the
 * DRA driver.
 *
 * One extended resource name mapped by two classes: the scheduler takes the newer class
 * (k8s.io/dynamic-resource-allocation deviceclass/extendedresourcecache); quotaplan does not read creation times,
 * so it counts neither and warns instead of guessing.
 */
import { compareText } from '../../text-order.js';
import { UNKNOWN_MODEL } from '../types.js';
import type { DraClassCapacity, DraDeviceFacts } from './types.js';

export interface NodeAllocatable {
  name: string;
  plannable: boolean;
  /** Whether the node's allocatable has more than zero of the resource (its device plugin serves it). */
  serves(resource: string): boolean;
}

export interface ExtendedResourceDevices {
  /** Extended resource -> model -> DRA devices counted for it, sorted. */
  byResource: Record<string, Record<string, number>>;
  /** Class name -> devices it adds to its extended resource. */
  byClass: Map<string, number>;
  warnings: string[];
}

export function draExtendedResourceDevices(
  dra: { devices: readonly DraDeviceFacts[]; classes: readonly Pick<DraClassCapacity, 'name' | 'extendedResourceName' | 'unsupported'>[] },
  nodes: readonly NodeAllocatable[],
): ExtendedResourceDevices {
  const warnings: string[] = [];
  const classesOf = new Map<string, string[]>();
  for (const c of dra.classes) {
    if (c.extendedResourceName === null) continue;
    const list = classesOf.get(c.extendedResourceName) ?? [];
    list.push(c.name);
    classesOf.set(c.extendedResourceName, list);
  }
  const byNode = new Map(nodes.map((n) => [n.name, n]));
  const counts = new Map<string, Map<string, number>>();
  const byClass = new Map<string, number>();
  const servedByPlugin = new Map<string, Set<string>>();
  for (const [resource, classNames] of [...classesOf].sort((a, b) => compareText(a[0], b[0]))) {
    if (classNames.length > 1) {
      warnings.push(
        `${resource} is the extendedResourceName of ${classNames.length} DeviceClasses (${classNames.sort(compareText).join(', ')}); ` +
          'the scheduler uses the newest, which quotaplan cannot tell: their DRA devices are not counted for it',
      );
      continue;
    }
    const className = classNames[0] as string;
    const unsupported = dra.classes.find((c) => c.name === className)?.unsupported === true;
    if (unsupported) continue;
    for (const device of dra.devices) {
      if (!device.plannable || !device.classes.includes(className)) continue;
      const usable = device.nodes.map((n) => byNode.get(n)).filter((n): n is NodeAllocatable => n !== undefined && n.plannable);
      if (usable.length > 0 && usable.every((n) => n.serves(resource))) {
        const key = `${resource}\u0000${className}`;
        const served = servedByPlugin.get(key) ?? new Set<string>();
        for (const n of usable) served.add(n.name);
        servedByPlugin.set(key, served);
        continue;
      }
      // The same GPUs a device plugin of its vendor publishes there too (device-plugin-overlap.ts): counted from it.
      if (usable.length === 0 || device.alsoByDevicePlugin) continue;
      const model = device.model ?? UNKNOWN_MODEL;
      const byModel = counts.get(resource) ?? new Map<string, number>();
      byModel.set(model, (byModel.get(model) ?? 0) + 1);
      counts.set(resource, byModel);
      byClass.set(className, (byClass.get(className) ?? 0) + 1);
    }
  }
  for (const [key, nodeNames] of [...servedByPlugin].sort((a, b) => compareText(a[0], b[0]))) {
    const [resource, className] = key.split('\u0000') as [string, string];
    warnings.push(
      `${resource}: ${nodeNames.size} node(s) have it from a device plugin and DRA devices of DeviceClass ${className} too; ` +
        'the scheduler uses the device plugin there, so those DRA devices are not counted for it',
    );
  }
  const byResource: Record<string, Record<string, number>> = {};
  for (const resource of [...counts.keys()].sort(compareText)) {
    const byModel = counts.get(resource) as Map<string, number>;
    const sorted: Record<string, number> = {};
    for (const model of [...byModel.keys()].sort(compareText)) sorted[model] = byModel.get(model) as number;
    byResource[resource] = sorted;
  }
  return { byResource, byClass, warnings };
}
