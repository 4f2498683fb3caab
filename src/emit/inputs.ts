/**
 * The emitter's team targets from the teams file (parsed and checked by src/plan/teams-file.ts): one per leaf,
 * with its members, its namespace weights and its limits settings.
 */
import { ValidationError } from '../errors.js';
import type { Rational } from '../rational.js';
import type { TeamSpec, TeamsFile } from '../plan/teams-file.js';
import type { TeamTarget } from './changes.js';
import { compareText } from '../text-order.js';

/** One target per leaf team, in path order. */
export function targetsFromTeamsFile(teams: TeamsFile): TeamTarget[] {
  const out: TeamTarget[] = [];
  const visit = (team: TeamSpec): void => {
    if (team.teams.length > 0) {
      team.teams.forEach(visit);
      return;
    }
    const target: TeamTarget = { team: team.path };
    if (team.members?.kind === 'namespaces') target.namespaces = team.members.namespaces;
    if (team.members?.kind === 'profiles') target.profiles = team.members.profiles;
    if (team.members?.kind === 'selector') target.selector = team.members.selector;
    if (team.namespaceWeights !== null) target.split = integerWeights(team.namespaceWeights, `${team.where}.namespaceWeights`, teams.file);
    if (team.limits !== null) {
      if (team.limits.quota.length > 0) target.limits = team.limits.quota;
      target.limitRange = {
        maxPerPod: team.limits.perPod,
        maxPerContainer: team.limits.perContainer.max,
        defaultLimit: team.limits.perContainer.default,
        defaultRequest: team.limits.perContainer.defaultRequest,
      };
    }
    out.push(target);
  };
  teams.teams.forEach(visit);
  return out.sort((a, b) => compareText(a.team, b.team));
}

/** Every team's weight (parents too), by path: the schedulers' fair-sharing weights. */
export function teamWeights(teams: TeamsFile): Map<string, Rational> {
  const out = new Map<string, Rational>();
  const visit = (team: TeamSpec): void => {
    out.set(team.path, team.weight);
    team.teams.forEach(visit);
  };
  teams.teams.forEach(visit);
  return out;
}

/**
 * Decimal weights (`{ a: 1.5, b: 0.5 }`) as exact integers with the same ratios (`{ a: 3n, b: 1n }`): each weight is
 * read from its decimal text, then all are scaled by the same power of ten.
 */
export function integerWeights(weights: Record<string, number>, where: string, file: string): Record<string, bigint> {
  const parsed = Object.entries(weights).map(([ns, weight]) => {
    const text = String(weight);
    const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
    if (match === null) {
      throw new ValidationError(`${file}: ${where}.${ns}: expected a plain decimal weight (got ${JSON.stringify(weight)})`, {
        file,
        field: `${where}.${ns}`,
        value: weight,
      });
    }
    return { ns, digits: `${match[1]}${match[2] ?? ''}`, scale: (match[2] ?? '').length };
  });
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  const out: Record<string, bigint> = {};
  for (const p of parsed) out[p.ns] = BigInt(p.digits) * 10n ** BigInt(scale - p.scale);
  return out;
}
