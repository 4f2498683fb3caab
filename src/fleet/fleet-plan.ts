/**
 * The fleet plan: the teams file divided among clusters (fleet-teams.ts), then each cluster planned on its own
 * newest snapshot by the one planner, so each cluster's plan sums exactly to that cluster's capacity. Pure: the
 * caller reads the snapshots and previous plans. Totals say what each team gets across the fleet.
 */
import type { ClusterInventory } from '../inventory/types.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan } from '../plan/plan.js';
import { parseTeamsFile } from '../plan/teams-file.js';
import { addQuantities, ZERO_QUANTITY, type Quantity } from '../quantity.js';
import { compareText } from '../text-order.js';
import { divideFleetTeams, type ClusterShare } from './fleet-teams.js';

export interface FleetPlanInput {
  /** The fleet teams file's text and name. */
  text: string;
  file: string;
  clusters: ReadonlyArray<{ cluster: string; snapshotId: number | null; inventory: ClusterInventory; previous: Plan | null }>;
  strict?: boolean;
}

export interface ClusterPlan {
  cluster: string;
  snapshotId: number | null;
  /** The teams file this cluster's plan was made from (stored with it: `emit` reads it). */
  teamsYaml: string;
  plan: Plan;
}

/** One team's quota of one resource (and flavor) across the fleet: the terminal or top-level allocations summed. */
export interface TeamTotal {
  team: string;
  resource: string;
  flavor: string | null;
  quota: Quantity;
  /** By cluster name; a cluster whose plan has no such allocation is absent. */
  byCluster: Array<{ cluster: string; quota: Quantity }>;
}

export interface FleetPlan {
  cycle: string;
  /** By cluster name. */
  clusters: ClusterPlan[];
  shares: ClusterShare[];
  /** By team, resource, flavor. */
  totals: TeamTotal[];
}

export function buildFleetPlan(input: FleetPlanInput): FleetPlan {
  const divided = divideFleetTeams({ text: input.text, file: input.file, members: input.clusters });
  const byName = new Map(input.clusters.map((member) => [member.cluster, member]));
  const clusters = divided.clusters.map(({ cluster, teamsYaml }): ClusterPlan => {
    const member = byName.get(cluster) as FleetPlanInput['clusters'][number];
    const teams = parseTeamsFile(teamsYaml, `${input.file} (cluster ${cluster})`);
    const plan = buildPlan({ teams, inventory: member.inventory, previous: member.previous, strict: input.strict === true });
    return { cluster, snapshotId: member.snapshotId, teamsYaml, plan };
  });
  return { cycle: divided.teams.cycle, clusters, shares: divided.shares, totals: totalsOf(clusters) };
}

function totalsOf(clusters: readonly ClusterPlan[]): TeamTotal[] {
  const totals = new Map<string, TeamTotal>();
  for (const { cluster, plan } of clusters) {
    for (const allocation of plan.allocations) {
      const key = `${allocation.team}\u0000${allocation.resource}\u0000${allocation.flavor ?? ''}`;
      let total = totals.get(key);
      if (total === undefined) {
        total = { team: allocation.team, resource: allocation.resource, flavor: allocation.flavor, quota: ZERO_QUANTITY, byCluster: [] };
        totals.set(key, total);
      }
      total.quota = addQuantities(total.quota, allocation.quota);
      total.byCluster.push({ cluster, quota: allocation.quota });
    }
  }
  return [...totals.values()].sort(
    (a, b) => compareText(a.team, b.team) || compareText(a.resource, b.resource) || compareText(a.flavor ?? '', b.flavor ?? ''),
  );
}
