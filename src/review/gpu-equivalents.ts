/**
 * How many physical GPUs one unit of an accelerator resource is, cluster-wide. A namespace's requests do not say
 * which node they landed on, so a resource advertised differently on different nodes (`nvidia.com/gpu` whole on
 * one pool, time-sliced x4 on another) gets the capacity-weighted figure: physical GPUs behind the resource divided
 * by the units advertised, summed over nodes (each node's units weighted by its own `gpuEquivalent` from the
 * inventory's accelerator facts, never re-derived here). DRA devices counted in `plannable` (dra/physical.ts
 * draPlannableDevices) add their units too: one device each, worth its share of its GPU (gpuShareOf: 3/7 for a
 * `3g.40gb` MIG device, 1 for a whole GPU).
 */
import { draPlannableDevices, gpuShareOf, type DraPlannableInput } from '../inventory/dra/physical.js';
import { deviceKey } from '../inventory/dra/device-classes.js';
import type { DraDeviceFacts } from '../inventory/dra/types.js';
import type { NodeFacts } from '../inventory/types.js';
import { add, ONE, rational, ZERO, type Rational } from '../rational.js';
import { compareText } from '../text-order.js';

const NANOS_PER_UNIT = 1_000_000_000n;

/** What the figures are read from: the nodes, and the DRA capacity when the cluster has DRA. */
export interface GpuEquivalentInput {
  nodes: readonly NodeFacts[];
  dra?: DraPlannableInput['dra'];
}

interface Totals {
  physical: Rational;
  units: Rational;
}

/** Device-plugin units and the physical GPUs they stand for, per resource. */
function pluginTotals(nodes: readonly NodeFacts[]): Map<string, Totals> {
  const totals = new Map<string, Totals>();
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
  return totals;
}

function perUnit(totals: Map<string, Totals>): Record<string, Rational> {
  const result: Record<string, Rational> = {};
  for (const resource of [...totals.keys()].sort(compareText)) {
    const { physical, units } = totals.get(resource) as Totals;
    if (units.numerator === 0n) continue;
    result[resource] = rational(physical.numerator * units.denominator, physical.denominator * units.numerator);
  }
  return result;
}

function addDevices(totals: Map<string, Totals>, resource: string, devices: readonly DraDeviceFacts[], worth: (d: DraDeviceFacts) => Rational): void {
  const entry = totals.get(resource) ?? { physical: ZERO, units: ZERO };
  for (const device of devices) {
    entry.physical = add(entry.physical, worth(device));
    entry.units = add(entry.units, ONE);
  }
  totals.set(resource, entry);
}

/** resource -> GPU-equivalent of one unit, for every accelerator resource with capacity on some node or DRA devices; keys sorted. */
export function gpuEquivalentsOf(input: GpuEquivalentInput): Record<string, Rational> {
  const totals = pluginTotals(input.nodes);
  for (const [resource, devices] of draPlannableDevices(input)) addDevices(totals, resource, devices, gpuShareOf);
  return perUnit(totals);
}

/**
 * The GPU-equivalent of one unit for the review's capacity totals, where every physical GPU counts once. Device
 * plugins' units are distinct slices of their GPUs, so their figure is gpuEquivalentsOf's. A DRA GPU may be
 * counted in `plannable` under two resources (the NVIDIA driver's dynamic MIG: the whole GPU under `nvidia.com/gpu`
 * and its MIG placements under the MIG class's key), so each physical GPU is given to one resource: the first (in
 * name order) that counts it whole, else the first that counts a part of it; the others' devices of that GPU weigh
 * nothing in the totals. The per-unit figures of the table and of team GPU-hours stay gpuEquivalentsOf's.
 */
export function totalGpuEquivalentsOf(input: GpuEquivalentInput): Record<string, Rational> {
  const totals = pluginTotals(input.nodes);
  const byResource = draPlannableDevices(input);
  const owner = new Map<string, string>();
  const physicalOf = (d: DraDeviceFacts): string => deviceKey(d.driver, d.pool, d.physical);
  for (const whole of [true, false]) {
    for (const [resource, devices] of byResource) {
      for (const device of devices) {
        const isWhole = gpuShareOf(device).numerator === gpuShareOf(device).denominator && device.name === device.physical;
        if (whole && !isWhole) continue;
        if (!owner.has(physicalOf(device))) owner.set(physicalOf(device), `${resource}\u0000${device.name}`);
      }
    }
  }
  for (const [resource, devices] of byResource) {
    addDevices(totals, resource, devices, (d) => (owner.get(physicalOf(d)) === `${resource}\u0000${d.name}` ? ONE : ZERO));
  }
  return perUnit(totals);
}

/**
 * Accelerator resources whose unit is worth a different fraction of a GPU on different nodes (e.g. `nvidia.com/gpu`
 * as whole GPUs on one pool and as MIG single-strategy slices on another, or a DRA MIG class with devices of several
 * profiles): for these a team's GPU-equivalents are an estimate, since its requests do not say which devices they
 * landed on. Sorted.
 */
export function mixedGpuEquivalents(input: GpuEquivalentInput): string[] {
  const seen = new Map<string, string>();
  const mixed = new Set<string>();
  const note = (resource: string, value: Rational): void => {
    const key = `${value.numerator}/${value.denominator}`;
    const before = seen.get(resource);
    if (before === undefined) seen.set(resource, key);
    else if (before !== key) mixed.add(resource);
  };
  for (const node of input.nodes) {
    for (const accelerator of node.accelerators) {
      if (accelerator.capacity.nanos <= 0n) continue;
      note(accelerator.resource, rational(accelerator.gpuEquivalent.numerator, accelerator.gpuEquivalent.denominator));
    }
  }
  for (const [resource, devices] of draPlannableDevices(input)) for (const device of devices) note(resource, gpuShareOf(device));
  return [...mixed].sort(compareText);
}
