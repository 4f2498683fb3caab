/**
 * The quotas in force in the batch schedulers, as `quotaplan inventory` prints them after the plannable table:
 * one row per Kueue ClusterQueue or Cohort (flavor, resource), KAI Scheduler Queue and Volcano Queue resource,
 * with what each scheduler calls the guarantee, the quota and the limit (docs/emit.md "Mapping"), what is in use
 * and how many Kueue workloads wait. Empty when the inventory has none.
 */
import { addQuantities, formatQuantity, subtractQuantities, type Quantity } from '../quantity.js';
import { sortedNames, type ResourceList } from '../resources.js';
import type { ClusterInventory } from '../inventory/types.js';
import type { KueueQuotaFacts, KueueUsageFacts } from '../inventory/schedulers/types.js';
import { compareText } from '../text-order.js';

const NONE = '-';

const SCHEDULER_QUOTA_HEADER = ['SCHEDULER', 'OBJECT', 'PARENT', 'FLAVOR', 'RESOURCE', 'GUARANTEE', 'QUOTA', 'LIMIT', 'IN-USE', 'PENDING'];

/** The rows (header first), or [] when the inventory holds no scheduler quota object. */
export function schedulerQuotaRows(inv: ClusterInventory): string[][] {
  const rows: string[][] = [];
  for (const cohort of inv.kueueCohorts ?? []) {
    for (const q of cohort.quotas) rows.push(['kueue', `Cohort ${cohort.name}`, cohort.parent ?? NONE, ...kueueCells(q, []), NONE]);
  }
  for (const queue of inv.kueueClusterQueues ?? []) {
    queue.quotas.forEach((q, i) => {
      rows.push(['kueue', `ClusterQueue ${queue.name}`, queue.cohort ?? NONE, ...kueueCells(q, queue.usage), i === 0 ? String(queue.pendingWorkloads) : '']);
    });
  }
  for (const queue of inv.kaiQueues ?? []) {
    for (const r of queue.resources) {
      const unlimited = (n: number): string => (n === -1 ? 'unlimited' : String(n));
      rows.push(['kai', `Queue ${queue.name}`, queue.parent ?? NONE, NONE, `${r.resource} (${kaiUnit(r.resource)})`, NONE, unlimited(r.quota), unlimited(r.limit), NONE, NONE]);
    }
  }
  for (const queue of inv.volcanoQueues ?? []) {
    const names = new Set([...sortedNames(queue.deserved), ...sortedNames(queue.guarantee), ...sortedNames(queue.capability)]);
    for (const resource of [...names].sort(compareText)) {
      rows.push([
        'volcano',
        `Queue ${queue.name}`,
        queue.parent ?? NONE,
        NONE,
        resource,
        cell(queue.guarantee, resource),
        cell(queue.deserved, resource),
        cell(queue.capability, resource),
        cell(queue.allocated, resource),
        NONE,
      ]);
    }
  }
  return rows.length === 0 ? [] : [SCHEDULER_QUOTA_HEADER, ...rows];
}

/** Kueue's guarantee is what is never lent (nominal - lendingLimit), its limit nominal + borrowingLimit. */
function kueueCells(q: KueueQuotaFacts, usage: readonly KueueUsageFacts[]): string[] {
  const used = usage.find((u) => u.flavor === q.flavor && u.resource === q.resource);
  return [
    q.flavor,
    q.resource,
    q.lendingLimit === null ? NONE : formatQuantity(subtractQuantities(q.nominalQuota, q.lendingLimit)),
    formatQuantity(q.nominalQuota),
    q.borrowingLimit === null ? NONE : formatQuantity(addQuantities(q.nominalQuota, q.borrowingLimit)),
    used === undefined ? NONE : formatQuantity(used.total),
  ];
}

function kaiUnit(resource: 'cpu' | 'gpu' | 'memory'): string {
  return resource === 'cpu' ? 'millicores' : resource === 'gpu' ? 'GPUs' : 'MB';
}

function cell(list: ResourceList, resource: string): string {
  const q: Quantity | undefined = list[resource];
  return q === undefined ? NONE : formatQuantity(q);
}
