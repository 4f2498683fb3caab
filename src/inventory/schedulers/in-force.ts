/**
 * The quotas in force in one inventory, one row per object and resource: ResourceQuotas (what Kubernetes
 * admission enforces) beside the batch schedulers' quota objects (Kueue ClusterQueues and Cohorts, KAI Scheduler
 * Queues, Volcano Queues), each in that scheduler's own words mapped to one set of columns (docs/emit.md "Mapping"):
 * the guarantee (never lent or taken), the quota (nominal or deserved share), the limit (the most it may use),
 * the weight, what is in use and how many Kueue workloads wait. `quotaplan inventory`, the review and the
 * dashboard's Capacity page all read these rows. Pure.
 */
import { addQuantities, formatQuantity, subtractQuantities, type Quantity } from '../../quantity.js';
import { sortedNames, type ResourceList } from '../../resources.js';
import { compareText } from '../../text-order.js';
import type { ClusterInventory } from '../types.js';
import type { KueueQuotaFacts, KueueUsageFacts } from './types.js';

export type QuotaEnforcer = 'resourcequota' | 'kueue' | 'kai' | 'volcano';

/** Figures are canonical quantity strings (KAI's: its float64 numbers as read, `unlimited` for -1); null: none. */
export interface QuotaInForce {
  enforcer: QuotaEnforcer;
  /** The object holding the figures: `ResourceQuota cv/quotaplan`, `ClusterQueue ml-cv`, `Cohort ml`, `Queue ml-cv`. */
  object: string;
  /** The namespace of a ResourceQuota; the cohort or parent queue of a scheduler's object; null at the top. */
  parent: string | null;
  /** A Kueue ResourceFlavor; null elsewhere. */
  flavor: string | null;
  /** The quota's key (`requests.nvidia.com/gpu`), or the scheduler's resource (KAI: `gpu (GPUs)`). */
  resource: string;
  /** Kueue: nominal - lendingLimit; Volcano: guarantee. */
  guarantee: string | null;
  /** ResourceQuota: hard as enforced (status.hard, else spec.hard); Kueue: nominalQuota; KAI: quota; Volcano: deserved. */
  quota: string | null;
  /** Kueue: nominal + borrowingLimit; KAI: limit; Volcano: capability. */
  limit: string | null;
  /** Kueue: fairSharing.weight; KAI: overQuotaWeight; Volcano: weight. */
  weight: string | null;
  /** ResourceQuota: status.used; Kueue: status.flavorsUsage; Volcano: status.allocated. */
  inUse: string | null;
  /** A ClusterQueue's status.pendingWorkloads (on each of its rows). */
  pending: number | null;
}

/** Every quota in force: ResourceQuotas by namespace and name, then Kueue Cohorts, ClusterQueues, KAI and Volcano Queues. */
export function quotasInForce(inv: ClusterInventory): QuotaInForce[] {
  return [...resourceQuotaRows(inv), ...schedulerQuotasInForce(inv)];
}

function resourceQuotaRows(inv: ClusterInventory): QuotaInForce[] {
  // Sorted by namespace, then name, in the inventory.
  return inv.resourceQuotas.flatMap((quota) => {
    // status.hard is what admission enforces; spec.hard until the quota controller has copied it.
    const enforced = Object.keys(quota.statusHard).length > 0 ? quota.statusHard : quota.hard;
    return sortedNames(enforced).map((key) => ({
      ...EMPTY,
      enforcer: 'resourcequota' as const,
      object: `ResourceQuota ${quota.namespace}/${quota.name}`,
      parent: quota.namespace,
      resource: key,
      quota: figure(enforced, key),
      inUse: figure(quota.used, key),
    }));
  });
}

/** The batch schedulers' rows only. */
export function schedulerQuotasInForce(inv: ClusterInventory): QuotaInForce[] {
  const rows: QuotaInForce[] = [];
  for (const cohort of inv.kueueCohorts ?? []) {
    for (const q of cohort.quotas) {
      rows.push({ ...kueueFigures(q, null), object: `Cohort ${cohort.name}`, parent: cohort.parent, weight: quantity(cohort.weight) });
    }
  }
  for (const queue of inv.kueueClusterQueues ?? []) {
    for (const q of queue.quotas) {
      rows.push({ ...kueueFigures(q, queue.usage), object: `ClusterQueue ${queue.name}`, parent: queue.cohort, weight: quantity(queue.weight), pending: queue.pendingWorkloads });
    }
  }
  for (const queue of inv.kaiQueues ?? []) {
    for (const r of queue.resources) {
      rows.push({
        ...EMPTY,
        enforcer: 'kai',
        object: `Queue ${queue.name}`,
        parent: queue.parent,
        resource: `${r.resource} (${kaiUnit(r.resource)})`,
        quota: unlimited(r.quota),
        limit: unlimited(r.limit),
        weight: String(r.overQuotaWeight),
      });
    }
  }
  for (const queue of inv.volcanoQueues ?? []) {
    const names = new Set([...sortedNames(queue.deserved), ...sortedNames(queue.guarantee), ...sortedNames(queue.capability)]);
    for (const resource of [...names].sort(compareText)) {
      rows.push({
        ...EMPTY,
        enforcer: 'volcano',
        object: `Queue ${queue.name}`,
        parent: queue.parent,
        resource,
        guarantee: figure(queue.guarantee, resource),
        quota: figure(queue.deserved, resource),
        limit: figure(queue.capability, resource),
        weight: String(queue.weight),
        inUse: figure(queue.allocated, resource),
      });
    }
  }
  return rows;
}

const EMPTY: Omit<QuotaInForce, 'enforcer' | 'object' | 'parent' | 'resource'> = {
  flavor: null,
  guarantee: null,
  quota: null,
  limit: null,
  weight: null,
  inUse: null,
  pending: null,
};

/** Kueue's guarantee is what is never lent (nominal - lendingLimit), its limit nominal + borrowingLimit. */
function kueueFigures(q: KueueQuotaFacts, usage: readonly KueueUsageFacts[] | null): Omit<QuotaInForce, 'object' | 'parent' | 'weight'> {
  const used = usage?.find((u) => u.flavor === q.flavor && u.resource === q.resource);
  return {
    ...EMPTY,
    enforcer: 'kueue',
    flavor: q.flavor,
    resource: q.resource,
    guarantee: q.lendingLimit === null ? null : formatQuantity(subtractQuantities(q.nominalQuota, q.lendingLimit)),
    quota: formatQuantity(q.nominalQuota),
    limit: q.borrowingLimit === null ? null : formatQuantity(addQuantities(q.nominalQuota, q.borrowingLimit)),
    inUse: used === undefined ? null : formatQuantity(used.total),
  };
}

function kaiUnit(resource: 'cpu' | 'gpu' | 'memory'): string {
  return resource === 'cpu' ? 'millicores' : resource === 'gpu' ? 'GPUs' : 'MB';
}

const unlimited = (n: number): string => (n === -1 ? 'unlimited' : String(n));
const quantity = (q: Quantity | null): string | null => (q === null ? null : formatQuantity(q));

function figure(list: ResourceList, resource: string): string | null {
  const q: Quantity | undefined = list[resource];
  return q === undefined ? null : formatQuantity(q);
}
