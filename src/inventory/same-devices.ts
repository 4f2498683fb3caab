/**
 * Resource names that count the same physical devices, so that no total (physical devices, GPU-equivalents,
 * plannable capacity divided by a plan) counts them twice.
 *
 * - **Aliases**, two names for one unit: AWS's Neuron device plugin advertised every Neuron device both as
 *   `aws.amazon.com/neuron` and as `aws.amazon.com/neurondevice` up to Neuron release 2.19, and as
 *   `aws.amazon.com/neuron` alone from 2.20 ("'neurondevice' resource name in Neuron Device K8s plugin no longer
 *   supported", Neuron 2.x announcements; its docs: "aws.amazon.com/neuron is used for allocating neuron devices").
 * - **Another unit over the same devices**: `aws.amazon.com/neuroncore` counts the NeuronCores of those devices
 *   (2 per Trainium or Inferentia2 device, 4 per Inferentia1 device). A core is a fraction of a device
 *   (`gpuEquivalent` 1/cores-per-device, see neuron.ts), never a device of its own.
 *
 * Not aliases, checked against each vendor's plugin: `nvidia.com/gpu` and `nvidia.com/gpu.shared` (renamed
 * time-slicing replicas replace the plain name for the devices they share, they are not advertised twice),
 * `nvidia.com/gpu` beside `nvidia.com/mig-*` (MIG strategy mixed: MIG-enabled GPUs leave `nvidia.com/gpu`),
 * `amd.com/gpu` beside `amd.com/<mode>_nps<n>` (partitions; a stale `amd.com/gpu: 0` counts nothing),
 * `gpu.intel.com/i915` and `gpu.intel.com/xe` (one per device, by the kernel driver bound to it; Intel's
 * `millicores`, `memory.max`, `tiles` and `*monitoring` are not accelerators at all), `habana.ai/gaudi`,
 * `google.com/tpu`.
 */

import { formatQuantity, type Quantity } from '../quantity.js';

/** alias -> the name the device plugin uses today. */
const ALIASES: ReadonlyMap<string, string> = new Map([['aws.amazon.com/neurondevice', 'aws.amazon.com/neuron']]);

/** Groups of resources over the same devices (names, then other units), for refusing a plan that divides two. */
const SAME_DEVICES: readonly (readonly string[])[] = [['aws.amazon.com/neuron', 'aws.amazon.com/neurondevice', 'aws.amazon.com/neuroncore']];

/** An alias and its name both advertised with different counts: which one was counted. */
export function aliasDisagreements(accelerators: readonly { resource: string; capacity: Quantity }[]): string[] {
  const byResource = new Map(accelerators.map((a) => [a.resource, a.capacity]));
  const out: string[] = [];
  for (const [alias, name] of ALIASES) {
    const aliasUnits = byResource.get(alias);
    const nameUnits = byResource.get(name);
    if (aliasUnits === undefined || nameUnits === undefined || aliasUnits.nanos === nameUnits.nanos) continue;
    const larger = aliasUnits.nanos > nameUnits.nanos ? aliasUnits : nameUnits;
    out.push(
      `${name} (${formatQuantity(nameUnits)}) and ${alias} (${formatQuantity(aliasUnits)}) are two names for the same devices ` +
        `but disagree; counting ${formatQuantity(larger)} once`,
    );
  }
  return out;
}

/** The name `resource` is an alias of, or null. */
export function aliasOf(resource: string): string | null {
  return ALIASES.get(resource) ?? null;
}

/** The other resources that count the same devices as `resource` (by another name or in another unit). */
export function sameDevicesAs(resource: string): readonly string[] {
  return SAME_DEVICES.find((group) => group.includes(resource))?.filter((name) => name !== resource) ?? [];
}

/**
 * Of one node's accelerator resources, those whose devices another of its resources already counts: an alias
 * beside its name (the one with the larger capacity counts; on a tie the current name), and NeuronCores beside
 * Neuron devices. Totals over a node's resources skip these.
 */
export function countedByAnother(accelerators: readonly { resource: string; capacity: { nanos: bigint } }[]): Set<string> {
  const capacity = new Map(accelerators.map((a) => [a.resource, a.capacity.nanos]));
  const out = new Set<string>();
  for (const [alias, name] of ALIASES) {
    const aliasUnits = capacity.get(alias);
    const nameUnits = capacity.get(name);
    if (aliasUnits === undefined || nameUnits === undefined) continue;
    out.add(aliasUnits > nameUnits ? name : alias);
  }
  const devices = ['aws.amazon.com/neuron', 'aws.amazon.com/neurondevice'].some((name) => (capacity.get(name) ?? 0n) > 0n);
  if (devices && capacity.has('aws.amazon.com/neuroncore')) out.add('aws.amazon.com/neuroncore');
  return out;
}
