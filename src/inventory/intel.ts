/** Intel GPUs (intel-device-plugins-for-kubernetes gpu_plugin, NFD labels). */
import { rational } from '../rational.js';
import { genericModel, integerLabel, type AcceleratorShape, type Labels, type Warn } from './accelerator-shape.js';

/**
 * Intel GPUs: NFD labels `gpu.intel.com/device-id.<class>-<id>.count` count physical devices; the plugin's
 * `-shared-dev-num` multiplies the resource with no label recording it, so replicas = units / devices.
 */
export function intelGpu(resource: string, units: bigint, labels: Labels, warn: Warn): AcceleratorShape {
  const ids: string[] = [];
  let devices = 0;
  for (const [key, value] of Object.entries(labels)) {
    const match = /^gpu\.intel\.com\/device-id\.(\d{4})-([0-9a-f]{4})\.count$/.exec(key);
    if (match === null) continue;
    ids.push(match[2] ?? '');
    devices += integerLabel(value) ?? 0;
  }
  for (const key of Object.keys(labels)) {
    const present = /^gpu\.intel\.com\/device-id\.\d{4}-([0-9a-f]{4})\.present$/.exec(key);
    if (present !== null && !ids.includes(present[1] ?? '')) ids.push(present[1] ?? '');
  }
  ids.sort();
  const model = ids.length > 0 ? `intel-${ids.join('+')}` : genericModel('intel', labels);
  let replicas = 1;
  if (devices > 0 && units > BigInt(devices)) {
    if (units % BigInt(devices) === 0n) replicas = Number(units / BigInt(devices));
    else warn(`${resource}: ${units} units over ${devices} devices (NFD count) is not a whole number of shares`);
  }
  return {
    vendor: 'intel',
    model,
    sharing: replicas > 1 ? 'time-slicing' : 'none',
    migProfile: null,
    replicas,
    unit: replicas > 1 ? 'replica' : 'device',
    gpuEquivalent: rational(1n, BigInt(replicas)),
    physical: rational(units, BigInt(replicas)),
  };
}
