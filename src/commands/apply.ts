/**
 * `quotaplan apply --plan ID|latest [--dry-run] [--yes] [--force-conflicts] [--kubeconfig F] [--context C]`:
 * server-side apply (field manager `quotaplan`) of a plan's quotas. Always a server dry run and a diff first;
 * the real apply only with --yes. Conflicts with other field managers stop it (exit 4) unless --force-conflicts.
 */
import { Command } from 'commander';
import { applyManifests, describeObject, renderApplyReport, stoppedSummary, type ApplyReport } from '../apply/apply.js';
import { createApplyApi } from '../apply/api.js';
import { loadClusterTarget } from '../collect/kubeconfig.js';
import { realRetryEnvironment, type RetryEnvironment, type RetryPolicy } from '../collect/retry.js';
import { emitTargets, inEmitOrder } from '../emit/manifests.js';
import { ConflictError, ExternalError } from '../errors.js';
import type { TargetChoice } from '../emit/targets/target.js';
import { addChangeSetOptions, loadEmitInputs, targetOption, type ChangeSetFlags } from './emit.js';
import { escapeTerminalText } from '../terminal-text.js';

export interface ApplyFlags extends ChangeSetFlags {
  dryRun?: boolean;
  yes?: boolean;
  forceConflicts?: boolean;
  /** Which targets' objects to send (default resourcequota). */
  target?: TargetChoice | 'all';
  kubeconfig?: string;
  context?: string;
}

export interface ApplyOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** How requests are retried (tests shorten the waits; the bounds are the collector's). */
export interface ApplyRetry {
  retry?: RetryPolicy;
  retryEnvironment?: RetryEnvironment;
}

export function applyCommand(): Command {
  const command = new Command('apply')
    .option('--dry-run', 'only the server dry run and the diff, even with --yes')
    .option('--yes', 'apply after a clean dry run')
    .option('--force-conflicts', 'take over fields another field manager owns')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .addOption(targetOption('what to apply'));
  addChangeSetOptions(command);
  return command
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: ApplyFlags) => {
      await runApply(flags, {
        stdout: (text) => process.stdout.write(escapeTerminalText(text, { newlines: 'keep' })),
        stderr: (text) => process.stderr.write(escapeTerminalText(text, { newlines: 'keep' })),
      });
    });
}

/** Runs the apply and prints the report; throws ConflictError / ExternalError when something stopped it. */
export async function runApply(flags: ApplyFlags, output: ApplyOutput, retrying: ApplyRetry = {}): Promise<ApplyReport> {
  const { changes, plan, inventory, weights } = await loadEmitInputs(flags);
  const target = loadClusterTarget({ kubeconfig: flags.kubeconfig, context: flags.context });
  if (target.context !== changes.cluster) {
    output.stderr(`apply: plan ${changes.planId} is of cluster "${changes.cluster}"; applying to context "${target.context}" (${target.server})\n`);
  }
  const outputs = [...emitTargets({ changes, plan, inventory, weights, mode: 'apply' }, flags.target ?? 'resourcequota').values()];
  for (const flag of [...changes.teams.flatMap((t) => t.flags), ...outputs.flatMap((o) => o.flags)]) output.stderr(`warning: ${flag.message}\n`);

  const environment = retrying.retryEnvironment ?? realRetryEnvironment;
  const api = createApplyApi(target.config);
  let report: ApplyReport;
  try {
    report = await applyManifests({
      api,
      manifests: inEmitOrder(outputs.flatMap((o) => o.manifests)),
      apply: flags.yes === true && flags.dryRun !== true,
      forceConflicts: flags.forceConflicts === true,
      ...(retrying.retry === undefined ? {} : { retry: retrying.retry }),
      retryEnvironment: {
        ...environment,
        onRetry: (event) => {
          environment.onRetry?.(event);
          const message = event.error instanceof Error ? event.error.message : String(event.error);
          output.stderr(`apply: ${message}; trying again in ${(event.delayMs / 1000).toFixed(1)} s (try ${event.attempt + 1})\n`);
        },
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ExternalError(`apply to ${target.server} (context "${target.context}") failed: ${message}`, { cause: error });
  } finally {
    api.close();
  }
  output.stdout(renderApplyReport(report, { dryRunOnly: flags.dryRun === true }));

  const stopped = report.outcomes.find((o) => o.result === 'failed');
  if (stopped !== undefined) {
    // What the cluster holds now is part plan, part what was there: say exactly which, and how to finish.
    const why =
      stopped.conflicts.length > 0
        ? `fields owned by other field managers: ${stopped.conflicts.map((c) => `${c.field} (owned by "${c.manager}")`).join('; ')}`
        : (stopped.error ?? 'failed');
    const message = `apply to ${target.server} stopped at ${describeObject(stopped.manifest)}: ${why}\n${stoppedSummary(report).join('\n')}`;
    throw stopped.conflicts.length > 0 ? new ConflictError(message) : new ExternalError(message);
  }
  const conflicts = report.outcomes.flatMap((o) =>
    o.conflicts.map((c) => `${describeObject(o.manifest)} ${c.field} (owned by "${c.manager}")`),
  );
  if (conflicts.length > 0) {
    throw new ConflictError(
      `${conflicts.length} field${conflicts.length === 1 ? '' : 's'} owned by other field managers: ${conflicts.join('; ')}; ` +
        'nothing applied (re-run with --force-conflicts to take them over)',
    );
  }
  const failed = report.outcomes.filter((o) => o.error !== null);
  if (failed.length > 0) {
    throw new ExternalError(
      `the server dry run refused ${failed.length} object${failed.length === 1 ? '' : 's'}: ` +
        failed.map((o) => `${describeObject(o.manifest)}: ${o.error}`).join('; ') +
        '; nothing applied',
    );
  }
  return report;
}
