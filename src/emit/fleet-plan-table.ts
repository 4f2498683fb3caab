/**
 * The fleet plan for people: how each team's request became each cluster's (SHARES), each cluster's plan as
 * `quotaplan plan` prints it, and what each team gets across the fleet (TOTALS).
 */
import type { FleetPlan } from '../fleet/fleet-plan.js';
import type { ClusterShare } from '../fleet/fleet-teams.js';
import { formatQuantity, type Quantity } from '../quantity.js';
import { escapeTerminalText } from '../terminal-text.js';
import { alignColumns } from './columns.js';
import { planTable } from './plan-table.js';

const cell = (quantity: Quantity | null, absent: string): string => (quantity === null ? absent : formatQuantity(quantity));

function how(share: ClusterShare): string {
  if (share.how === 'split') return `split of ${share.of}`;
  if (share.how === 'per-cluster') return 'per cluster';
  return 'not here';
}

export function fleetPlanTable(plan: FleetPlan): string {
  const shares: string[][] = [['TEAM', 'RESOURCE', 'FLAVOR', 'CLUSTER', 'HOW', 'DEMAND', 'GUARANTEE', 'CAP']];
  for (const share of plan.shares) {
    shares.push([share.team, share.resource, share.flavor ?? '-', share.cluster, how(share), cell(share.demand, 'unlimited'), cell(share.guarantee, '0'), cell(share.cap, 'none')]);
  }
  const totals: string[][] = [['TEAM', 'RESOURCE', 'FLAVOR', 'QUOTA', 'BY CLUSTER']];
  for (const total of plan.totals) {
    totals.push([total.team, total.resource, total.flavor ?? '-', formatQuantity(total.quota), total.byCluster.map((entry) => `${entry.cluster}=${formatQuantity(entry.quota)}`).join(' ')]);
  }
  const clusters = plan.clusters.map((member) => `\nCLUSTER ${escapeTerminalText(member.cluster)} (snapshot ${member.snapshotId ?? 'none'})\n${planTable(member.plan)}`);
  return `FLEET PLAN ${escapeTerminalText(plan.cycle)}\n\nSHARES (each team's request in each cluster)\n${alignColumns(shares)}${clusters.join('')}\nTOTALS (across the fleet)\n${alignColumns(totals)}`;
}
