/**
 * The quotas in force in the batch schedulers, as `quotaplan inventory` prints them after the plannable table:
 * one row per Kueue ClusterQueue or Cohort (flavor, resource), KAI Scheduler Queue and Volcano Queue resource,
 * with what each scheduler calls the guarantee, the quota and the limit (docs/emit.md "Mapping"), what is in use
 * and how many Kueue workloads wait (on a queue's first row). Empty when the inventory has none. The figures are
 * schedulerQuotasInForce's, as the review and the dashboard show them.
 */
import { schedulerQuotasInForce } from '../inventory/schedulers/in-force.js';
import type { ClusterInventory } from '../inventory/types.js';

const NONE = '-';

const SCHEDULER_QUOTA_HEADER = ['SCHEDULER', 'OBJECT', 'PARENT', 'FLAVOR', 'RESOURCE', 'GUARANTEE', 'QUOTA', 'LIMIT', 'IN-USE', 'PENDING'];

/** The rows (header first), or [] when the inventory holds no scheduler quota object. */
export function schedulerQuotaRows(inv: ClusterInventory): string[][] {
  const rows = schedulerQuotasInForce(inv).map((row, i, all) => {
    const firstOfQueue = i === 0 || all[i - 1]?.object !== row.object || all[i - 1]?.enforcer !== row.enforcer;
    const pending = row.pending === null ? NONE : firstOfQueue ? String(row.pending) : '';
    const cell = (value: string | null): string => value ?? NONE;
    return [row.enforcer, row.object, cell(row.parent), cell(row.flavor), row.resource, cell(row.guarantee), cell(row.quota), cell(row.limit), cell(row.inUse), pending];
  });
  return rows.length === 0 ? [] : [SCHEDULER_QUOTA_HEADER, ...rows];
}
