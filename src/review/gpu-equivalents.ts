/**
 * How many physical GPUs one unit of an accelerator resource is, cluster-wide. A namespace's requests do not say
 * which node they landed on, so a resource advertised differently on different nodes (`nvidia.com/gpu` whole on
 * one pool, time-sliced x4 on another) gets the capacity-weighted figure: physical GPUs behind the resource divided
 * by the units advertised, summed over nodes (each node's units weighted by its own `gpuEquivalent` from the
 * inventory's accelerator facts, never re-derived here).
 */
import type { NodeFacts } from '../inventory/types.js';
import { add, rational, ZERO, type Rational } from '../rational.js';

const NANOS_PER_UNIT = 1_000_000_000n;

/** resource -> GPU-equivalent of one unit, for every accelerator resource with capacity on some node; keys sorted. */
export function gpuEquivalentsOf(nodes: readonly NodeFacts[]): Record<string, Rational> {
  const totals = new Map<string, { physical: Rational; units: Rational }>();
  // physical = units x gpuEquivalent per node; summing those keeps cores over devices (Neuron) at their own worth.
  for (const node of nodes) {
    for (const accelerator of node.accelerators) {
      if (accelerator.capacity.nanos <= 0n) continue;
      const entry = totals.get(accelerator.resource) ?? { physical: ZERO, units: ZERO };
      const units = rational(accelerator.capacity.nanos, NANOS_PER_UNIT);
      const each = accelerator.gpuEquivalent;
      entry.physical = add(entry.physical, rational(units.numerator * each.numerator, units.denominator * each.denominator));
      entry.units = add(entry.units, units);
      totals.set(accelerator.resource, entry);
    }
  }
  const result: Record<string, Rational> = {};
  for (const resource of [...totals.keys()].sort()) {
    const { physical, units } = totals.get(resource) as { physical: Rational; units: Rational };
    result[resource] = rational(physical.numerator * units.denominator, physical.denominator * units.numerator);
  }
  return result;
}

/**
 * Accelerator resources whose unit is worth a different fraction of a GPU on different nodes (e.g. `nvidia.com/gpu`
 * as whole GPUs on one pool and as MIG single-strategy slices on another): for these a team's GPU-equivalents are
 * an estimate, since its requests do not say which nodes they landed on. Sorted.
 */
export function mixedGpuEquivalents(nodes: readonly NodeFacts[]): string[] {
  const seen = new Map<string, string>();
  const mixed = new Set<string>();
  for (const node of nodes) {
    for (const accelerator of node.accelerators) {
      if (accelerator.capacity.nanos <= 0n) continue;
      const value = rational(accelerator.gpuEquivalent.numerator, accelerator.gpuEquivalent.denominator);
      const key = `${value.numerator}/${value.denominator}`;
      const before = seen.get(accelerator.resource);
      if (before === undefined) seen.set(accelerator.resource, key);
      else if (before !== key) mixed.add(accelerator.resource);
    }
  }
  return [...mixed].sort();
}
