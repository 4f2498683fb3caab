/**
 * What a reviewer must see before approving a plan: teams already using more than their new quota, per-model
 * GPU splits a ResourceQuota cannot enforce, quotas that fell although capacity grew (the Alabama paradox of
 * largest-remainder rounding, domain.md section 5), and small inconsistencies of the teams file.
 */
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  subtractQuantities,
  type Quantity,
} from '../quantity.js';
import { describePool } from './pool-state.js';
import { compareNullableNames, type Allocation, type Plan, type PlanInventory, type PlanWarning, type Pool } from './plan.js';
import type { TeamSpec, TeamsFile } from './teams-file.js';
import { clusterResources, unknownResources } from './unknown-resources.js';

export interface WarningInput {
  plan: Plan;
  teams: TeamsFile;
  inventory: PlanInventory;
  previous: Plan | null;
  /** Current requests of a team's namespaces for a resource. */
  useOf: (team: string, resource: string) => Quantity;
}

export function planWarnings(input: WarningInput): PlanWarning[] {
  const warnings = [
    ...useAboveQuota(input.plan, input.useOf),
    ...flavorSplits(input.plan, input.inventory),
    ...unknownFlavors(input.plan, input.inventory),
    ...unknownResources(input.teams, input.inventory),
    ...unusedReserve(input.plan, input.teams, input.inventory),
    ...namespacesNotFound(input.plan, input.teams, input.inventory),
    ...(input.previous === null ? [] : alabamaParadox(input.plan, input.previous)),
  ];
  return warnings.sort(
    (a, b) =>
      compareNullableNames(a.kind, b.kind) ||
      compareNullableNames(a.team, b.team) ||
      compareNullableNames(a.resource, b.resource) ||
      compareNullableNames(a.flavor, b.flavor) ||
      compareNullableNames(a.message, b.message),
  );
}

/**
 * Terminal allocations (the quotas that reach namespaces) below current use. A resource split by flavor has no
 * per-flavor use in the inventory, so its flavors' quotas are added up and compared with the resource's use.
 */
function useAboveQuota(plan: Plan, useOf: WarningInput['useOf']): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const flavoredTotals = new Map<string, { team: string; resource: string; quota: Quantity }>();
  const allocations = plan.allocations;
  for (let i = 0; i < allocations.length; i++) {
    const allocation = allocations[i] as Allocation;
    if (!allocation.terminal) continue;
    if (allocation.flavor === null) {
      if (allocation.used !== null && allocation.used.nanos > allocation.quota.nanos) {
        warnings.push(overUse(allocation.team, allocation.resource, allocation.used, allocation.quota));
      }
      continue;
    }
    const key = `${allocation.team}\u0000${allocation.resource}`;
    const entry = flavoredTotals.get(key);
    if (entry === undefined) {
      flavoredTotals.set(key, { team: allocation.team, resource: allocation.resource, quota: allocation.quota });
    } else entry.quota = addQuantities(entry.quota, allocation.quota);
  }
  for (const { team, resource, quota } of flavoredTotals.values()) {
    const used = useOf(team, resource);
    if (compareQuantities(used, quota) > 0) warnings.push(overUse(team, resource, used, quota));
  }
  return warnings;
}

function overUse(team: string, resource: string, used: Quantity, quota: Quantity): PlanWarning {
  return {
    kind: 'use-above-quota',
    team,
    resource,
    flavor: null,
    message:
      `${team} requests ${formatQuantity(used)} ${resource} now, above its new quota ${formatQuantity(quota)}: ` +
      `running pods stay, new ones are rejected until use falls below the quota`,
  };
}

/** ResourceQuota counts by resource name, so a split of one resource name by GPU model cannot be enforced by it. */
function flavorSplits(plan: Plan, inventory: PlanInventory): PlanWarning[] {
  const byResource = new Map<string, string[]>();
  for (const pool of plan.pools) {
    if (pool.flavor === null) continue;
    byResource.set(pool.resource, [...(byResource.get(pool.resource) ?? []), pool.flavor]);
  }
  return [...byResource].map(([resource, flavors]) => {
    const models = Object.keys(inventory.plannableByFlavor[resource] ?? {}).sort();
    return {
      kind: 'flavor-split-unenforceable' as const,
      team: null,
      resource,
      flavor: null,
      message:
        `${resource} is split by flavor (${flavors.join(', ')}) but a ResourceQuota counts requests.${resource} ` +
        `by name and cannot tell the models apart (the cluster has ${models.length === 0 ? 'none' : models.join(', ')}); ` +
        `enforce per-model quotas with a scheduler-level quota such as Kueue ResourceFlavors, or only the ` +
        `per-team sum is enforced`,
    };
  });
}

/** Flavors of a resource the cluster has, but not of that model (a resource it lacks is `unknown-resource`). */
function unknownFlavors(plan: Plan, inventory: PlanInventory): PlanWarning[] {
  const known = clusterResources(inventory);
  return plan.pools
    .filter((pool) => pool.flavor !== null && known.has(pool.resource) && inventory.plannableByFlavor[pool.resource]?.[pool.flavor] === undefined)
    .map((pool) => ({
      kind: 'unknown-flavor' as const,
      team: null,
      resource: pool.resource,
      flavor: pool.flavor,
      message:
        `the teams file plans ${describePool(pool)} but the inventory has no plannable ${pool.resource} of that model ` +
        `(it has ${Object.keys(inventory.plannableByFlavor[pool.resource] ?? {}).sort().join(', ') || 'none'}); its capacity is 0`,
    }));
}

function unusedReserve(plan: Plan, teams: TeamsFile, inventory: PlanInventory): PlanWarning[] {
  const known = clusterResources(inventory);
  return teams.reserve.flatMap((reserve) => {
    const why = !known.has(reserve.resource)
      ? `the cluster has no ${reserve.resource}`
      : !plan.pools.some((pool) => pool.resource === reserve.resource && pool.flavor === reserve.flavor)
        ? 'no team shares in it'
        : null;
    if (why === null) return [];
    return [
      {
        kind: 'unused-reserve' as const,
        team: null,
        resource: reserve.resource,
        flavor: reserve.flavor,
        message: `${teams.file}: reserve of ${describePool(reserve)} has no effect: ${why}`,
      },
    ];
  });
}

/**
 * Leaf teams whose quota would reach no namespace, or namespaces the cluster does not have: said at `plan`, not
 * first at `emit` or `apply`. A snapshot listing no namespace at all (a dump of nodes only) cannot tell, so says
 * nothing.
 */
function namespacesNotFound(plan: Plan, teams: TeamsFile, inventory: PlanInventory): PlanWarning[] {
  if (inventory.namespaces.length === 0) return [];
  const existing = new Set(inventory.namespaces.map((ns) => ns.name));
  const resolved = new Map(plan.teams.map((team) => [team.team, team.namespaces]));
  const warnings: PlanWarning[] = [];
  const visit = (team: TeamSpec): void => {
    team.teams.forEach(visit);
    if (team.members === null) return;
    const namespaces = resolved.get(team.path) ?? [];
    const where = `${teams.file}: ${team.where}`;
    if (namespaces.length === 0) {
      const claim =
        team.members.kind === 'selector'
          ? `selector ${Object.entries(team.members.selector).map(([label, value]) => `${label}=${value}`).join(',')} matches no namespace in the cluster`
          : `names no namespace`;
      warnings.push({
        kind: 'team-without-namespaces',
        team: team.path,
        resource: null,
        flavor: null,
        message: `${team.path}: ${claim} (${where}), so its quota applies nowhere; emit and apply write nothing for it`,
      });
      return;
    }
    const missing = namespaces.filter((ns) => !existing.has(ns));
    if (missing.length === 0) return;
    const how = team.members.kind === 'profiles' ? "its profiles' namespaces" : 'its namespaces';
    warnings.push({
      kind: 'namespace-not-found',
      team: team.path,
      resource: null,
      flavor: null,
      message:
        missing.length === namespaces.length
          ? `${team.path}: none of ${how} (${missing.join(', ')}) is in the cluster (${where}): its quota applies nowhere, and applying it fails, until they exist`
          : `${team.path}: ${missing.length === 1 ? 'namespace' : 'namespaces'} ${missing.join(', ')} ` +
            `${missing.length === 1 ? 'is' : 'are'} not in the cluster (${where}): applying its quota there fails until ${missing.length === 1 ? 'it exists' : 'they exist'}`,
    });
  };
  teams.teams.forEach(visit);
  return warnings;
}

/**
 * A quota that fell while the capacity its pool divides grew. When the team's own weight-independent inputs
 * (guarantee, demand, cap) did not change, it is the Alabama paradox of largest-remainder rounding.
 */
function alabamaParadox(plan: Plan, previous: Plan): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const previousPools = new Map(previous.pools.map((pool) => [`${pool.resource}\u0000${pool.flavor ?? ''}`, pool]));
  const previousAllocations = new Map(
    previous.allocations.map((a) => [`${a.team}\u0000${a.resource}\u0000${a.flavor ?? ''}`, a]),
  );
  const pools = new Map(plan.pools.map((pool) => [`${pool.resource}\u0000${pool.flavor ?? ''}`, pool]));
  for (const allocation of plan.allocations) {
    const poolKey = `${allocation.resource}\u0000${allocation.flavor ?? ''}`;
    const before = previousAllocations.get(`${allocation.team}\u0000${poolKey}`);
    const oldPool = previousPools.get(poolKey);
    const newPool = pools.get(poolKey) as Pool;
    if (before === undefined || oldPool === undefined) continue;
    const oldDividable = dividable(oldPool);
    const newDividable = dividable(newPool);
    if (compareQuantities(newDividable, oldDividable) <= 0) continue;
    if (compareQuantities(allocation.quota, before.quota) >= 0) continue;
    const sameInputs =
      sameQuantity(allocation.guarantee, before.guarantee) &&
      sameQuantity(allocation.demand, before.demand) &&
      sameQuantity(allocation.cap, before.cap);
    warnings.push({
      kind: 'alabama-paradox',
      team: allocation.team,
      resource: allocation.resource,
      flavor: allocation.flavor,
      message:
        `${allocation.team}: ${describePool(allocation)} quota fell from ${formatQuantity(before.quota)} to ` +
        `${formatQuantity(allocation.quota)} although the capacity divided grew from ${formatQuantity(oldDividable)} ` +
        `to ${formatQuantity(newDividable)} (previous plan ${previous.cycle})` +
        (sameInputs
          ? `; its guarantee, demand and cap did not change: the Alabama paradox of largest-remainder rounding`
          : `; its guarantee, demand or cap changed too`),
    });
  }
  return warnings;
}

function dividable(pool: Pool): Quantity {
  return subtractQuantities(pool.capacity, pool.reserve);
}

function sameQuantity(a: Quantity | null, b: Quantity | null): boolean {
  if (a === null || b === null) return a === b;
  return compareQuantities(a, b) === 0;
}
