/**
 * Target KAI Scheduler (`--target kai`): one NVIDIA KAI Scheduler `Queue` (`scheduling.run.ai/v2`, cluster-scoped)
 * per team, nested by `spec.parentQueue`. Field names and units checked against NVIDIA/KAI-Scheduler
 * pkg/apis/scheduling/v2 (queue_types.go, resources.go) and deployments/kai-scheduler/crds/scheduling.run.ai_queues.yaml
 * at commit 72de64fc8eca (v0.13.0-rc1+142, March 2026); no real KAI CRD validates them in this suite.
 *
 * KAI knows three resources, each `{quota, limit, overQuotaWeight}` as a JSON number (a float64 in KAI):
 * - `gpu` in GPUs (fractions allowed): the plan's `nvidia.com/gpu`, per-model quotas summed (KAI has no models);
 * - `cpu` in millicores: the plan's `cpu`;
 * - `memory` in megabytes of 10^6 bytes: the plan's `memory`.
 * quota = the plan's quota, limit = the cap (-1, no limit, where the teams file gives none), overQuotaWeight = the
 * team's weight. A resource the plan does not divide gets quota -1 and limit -1 (KAI's "unlimited"): quotaplan
 * does not restrict what it did not plan, as a ResourceQuota without that key. Other resources (MIG slices, AMD,
 * ...) cannot be expressed and are flagged. Numbers are written from exact decimals; one whose decimal a float64
 * cannot hold exactly (more than 15 significant digits) is refused. Pure.
 */
import { ValidationError } from '../../errors.js';
import { type Quantity } from '../../quantity.js';
import type { Rational } from '../../rational.js';
import type { Flag } from '../flag.js';
import { metadataFor } from './object-metadata.js';
import { sortManifests, type EmitTarget, type EmittedKind, type Manifest, type TargetInput, type TargetOutput } from './target.js';
import { teamTree, uniqueNames } from './team-tree.js';

export const KAI_API_VERSION = 'scheduling.run.ai/v2';

const KINDS: readonly EmittedKind[] = [
  { kind: 'KaiQueue', apiKind: 'Queue', apiVersion: KAI_API_VERSION, resource: 'queues', namespaced: false, folder: 'kai/queues', order: 10 },
];

/** KAI's resource, the plan's resource it comes from, and how many nanos of that resource make one KAI unit. */
const KAI_RESOURCES = [
  { kai: 'cpu', resource: 'cpu', nanosPerUnit: 1_000_000n, unit: 'millicore' },
  { kai: 'gpu', resource: 'nvidia.com/gpu', nanosPerUnit: 1_000_000_000n, unit: 'GPU' },
  { kai: 'memory', resource: 'memory', nanosPerUnit: 1_000_000n * 1_000_000_000n, unit: 'megabyte (10^6 bytes)' },
] as const;

/** The most significant digits a decimal may have for a float64 to hold it exactly as written (DBL_DIG). */
const FLOAT64_DIGITS = 15;

export const kaiTarget: EmitTarget = {
  name: 'KAI Scheduler',
  choice: 'kai',
  kinds: KINDS,
  emit: (input) => buildKaiQueues(input),
};

export function buildKaiQueues(input: Pick<TargetInput, 'plan' | 'changes' | 'weights'>): TargetOutput {
  const teams = teamTree(input);
  const names = uniqueNames({ teams, scheduler: 'KAI Scheduler', what: 'Queue', maxLength: 253, why: 'a Kubernetes object name' });
  const flags: Flag[] = [];
  const manifests: Manifest[] = [];
  const known = new Set<string>(KAI_RESOURCES.map((r) => r.resource));
  for (const team of teams) {
    const name = names.get(team.team) as string;
    const unexpressed = [...new Set(team.allocations.filter((a) => !known.has(a.resource)).map((a) => a.resource))];
    if (unexpressed.length > 0) {
      flags.push({
        kind: 'scheduler-cannot-express',
        team: team.team,
        message: `${team.team}: KAI Scheduler queues hold only gpu, cpu and memory; ${unexpressed.join(', ')} left out of Queue ${name}`,
      });
    }
    const resources: Record<string, Record<string, number>> = {};
    for (const r of KAI_RESOURCES) {
      const allocations = team.allocations.filter((a) => a.resource === r.resource);
      if (allocations.length === 0) {
        resources[r.kai] = { limit: -1, overQuotaWeight: kaiNumber(team.weight, `${team.team} weight`), quota: -1 };
        continue;
      }
      if (allocations.some((a) => a.flavor !== null && a.flavor !== undefined)) {
        flags.push({
          kind: 'scheduler-cannot-express',
          team: team.team,
          message: `${team.team}: KAI Scheduler has no GPU models; Queue ${name} gets the sum of the per-model ${r.resource} quotas`,
        });
      }
      const quota = sumNanos(allocations.map((a) => a.quota));
      const caps = allocations.map((a) => a.cap ?? null);
      const cap = caps.every((c): c is Quantity => c !== null) ? sumNanos(caps) : null;
      resources[r.kai] = {
        limit: cap === null ? -1 : kaiNumber({ numerator: cap, denominator: r.nanosPerUnit }, `${team.team} ${r.resource} cap in ${r.unit}s`),
        overQuotaWeight: kaiNumber(team.weight, `${team.team} weight`),
        quota: kaiNumber({ numerator: quota, denominator: r.nanosPerUnit }, `${team.team} ${r.resource} quota in ${r.unit}s`),
      };
    }
    manifests.push({
      kind: 'KaiQueue',
      name,
      namespace: '',
      team: team.team,
      object: {
        apiVersion: KAI_API_VERSION,
        kind: 'Queue',
        metadata: { name, ...metadataFor(input.changes, team.team) },
        spec: {
          ...(team.parent === null ? {} : { parentQueue: names.get(team.parent) as string }),
          resources,
        },
      },
    });
  }
  return { manifests: sortManifests(manifests, KINDS), flags };
}

function sumNanos(quantities: readonly Quantity[]): bigint {
  return quantities.reduce((sum, q) => sum + q.nanos, 0n);
}

/**
 * An exact ratio as a JSON number whose shortest text is that ratio's decimal: refused when the ratio has no finite
 * decimal or needs more digits than a float64 holds exactly.
 */
export function kaiNumber(value: Rational, what: string): number {
  const text = exactDecimal(value);
  const digits = text === null ? Infinity : text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length;
  if (text === null || digits > FLOAT64_DIGITS) {
    throw new ValidationError(
      `KAI Scheduler cannot hold this plan: ${what} is ${value.numerator}/${value.denominator}, which KAI's float64 fields cannot hold exactly (at most ${FLOAT64_DIGITS} significant decimal digits)`,
      { field: what, value: `${value.numerator}/${value.denominator}` },
    );
  }
  return Number(text);
}

/** `12`, `0.5`, `68719.476736`; null when the ratio has no finite decimal (1/3). */
function exactDecimal(value: Rational): string | null {
  let { numerator, denominator } = value;
  const negative = numerator < 0n;
  if (negative) numerator = -numerator;
  let decimals = 0;
  while (numerator % denominator !== 0n) {
    if (decimals > 40) return null;
    numerator *= 10n;
    decimals++;
  }
  const digits = (numerator / denominator).toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}
