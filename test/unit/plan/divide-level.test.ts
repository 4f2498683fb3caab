import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { divideLevel, divideLevelExact, divideLevelWhole, type LevelClaim } from '../../../src/plan/divide-level.js';
import { largestRemainder } from '../../../src/plan/largest-remainder.js';
import { formatRational, fromBigint, rational } from '../../../src/rational.js';
import { waterFill } from '../../../src/plan/water-fill.js';

function claim(name: string, fields: Partial<Omit<LevelClaim, 'name' | 'weight'>> & { weight?: bigint } = {}): LevelClaim {
  return {
    name,
    weight: fromBigint(fields.weight ?? 1n),
    guarantee: fields.guarantee ?? 0n,
    demand: fields.demand ?? null,
    cap: fields.cap ?? null,
  };
}

function summary(division: ReturnType<typeof divideLevel>): string[] {
  return division.shares.map((s) => `${s.quota}:${s.binding}:${formatRational(s.exact)}`);
}

describe('water-filling', () => {
  it('raises claimants at the same weighted rate until their room fills, then shares the rest', () => {
    const fill = waterFill(fromBigint(10n), [
      { weight: fromBigint(1n), room: fromBigint(1n) },
      { weight: fromBigint(1n), room: null },
      { weight: fromBigint(2n), room: null },
    ]);
    assert.deepEqual(fill.extra.map(formatRational), ['1', '3', '6']);
    assert.deepEqual(fill.saturated, [true, false, false]);
    assert.equal(formatRational(fill.leftover), '0');
  });

  it('reports what is left when every claimant is full', () => {
    const fill = waterFill(fromBigint(10n), [
      { weight: fromBigint(1n), room: fromBigint(2n) },
      { weight: fromBigint(5n), room: fromBigint(3n) },
    ]);
    assert.deepEqual(fill.extra.map(formatRational), ['2', '3']);
    assert.equal(formatRational(fill.leftover), '5');
  });
});

describe('largest remainder', () => {
  it('floors every share and gives leftover units to the largest fractions', () => {
    const { units } = largestRemainder([
      { name: 'a', exact: rational(7n, 5n) }, // 1.4
      { name: 'b', exact: rational(9n, 5n) }, // 1.8
      { name: 'c', exact: rational(9n, 5n) }, // 1.8
    ]);
    assert.deepEqual(units, [1n, 2n, 2n]);
  });

  it('breaks equal fractions by name ascending, whatever the input order', () => {
    const third = rational(10n, 3n);
    const { units } = largestRemainder([
      { name: 'zulu', exact: third },
      { name: 'alpha', exact: third },
      { name: 'mike', exact: third },
    ]);
    assert.deepEqual(units, [3n, 4n, 3n]);
  });
});

describe('dividing one level', () => {
  it('gives guarantees first and shares only the rest by weight', () => {
    const division = divideLevel(20n, [claim('a', { guarantee: 8n }), claim('b')], { surplus: 'distribute' });
    assert.deepEqual(summary(division), ['14:share:14', '6:share:6']);
    assert.equal(division.afterGuarantees, 12n);
  });

  it('stops a claim at its demand and at its cap, and hands the rest to the others', () => {
    const division = divideLevel(
      30n,
      [claim('a', { demand: 4n }), claim('b', { cap: 6n }), claim('c')],
      { surplus: 'distribute' },
    );
    assert.deepEqual(summary(division), ['4:demand:4', '6:cap:6', '20:share:20']);
  });

  it('binds a claim to its guarantee when nothing is left after the guarantees', () => {
    const division = divideLevel(10n, [claim('a', { guarantee: 6n }), claim('b', { guarantee: 4n })], {
      surplus: 'distribute',
    });
    assert.deepEqual(summary(division), ['6:guarantee:6', '4:guarantee:4']);
  });

  it('binds a claim to its guarantee when the guarantee is above its demand', () => {
    const division = divideLevel(10n, [claim('a', { guarantee: 6n, demand: 2n }), claim('b', { demand: 1n })], {
      surplus: 'hold',
    });
    assert.deepEqual(summary(division), ['6:guarantee:6', '1:demand:1']);
    assert.equal(division.unallocated, 3n);
  });

  it('distributes capacity beyond every demand by weight up to the caps', () => {
    const division = divideLevel(
      20n,
      [claim('a', { demand: 2n, weight: 1n }), claim('b', { demand: 2n, weight: 3n, cap: 5n })],
      { surplus: 'distribute' },
    );
    // 16 surplus at 1:3 would be 4 and 12; b's cap stops it at 5 (3 more), a takes the other 13.
    assert.deepEqual(summary(division), ['15:share:15', '5:cap:5']);
    assert.equal(formatRational(division.shares[0]?.surplus ?? fromBigint(0n)), '13');
    assert.equal(division.unallocated, 0n);
  });

  it('holds capacity beyond every demand as unallocated when surplus is held', () => {
    const division = divideLevel(20n, [claim('a', { demand: 2n }), claim('b', { demand: 3n })], { surplus: 'hold' });
    assert.deepEqual(summary(division), ['2:demand:2', '3:demand:3']);
    assert.equal(division.unallocated, 15n);
  });

  it('leaves capacity unallocated when every claim is capped, even when surplus is distributed', () => {
    const division = divideLevel(20n, [claim('a', { cap: 2n }), claim('b', { demand: 1n, cap: 3n })], {
      surplus: 'distribute',
    });
    assert.deepEqual(summary(division), ['2:cap:2', '3:cap:3']);
    assert.equal(division.unallocated, 15n);
  });

  it('rounds shares to whole units by largest remainder, exact shares kept', () => {
    const division = divideLevel(10n, [claim('b'), claim('a'), claim('c')], { surplus: 'distribute' });
    assert.deepEqual(summary(division), ['3:share:3 1/3', '4:share:3 1/3', '3:share:3 1/3']);
    assert.deepEqual(division.shares.map((s) => s.roundedUp), [false, true, false]);
  });
});

describe('the two forms of one level', () => {
  it('give the same division: bigint with one common denominator, and rationals', () => {
    const claimArb = fc.record({
      weightNum: fc.integer({ min: 1, max: 12 }),
      weightDen: fc.constantFrom(1, 1, 2, 3, 10),
      guarantee: fc.integer({ min: 0, max: 5 }),
      demand: fc.option(fc.integer({ min: 0, max: 30 })),
      capExtra: fc.option(fc.integer({ min: 0, max: 30 })),
    });
    fc.assert(
      fc.property(
        fc.array(claimArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 120 }),
        fc.constantFrom('distribute' as const, 'hold' as const),
        (raw, extra, surplus) => {
          const claims: LevelClaim[] = raw.map((c, i) => ({
            name: `n${(i * 7) % raw.length}${i}`,
            weight: rational(BigInt(c.weightNum), BigInt(c.weightDen)),
            guarantee: BigInt(c.guarantee),
            demand: c.demand === null ? null : BigInt(c.demand),
            cap: c.capExtra === null ? null : BigInt(c.guarantee + c.capExtra),
          }));
          const amount = claims.reduce((sum, c) => sum + c.guarantee, 0n) + BigInt(extra);
          const whole = divideLevelWhole(amount, claims, surplus);
          const exact = divideLevelExact(amount, claims, { surplus });
          assert.deepEqual(whole, exact);
        },
      ),
      { numRuns: 3000, seed: 5 },
    );
  });
});
