/**
 * `quotaplan review [--cycle C|latest] [--cluster C] [--db F] [-o md|html|csv|json] [--out FILE] [--rules F]
 * [--under-use-below PCT] [--flag-peak-above PCT]`: the quarterly allocation review of a cycle from the stored
 * snapshot history: capacity change, use vs quota per team, proposed changes and the next draft plan's warnings.
 * Reading (store, rules file), reviewing (pure, src/review/) and printing (src/emit/review-*.ts) stay separate.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { reviewCsv } from '../emit/review-csv.js';
import { reviewHtml } from '../emit/review-html.js';
import { reviewJsonText, reviewToJson } from '../emit/review-json.js';
import { reviewMarkdown } from '../emit/review-markdown.js';
import { ExternalError, ValidationError } from '../errors.js';
import { loadReview } from '../review/cycle-store.js';
import type { Review } from '../review/review.js';
import { DEFAULT_RULES, parseRules, withFlagOverrides, type ReviewRules } from '../review/rules.js';
import { withStore } from '../store/open.js';
import { dbOption, outputOption } from './options.js';
import { addPrometheusOptions, measureUseFrom, type PrometheusFlags } from './prometheus-options.js';
import { escapeTerminalText } from '../terminal-text.js';

export type ReviewOutput = 'md' | 'html' | 'csv' | 'json';

export interface ReviewFlags extends Partial<PrometheusFlags> {
  cycle: string;
  cluster?: string;
  db: string;
  output: ReviewOutput;
  out?: string;
  rules?: string;
  underUseBelow?: string;
  flagPeakAbove?: string;
  busyBelow?: string;
}

export function reviewCommand(): Command {
  return addPrometheusOptions(new Command('review'))
    .option('--cycle <name|latest>', 'the cycle to review (latest: the most recent approved cycle that has begun)', 'latest')
    .option('--cluster <name>', "the cluster's name in the database (default: the only one)")
    .addOption(dbOption())
    .addOption(outputOption(['md', 'html', 'csv', 'json'], 'md'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--rules <file>', 'YAML file with a `review:` section (thresholds; see docs/review.md)')
    .option('--under-use-below <percent>', 'propose a lower demand when the average is below this % of quota (default 50)')
    .option('--flag-peak-above <percent>', 'flag a team for more when its peak is above this % of quota (default 90)')
    .option('--busy-below <percent>', 'with --prometheus: propose a cut when measured busy GPU-hours are below this % of those granted (default 20)')
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: ReviewFlags) => {
      const text = await runReview(flags);
      if (flags.out === undefined) {
        process.stdout.write(text);
        return;
      }
      try {
        writeFileSync(flags.out, text);
      } catch (error) {
        throw new ExternalError(`cannot write ${flags.out}: ${(error as Error).message}`, { cause: error });
      }
      process.stderr.write(`quotaplan: wrote the ${flags.output} review to ${flags.out}\n`);
    });
}

export function reviewRules(flags: Pick<ReviewFlags, 'rules' | 'underUseBelow' | 'flagPeakAbove' | 'busyBelow'>): ReviewRules {
  let rules = DEFAULT_RULES;
  if (flags.rules !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.rules, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ValidationError(`${flags.rules}: cannot read rules file: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
        file: flags.rules,
        field: '--rules',
      });
    }
    rules = parseRules(text, flags.rules);
  }
  return withFlagOverrides(rules, {
    ...(flags.underUseBelow === undefined ? {} : { underUseBelow: flags.underUseBelow }),
    ...(flags.flagPeakAbove === undefined ? {} : { flagPeakAbove: flags.flagPeakAbove }),
    ...(flags.busyBelow === undefined ? {} : { busyBelow: flags.busyBelow }),
  });
}

export async function runReview(flags: ReviewFlags): Promise<string> {
  const rules = reviewRules(flags);
  const measure = measureUseFrom(flags as PrometheusFlags);
  const review = await withStore({ file: flags.db, create: false }, (store) => loadReview(store, { cluster: flags.cluster, cycle: flags.cycle }, rules, measure));
  if (review.measured.kind === 'none' && review.measured.source !== null) process.stderr.write(`quotaplan: ${review.measured.reason}\n`);
  // Partial data: in the report, and said here too, where a report written to a file would not show it.
  if (review.measured.kind === 'measured') {
    for (const warning of review.measured.warnings) process.stderr.write(`quotaplan: Prometheus warning (partial data): ${escapeTerminalText(warning)}\n`);
  }
  return renderReview(review, flags.output);
}

/** Every format, to the terminal or a file, with control characters from the cluster escaped (src/terminal-text.ts). */
export function renderReview(review: Review, output: ReviewOutput): string {
  return escapeTerminalText(reviewText(review, output), { newlines: 'keep' });
}

function reviewText(review: Review, output: ReviewOutput): string {
  if (output === 'json') return reviewJsonText(review);
  const json = reviewToJson(review);
  if (output === 'html') return reviewHtml(json);
  if (output === 'csv') return reviewCsv(json);
  return reviewMarkdown(json);
}
