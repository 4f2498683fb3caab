/**
 * What each team claims of each pool (resource, flavor), in whole granularity units, with the parent rules:
 * a parent without its own demand or cap takes its sub-teams' sum (unlimited if any is), its cap is never
 * above the sum of its sub-teams' caps, and its guarantee is at least the sum of theirs. A team claims a pool
 * when its own `resources` or a descendant's name it.
 */
import { ValidationError } from '../errors.js';
import { formatQuantity, multiplyQuantity, unitsOf, type Quantity } from '../quantity.js';
import { compareNullableNames } from './plan.js';
import type { Rational } from '../rational.js';
import type { ResourceRequest, TeamSpec, TeamsFile } from './teams-file.js';
import { granularityOf } from './teams-file.js';
import { compareText } from '../text-order.js';

export interface PoolKey {
  key: string;
  resource: string;
  flavor: string | null;
}

/** A team's claim on one pool; it is the team's LevelClaim at its parent's level. */
export interface Claim {
  team: TeamSpec;
  /** The team's name and weight. */
  name: string;
  weight: Rational;
  resource: string;
  guarantee: bigint;
  /** null = unlimited. */
  demand: bigint | null;
  /** null = no cap. */
  cap: bigint | null;
  /** Sub-teams that claim this pool, in file order. */
  children: TeamSpec[];
}

/** Claims of every team, by team, then pool key. */
export type ClaimIndex = Map<TeamSpec, Map<string, Claim>>;

export function poolKeyOf(resource: string, flavor: string | null): string {
  return flavor === null ? resource : `${resource}@${flavor}`;
}

/** Every pool a team names, sorted by resource then flavor (plain first). */
export function poolsOf(teams: TeamsFile): PoolKey[] {
  const pools = new Map<string, PoolKey>();
  const visit = (team: TeamSpec): void => {
    for (const request of team.resources) {
      const key = poolKeyOf(request.resource, request.flavor);
      if (!pools.has(key)) pools.set(key, { key, resource: request.resource, flavor: request.flavor });
    }
    team.teams.forEach(visit);
  };
  teams.teams.forEach(visit);
  return [...pools.values()].sort(
    (a, b) =>
      compareText(a.resource, b.resource) ||
      compareNullableNames(a.flavor, b.flavor),
  );
}

export function buildClaims(teams: TeamsFile): ClaimIndex {
  const index: ClaimIndex = new Map();
  const visit = (team: TeamSpec): Map<string, Claim> => {
    // Sub-teams' claims grouped by pool key, in file order.
    const byKey = new Map<string, { child: TeamSpec; claim: Claim }[]>();
    for (const child of team.teams) {
      for (const [key, claim] of visit(child)) {
        const list = byKey.get(key);
        if (list === undefined) byKey.set(key, [{ child, claim }]);
        else list.push({ child, claim });
      }
    }
    const claims = new Map<string, Claim>();
    for (const request of team.resources) {
      const key = poolKeyOf(request.resource, request.flavor);
      const children = byKey.get(key) ?? [];
      claims.set(key, combine(teams, team, request.resource, request, children));
    }
    for (const [key, children] of byKey) {
      if (claims.has(key)) continue;
      claims.set(key, combine(teams, team, (children[0] as { claim: Claim }).claim.resource, undefined, children));
    }
    index.set(team, claims);
    return claims;
  };
  teams.teams.forEach(visit);
  return index;
}

function combine(
  teams: TeamsFile,
  team: TeamSpec,
  resource: string,
  request: ResourceRequest | undefined,
  childEntries: readonly { child: TeamSpec; claim: Claim }[],
): Claim {
  const children = childEntries.map((entry) => entry.claim);
  const childTeams = childEntries.map((entry) => entry.child);
  const granularity = granularityOf(teams, resource);
  const ownGuarantee = request?.guarantee == null ? 0n : unitsOf(request.guarantee, granularity, 'ceil');
  const ownDemand = request?.demand == null ? undefined : unitsOf(request.demand, granularity, 'ceil');
  const ownCap = request?.cap == null ? undefined : unitsOf(request.cap, granularity, 'floor');
  if (request !== undefined && ownCap !== undefined && ownGuarantee > ownCap) {
    throw new ValidationError(
          `${teams.file}: ${request.where}: guarantee ${formatQuantity(request.guarantee as Quantity)} and cap ` +
        `${formatQuantity(request.cap as Quantity)} round to ${ownGuarantee} and ${ownCap} units of ` +
        `granularity ${formatQuantity(granularity as Quantity)}; the guarantee cannot fit under the cap`,
      { file: teams.file, field: `${request.where}.cap`, value: formatQuantity(request.cap as Quantity) },
    );
  }
  if (children.length === 0) {
    return { team, name: team.name, weight: team.weight, resource, guarantee: ownGuarantee, demand: ownDemand ?? null, cap: ownCap ?? null, children: childTeams };
  }
  let childGuarantees = 0n;
  let childDemands: bigint | null = 0n;
  let childCaps: bigint | null = 0n;
  for (const child of children) {
    childGuarantees += child.guarantee;
    childDemands = childDemands === null || child.demand === null ? null : childDemands + child.demand;
    childCaps = childCaps === null || child.cap === null ? null : childCaps + child.cap;
  }
  const guarantee = ownGuarantee > childGuarantees ? ownGuarantee : childGuarantees;
  const demand = ownDemand === undefined ? childDemands : ownDemand;
  const cap = ownCap === undefined ? childCaps : childCaps === null || ownCap < childCaps ? ownCap : childCaps;
  if (cap !== null && guarantee > cap) {
    const where = request?.where ?? `${team.where}`;
    throw new ValidationError(
      `${teams.file}: ${where}: the ${resource} guarantees of ${team.path}'s sub-teams sum to ` +
        `${formatQuantity(multiplyQuantity(granularity, childGuarantees))}, above its cap of ` +
        `${formatQuantity(multiplyQuantity(granularity, cap))}`,
      { file: teams.file, field: request === undefined ? team.where : `${request.where}.cap`, value: formatQuantity(multiplyQuantity(granularity, cap)) },
    );
  }
  return { team, name: team.name, weight: team.weight, resource, guarantee, demand, cap, children: childTeams };
}
