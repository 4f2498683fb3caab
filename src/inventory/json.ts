/**
 * The inventory as JSON (docs/inventory.md): canonical quantity strings, keys sorted at every level,
 * GPU-equivalents as JSON numbers plus their exact ratio. inventoryFromJson reads the same shape back.
 */
import { z } from 'zod';
import { quantitySchema as quantity } from './quantity-schema.js';
import { ValidationError } from '../errors.js';
import { formatQuantity } from '../quantity.js';
import { formatResourceList, type ResourceList } from '../resources.js';
import {
  deviceClassJsonSchema,
  deviceClassToJson,
  draCapacityJsonSchema,
  draCapacityToJson,
  resourceClaimJsonSchema,
  resourceClaimToJson,
  resourceSliceJsonSchema,
  resourceSliceToJson,
} from './dra/json.js';
import {
  clusterQueueJsonSchema,
  clusterQueueToJson,
  cohortJsonSchema,
  cohortToJson,
  kaiQueueJsonSchema,
  kaiQueueToJson,
  resourceFlavorJsonSchema,
  resourceFlavorToJson,
  volcanoQueueJsonSchema,
  volcanoQueueToJson,
} from './schedulers/json.js';
import { formatPath } from './objects.js';
import { rational, toRoundedNumber, type Rational } from '../rational.js';
import type {
  AcceleratorFacts,
  ClusterInventory,
  LimitRangeItemFacts,
  NodeFacts,
  ResourceListByFlavor,
} from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The inventory as a JSON value with sorted keys; `JSON.stringify(inventoryToJson(inv), null, 2)` prints it. */
export function inventoryToJson(inv: ClusterInventory): Json {
  return sortKeys({
    nodes: inv.nodes.map(nodeToJson),
    namespaces: inv.namespaces.map((ns) => ({
      name: ns.name,
      labels: ns.labels,
      requests: formatResourceList(ns.requests),
      pods: ns.pods,
      // Absent when no pod waits (and in inventories taken before quotaplan kept queued pods).
      ...(ns.queued === undefined ? {} : { queued: { requests: formatResourceList(ns.queued.requests), pods: ns.queued.pods, reasons: ns.queued.reasons } }),
    })),
    resourceQuotas: inv.resourceQuotas.map((q) => ({
      namespace: q.namespace,
      name: q.name,
      hard: formatResourceList(q.hard),
      statusHard: formatResourceList(q.statusHard),
      used: formatResourceList(q.used),
      scopes: q.scopes,
      scopeSelector: q.scopeSelector.map((s) => ({ ...s })),
    })),
    limitRanges: inv.limitRanges.map((l) => ({ namespace: l.namespace, name: l.name, limits: l.limits.map(limitToJson) })),
    profiles: inv.profiles.map((p) => ({
      name: p.name,
      namespace: p.namespace,
      owner: p.owner === null ? null : { ...p.owner },
      hard: formatResourceList(p.hard),
      labels: p.labels,
    })),
    // Absent in an inventory taken before quotaplan read DRA objects: left out, not written as empty.
    ...(inv.deviceClasses === undefined ? {} : { deviceClasses: inv.deviceClasses.map(deviceClassToJson) }),
    ...(inv.resourceSlices === undefined ? {} : { resourceSlices: inv.resourceSlices.map(resourceSliceToJson) }),
    ...(inv.resourceClaims === undefined ? {} : { resourceClaims: inv.resourceClaims.map(resourceClaimToJson) }),
    ...(inv.dra === undefined ? {} : { dra: draCapacityToJson(inv.dra) }),
    // Likewise the schedulers' quota objects.
    ...(inv.kueueResourceFlavors === undefined ? {} : { kueueResourceFlavors: inv.kueueResourceFlavors.map(resourceFlavorToJson) }),
    ...(inv.kueueCohorts === undefined ? {} : { kueueCohorts: inv.kueueCohorts.map(cohortToJson) }),
    ...(inv.kueueClusterQueues === undefined ? {} : { kueueClusterQueues: inv.kueueClusterQueues.map(clusterQueueToJson) }),
    ...(inv.kaiQueues === undefined ? {} : { kaiQueues: inv.kaiQueues.map(kaiQueueToJson) }),
    ...(inv.volcanoQueues === undefined ? {} : { volcanoQueues: inv.volcanoQueues.map(volcanoQueueToJson) }),
    plannable: formatResourceList(inv.plannable),
    plannableByFlavor: flavorsToJson(inv.plannableByFlavor),
    warnings: inv.warnings,
  });
}

function nodeToJson(n: NodeFacts): Json {
  return {
    name: n.name,
    labels: n.labels,
    pool: n.pool,
    model: n.model,
    ready: n.ready,
    schedulable: n.schedulable,
    taints: n.taints.map((t) => ({ ...t })),
    transitional: n.transitional,
    transitionalReasons: n.transitionalReasons,
    physicalAccelerators: n.physicalAccelerators,
    accelerators: n.accelerators.map(acceleratorToJson),
    capacity: formatResourceList(n.capacity),
    allocatable: formatResourceList(n.allocatable),
    requested: formatResourceList(n.requested),
    unhealthy: formatResourceList(n.unhealthy),
    staleZeroResources: n.staleZeroResources,
    pods: n.pods,
  };
}

function acceleratorToJson(a: AcceleratorFacts): Json {
  return {
    resource: a.resource,
    vendor: a.vendor,
    model: a.model,
    sharing: a.sharing,
    migProfile: a.migProfile,
    replicas: a.replicas,
    unit: a.unit,
    capacity: formatQuantity(a.capacity),
    allocatable: formatQuantity(a.allocatable),
    gpuEquivalent: toRoundedNumber(a.gpuEquivalent),
    gpuEquivalentRatio: ratioText(a.gpuEquivalent),
    physical: ratioText(a.physical),
  };
}

function limitToJson(l: LimitRangeItemFacts): Json {
  return {
    type: l.type,
    max: formatResourceList(l.max),
    min: formatResourceList(l.min),
    default: formatResourceList(l.default),
    defaultRequest: formatResourceList(l.defaultRequest),
    maxLimitRequestRatio: formatResourceList(l.maxLimitRequestRatio),
  };
}

function flavorsToJson(flavors: ResourceListByFlavor): Json {
  const out: Record<string, Json> = {};
  for (const [resource, byModel] of Object.entries(flavors)) out[resource] = formatResourceList(byModel);
  return out;
}

function ratioText(r: Rational): string {
  return `${r.numerator}/${r.denominator}`;
}

/** Recursively sorts object keys (code-unit order), so output is byte-identical for equal inventories. */
export function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as Json);
  return out;
}

// ------------------------------------------------------------------------------------------------ reading back

const resourceList = z.record(z.string(), quantity);
const ratioSchema = z.string().regex(/^\d+\/[1-9]\d*$/).transform((text): Rational => {
  const [n, d] = text.split('/');
  return rational(BigInt(n ?? '0'), BigInt(d ?? '1'));
});
const labels = z.record(z.string(), z.string());

const acceleratorSchema = z.object({
  resource: z.string(),
  vendor: z.enum(['nvidia', 'amd', 'intel', 'habana', 'aws', 'google', 'other']),
  model: z.string().nullable(),
  sharing: z.enum(['none', 'mig', 'time-slicing', 'mps', 'partition']),
  migProfile: z.string().nullable(),
  replicas: z.number().int().positive(),
  unit: z.enum(['device', 'mig-slice', 'replica', 'partition', 'core']),
  capacity: quantity,
  allocatable: quantity,
  gpuEquivalentRatio: ratioSchema,
  physical: ratioSchema,
});

const nodeSchema = z.object({
  name: z.string(),
  labels,
  pool: z.string().nullable(),
  model: z.string().nullable(),
  ready: z.boolean(),
  schedulable: z.boolean(),
  taints: z.array(z.object({ key: z.string(), value: z.string().optional(), effect: z.string() })),
  transitional: z.boolean(),
  transitionalReasons: z.array(z.enum(['mig-config-pending', 'device-plugin-paused', 'partition-config-pending', 'accelerator-not-ready'])),
  physicalAccelerators: z.number().int().nonnegative(),
  accelerators: z.array(acceleratorSchema),
  capacity: resourceList,
  allocatable: resourceList,
  requested: resourceList,
  unhealthy: resourceList,
  staleZeroResources: z.array(z.string()),
  pods: z.number().int().nonnegative(),
});

const limitItemSchema = z.object({
  type: z.string(),
  max: resourceList,
  min: resourceList,
  default: resourceList,
  defaultRequest: resourceList,
  maxLimitRequestRatio: resourceList,
});

const inventorySchema = z.object({
  nodes: z.array(nodeSchema),
  namespaces: z.array(
    z.object({
      name: z.string(),
      labels,
      requests: resourceList,
      pods: z.number().int().nonnegative(),
      queued: z
        .object({
          requests: resourceList,
          pods: z.number().int().nonnegative(),
          reasons: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'expected a condition reason such as Unschedulable'), z.number().int().positive()),
        })
        .optional(),
    }),
  ),
  resourceQuotas: z.array(
    z.object({
      namespace: z.string(),
      name: z.string(),
      hard: resourceList,
      statusHard: resourceList,
      used: resourceList,
      scopes: z.array(z.string()),
      scopeSelector: z.array(z.object({ scopeName: z.string(), operator: z.string(), values: z.array(z.string()).optional() })),
    }),
  ),
  limitRanges: z.array(z.object({ namespace: z.string(), name: z.string(), limits: z.array(limitItemSchema) })),
  profiles: z.array(
    z.object({
      name: z.string(),
      namespace: z.string(),
      owner: z.object({ kind: z.string(), name: z.string() }).nullable(),
      hard: resourceList,
      labels,
    }),
  ),
  deviceClasses: z.array(deviceClassJsonSchema).optional(),
  resourceSlices: z.array(resourceSliceJsonSchema).optional(),
  resourceClaims: z.array(resourceClaimJsonSchema).optional(),
  dra: draCapacityJsonSchema.optional(),
  kueueResourceFlavors: z.array(resourceFlavorJsonSchema).optional(),
  kueueCohorts: z.array(cohortJsonSchema).optional(),
  kueueClusterQueues: z.array(clusterQueueJsonSchema).optional(),
  kaiQueues: z.array(kaiQueueJsonSchema).optional(),
  volcanoQueues: z.array(volcanoQueueJsonSchema).optional(),
  plannable: resourceList,
  plannableByFlavor: z.record(z.string(), resourceList),
  warnings: z.array(z.string()),
});

/** Reads what inventoryToJson wrote; a ValidationError names the field when it does not fit. */
export function inventoryFromJson(value: unknown, where: { file?: string } = {}): ClusterInventory {
  const result = inventorySchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue === undefined ? '' : formatPath(issue.path);
    const prefix = [where.file, field].filter((p) => p !== undefined && p !== '').join(': ');
    throw new ValidationError(`${prefix}: ${issue?.message ?? 'not an inventory'}`, { file: where.file, field }, { cause: result.error });
  }
  const data = result.data;
  return {
    ...data,
    nodes: data.nodes.map((n) => ({
      ...n,
      taints: n.taints.map((t) => (t.value === undefined ? { key: t.key, effect: t.effect } : { key: t.key, value: t.value, effect: t.effect })),
      accelerators: n.accelerators.map(({ gpuEquivalentRatio, ...a }) => ({ ...a, gpuEquivalent: gpuEquivalentRatio })),
    })),
    resourceQuotas: data.resourceQuotas.map((q) => ({
      ...q,
      scopeSelector: q.scopeSelector.map((s) => (s.values === undefined ? { scopeName: s.scopeName, operator: s.operator } : { scopeName: s.scopeName, operator: s.operator, values: s.values })),
    })),
  };
}

export type { Json };
