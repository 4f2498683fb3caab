/**
 * Server-side apply of a quota change set: a server dry run of every object first (the API server validates,
 * runs admission, and reports field-manager conflicts), the diff of each against what is live, and only then,
 * when asked and nothing conflicted or failed, the real apply. Objects are sent in `apply` mode: only the keys
 * quotaplan manages, so `spec.hard` keys owned by other managers stay theirs.
 */
import type { Manifest } from '../emit/manifests.js';
import { ApplyApiError, type ApplyApi, type ObjectRef } from './api.js';
import { conflictsOf, diffObjects, type FieldConflict, type ObjectDiff } from './diff.js';

export interface ObjectOutcome {
  manifest: Manifest;
  /** null when the dry run failed. */
  diff: ObjectDiff | null;
  conflicts: FieldConflict[];
  /** The API server's refusal other than a conflict (404 namespace, 422 invalid, 403 forbidden), or null. */
  error: string | null;
  applied: boolean;
}

export interface ApplyReport {
  outcomes: ObjectOutcome[];
  /** true when the real apply ran. */
  applied: boolean;
  forced: boolean;
}

export interface ApplyManifestsInput {
  api: ApplyApi;
  /** From buildManifests(changes, 'apply'). */
  manifests: readonly Manifest[];
  /** false: dry run and diff only. */
  apply: boolean;
  /** Take over fields other managers own (`force=true`); otherwise a conflict stops the apply. */
  forceConflicts: boolean;
}

const clusterScoped = new Set<Manifest['kind']>(['Profile', 'ResourceFlavor', 'ClusterQueue']);

export function refOf(manifest: Manifest): ObjectRef {
  return clusterScoped.has(manifest.kind)
    ? { kind: manifest.kind, name: manifest.name }
    : { kind: manifest.kind, name: manifest.name, namespace: manifest.namespace };
}

/** `ResourceQuota fraud/gpu-quota`, `Profile alice`. */
export function describeObject(manifest: Manifest): string {
  return clusterScoped.has(manifest.kind) ? `${manifest.kind} ${manifest.name}` : `${manifest.kind} ${manifest.namespace}/${manifest.name}`;
}

export async function applyManifests(input: ApplyManifestsInput): Promise<ApplyReport> {
  const { api, forceConflicts } = input;
  const outcomes: ObjectOutcome[] = [];
  for (const manifest of input.manifests) {
    const ref = refOf(manifest);
    const outcome: ObjectOutcome = { manifest, diff: null, conflicts: [], error: null, applied: false };
    outcomes.push(outcome);
    try {
      const current = await api.get(ref);
      const result = await api.apply(ref, manifest.object, { dryRun: true, force: forceConflicts });
      outcome.diff = diffObjects(current, result);
    } catch (error) {
      if (!(error instanceof ApplyApiError)) throw error;
      if (error.statusCode === 409) outcome.conflicts = conflictsOf(error.status);
      if (outcome.conflicts.length === 0) outcome.error = `HTTP ${error.statusCode}: ${error.status?.message ?? error.message}`;
    }
  }
  const blocked = outcomes.some((o) => o.error !== null || o.conflicts.length > 0);
  if (!input.apply || blocked) return { outcomes, applied: false, forced: forceConflicts };

  for (const outcome of outcomes) {
    await api.apply(refOf(outcome.manifest), outcome.manifest.object, { dryRun: false, force: forceConflicts });
    outcome.applied = true;
  }
  return { outcomes, applied: true, forced: forceConflicts };
}

/** The report as text: one block per object, then a summary line. */
export function renderApplyReport(report: ApplyReport, options: { dryRunOnly: boolean }): string {
  const lines: string[] = [];
  for (const outcome of report.outcomes) {
    const what = describeObject(outcome.manifest);
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
    lines.push(`${what}: ${diff.state}${outcome.applied ? ' (applied)' : ''}`);
    for (const change of diff.changes) lines.push(`  ${change.path}: ${change.before ?? '(none)'} -> ${change.after ?? '(none)'}`);
  }
  const counts = { new: 0, changed: 0, unchanged: 0 };
  for (const o of report.outcomes) if (o.diff !== null) counts[o.diff.state] += 1;
  const conflicts = report.outcomes.filter((o) => o.conflicts.length > 0).length;
  const failed = report.outcomes.filter((o) => o.error !== null).length;
  const summary = `${counts.new} new, ${counts.changed} changed, ${counts.unchanged} unchanged, ${conflicts} in conflict, ${failed} failed`;
  if (report.applied) lines.push(`applied ${report.outcomes.length} objects${report.forced ? ' (conflicts forced)' : ''}: ${summary}`);
  else if (conflicts > 0 || failed > 0) lines.push(`nothing applied: ${summary}`);
  else if (options.dryRunOnly) lines.push(`server dry run only: ${summary}`);
  else lines.push(`server dry run: ${summary}; re-run with --yes to apply`);
  return `${lines.join('\n')}\n`;
}
