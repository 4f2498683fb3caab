import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/errors.js';
import { rational } from '../../../src/rational.js';
import { DEFAULT_RULES, parseRules, parseShare, withFlagOverrides } from '../../../src/review/rules.js';

describe('review rules', () => {
  it('default: under 50% average proposes the p95; over 90% peak flags for more; measured busy under 20% proposes a cut', () => {
    assert.deepEqual(DEFAULT_RULES, {
      underUse: { averageBelow: rational(1n, 2n), proposeFrom: 'p95' },
      needsMore: { peakAbove: rational(9n, 10n) },
      measuredUse: { busyBelow: rational(1n, 5n) },
    });
  });

  it('reads shares as percentages or fractions, exactly', () => {
    assert.deepEqual(parseShare('40%'), rational(2n, 5n));
    assert.deepEqual(parseShare('0.35'), rational(7n, 20n));
    assert.deepEqual(parseShare(0.5), rational(1n, 2n));
    assert.deepEqual(parseShare('12.5', { percent: true }), rational(1n, 8n));
    assert.equal(parseShare('150%'), null);
    assert.equal(parseShare('-1'), null);
    assert.equal(parseShare('half'), null);
  });

  it('a YAML review section overrides what it sets and keeps the other defaults', () => {
    const rules = parseRules('review:\n  underUse: { averageBelow: 40%, propose: peak }\n', 'rules.yaml');
    assert.deepEqual(rules, {
      underUse: { averageBelow: rational(2n, 5n), proposeFrom: 'peak' },
      needsMore: { peakAbove: rational(9n, 10n) },
      measuredUse: { busyBelow: rational(1n, 5n) },
    });
  });

  it('the measured-use threshold comes from review.measuredUse.busyBelow or --busy-below', () => {
    assert.deepEqual(parseRules('review:\n  measuredUse: { busyBelow: 10% }\n', 'rules.yaml').measuredUse, { busyBelow: rational(1n, 10n) });
    assert.deepEqual(withFlagOverrides(DEFAULT_RULES, { busyBelow: '35' }).measuredUse, { busyBelow: rational(7n, 20n) });
    assert.throws(() => withFlagOverrides(DEFAULT_RULES, { busyBelow: '120' }), /command line: --busy-below: "120" is not a share/);
  });

  it('bad rules name the file, the field and the value', () => {
    assert.throws(
      () => parseRules('review:\n  needsMore: { peakAbove: "lots" }\n', 'rules.yaml'),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.message === 'rules.yaml: review.needsMore.peakAbove: "lots" is not a share between 0 and 100% (e.g. "50%" or 0.5)' &&
        error.where.field === 'review.needsMore.peakAbove',
    );
    assert.throws(
      () => parseRules('review:\n  underUse: { below: 3 }\n', 'rules.yaml'),
      (error: unknown) => error instanceof ValidationError && /^rules\.yaml: review\.underUse: /.test(error.message),
    );
  });

  it('flags are percentages and win over the file', () => {
    const rules = withFlagOverrides(DEFAULT_RULES, { underUseBelow: '30', flagPeakAbove: '95' });
    assert.deepEqual(rules.underUse.averageBelow, rational(3n, 10n));
    assert.deepEqual(rules.needsMore.peakAbove, rational(19n, 20n));
    assert.throws(() => withFlagOverrides(DEFAULT_RULES, { underUseBelow: 'x' }), /command line: --under-use-below: "x" is not a share/);
  });
});
