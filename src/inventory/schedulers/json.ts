/**
 * The schedulers' part of the inventory JSON (docs/inventory.md): the facts as they are kept, quantities as
 * canonical strings, KAI's numbers as numbers; and the zod schemas that read them back into the same values.
 */
import { z } from 'zod';
import { quantitySchema as quantity } from '../quantity-schema.js';
import { formatQuantity, type Quantity } from '../../quantity.js';
import type { ResourceList } from '../../resources.js';
import type { ClusterQueueFacts, CohortFacts, KaiQueueFacts, KueueQuotaFacts, ResourceFlavorFacts, VolcanoQueueFacts } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function list(values: ResourceList): Json {
  const out: Record<string, Json> = {};
  for (const [name, q] of Object.entries(values)) out[name] = formatQuantity(q);
  return out;
}

const nullable = (q: Quantity | null): Json => (q === null ? null : formatQuantity(q));

const quotaToJson = (q: KueueQuotaFacts): Json => ({
  flavor: q.flavor,
  resource: q.resource,
  nominalQuota: formatQuantity(q.nominalQuota),
  borrowingLimit: nullable(q.borrowingLimit),
  lendingLimit: nullable(q.lendingLimit),
});

export const resourceFlavorToJson = (f: ResourceFlavorFacts): Json => ({ name: f.name, nodeLabels: { ...f.nodeLabels } });

export const cohortToJson = (c: CohortFacts): Json => ({ name: c.name, parent: c.parent, weight: nullable(c.weight), quotas: c.quotas.map(quotaToJson) });

export const clusterQueueToJson = (q: ClusterQueueFacts): Json => ({
  name: q.name,
  cohort: q.cohort,
  weight: nullable(q.weight),
  quotas: q.quotas.map(quotaToJson),
  usage: q.usage.map((u) => ({ flavor: u.flavor, resource: u.resource, total: formatQuantity(u.total), borrowed: formatQuantity(u.borrowed) })),
  pendingWorkloads: q.pendingWorkloads,
  admittedWorkloads: q.admittedWorkloads,
});

export const kaiQueueToJson = (q: KaiQueueFacts): Json => ({
  name: q.name,
  parent: q.parent,
  resources: q.resources.map((r) => ({ ...r })),
  allocated: list(q.allocated),
});

export const volcanoQueueToJson = (q: VolcanoQueueFacts): Json => ({
  name: q.name,
  parent: q.parent,
  weight: q.weight,
  deserved: list(q.deserved),
  guarantee: list(q.guarantee),
  capability: list(q.capability),
  allocated: list(q.allocated),
});

const resourceList = z.record(z.string(), quantity);
const quotaJson = z.object({
  flavor: z.string(),
  resource: z.string(),
  nominalQuota: quantity,
  borrowingLimit: quantity.nullable(),
  lendingLimit: quantity.nullable(),
});

export const resourceFlavorJsonSchema = z.object({ name: z.string(), nodeLabels: z.record(z.string(), z.string()) });
export const cohortJsonSchema = z.object({ name: z.string(), parent: z.string().nullable(), weight: quantity.nullable(), quotas: z.array(quotaJson) });
export const clusterQueueJsonSchema = z.object({
  name: z.string(),
  cohort: z.string().nullable(),
  weight: quantity.nullable(),
  quotas: z.array(quotaJson),
  usage: z.array(z.object({ flavor: z.string(), resource: z.string(), total: quantity, borrowed: quantity })),
  pendingWorkloads: z.number().int().nonnegative(),
  admittedWorkloads: z.number().int().nonnegative(),
});
export const kaiQueueJsonSchema = z.object({
  name: z.string(),
  parent: z.string().nullable(),
  resources: z.array(z.object({ resource: z.enum(['cpu', 'gpu', 'memory']), quota: z.number(), limit: z.number(), overQuotaWeight: z.number() })),
  allocated: resourceList,
});
export const volcanoQueueJsonSchema = z.object({
  name: z.string(),
  parent: z.string().nullable(),
  weight: z.number().int(),
  deserved: resourceList,
  guarantee: resourceList,
  capability: resourceList,
  allocated: resourceList,
});
