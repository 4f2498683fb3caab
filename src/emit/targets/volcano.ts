/**
 * Target Volcano (`--target volcano`): one Volcano `Queue` (`scheduling.volcano.sh/v1beta1`, cluster-scoped) per
 * team, nested by `spec.parent` (top-level teams under Volcano's own `root` queue). Field names checked against
 * volcano-sh/apis pkg/apis/scheduling/v1beta1/types.go at commit 536f121f5365 (v1.15.0+2, June 2026); no real Volcano
 * CRD validates them in this suite.
 * - `deserved` = the plan's quotas (what the queue is entitled to; use above it may be reclaimed);
 * - `guarantee.resource` = the guarantees (reserved for the queue, never lent), only where the teams file gives one;
 * - `capability` = the caps (a hard ceiling), only where the teams file gives one;
 * - `weight` = the team's weight, as whole numbers with the same ratios across all teams (Volcano's weight is an
 *   int32 from 1 to 65535; weights that need more are refused).
 * Per-model quotas of one resource are summed (a ResourceList has no models) and flagged. Quantities stay exact. Pure.
 */
import { ValidationError } from '../../errors.js';
import { addQuantities, formatQuantity, type Quantity } from '../../quantity.js';
import { gcd, lcmOfDenominators } from '../../rational.js';
import { compareText } from '../../text-order.js';
import type { Flag } from '../flag.js';
import { metadataFor } from './object-metadata.js';
import { sortManifests, type EmitTarget, type EmittedKind, type Manifest, type TargetInput, type TargetOutput } from './target.js';
import { teamTree, uniqueNames, type SchedulerTeam } from './team-tree.js';

export const VOLCANO_API_VERSION = 'scheduling.volcano.sh/v1beta1';
/** The queue Volcano creates as the root of the hierarchy. */
export const VOLCANO_ROOT_QUEUE = 'root';
/** `spec.weight`: `+kubebuilder:validation:Maximum=65535`. */
export const VOLCANO_MAX_WEIGHT = 65535n;

const KINDS: readonly EmittedKind[] = [
  { kind: 'VolcanoQueue', apiKind: 'Queue', apiVersion: VOLCANO_API_VERSION, resource: 'queues', namespaced: false, folder: 'volcano/queues', order: 11 },
];

export const volcanoTarget: EmitTarget = {
  name: 'Volcano',
  choice: 'volcano',
  kinds: KINDS,
  emit: (input) => buildVolcanoQueues(input),
};

export function buildVolcanoQueues(input: Pick<TargetInput, 'plan' | 'changes' | 'weights'>): TargetOutput {
  const teams = teamTree(input);
  const names = uniqueNames({
    teams,
    scheduler: 'Volcano',
    what: 'Queue',
    maxLength: 253,
    why: 'a Kubernetes object name',
    reserved: new Map([
      [VOLCANO_ROOT_QUEUE, "(Volcano's root queue)"],
      ['default', "(Volcano's default queue)"],
    ]),
  });
  const weights = volcanoWeights(teams);
  const flags: Flag[] = [];
  const manifests: Manifest[] = [];
  for (const team of teams) {
    const name = names.get(team.team) as string;
    const deserved = new Map<string, Quantity>();
    const guarantee = new Map<string, Quantity>();
    const capability = new Map<string, Quantity>();
    const add = (list: Map<string, Quantity>, resource: string, q: Quantity): void => {
      const current = list.get(resource);
      list.set(resource, current === undefined ? q : addQuantities(current, q));
    };
    const uncapped = new Set<string>();
    const flavored = new Set<string>();
    for (const a of team.allocations) {
      if (a.flavor !== null && a.flavor !== undefined) flavored.add(a.resource);
      add(deserved, a.resource, a.quota);
      if (a.guarantee !== undefined && a.guarantee.nanos > 0n) add(guarantee, a.resource, a.guarantee);
      if (a.cap === null || a.cap === undefined) uncapped.add(a.resource);
      else add(capability, a.resource, a.cap);
    }
    // A resource's per-model caps sum to its capability only when every model is capped.
    for (const resource of uncapped) capability.delete(resource);
    if (flavored.size > 0) {
      flags.push({
        kind: 'scheduler-cannot-express',
        team: team.team,
        message: `${team.team}: a Volcano queue has no GPU models; Queue ${name} gets the sum of the per-model ${[...flavored].sort(compareText).join(', ')} quotas`,
      });
    }
    manifests.push({
      kind: 'VolcanoQueue',
      name,
      namespace: '',
      team: team.team,
      object: {
        apiVersion: VOLCANO_API_VERSION,
        kind: 'Queue',
        metadata: { name, ...metadataFor(input.changes, team.team) },
        spec: {
          ...(capability.size > 0 ? { capability: resourceList(capability) } : {}),
          deserved: resourceList(deserved),
          ...(guarantee.size > 0 ? { guarantee: { resource: resourceList(guarantee) } } : {}),
          parent: team.parent === null ? VOLCANO_ROOT_QUEUE : (names.get(team.parent) as string),
          weight: Number(weights.get(team.team) as bigint),
        },
      },
    });
  }
  return { manifests: sortManifests(manifests, KINDS), flags };
}

function resourceList(list: ReadonlyMap<string, Quantity>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...list.keys()].sort(compareText)) out[name] = formatQuantity(list.get(name) as Quantity);
  return out;
}

/** Every team's weight as a whole number, all scaled by one factor (the ratios kept exactly), at most 65535. */
function volcanoWeights(teams: readonly SchedulerTeam[]): Map<string, bigint> {
  const scale = lcmOfDenominators(teams.map((t) => t.weight));
  const scaled = teams.map((t) => ({ team: t.team, weight: (t.weight.numerator * scale) / t.weight.denominator }));
  const divisor = scaled.reduce((g, s) => gcd(g, s.weight), 0n) || 1n;
  const out = new Map<string, bigint>();
  for (const s of scaled) {
    const weight = s.weight / divisor;
    if (weight > VOLCANO_MAX_WEIGHT) {
      throw new ValidationError(
        `Volcano cannot hold this plan: team ${s.team}'s weight becomes ${weight} when every team's weight is a whole number with the same ratios; Volcano's spec.weight is at most ${VOLCANO_MAX_WEIGHT}`,
        { field: 'weight', value: s.team },
      );
    }
    out.set(s.team, weight);
  }
  return out;
}
