/**
 * Server-side apply of a quota change set: a server dry run of every object first (the API server validates,
 * runs admission, and reports field-manager conflicts), the diff of each against what is live, and only then,
 * when asked and nothing conflicted or failed, the real apply. Objects are sent in `apply` mode: only the keys
 * quotaplan manages, so `spec.hard` keys owned by other managers stay theirs.
 *
 * Every request is retried where that is safe (src/collect/retry.ts: connection failures, 429 and 5xx, honouring
 * Retry-After, bounded): a GET and a server-side apply PATCH are idempotent, so sending one twice gives the same
 * object. When an object's real apply still fails, the apply stops there and the report says exactly which objects
 * were applied, which failed and which were not attempted. Objects the dry run shows already as planned (same
 * labels, annotations, spec, and the same fields owned by quotaplan) are not sent again, so running apply again
 * finishes an interrupted one by sending only what still differs.
 */
import { ApiNetworkError, ApiResponseError } from '../collect/transport.js';
import { defaultRetryPolicy, realRetryEnvironment, withRetry, type RetryEnvironment, type RetryPolicy } from '../collect/retry.js';
import { emittedKindOf } from '../emit/targets/registry.js';
import type { Manifest } from '../emit/targets/target.js';
import { FIELD_MANAGER, type ApplyApi, type ObjectRef } from './api.js';
import { conflictsOf, diffObjects, sameAppliedFields, type FieldConflict, type ObjectDiff } from './diff.js';

/** What the real apply did with an object. */
export type ApplyResult =
  /** Sent and stored. */
  | 'applied'
  /** The dry run showed it already as planned and owned by quotaplan: not sent. */
  | 'already-applied'
  /** Sent, and refused or unanswered after every retry: the apply stopped here. */
  | 'failed'
  /** After the failed one: never sent. */
  | 'not-attempted';

export interface ObjectOutcome {
  manifest: Manifest;
  /** null when the dry run failed. */
  diff: ObjectDiff | null;
  conflicts: FieldConflict[];
  /** The API server's refusal other than a conflict (404 namespace, 422 invalid, 403 forbidden, 503), or no answer; null when none. */
  error: string | null;
  /** null when the real apply did not run (dry run only, or the dry run found a problem). */
  result: ApplyResult | null;
}

export interface ApplyReport {
  outcomes: ObjectOutcome[];
  /** true when the real apply ran (to the end, or until an object failed). */
  applied: boolean;
  forced: boolean;
}

export interface ApplyManifestsInput {
  api: ApplyApi;
  /** From buildManifests({ ..., mode: 'apply' }). */
  manifests: readonly Manifest[];
  /** false: dry run and diff only. */
  apply: boolean;
  /** Take over fields other managers own (`force=true`); otherwise a conflict stops the apply. */
  forceConflicts: boolean;
  retry?: RetryPolicy;
  retryEnvironment?: RetryEnvironment;
}

export function refOf(manifest: Manifest): ObjectRef {
  return emittedKindOf(manifest.kind).namespaced
    ? { kind: manifest.kind, name: manifest.name, namespace: manifest.namespace }
    : { kind: manifest.kind, name: manifest.name };
}

/** `ResourceQuota fraud/gpu-quota`, `Profile alice`. */
export function describeObject(manifest: Manifest): string {
  return emittedKindOf(manifest.kind).namespaced ? `${manifest.kind} ${manifest.namespace}/${manifest.name}` : `${manifest.kind} ${manifest.name}`;
}

export async function applyManifests(input: ApplyManifestsInput): Promise<ApplyReport> {
  const { api, forceConflicts } = input;
  const retried = <T>(operation: () => Promise<T>, keepAll = false): Promise<Attempted<T>> =>
    attempt(operation, input.retry ?? defaultRetryPolicy, input.retryEnvironment ?? realRetryEnvironment, keepAll);
  const outcomes: ObjectOutcome[] = [];
  const upToDate = new Set<ObjectOutcome>();
  for (const manifest of input.manifests) {
    const ref = refOf(manifest);
    const outcome: ObjectOutcome = { manifest, diff: null, conflicts: [], error: null, result: null };
    outcomes.push(outcome);
    const current = await retried(() => api.get(ref));
    if (!current.ok) {
      recordFailure(outcome, current);
      continue;
    }
    // Server-side apply would create a missing Profile holding only its quota: no owner, nothing Kubeflow made.
    // quotaplan sets the quota of a Profile that exists; a missing one is refused here, before any dry run.
    if (manifest.kind === 'Profile' && current.value === null) {
      outcome.error = `Profile ${manifest.name} does not exist; quotaplan sets the quota of an existing Profile and never creates one (create it in Kubeflow first)`;
      continue;
    }
    const result = await retried(() => api.apply(ref, manifest.object, { dryRun: true, force: forceConflicts }));
    if (!result.ok) {
      recordFailure(outcome, result);
      continue;
    }
    outcome.diff = diffObjects(current.value, result.value);
    if (outcome.diff.state === 'unchanged' && sameAppliedFields(current.value, result.value, FIELD_MANAGER)) upToDate.add(outcome);
  }
  const blocked = outcomes.some((o) => o.error !== null || o.conflicts.length > 0);
  if (!input.apply || blocked) return { outcomes, applied: false, forced: forceConflicts };

  let stopped = false;
  for (const outcome of outcomes) {
    if (stopped) outcome.result = 'not-attempted';
    else if (upToDate.has(outcome)) outcome.result = 'already-applied';
    else {
      const sent = await retried(() => api.apply(refOf(outcome.manifest), outcome.manifest.object, { dryRun: false, force: forceConflicts }), true);
      if (sent.ok) outcome.result = 'applied';
      else {
        recordFailure(outcome, sent);
        outcome.result = 'failed';
        stopped = true;
      }
    }
  }
  return { outcomes, applied: true, forced: forceConflicts };
}

type Attempted<T> = { ok: true; value: T } | { ok: false; error: unknown; tries: number };

/**
 * `operation` with retries. Errors of the API (an answer, or none) come back as a failed attempt; any other error
 * (a bug, a credential plugin that fails) is thrown, except during the real apply (`keepAll`), where the report
 * of what was already applied must still be printed.
 */
async function attempt<T>(operation: () => Promise<T>, policy: RetryPolicy, environment: RetryEnvironment, keepAll = false): Promise<Attempted<T>> {
  let tries = 0;
  try {
    return {
      ok: true,
      value: await withRetry(
        () => {
          tries += 1;
          return operation();
        },
        policy,
        environment,
      ),
    };
  } catch (error) {
    if (!keepAll && !(error instanceof ApiResponseError) && !(error instanceof ApiNetworkError)) throw error;
    return { ok: false, error, tries };
  }
}

function recordFailure(outcome: ObjectOutcome, failure: { error: unknown; tries: number }): void {
  const { error, tries } = failure;
  if (error instanceof ApiResponseError && error.statusCode === 409) outcome.conflicts = conflictsOf(error.status);
  if (outcome.conflicts.length > 0) return;
  const what =
    error instanceof ApiResponseError
      ? `HTTP ${error.statusCode}: ${error.status?.message ?? error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  outcome.error = tries > 1 ? `${what} (after ${tries} tries)` : what;
}

/** The report as text: one block per object, then a summary line (and, when the apply stopped, what was and was not applied). */
export function renderApplyReport(report: ApplyReport, options: { dryRunOnly: boolean }): string {
  const lines: string[] = [];
  for (const outcome of report.outcomes) {
    const what = describeObject(outcome.manifest);
    if (outcome.result === 'failed') {
      if (outcome.conflicts.length > 0) {
        lines.push(`${what}: NOT APPLIED: conflict with other field managers:`);
        for (const c of outcome.conflicts) lines.push(`  ${c.field} is owned by "${c.manager}"`);
      } else lines.push(`${what}: NOT APPLIED: ${outcome.error}`);
      continue;
    }
    if (outcome.error !== null) {
      lines.push(`${what}: FAILED ${outcome.error}`);
      continue;
    }
    if (outcome.conflicts.length > 0) {
      lines.push(`${what}: CONFLICT with other field managers:`);
      for (const c of outcome.conflicts) lines.push(`  ${c.field} is owned by "${c.manager}"`);
      continue;
    }
    const diff = outcome.diff;
    if (diff === null) continue;
    lines.push(`${what}: ${diff.state}${resultNote[outcome.result ?? 'none']}`);
    for (const change of diff.changes) lines.push(`  ${change.path}: ${change.before ?? '(none)'} -> ${change.after ?? '(none)'}`);
  }
  const counts = { new: 0, changed: 0, unchanged: 0 };
  for (const o of report.outcomes) if (o.diff !== null) counts[o.diff.state] += 1;
  const conflicts = report.outcomes.filter((o) => o.result !== 'failed' && o.conflicts.length > 0).length;
  const failed = report.outcomes.filter((o) => o.result !== 'failed' && o.error !== null).length;
  const summary = `${counts.new} new, ${counts.changed} changed, ${counts.unchanged} unchanged, ${conflicts} in conflict, ${failed} failed`;
  const stopped = report.outcomes.find((o) => o.result === 'failed');
  if (stopped !== undefined) lines.push(...stoppedSummary(report));
  else if (report.applied) {
    const sent = report.outcomes.filter((o) => o.result === 'applied').length;
    lines.push(`applied ${sent} object${sent === 1 ? '' : 's'}${report.forced ? ' (conflicts forced)' : ''}: ${summary}`);
  } else if (conflicts > 0 || failed > 0) lines.push(`nothing applied: ${summary}`);
  else if (options.dryRunOnly) lines.push(`server dry run only: ${summary}`);
  else lines.push(`server dry run: ${summary}; re-run with --yes to apply`);
  return `${lines.join('\n')}\n`;
}

const resultNote: Record<ApplyResult | 'none', string> = {
  applied: ' (applied)',
  'already-applied': ' (already applied, not sent)',
  failed: '',
  'not-attempted': ' (NOT APPLIED: the apply stopped before it)',
  none: '',
};

/** After a real apply that stopped: which objects are as planned now, which one failed, which were never sent. */
export function stoppedSummary(report: ApplyReport): string[] {
  const names = (result: ApplyResult): string[] => report.outcomes.filter((o) => o.result === result).map((o) => describeObject(o.manifest));
  const applied = names('applied');
  const already = names('already-applied');
  const failed = names('failed');
  const notAttempted = names('not-attempted');
  const list = (items: string[]): string => (items.length === 0 ? '(none)' : items.join(', '));
  return [
    `apply stopped: ${applied.length} applied, ${already.length} already applied, ${failed.length} failed, ${notAttempted.length} not attempted, of ${report.outcomes.length} objects`,
    `  applied: ${list(applied)}`,
    ...(already.length > 0 ? [`  already applied: ${list(already)}`] : []),
    `  failed: ${list(failed)}`,
    `  not applied: ${list([...failed, ...notAttempted])}`,
    'run the same `quotaplan apply` again to finish: it sends only what still differs',
  ];
}
