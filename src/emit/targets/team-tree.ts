/**
 * The teams of a plan as the batch schedulers see them (Kueue cohorts, KAI and Volcano queues): every team with
 * its parent, its weight, whether it is a leaf, its namespaces and its allocations. Pure; read by kueue.ts, kai.ts
 * and volcano.ts.
 */
import { ValidationError } from '../../errors.js';
import { ONE, type Rational } from '../../rational.js';
import { compareText } from '../../text-order.js';
import type { PlanAllocationInput } from '../change-set.js';
import type { TargetInput } from './target.js';

export interface SchedulerTeam {
  /** Team path: `platform/fraud`. */
  team: string;
  /** The parent's path; null for a top-level team. */
  parent: string | null;
  leaf: boolean;
  weight: Rational;
  /** A leaf's namespaces (from the change set), sorted; [] for parents and leaves without namespaces. */
  namespaces: string[];
  /** The team's allocations (terminal or not), in plan order. */
  allocations: PlanAllocationInput[];
}

/** Every team of the plan and of the change set, with their ancestors, sorted by path (parents before children). */
export function teamTree(input: Pick<TargetInput, 'plan' | 'changes' | 'weights'>): SchedulerTeam[] {
  const paths = new Set<string>();
  const add = (path: string): void => {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join('/'));
  };
  for (const a of input.plan.allocations) add(a.team);
  for (const t of input.changes.teams) add(t.team);
  const sorted = [...paths].sort(compareText);
  const namespacesOf = new Map(input.changes.teams.map((t) => [t.team, t.namespaces.map((ns) => ns.namespace).sort(compareText)]));
  return sorted.map((team) => {
    const slash = team.lastIndexOf('/');
    return {
      team,
      parent: slash < 0 ? null : team.slice(0, slash),
      leaf: !sorted.some((other) => other.startsWith(`${team}/`)),
      weight: input.weights?.get(team) ?? ONE,
      namespaces: namespacesOf.get(team) ?? [],
      allocations: input.plan.allocations.filter((a) => a.team === team),
    };
  });
}

/** A queue (or cohort) name from a team path: `platform/fraud` -> `platform-fraud` (DNS-1123 label characters). */
export function queueName(team: string): string {
  return team.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * One object name per team, refused (exit 2) where two teams map to one name (`a/b` and `a-b`), where a name is
 * empty, or longer than `maxLength` (the scheduler's own limit, named in `why`).
 */
export function uniqueNames(input: {
  teams: readonly SchedulerTeam[];
  scheduler: string;
  what: string;
  maxLength: number;
  why: string;
  reserved?: ReadonlyMap<string, string>;
}): Map<string, string> {
  const names = new Map<string, string>();
  const owner = new Map<string, string>(input.reserved ?? []);
  for (const t of input.teams) {
    const name = queueName(t.team);
    if (name === '') {
      throw new ValidationError(`${input.scheduler}: team ${t.team} gives an empty ${input.what} name (a name needs a letter or digit)`, {
        field: 'team',
        value: t.team,
      });
    }
    if (name.length > input.maxLength) {
      throw new ValidationError(
        `${input.scheduler}: the ${input.what} name of team ${t.team}, ${name}, has ${name.length} characters; ${input.why} allows at most ${input.maxLength}`,
        { field: 'team', value: t.team },
      );
    }
    const other = owner.get(name);
    if (other !== undefined) {
      throw new ValidationError(`${input.scheduler}: teams ${other} and ${t.team} would both be the ${input.what} ${name}; rename one of them`, {
        field: 'team',
        value: t.team,
      });
    }
    owner.set(name, t.team);
    names.set(t.team, name);
  }
  return names;
}
