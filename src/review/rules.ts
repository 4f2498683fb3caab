/**
 * The review's rules, in the spirit of HPC centres' use-it-or-lose-it quarterly reviews (domain.md section 5):
 * a team whose time-weighted average stayed below a share of its quota is proposed a lower demand (its p95, or
 * peak, rounded up to the resource's granularity); a team whose peak came near its quota is flagged for more.
 * Thresholds are exact fractions. They come from a YAML file (`review:` section) or flags, with these defaults.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { parseDecimal, rational, type Rational } from '../rational.js';

export interface ReviewRules {
  underUse: {
    /** Propose a lower demand when average / quota is below this. */
    averageBelow: Rational;
    /** The figure the lower demand is taken from. */
    proposeFrom: 'p95' | 'peak';
  };
  needsMore: {
    /** Flag for more when peak / quota is above this. */
    peakAbove: Rational;
  };
  measuredUse: {
    /** Propose a cut when measured busy GPUs / granted GPUs (NVIDIA resources) is below this. */
    busyBelow: Rational;
  };
}

export const DEFAULT_RULES: ReviewRules = {
  underUse: { averageBelow: rational(1n, 2n), proposeFrom: 'p95' },
  needsMore: { peakAbove: rational(9n, 10n) },
  measuredUse: { busyBelow: rational(1n, 5n) },
};

const share = z.union([z.string(), z.number()], { error: 'expected a share such as "50%" or 0.5' });
const rulesShape = z.strictObject({
  review: z.strictObject({
    underUse: z.strictObject({ averageBelow: share.optional(), propose: z.enum(['p95', 'peak']).optional() }).optional(),
    needsMore: z.strictObject({ peakAbove: share.optional() }).optional(),
    measuredUse: z.strictObject({ busyBelow: share.optional() }).optional(),
  }),
});

/** `50%`, `0.5`, `50` with `percent` -> 1/2. Null for anything that is not a share in [0, 1]. */
export function parseShare(text: string | number, options: { percent?: boolean } = {}): Rational | null {
  const raw = String(text).trim();
  const isPercent = options.percent === true || raw.endsWith('%');
  const value = parseDecimal(raw.replace(/%$/, ''));
  if (value === null) return null;
  const result = isPercent ? rational(value.numerator, value.denominator * 100n) : value;
  return result.numerator > result.denominator ? null : result;
}

function shareAt(text: string | number, file: string, field: string, percent = false): Rational {
  const value = parseShare(text, { percent });
  if (value === null) {
    throw new ValidationError(`${file}: ${field}: ${JSON.stringify(text)} is not a share between 0 and 100% (e.g. "50%" or 0.5)`, {
      file,
      field,
      value: text,
    });
  }
  return value;
}

/** Rules from a YAML file's text; what the file leaves out keeps its default. */
export function parseRules(text: string, file: string): ReviewRules {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ValidationError(`${file}: not valid YAML: ${(error as Error).message}`, { file }, { cause: error });
  }
  const parsed = rulesShape.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new ValidationError(`${file}: ${path === '' ? '(top)' : path}: ${issue?.message ?? 'invalid'}`, { file, field: path });
  }
  const review = parsed.data.review;
  return {
    underUse: {
      averageBelow:
        review.underUse?.averageBelow === undefined ? DEFAULT_RULES.underUse.averageBelow : shareAt(review.underUse.averageBelow, file, 'review.underUse.averageBelow'),
      proposeFrom: review.underUse?.propose ?? DEFAULT_RULES.underUse.proposeFrom,
    },
    needsMore: {
      peakAbove:
        review.needsMore?.peakAbove === undefined ? DEFAULT_RULES.needsMore.peakAbove : shareAt(review.needsMore.peakAbove, file, 'review.needsMore.peakAbove'),
    },
    measuredUse: {
      busyBelow:
        review.measuredUse?.busyBelow === undefined ? DEFAULT_RULES.measuredUse.busyBelow : shareAt(review.measuredUse.busyBelow, file, 'review.measuredUse.busyBelow'),
    },
  };
}

/** Overrides from flags given as percentages (`--under-use-below 40`). */
export function withFlagOverrides(rules: ReviewRules, flags: { underUseBelow?: string; flagPeakAbove?: string; busyBelow?: string }): ReviewRules {
  return {
    underUse: {
      ...rules.underUse,
      ...(flags.underUseBelow === undefined ? {} : { averageBelow: shareAt(flags.underUseBelow, 'command line', '--under-use-below', true) }),
    },
    needsMore: flags.flagPeakAbove === undefined ? rules.needsMore : { peakAbove: shareAt(flags.flagPeakAbove, 'command line', '--flag-peak-above', true) },
    measuredUse: flags.busyBelow === undefined ? rules.measuredUse : { busyBelow: shareAt(flags.busyBelow, 'command line', '--busy-below', true) },
  };
}
