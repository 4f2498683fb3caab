/**
 * What one accelerator resource of a node is, before its quantities are attached: the per-vendor readers
 * (nvidia.ts, amd.ts, intel.ts, neuron.ts) each return this, and helpers they share.
 */
import { ONE, rational } from '../rational.js';
import type { AcceleratorFacts, Vendor } from './types.js';

export type Labels = Record<string, string>;

/** Adds a warning about the node being read (the node name is prefixed by the caller). */
export type Warn = (message: string) => void;

/** What a resource's name and the node's labels say about one accelerator resource (AcceleratorFacts less the amounts). */
export type AcceleratorShape = Omit<AcceleratorFacts, 'resource' | 'capacity' | 'allocatable'>;

/** A whole, unshared device. */
export function device(vendor: Vendor, model: string | null, units: bigint): AcceleratorShape {
  return { vendor, model, sharing: 'none', migProfile: null, replicas: 1, unit: 'device', gpuEquivalent: ONE, physical: rational(units, 1n) };
}

/** Model from labels that are not the vendor's own: TPU type, Karpenter accelerator name, instance type. */
export function genericModel(vendor: Vendor, labels: Labels): string | null {
  if (vendor === 'google') return nonEmpty(labels['cloud.google.com/gke-tpu-accelerator']);
  return (
    nonEmpty(labels['karpenter.k8s.aws/instance-accelerator-name']) ??
    nonEmpty(labels['node.kubernetes.io/instance-type']) ??
    nonEmpty(labels['beta.kubernetes.io/instance-type'])
  );
}

/** A label holding a non-negative integer; null when absent or not one. */
export function integerLabel(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const number = Number(value);
  // A count past 2^53 is no count a node has (and 10^400 would be Infinity): the label is ignored.
  return Number.isSafeInteger(number) ? number : null;
}

export function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
