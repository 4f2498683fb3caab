/**
 * AWS Neuron (Inferentia, Trainium): `aws.amazon.com/neuron` / `neurondevice` count devices and
 * `aws.amazon.com/neuroncore` counts cores of the same devices. Never add the two.
 */
import { wholeUnits } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { ONE, ZERO, rational } from '../rational.js';
import { genericModel, integerLabel, nonEmpty, type AcceleratorShape, type Labels, type Warn } from './accelerator-shape.js';

export interface NeuronShape {
  hasDevices: boolean;
  coresPerDevice: bigint | null;
}

/** Neuron devices and NeuronCores are two units over the same chips: cores per device from the node itself. */
export function neuronShape(node: { labels: Labels; capacity: ResourceList }): NeuronShape {
  const unitsOf = (name: string): bigint => {
    const q = node.capacity[name];
    return q === undefined ? 0n : wholeUnits(q, 'floor');
  };
  const devices = [unitsOf('aws.amazon.com/neuron'), unitsOf('aws.amazon.com/neurondevice')].reduce((a, b) => (a > b ? a : b));
  const labelled = integerLabel(node.labels['karpenter.k8s.aws/instance-accelerator-count']);
  const cores = unitsOf('aws.amazon.com/neuroncore');
  const base = devices > 0n ? devices : labelled !== null && labelled > 0 ? BigInt(labelled) : 0n;
  const coresPerDevice = base > 0n && cores > 0n && cores % base === 0n ? cores / base : null;
  return { hasDevices: devices > 0n, coresPerDevice };
}

export function neuronModel(labels: Labels): string | null {
  return nonEmpty(labels['karpenter.k8s.aws/instance-accelerator-name']) ?? genericModel('aws', labels);
}

/** A NeuronCore: a second unit over the same chips, so its physical share is counted from the devices. */
export function neuronCore(resource: string, units: bigint, labels: Labels, neuron: NeuronShape, warn: Warn): AcceleratorShape {
  const perDevice = neuron.coresPerDevice;
  if (perDevice === null) {
    warn(`${resource}: cannot tell NeuronCores per device (no aws.amazon.com/neuron resource or accelerator-count label); counting a core as one device`);
  }
  const each = perDevice === null ? ONE : rational(1n, perDevice);
  return {
    vendor: 'aws',
    model: neuronModel(labels),
    sharing: 'partition',
    migProfile: null,
    replicas: 1,
    unit: 'core',
    gpuEquivalent: each,
    physical: neuron.hasDevices ? ZERO : rational(units * each.numerator, each.denominator),
  };
}
