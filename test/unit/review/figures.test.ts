import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rational } from '../../../src/rational.js';
import { formatQuantity, parseQuantity } from '../../../src/quantity.js';
import { formatFixed, formatPercent } from '../../../src/review/decimal.js';
import { grantedUnitHours, heldDurations, useFigures, type UseSample } from '../../../src/review/figures.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 9, 1);
const sample = (hour: number, value: string): UseSample => ({ at: new Date(T0 + hour * HOUR), value: parseQuantity(value) });
const window = (fromHour: number, toHour: number) => ({ from: new Date(T0 + fromHour * HOUR), to: new Date(T0 + toHour * HOUR) });

describe('useFigures weights each snapshot by how long its value held', () => {
  it('4 GPUs for 6 of 10 hours and 8 for 4 hours: average 5.6, p95 8, peak 8, 56 GPU-hours', () => {
    const figures = useFigures([sample(0, '4'), sample(2, '4'), sample(6, '8'), sample(9, '8')], window(0, 10));
    assert.ok(figures);
    assert.equal(figures.coveredMs, 10n * BigInt(HOUR));
    assert.deepEqual(figures.averageNanos, rational(5_600_000_000n));
    assert.equal(formatQuantity(figures.p95), '8');
    assert.equal(formatQuantity(figures.peak), '8');
    assert.deepEqual(figures.unitHours, rational(56n));
    assert.equal(figures.samples, 4);
  });

  it('irregular samples count by duration, not by number: one long sample outweighs many short ones', () => {
    // 8 for 1 hour (10 samples 6 minutes apart), then 2 for 9 hours (one sample).
    const samples = [...Array.from({ length: 10 }, (_, i) => sample(i / 10, '8')), sample(1, '2')];
    const figures = useFigures(samples, window(0, 10));
    assert.ok(figures);
    assert.deepEqual(figures.averageNanos, rational(2_600_000_000n)); // (8x1 + 2x9) / 10
    assert.equal(formatQuantity(figures.p95), '8'); // 2 holds only 90% of the time
    assert.equal(formatQuantity(figures.peak), '8');
  });

  it('p95 is the least value held (or undercut) for at least 95% of the time: exactly 95% stays below', () => {
    const at95 = useFigures([sample(0, '1'), sample(19, '5')], window(0, 20));
    assert.equal(formatQuantity(at95!.p95), '1');
    const below95 = useFigures([sample(0, '1'), sample(18.9, '5')], window(0, 20));
    assert.equal(formatQuantity(below95!.p95), '5');
  });

  it('a sample before the window holds into it; one after it only closes it; values are clipped to the window', () => {
    const held = heldDurations([sample(-5, '3'), sample(2, '6'), sample(12, '100')], window(0, 10));
    assert.deepEqual(
      held.map((h) => [formatQuantity(h.value), h.ms / BigInt(HOUR)]),
      [
        ['3', 2n],
        ['6', 8n],
      ],
    );
    const figures = useFigures([sample(-5, '3'), sample(2, '6'), sample(12, '100')], window(0, 10));
    assert.equal(formatQuantity(figures!.peak), '6');
  });

  it('the last sample holds until the end of the window', () => {
    const figures = useFigures([sample(0, '2')], window(0, 24));
    assert.deepEqual(figures!.unitHours, rational(48n));
  });

  it('milli-units stay exact: 1500m for 1 h and 500m for 2 h average 5/6 of a unit', () => {
    const figures = useFigures([sample(0, '1500m'), sample(1, '500m')], window(0, 3));
    assert.deepEqual(figures!.averageNanos, rational(2_500_000_000n, 3n));
    assert.equal(formatFixed(rational(figures!.averageNanos.numerator, figures!.averageNanos.denominator * 1_000_000_000n), 4), '0.8333');
  });

  it('counts the time above a limit', () => {
    const figures = useFigures([sample(0, '4'), sample(6, '8'), sample(7, '4')], window(0, 10), { limit: parseQuantity('6') });
    assert.equal(figures!.msAboveLimit, BigInt(HOUR));
  });

  it('covers nothing without a sample in or before the window', () => {
    assert.equal(useFigures([], window(0, 10)), null);
    assert.equal(useFigures([sample(11, '4')], window(0, 10)), null);
  });

  it('refuses samples out of time order', () => {
    assert.throws(() => useFigures([sample(2, '1'), sample(1, '1')], window(0, 10)), /out of time order/);
  });

  it('granted unit-hours are the quota times the covered hours', () => {
    assert.deepEqual(grantedUnitHours(parseQuantity('10'), 2208n * BigInt(HOUR)), rational(22080n));
    assert.deepEqual(grantedUnitHours(parseQuantity('500m'), 3n * BigInt(HOUR)), rational(3n, 2n));
  });
});

describe('formatFixed and formatPercent', () => {
  it('round half away from zero only when printing', () => {
    assert.equal(formatFixed(rational(28n, 5n), 2), '5.60');
    assert.equal(formatFixed(rational(1n, 8n), 2), '0.13');
    assert.equal(formatFixed(rational(-1n, 8n), 2), '-0.13');
    assert.equal(formatFixed(rational(2n, 3n), 0), '1');
    assert.equal(formatFixed(rational(-1n, 1000n), 2), '0.00');
    assert.equal(formatPercent(rational(14n, 25n)), '56.0%');
    assert.equal(formatPercent(null), 'n/a');
  });
});
