/**
 * The review's DRA section: what the cycle's last snapshot had through Dynamic Resource Allocation, beside the
 * device-plugin capacity rows. Per DeviceClass and model: plannable devices, the physical GPUs behind them (a
 * dynamic-MIG GPU once, however many placements it publishes: dra/physical.ts), devices allocated to
 * ResourceClaims, and the quota key that limits them; and the pools not counted because they are in transition.
 * Pure: read from one inventory.
 */
import { classOfResult, draQuotaKey } from '../inventory/dra/claim-use.js';
import { deviceKey } from '../inventory/dra/device-classes.js';
import { readPools, type TransitionalPool } from '../inventory/dra/pools.js';
import type { DraDeviceFacts } from '../inventory/dra/types.js';
import { UNKNOWN_MODEL, type ClusterInventory } from '../inventory/types.js';
import { compareText } from '../text-order.js';

export interface DraReviewRow {
  deviceClass: string;
  extendedResourceName: string | null;
  /** `requests.<extendedResourceName>`, else `<class>.deviceclass.resource.k8s.io/devices`. */
  quotaKey: string;
  /** The devices' model (productName as the node label writes it); `unknown` when a device names none. */
  model: string;
  /** Plannable devices of the class and model. */
  devices: number;
  /** Physical GPUs behind them. */
  physicalGpus: number;
  /** Devices of the class and model allocated to ResourceClaims (admin access left out). */
  allocated: number;
  /** Its devices share counters: `devices` is an upper bound. */
  partitionable: boolean;
  /** Its selectors could not be evaluated: no device counted. */
  unsupported: boolean;
}

export interface DraReview {
  /** Sorted by class, then model; a class with no device and no allocation has one row, model `unknown`, all zero. */
  rows: DraReviewRow[];
  /** Physical GPUs behind the plannable devices of every class, each counted once. */
  physicalGpus: number;
  /** Pools whose newest generation is not all published: their devices are not counted. */
  transitionalPools: TransitionalPool[];
}

type DraInventory = Pick<ClusterInventory, 'dra' | 'resourceSlices' | 'resourceClaims'>;

/** The DRA section of one inventory; null when the cluster had no DRA object. */
export function draReviewOf(inventory: DraInventory): DraReview | null {
  const dra = inventory.dra;
  if (dra === undefined) return null;
  const devices = new Map(dra.devices.map((d) => [deviceKey(d.driver, d.pool, d.name), d]));
  const allocated = new Map<string, number>();
  for (const claim of inventory.resourceClaims ?? []) {
    for (const result of claim.allocation?.devices ?? []) {
      if (result.adminAccess) continue;
      const className = classOfResult(claim, result.request);
      if (className === null) continue;
      const model = devices.get(deviceKey(result.driver, result.pool, result.device))?.model ?? UNKNOWN_MODEL;
      const key = `${className}\u0000${model}`;
      allocated.set(key, (allocated.get(key) ?? 0) + 1);
    }
  }
  const physicalOf = (list: readonly DraDeviceFacts[]): number => new Set(list.map((d) => deviceKey(d.driver, d.pool, d.physical))).size;
  const rows: DraReviewRow[] = [];
  for (const c of dra.classes) {
    const plannable = dra.devices.filter((d) => d.plannable && d.classes.includes(c.name));
    const models = new Set([
      ...Object.keys(c.devicesByModel),
      ...[...allocated.keys()].filter((key) => key.startsWith(`${c.name}\u0000`)).map((key) => key.slice(c.name.length + 1)),
    ]);
    if (models.size === 0) models.add(UNKNOWN_MODEL);
    for (const model of [...models].sort(compareText)) {
      const ofModel = plannable.filter((d) => (d.model ?? UNKNOWN_MODEL) === model);
      rows.push({
        deviceClass: c.name,
        extendedResourceName: c.extendedResourceName,
        quotaKey: draQuotaKey(c),
        model,
        devices: c.devicesByModel[model] ?? 0,
        physicalGpus: physicalOf(ofModel),
        allocated: allocated.get(`${c.name}\u0000${model}`) ?? 0,
        partitionable: c.partitionable,
        unsupported: c.unsupported,
      });
    }
  }
  const selected = dra.devices.filter((d) => d.plannable && d.classes.length > 0);
  return { rows, physicalGpus: physicalOf(selected), transitionalPools: readPools(inventory.resourceSlices ?? []).transitional };
}
