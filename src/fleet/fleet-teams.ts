/**
 * A fleet teams file divided among clusters (docs/fleet.md): for each cluster, the teams file its own plan divides
 * that cluster's capacity by, so each cluster's plan still sums exactly to its capacity. Pure.
 *
 * A team's demand, guarantee and cap of a resource are fleet-wide unless the file gives them per cluster:
 * - `clusters: { east: {...}, west: {...} }`: each cluster takes its own entry; a cluster not listed gets demand 0.
 * - otherwise they are divided evenly among the clusters where the team lives (a leaf lives where one of its
 *   namespaces is, as the planner resolves them: by name, Profile or selector; a parent where one of its leaves
 *   lives), in whole granularity units: each of n clusters gets floor(units / n), the first (units mod n) of
 *   them by name one unit more, and the first any part below one unit. A cluster where the team does not live
 *   gets demand 0. An absent bound stays absent (unlimited demand stays unlimited where the team lives).
 * The shares sum exactly to the fleet-wide figure.
 */
import { parseDocument, stringify } from 'yaml';
import type { PlanInventory } from '../plan/plan.js';
import { namespaceOwnership, type LeafClaim } from '../plan/namespace-owners.js';
import { granularityOf, parseTeamsFile, type ResourceRequest, type TeamSpec, type TeamsFile } from '../plan/teams-file.js';
import { formatQuantity, quantityFromNanos, type Quantity } from '../quantity.js';
import { compareText } from '../text-order.js';
import { MAX_ALIAS_COUNT } from '../yaml-limits.js';

/** A cluster of the fleet and the facts its namespaces are resolved from. */
export interface FleetMember {
  cluster: string;
  inventory: Pick<PlanInventory, 'namespaces' | 'profiles'>;
}

/** How a team's request of a resource became one cluster's. */
export type ShareHow = 'per-cluster' | 'split' | 'not-here';

export interface ClusterShare {
  team: string;
  resource: string;
  flavor: string | null;
  cluster: string;
  how: ShareHow;
  /** Of how many clusters the team lives in (split), else null. */
  of: number | null;
  demand: Quantity | null;
  guarantee: Quantity | null;
  cap: Quantity | null;
}

export interface FleetTeams {
  teams: TeamsFile;
  /** By cluster name: the teams file of each cluster's plan. */
  clusters: Array<{ cluster: string; teamsYaml: string }>;
  /** Sorted by team, resource, flavor, cluster. */
  shares: ClusterShare[];
}

type Bounds = Pick<ResourceRequest, 'demand' | 'guarantee' | 'cap'>;
type RawEntry = { demand?: string; guarantee?: string; cap?: string; flavors?: Record<string, RawEntry>; clusters?: unknown };
interface RawTeam {
  resources?: Record<string, RawEntry>;
  teams?: RawTeam[];
}

const NOT_HERE: Bounds = { demand: quantityFromNanos(0n), guarantee: null, cap: null };

export function divideFleetTeams(options: { text: string; file: string; members: readonly FleetMember[] }): FleetTeams {
  const teams = parseTeamsFile(options.text, options.file, { fleet: true });
  const members = [...options.members].sort((a, b) => compareText(a.cluster, b.cluster));
  const livesIn = whereTeamsLive(teams, members, options.file);
  // The file as data, every alias expanded into its own copy (an entry shared by two teams is changed per team).
  const raw = JSON.stringify(parseDocument(options.text).toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
  const shares: ClusterShare[] = [];
  const clusters = members.map(({ cluster }) => {
    const copy = JSON.parse(raw) as { teams: RawTeam[] };
    const visit = (specs: readonly TeamSpec[], rawTeams: RawTeam[]): void => {
      specs.forEach((spec, index) => {
        const rawTeam = rawTeams[index] as RawTeam;
        const lives = livesIn.get(spec.path) ?? [];
        for (const request of spec.resources) {
          const share = shareOf(teams, request, cluster, lives);
          shares.push({ team: spec.path, resource: request.resource, flavor: request.flavor, cluster, ...share });
          const resources = rawTeam.resources as Record<string, RawEntry>;
          if (request.flavor === null) resources[request.resource] = boundsText(share);
          else (resources[request.resource]?.flavors as Record<string, RawEntry>)[request.flavor] = boundsText(share);
        }
        visit(spec.teams, rawTeam.teams ?? []);
      });
    };
    visit(teams.teams, copy.teams);
    const header = `# The teams file of cluster ${JSON.stringify(cluster)}, divided by quotaplan fleet plan from ${JSON.stringify(options.file)} (docs/fleet.md)\n`;
    return { cluster, teamsYaml: header + stringify(copy) };
  });
  shares.sort(
    (a, b) =>
      compareText(a.team, b.team) || compareText(a.resource, b.resource) || compareText(a.flavor ?? '', b.flavor ?? '') || compareText(a.cluster, b.cluster),
  );
  return { teams, clusters, shares };
}

/** Team path -> the clusters (by name) where it lives. */
function whereTeamsLive(teams: TeamsFile, members: readonly FleetMember[], file: string): Map<string, string[]> {
  const leaves: LeafClaim[] = [];
  const collect = (specs: readonly TeamSpec[]): void => {
    for (const spec of specs) {
      if (spec.members !== null) leaves.push({ team: spec.path, members: spec.members, where: spec.where });
      collect(spec.teams);
    }
  };
  collect(teams.teams);
  const livesIn = new Map<string, string[]>();
  for (const member of members) {
    const { namespacesOf } = namespaceOwnership(leaves, member.inventory, file);
    // Ownership names what a leaf claims (namespaces by name, whether the cluster has them or not): it lives where
    // one of them is.
    const present = new Set(member.inventory.namespaces.map((ns) => ns.name));
    for (const [team, namespaces] of namespacesOf) {
      if (!namespaces.some((ns) => present.has(ns))) continue;
      // The leaf and every team above it live here.
      const parts = team.split('/');
      for (let depth = 1; depth <= parts.length; depth += 1) {
        const path = parts.slice(0, depth).join('/');
        const clusters = livesIn.get(path) ?? [];
        if (clusters.at(-1) !== member.cluster) clusters.push(member.cluster);
        livesIn.set(path, clusters);
      }
    }
  }
  return livesIn;
}

function shareOf(teams: TeamsFile, request: ResourceRequest, cluster: string, livesIn: readonly string[]): Omit<ClusterShare, 'team' | 'resource' | 'flavor' | 'cluster'> {
  if (request.clusters !== undefined) {
    const own = request.clusters.find((entry) => entry.cluster === cluster);
    if (own === undefined) return { how: 'not-here', of: null, ...NOT_HERE };
    return { how: 'per-cluster', of: null, demand: own.demand, guarantee: own.guarantee, cap: own.cap };
  }
  const index = livesIn.indexOf(cluster);
  if (index < 0) return { how: 'not-here', of: null, ...NOT_HERE };
  const unit = granularityOf(teams, request.resource);
  const part = (bound: Quantity | null): Quantity | null => (bound === null ? null : evenShare(bound, { parts: livesIn.length, index, unit }));
  return { how: 'split', of: livesIn.length, demand: part(request.demand), guarantee: part(request.guarantee), cap: part(request.cap) };
}

/**
 * Share `index` of `amount` divided into `parts` in whole `unit`s: floor(units / parts), one more for the first
 * (units mod parts) shares, and the part below one unit to share 0. The shares sum to `amount` exactly.
 */
export function evenShare(amount: Quantity, options: { parts: number; index: number; unit: Quantity }): Quantity {
  const parts = BigInt(options.parts);
  const index = BigInt(options.index);
  const units = amount.nanos / options.unit.nanos;
  const below = amount.nanos - units * options.unit.nanos;
  const share = (units / parts + (index < units % parts ? 1n : 0n)) * options.unit.nanos + (index === 0n ? below : 0n);
  return quantityFromNanos(share, amount.format);
}

function boundsText(bounds: Bounds): RawEntry {
  const entry: RawEntry = {};
  if (bounds.demand !== null) entry.demand = formatQuantity(bounds.demand);
  if (bounds.guarantee !== null) entry.guarantee = formatQuantity(bounds.guarantee);
  if (bounds.cap !== null) entry.cap = formatQuantity(bounds.cap);
  return entry;
}
