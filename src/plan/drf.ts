/**
 * Weighted Dominant Resource Fairness (Ghodsi et al., NSDI 2011) across the resources one level divides, by
 * progressive filling in exact rationals. Each claimant's "extra" (what it asks above its guarantees, per
 * resource: max(guarantee, min(demand, cap)) - guarantee, or everything left when unbounded) is a Leontief
 * vector: it grows all of its resources in that proportion. Its dominant share is the largest fraction of any
 * resource that its extra amounts to. All claimants raise their dominant share divided by weight at the same
 * rate; one stops when its whole extra is granted or when a resource it needs runs out.
 *
 * The result is the `initial` of divideLevel for each resource: the per-resource max-min step then tops up
 * what DRF left of each resource (a claimant stopped by one resource could not use more of the others under
 * DRF; topping up keeps the level's quotas summing to what it divides), and largest remainder rounds.
 */
import { upperOf, type LevelClaim } from './divide-level.js';
import { add, compare, divide, fromBigint, multiply, subtract, ZERO, type Rational } from '../rational.js';

export interface DrfClaimant {
  name: string;
  weight: Rational;
  /** Claims by resource key; a key absent here is a resource this claimant does not share in. */
  claims: ReadonlyMap<string, LevelClaim>;
}

export interface DrfOutcome {
  /** Extra (above guarantee) per claimant, per key it claims. */
  extra: Map<string, Rational>[];
  /** Per claimant: its dominant resource key (null when it asks for no extra), and the share of it DRF gave. */
  dominant: { key: string | null; share: Rational; stoppedBy: string | null }[];
  /** Per claimant: the part of its extra vector it got, in [0, 1]. */
  progress: Rational[];
}

export function dominantResourceFairness(
  amounts: ReadonlyMap<string, bigint>,
  claimants: readonly DrfClaimant[],
): DrfOutcome {
  const keys = [...amounts.keys()].sort();
  const remaining = new Map<string, Rational>();
  for (const key of keys) {
    let guarantees = 0n;
    for (const claimant of claimants) guarantees += claimant.claims.get(key)?.guarantee ?? 0n;
    remaining.set(key, fromBigint((amounts.get(key) as bigint) - guarantees));
  }
  // Each claimant's extra vector, and its dominant share at full extra (delta).
  const wants = claimants.map((claimant) => {
    const want = new Map<string, Rational>();
    for (const [key, claim] of claimant.claims) {
      const upper = upperOf(claim);
      const room = upper === null ? (remaining.get(key) as Rational) : fromBigint(upper - claim.guarantee);
      if (room.numerator > 0n) want.set(key, room);
    }
    return want;
  });
  const deltas = wants.map((want) => {
    let best: { key: string | null; share: Rational } = { key: null, share: ZERO };
    for (const key of [...want.keys()].sort()) {
      const amount = amounts.get(key) as bigint;
      // A resource with nothing to divide is saturated from the start; the claimant is stopped below.
      if (amount === 0n) continue;
      const share = divide(want.get(key) as Rational, fromBigint(amount));
      if (compare(share, best.share) > 0) best = { key, share };
    }
    return best;
  });

  const progress: Rational[] = claimants.map(() => ZERO); // t_i in [0, 1]
  const stoppedBy: (string | null)[] = claimants.map(() => null);
  const saturated = new Set<string>();
  const used = new Map<string, Rational>(keys.map((key) => [key, ZERO]));
  let active = claimants.map((_, i) => i).filter((i) => (wants[i] as Map<string, Rational>).size > 0);
  for (const key of keys) if ((remaining.get(key) as Rational).numerator === 0n) saturated.add(key);
  active = active.filter((i) => {
    const blocker = [...(wants[i] as Map<string, Rational>).keys()].sort().find((key) => saturated.has(key));
    if (blocker !== undefined) stoppedBy[i] = blocker;
    return blocker === undefined;
  });

  // Progressive filling: sigma is the common weighted dominant-share level; t_i = weight_i * sigma / delta_i.
  while (active.length > 0) {
    const slope = new Map<string, Rational>();
    for (const i of active) {
      const rate = divide((claimants[i] as DrfClaimant).weight, (deltas[i] as { share: Rational }).share);
      for (const [key, want] of wants[i] as Map<string, Rational>) {
        slope.set(key, add(slope.get(key) ?? ZERO, multiply(rate, want)));
      }
    }
    let next: Rational | null = null;
    for (const i of active) {
      const done = divide((deltas[i] as { share: Rational }).share, (claimants[i] as DrfClaimant).weight);
      if (next === null || compare(done, next) < 0) next = done;
    }
    const keyLevels = new Map<string, Rational>();
    for (const [key, rate] of slope) {
      if (saturated.has(key) || rate.numerator === 0n) continue;
      const level = divide(subtract(remaining.get(key) as Rational, used.get(key) as Rational), rate);
      keyLevels.set(key, level);
      if (next === null || compare(level, next) < 0) next = level;
    }
    const sigma = next as Rational;
    const newlySaturated = [...keyLevels].filter(([, level]) => compare(level, sigma) === 0).map(([key]) => key);
    for (const key of newlySaturated) saturated.add(key);
    const stillActive: number[] = [];
    for (const i of active) {
      const claimant = claimants[i] as DrfClaimant;
      const delta = (deltas[i] as { share: Rational }).share;
      const t = divide(multiply(claimant.weight, sigma), delta);
      const want = wants[i] as Map<string, Rational>;
      const blocker = [...want.keys()].sort().find((key) => saturated.has(key));
      if (compare(t, fromBigint(1n)) >= 0 || blocker !== undefined) {
        const final = compare(t, fromBigint(1n)) >= 0 ? fromBigint(1n) : t;
        progress[i] = final;
        if (compare(final, fromBigint(1n)) < 0) stoppedBy[i] = blocker ?? null;
        for (const [key, amount] of want) used.set(key, add(used.get(key) as Rational, multiply(final, amount)));
      } else stillActive.push(i);
    }
    active = stillActive;
  }

  return {
    extra: wants.map((want, i) => {
      const extra = new Map<string, Rational>();
      for (const [key, amount] of want) extra.set(key, multiply(progress[i] as Rational, amount));
      return extra;
    }),
    dominant: deltas.map((delta, i) => ({
      key: delta.key,
      share: multiply(progress[i] as Rational, delta.share),
      stoppedBy: stoppedBy[i] ?? null,
    })),
    progress,
  };
}
