/**
 * The planner: teams file + inventory facts (+ the previous plan) -> Plan. Pure: no I/O, no clock, no
 * randomness; the same inputs give the same value. Rules: docs/planning.md.
 */
import { ConflictError } from '../errors.js';
import { addQuantities, formatQuantity, multiplyQuantity, quantityFromNanos, type Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { exactAllocation, ExactLevel } from './allocation.js';
import { buildClaims, poolsOf, type Claim } from './claims.js';
import { divideLevel, type LevelClaim, type LevelShare } from './divide-level.js';
import { dominantResourceFairness, type DrfOutcome } from './drf.js';
import { divideFast } from './fast-plan.js';
import type { Allocation, Division, Plan, PlanInventory, PlannedTeam, Pool, UseOf } from './plan.js';
import { describePool, poolState, type PoolState } from './pool-state.js';
import type { Rational } from '../rational.js';
import { namespaceOwnership, type LeafClaim } from './namespace-owners.js';
import { granularityOf, type TeamSpec, type TeamsFile } from './teams-file.js';
import { refuseSameDevicePools } from './same-device-pools.js';
import { refuseUnderStrict, withoutUnmeetableBounds } from './unknown-resources.js';
import { planWarnings } from './warnings.js';
import { compareText } from '../text-order.js';

export interface PlanInput {
  teams: TeamsFile;
  inventory: PlanInventory;
  /** The plan this one replaces, to report quotas that fell although capacity grew. */
  previous?: Plan | null;
  /**
   * `--strict`: refuse (ValidationError) a plan with `unknown-resource` or `unknown-flavor` warnings, a resource or
   * GPU model the teams file names that the cluster has none of, instead of planning a zero quota for it.
   */
  strict?: boolean;
}

/**
 * The plan. Max-min and DRF plans are divided in JS numbers when every count and product provably stays a
 * safe integer (src/plan/fast-plan.ts, fast-drf.ts); otherwise by the exact bigint code below. Both give the
 * same plan (property tests compare their JSON byte for byte).
 */
export function buildPlan(input: PlanInput): Plan {
  return assemble(input, true);
}

/** The same plan computed by the bigint code only: the reference the fast path is tested against. */
export function buildPlanExact(input: PlanInput): Plan {
  return assemble(input, false);
}

function assemble(input: PlanInput, fast: boolean): Plan {
  const { inventory } = input;
  // Divided without the guarantees and reserves of resources the cluster lacks; warned about from the file as written.
  const teams = withoutUnmeetableBounds(input.teams, inventory);
  refuseSameDevicePools(teams);
  const pools = poolsOf(teams).map((pool) => poolState(teams, inventory, pool));
  const teamNamespaces = resolveNamespaces(teams, inventory);
  const resources = [...new Set(pools.map((pool) => pool.resource))];
  const usedNanos = currentUse(teams, inventory, teamNamespaces, resources);
  const division = (fast ? divideFast(teams, pools, usedNanos) : null) ?? divideExact(teams, pools, usedNanos);

  const planPools: Pool[] = pools.map((pool, i) => ({
    resource: pool.resource,
    flavor: pool.flavor,
    capacity: pool.capacity,
    reserve: pool.reserve,
    granularity: pool.granularity,
    unallocated: addQuantities(multiplyQuantity(pool.granularity, division.unallocatedUnits[i] as bigint), pool.remainder),
  }));
  const plan: Plan = {
    cycle: teams.cycle,
    policy: teams.policy,
    surplus: teams.surplus,
    pools: planPools,
    teams: plannedTeams(teams, teamNamespaces),
    allocations: division.allocations,
    warnings: [],
  };
  const teamByPath = new Map<string, TeamSpec>();
  const index = (team: TeamSpec): void => {
    teamByPath.set(team.path, team);
    team.teams.forEach(index);
  };
  teams.teams.forEach(index);
  plan.warnings = planWarnings({
    plan,
    teams: input.teams,
    inventory,
    previous: input.previous ?? null,
    useOf: (path, resource) =>
      quantityFromNanos(usedNanos(teamByPath.get(path) as TeamSpec).get(resource) ?? 0n, granularityOf(teams, resource).format),
  });
  if (input.strict === true) refuseUnderStrict(plan.warnings, teams.file);
  return plan;
}

/** Every level of every pool in exact bigint arithmetic; DRF levels divide all their pools together. */
function divideExact(teams: TeamsFile, pools: readonly PoolState[], usedNanos: UseOf): Division {
  const poolByKey = new Map(pools.map((pool) => [pool.key, pool]));
  const unallocated = new Map(pools.map((pool) => [pool.key, 0n]));
  const claims = buildClaims(teams);
  // Per team, in pool order (resource, then flavor); teams are put in path order at the end.
  const allocationsByTeam = new Map<TeamSpec, Allocation[]>();

  const divideAmong = (parent: TeamSpec | null, children: TeamSpec[], amounts: Map<string, bigint>): void => {
    const parentLabel = parent === null ? 'the cluster' : parent.path;
    const levelClaims = new Map<string, Claim[]>();
    for (const [key, amount] of amounts) {
      const claimants: Claim[] = [];
      let guarantees = 0n;
      for (const team of children) {
        const claim = claims.get(team)?.get(key);
        if (claim === undefined) continue;
        claimants.push(claim);
        guarantees += claim.guarantee;
      }
      if (claimants.length === 0) continue;
      if (guarantees > amount) {
        const pool = poolByKey.get(key) as PoolState;
        throw new ConflictError(
          `infeasible plan: ${describePool(pool)} guarantees of ${parent === null ? 'the top-level' : `${parentLabel}'s`} ` +
            `teams sum to ${formatUnits(pool, guarantees)} but ${parentLabel} has ${formatUnits(pool, amount)}` +
            (parent === null ? ` (capacity ${formatQuantity(pool.capacity)} - reserve ${formatQuantity(pool.reserve)})` : '') +
            ` [${claimants.map((claim) => `${claim.name}: ${formatUnits(pool, claim.guarantee)}`).join(', ')}]`,
        );
      }
      levelClaims.set(key, claimants);
    }
    const drf = teams.policy === 'drf' ? runDrf(amounts, levelClaims) : null;
    const childAmounts = new Map<TeamSpec, Map<string, bigint>>();
    for (const [key, claimants] of levelClaims) {
      const pool = poolByKey.get(key) as PoolState;
      const amount = amounts.get(key) as bigint;
      const initial = drf === null ? undefined : claimants.map((claim) => drfExtraOf(drf, claim.team, key));
      const division = divideLevel(amount, claimants, initial === undefined ? { surplus: teams.surplus } : { surplus: teams.surplus, initial });
      unallocated.set(key, (unallocated.get(key) as bigint) + division.unallocated);
      const level = new ExactLevel({
        pool,
        parentLabel,
        surplusPolicy: teams.surplus,
        amount,
        claims: claimants,
        division,
        dominantOf: drf === null ? null : (i) => drfDominantOf(drf, (claimants[i] as Claim).team),
      });
      for (let i = 0; i < claimants.length; i++) {
        const claim = claimants[i] as Claim;
        const team = claim.team;
        const share = division.shares[i] as LevelShare;
        let own = allocationsByTeam.get(team);
        if (own === undefined) allocationsByTeam.set(team, (own = []));
        const used = pool.flavor === null ? pool.quantityOfNanos(usedNanos(team).get(pool.resource) ?? 0n) : null;
        own.push(exactAllocation(team.path, pool, claim, share, used, claim.children.length === 0, level, i));
        if (claim.children.length > 0) {
          let amountsOfChild = childAmounts.get(team);
          if (amountsOfChild === undefined) childAmounts.set(team, (amountsOfChild = new Map()));
          amountsOfChild.set(key, share.quota);
        }
      }
    }
    for (const team of children) {
      const own = childAmounts.get(team);
      if (own !== undefined) divideAmong(team, team.teams, own);
    }
  };

  divideAmong(null, teams.teams, new Map(pools.map((pool) => [pool.key, pool.units])));
  const allocations: Allocation[] = [];
  const teamsInOrder = [...allocationsByTeam.keys()].sort((a, b) => compareText(a.path, b.path));
  for (const team of teamsInOrder) for (const allocation of allocationsByTeam.get(team) as Allocation[]) allocations.push(allocation);
  return { allocations, unallocatedUnits: pools.map((pool) => unallocated.get(pool.key) as bigint) };
}

function runDrf(amounts: Map<string, bigint>, levelClaims: Map<string, Claim[]>): DrfResult {
  const byTeam = new Map<string, { team: TeamSpec; claims: Map<string, LevelClaim> }>();
  for (const [key, claimants] of levelClaims) {
    for (const claim of claimants) {
      const team = claim.team;
      let entry = byTeam.get(team.path);
      if (entry === undefined) byTeam.set(team.path, (entry = { team, claims: new Map() }));
      entry.claims.set(key, claim);
    }
  }
  const claimants = [...byTeam.values()];
  const levelAmounts = new Map([...levelClaims.keys()].map((key) => [key, amounts.get(key) as bigint]));
  const outcome = dominantResourceFairness(
    levelAmounts,
    claimants.map(({ team, claims }) => ({ name: team.name, weight: team.weight, claims })),
  );
  return { outcome, index: new Map(claimants.map(({ team }, i) => [team.path, i])) };
}

interface DrfResult {
  outcome: DrfOutcome;
  index: Map<string, number>;
}

function drfExtraOf(drf: DrfResult, team: TeamSpec, key: string): Rational {
  const i = drf.index.get(team.path) as number;
  return drf.outcome.extra[i]?.get(key) ?? { numerator: 0n, denominator: 1n };
}

function drfDominantOf(drf: DrfResult, team: TeamSpec): DrfOutcome['dominant'][number] | null {
  const i = drf.index.get(team.path);
  return i === undefined ? null : (drf.outcome.dominant[i] ?? null);
}

/**
 * Namespaces of each team: a leaf's own (namespace-owners.ts decides, and refuses a namespace two leaves claim),
 * a parent's leaves'.
 */
function resolveNamespaces(teams: TeamsFile, inventory: PlanInventory): Map<string, string[]> {
  const leaves: LeafClaim[] = [];
  const collect = (team: TeamSpec): void => {
    if (team.members !== null) leaves.push({ team: team.path, members: team.members, where: team.where });
    team.teams.forEach(collect);
  };
  teams.teams.forEach(collect);
  const ownership = namespaceOwnership(leaves, inventory, teams.file);
  const out = new Map<string, string[]>();
  const visit = (team: TeamSpec): string[] => {
    const names =
      team.members === null ? [...new Set(team.teams.flatMap(visit))].sort() : [...(ownership.namespacesOf.get(team.path) ?? [])];
    out.set(team.path, names);
    return names;
  };
  teams.teams.forEach(visit);
  return out;
}

function plannedTeams(teams: TeamsFile, namespaces: Map<string, string[]>): PlannedTeam[] {
  const out: PlannedTeam[] = [];
  const visit = (team: TeamSpec): void => {
    out.push({ team: team.path, leaf: team.teams.length === 0, namespaces: namespaces.get(team.path) ?? [] });
    team.teams.forEach(visit);
  };
  teams.teams.forEach(visit);
  return out.sort((a, b) => compareText(a.team, b.team));
}

/**
 * Current requests of each team's namespaces (a parent: its sub-teams'), in nanos, per resource of the plain
 * pools: computed once bottom-up, read per allocation.
 */
function currentUse(
  teams: TeamsFile,
  inventory: PlanInventory,
  namespaces: Map<string, string[]>,
  resources: readonly string[],
): UseOf {
  const planned = new Set(resources);
  const requestsByNamespace = new Map(inventory.namespaces.map((ns) => [ns.name, ns.requests]));
  // Only resources with some request are held; absent means 0.
  const byTeam = new Map<TeamSpec, Map<string, bigint>>();
  const add = (use: Map<string, bigint>, resource: string, nanos: bigint): void => {
    const sum = use.get(resource);
    use.set(resource, sum === undefined ? nanos : sum + nanos);
  };
  const visit = (team: TeamSpec): Map<string, bigint> => {
    const use = new Map<string, bigint>();
    if (team.teams.length > 0) {
      for (const child of team.teams) visit(child).forEach((nanos, resource) => add(use, resource, nanos));
    } else {
      for (const name of namespaces.get(team.path) ?? []) {
        const requests = requestsByNamespace.get(name);
        if (requests === undefined) continue;
        for (const resource of Object.keys(requests)) {
          if (planned.has(resource)) add(use, resource, (requests[resource] as Quantity).nanos);
        }
      }
    }
    byTeam.set(team, use);
    return use;
  };
  teams.teams.forEach(visit);
  const none: ReadonlyMap<string, bigint> = new Map();
  return (team) => byTeam.get(team) ?? none;
}


function formatUnits(pool: { granularity: Quantity }, units: bigint): string {
  return formatQuantity(multiplyQuantity(pool.granularity, units));
}
