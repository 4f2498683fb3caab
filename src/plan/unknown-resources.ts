/**
 * Resources a teams file names that the cluster does not have (a typo such as `nvidia.com/gpus`): such a pool has
 * capacity 0, so every team sharing in it gets a zero quota and `emit` writes it. One warning per team naming it,
 * with the nearest resource names the cluster has (Levenshtein distance); `strict` turns these, and flavors the
 * inventory lacks, into an error.
 */
import { distance } from 'fastest-levenshtein';
import { ValidationError } from '../errors.js';
import { addQuantities, formatQuantity, type Quantity } from '../quantity.js';
import type { PlanInventory, PlanWarning, WarningKind } from './plan.js';
import type { TeamSpec, TeamsFile } from './teams-file.js';
import { compareText } from '../text-order.js';

/** How many near names a warning offers. */
const NEAREST = 3;

/** Every resource name the cluster knows: plannable or not, on any node (capacity or allocatable), per flavor. */
export function clusterResources(inventory: PlanInventory): Set<string> {
  const names = new Set([...Object.keys(inventory.plannable), ...Object.keys(inventory.plannableByFlavor)]);
  for (const node of inventory.nodes ?? []) {
    for (const name of Object.keys(node.capacity)) names.add(name);
    for (const name of Object.keys(node.allocatable)) names.add(name);
  }
  return names;
}

/** Up to three names of `known` nearest to `name`, nearest first, ties by name. */
export function nearestNames(name: string, known: Iterable<string>): string[] {
  return [...known]
    .map((candidate) => ({ candidate, d: distance(name, candidate) }))
    .sort((a, b) => a.d - b.d || compareText(a.candidate, b.candidate))
    .slice(0, NEAREST)
    .map(({ candidate }) => candidate);
}

/**
 * The teams file as the planner divides it: a guarantee or reserve of a resource the cluster has none of can be
 * neither met nor held back, so both are dropped (the pool has capacity 0 and every quota of it is 0) instead of
 * failing the whole plan as infeasible (exit 4). The example teams file names amd.com/gpu; a cluster without AMD
 * GPUs still gets a plan for everything else. The `unknown-resource` warning names the dropped guarantee and
 * `--strict` refuses such a file. Returns `teams` itself when nothing is dropped.
 */
export function withoutUnmeetableBounds(teams: TeamsFile, inventory: PlanInventory): TeamsFile {
  const known = clusterResources(inventory);
  const unmet = (resource: string): boolean => !known.has(resource);
  const touches = (team: TeamSpec): boolean =>
    team.resources.some((request) => request.guarantee !== null && unmet(request.resource)) || team.teams.some(touches);
  if (!teams.reserve.some((reserve) => unmet(reserve.resource)) && !teams.teams.some(touches)) return teams;
  const strip = (team: TeamSpec): TeamSpec => ({
    ...team,
    resources: team.resources.map((request) => (request.guarantee !== null && unmet(request.resource) ? { ...request, guarantee: null } : request)),
    teams: team.teams.map(strip),
  });
  return { ...teams, reserve: teams.reserve.filter((reserve) => !unmet(reserve.resource)), teams: teams.teams.map(strip) };
}

/** `unknown-resource` warnings: one per team and resource the team itself names that the cluster lacks. */
export function unknownResources(teams: TeamsFile, inventory: PlanInventory): PlanWarning[] {
  const known = clusterResources(inventory);
  const warnings: PlanWarning[] = [];
  const visit = (team: TeamSpec): void => {
    const named = new Map<string, { where: string; guarantee: Quantity | null }>();
    for (const request of team.resources) {
      if (known.has(request.resource)) continue;
      const entry = named.get(request.resource) ?? { where: request.where, guarantee: null };
      if (request.guarantee !== null) entry.guarantee = entry.guarantee === null ? request.guarantee : addQuantities(entry.guarantee, request.guarantee);
      named.set(request.resource, entry);
    }
    for (const [resource, { where, guarantee }] of named) {
      const nearest = nearestNames(resource, known);
      warnings.push({
        kind: 'unknown-resource',
        team: team.path,
        resource,
        flavor: null,
        message:
          `${team.path}: the cluster has no resource ${resource} (${teams.file}: ${where}), so its quota is 0` +
          (guarantee === null ? '' : ` and its guarantee ${formatQuantity(guarantee)} cannot be met (planned as 0, not refused)`) +
          `; nearest the cluster has: ${nearest.length === 0 ? 'none' : nearest.join(', ')}`,
      });
    }
    team.teams.forEach(visit);
  };
  teams.teams.forEach(visit);
  return warnings;
}

/** The warnings `--strict` refuses: the teams file plans something the cluster has none of. */
export const STRICT_KINDS: ReadonlySet<WarningKind> = new Set(['unknown-resource', 'unknown-flavor']);

/** Throws a ValidationError listing every warning `--strict` refuses; returns when there is none. */
export function refuseUnderStrict(warnings: readonly PlanWarning[], file: string): void {
  const refused = warnings.filter((w) => STRICT_KINDS.has(w.kind));
  if (refused.length === 0) return;
  throw new ValidationError(`${file}: refused under --strict: ${refused.map((w) => w.message).join('; ')}`, {
    file,
    field: 'resources',
    value: refused.map((w) => (w.flavor === null ? w.resource : `${w.resource} ${w.flavor}`)),
  });
}
