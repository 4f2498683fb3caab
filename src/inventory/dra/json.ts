/**
 * The DRA part of the inventory JSON (docs/inventory.md): the facts as they are kept, quantities as canonical
 * strings; and the zod schemas that read them back into the same values.
 */
import { z } from 'zod';
import { quantitySchema as quantity } from '../quantity-schema.js';
import { formatQuantity, type Quantity } from '../../quantity.js';
import type {
  CounterSetFacts,
  DeviceClassFacts,
  DeviceFacts,
  DeviceTaint,
  DraCapacity,
  DraClassCapacity,
  DraDeviceFacts,
  DraNamespaceUse,
  ExactDeviceRequestFacts,
  ResourceClaimFacts,
  ResourceSliceFacts,
} from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function quantities(list: Record<string, Quantity>): Json {
  const out: Record<string, Json> = {};
  for (const [name, q] of Object.entries(list)) out[name] = formatQuantity(q);
  return out;
}

const taintToJson = (t: DeviceTaint): Json => ({ ...t });
const counterSetToJson = (c: CounterSetFacts): Json => ({ name: c.name, counters: quantities(c.counters) });

function deviceToJson(d: DeviceFacts): Json {
  return {
    name: d.name,
    attributes: { ...d.attributes },
    capacity: quantities(d.capacity),
    consumesCounters: d.consumesCounters.map((c) => ({ counterSet: c.counterSet, counters: quantities(c.counters) })),
    allowMultipleAllocations: d.allowMultipleAllocations,
    nodeName: d.nodeName,
    nodeSelector: d.nodeSelector as Json,
    allNodes: d.allNodes,
    taints: d.taints.map(taintToJson),
  };
}

export function resourceSliceToJson(s: ResourceSliceFacts): Json {
  return {
    name: s.name,
    driver: s.driver,
    pool: { ...s.pool },
    nodeName: s.nodeName,
    nodeSelector: s.nodeSelector as Json,
    allNodes: s.allNodes,
    perDeviceNodeSelection: s.perDeviceNodeSelection,
    sharedCounters: s.sharedCounters.map(counterSetToJson),
    devices: s.devices.map(deviceToJson),
  };
}

export const deviceClassToJson = (c: DeviceClassFacts): Json => ({ name: c.name, selectors: c.selectors, extendedResourceName: c.extendedResourceName });

export function resourceClaimToJson(c: ResourceClaimFacts): Json {
  return {
    namespace: c.namespace,
    name: c.name,
    extendedResourceClaimOf: c.extendedResourceClaimOf,
    extendedResourceClaimOwner: c.extendedResourceClaimOwner === null ? null : { ...c.extendedResourceClaimOwner },
    requests: c.requests.map((r) => ({
      name: r.name,
      exactly: r.exactly === null ? null : { ...r.exactly },
      firstAvailable: r.firstAvailable.map((s) => ({ ...s })),
    })),
    allocation: c.allocation === null ? null : { devices: c.allocation.devices.map((d) => ({ ...d })) },
  };
}

export function draCapacityToJson(c: DraCapacity): Json {
  return {
    devices: c.devices.map((d) => ({ ...d, memory: d.memory === null ? null : formatQuantity(d.memory), taints: d.taints.map(taintToJson) })),
    classes: c.classes.map((k) => ({ ...k, devicesByModel: { ...k.devicesByModel } })),
    namespaces: c.namespaces.map((n) => ({ ...n, quotaUsed: quantities(n.quotaUsed), allocated: { ...n.allocated }, inUse: { ...n.inUse }, inUseByExtendedResourceRequests: { ...n.inUseByExtendedResourceRequests } })),
  };
}

// ------------------------------------------------------------------------------------------------ reading back

const quantityList = z.record(z.string(), quantity);
const requirement = z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()) });
const nodeSelector = z.object({ nodeSelectorTerms: z.array(z.object({ matchExpressions: z.array(requirement), matchFields: z.array(requirement) })) });
const taint = z
  .object({ key: z.string(), value: z.string().optional(), effect: z.string() })
  .transform((t): DeviceTaint => (t.value === undefined ? { key: t.key, effect: t.effect } : { key: t.key, value: t.value, effect: t.effect }));
const attribute = z.union([
  z.strictObject({ string: z.string() }),
  z.strictObject({ int: z.number().int() }),
  z.strictObject({ bool: z.boolean() }),
  z.strictObject({ version: z.string() }),
]);

const device = z.object({
  name: z.string(),
  attributes: z.record(z.string(), attribute),
  capacity: quantityList,
  consumesCounters: z.array(z.object({ counterSet: z.string(), counters: quantityList })),
  // Absent from an inventory JSON written before quotaplan read it.
  allowMultipleAllocations: z.boolean().optional().transform((v) => v ?? false),
  nodeName: z.string().nullable(),
  nodeSelector: nodeSelector.nullable(),
  allNodes: z.boolean(),
  taints: z.array(taint),
});

export const resourceSliceJsonSchema = z.object({
  name: z.string(),
  driver: z.string(),
  pool: z.object({ name: z.string(), generation: z.number().int().nonnegative(), resourceSliceCount: z.number().int().positive() }),
  nodeName: z.string().nullable(),
  nodeSelector: nodeSelector.nullable(),
  allNodes: z.boolean(),
  perDeviceNodeSelection: z.boolean(),
  sharedCounters: z.array(z.object({ name: z.string(), counters: quantityList })),
  devices: z.array(device),
}) satisfies z.ZodType<ResourceSliceFacts>;

export const deviceClassJsonSchema = z.object({
  name: z.string(),
  selectors: z.array(z.string()),
  extendedResourceName: z.string().nullable(),
}) satisfies z.ZodType<DeviceClassFacts>;

const exact = {
  deviceClassName: z.string(),
  allocationMode: z.enum(['ExactCount', 'All']),
  count: z.number().int().nonnegative(),
  adminAccess: z.boolean(),
};

export const resourceClaimJsonSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  // Absent from an inventory JSON written before quotaplan read it.
  extendedResourceClaimOf: z.string().nullable().optional().transform((v) => v ?? null),
  extendedResourceClaimOwner: z
    .object({ uid: z.string(), createdAt: z.string().nullable() })
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  requests: z.array(
    z.object({
      name: z.string(),
      exactly: z.object(exact).nullable() satisfies z.ZodType<ExactDeviceRequestFacts | null>,
      firstAvailable: z.array(z.object({ name: z.string(), ...exact })),
    }),
  ),
  allocation: z
    .object({ devices: z.array(z.object({ request: z.string(), driver: z.string(), pool: z.string(), device: z.string(), adminAccess: z.boolean() })) })
    .nullable(),
}) satisfies z.ZodType<ResourceClaimFacts>;

const count = z.number().int().nonnegative();

const draDevice = z.object({
  driver: z.string(),
  pool: z.string(),
  name: z.string(),
  nodes: z.array(z.string()),
  type: z.string().nullable(),
  productName: z.string().nullable(),
  profile: z.string().nullable(),
  uuid: z.string().nullable(),
  parentUUID: z.string().nullable(),
  memory: quantity.nullable(),
  model: z.string().nullable(),
  physical: z.string(),
  counterSets: z.array(z.string()),
  taints: z.array(taint),
  classes: z.array(z.string()),
  plannable: z.boolean(),
  // Absent from an inventory JSON written before quotaplan looked for GPUs a device plugin publishes too.
  alsoByDevicePlugin: z.boolean().optional().transform((v) => v ?? false),
}) satisfies z.ZodType<DraDeviceFacts, unknown>;

const draClass = z.object({
  name: z.string(),
  extendedResourceName: z.string().nullable(),
  devices: count,
  physical: count,
  devicesByModel: z.record(z.string(), count),
  unplannable: count,
  partitionable: z.boolean(),
  unsupported: z.boolean(),
  inPlannable: count,
}) satisfies z.ZodType<DraClassCapacity>;

const draNamespace = z.object({
  namespace: z.string(),
  claims: count,
  quotaUsed: quantityList,
  allocated: z.record(z.string(), count),
  // Absent from an inventory JSON written before quotaplan joined pods to claims.
  inUse: z.record(z.string(), count).optional().transform((v) => v ?? {}),
  inUseByExtendedResourceRequests: z.record(z.string(), count).optional().transform((v) => v ?? {}),
}) satisfies z.ZodType<DraNamespaceUse, unknown>;

export const draCapacityJsonSchema = z.object({
  devices: z.array(draDevice),
  classes: z.array(draClass),
  namespaces: z.array(draNamespace),
}) satisfies z.ZodType<DraCapacity>;
