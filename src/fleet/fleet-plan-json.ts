/** The fleet plan as JSON (`quotaplan fleet plan -o json`): each cluster's plan as `plan -o json` prints it. */
import { planToJson } from '../plan/plan-json.js';
import { formatQuantity, type Quantity } from '../quantity.js';
import type { FleetPlan } from './fleet-plan.js';

const text = (quantity: Quantity | null): string | null => (quantity === null ? null : formatQuantity(quantity));

export function fleetPlanToJson(plan: FleetPlan): Record<string, unknown> {
  return {
    cycle: plan.cycle,
    shares: plan.shares.map((share) => ({
      team: share.team,
      resource: share.resource,
      flavor: share.flavor,
      cluster: share.cluster,
      how: share.how,
      of: share.of,
      demand: text(share.demand),
      guarantee: text(share.guarantee),
      cap: text(share.cap),
    })),
    totals: plan.totals.map((total) => ({
      team: total.team,
      resource: total.resource,
      flavor: total.flavor,
      quota: formatQuantity(total.quota),
      byCluster: total.byCluster.map((entry) => ({ cluster: entry.cluster, quota: formatQuantity(entry.quota) })),
    })),
    clusters: plan.clusters.map((member) => ({ cluster: member.cluster, snapshotId: member.snapshotId, plan: planToJson(member.plan) })),
  };
}
