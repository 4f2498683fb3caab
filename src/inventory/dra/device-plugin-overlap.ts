/**
 * GPUs published twice on one node: by the vendor's device plugin (the node's `nvidia.com/gpu`,
 * `nvidia.com/mig-1g.10gb`, ...) and by the vendor's DRA driver (ResourceSlices of `gpu.nvidia.com` for that node).
 * The two allocate the same GPUs without knowing of each other, which is why NVIDIA's DRA driver documentation says
 * to run one or the other on a node. KEP-5004 settles it only for pods asking a class's extendedResourceName
 * (extended-resources.ts); a ResourceClaim of any class still gets the DRA device there, and a class without an
 * extendedResourceName (`mig.nvidia.com`) is not settled at all. A device plugin names no uuid, so quotaplan cannot
 * tell which DRA device is which of the plugin's GPUs: it can tell that a node has both.
 *
 * Such a node's GPUs are counted once, from the device plugin: its figures (allocatable, `physicalAccelerators`,
 * pool and model) are what the kubelet admits pods against, what quotas on the device-plugin resource enforce and
 * what every node total and the history already count. A DRA device every node of which is such a node is
 * `alsoByDevicePlugin`: left out of `plannable` and of the physical-GPU totals (capacity.ts, physical.ts), with a
 * warning per node.
 */
import { compareText } from '../../text-order.js';
import type { AcceleratorFacts, Vendor } from '../types.js';

/** DRA drivers that publish a vendor's GPUs (or Gaudi accelerators), and that vendor as the device-plugin taxonomy names it (accelerators.ts). */
const GPU_DRIVERS: ReadonlyMap<string, Vendor> = new Map<string, Vendor>([
  ['gpu.nvidia.com', 'nvidia'], // kubernetes-sigs/dra-driver-nvidia-gpu (its compute-domain.nvidia.com driver publishes no GPU)
  ['gpu.amd.com', 'amd'], // ROCm/k8s-gpu-dra-driver
  ['gpu.intel.com', 'intel'], // intel/intel-resource-drivers-for-kubernetes
  ['gaudi.intel.com', 'habana'], // the same, for Gaudi (habana.ai/gaudi by device plugin)
]);

/** A node's accelerator resources, as the inventory classifies them (NodeFacts.accelerators). */
export type DevicePluginAccelerators = readonly Pick<AcceleratorFacts, 'resource' | 'vendor' | 'capacity'>[];

/**
 * The device-plugin resources of a node that publish the same vendor's devices as DRA driver `driver` (capacity
 * above zero, as the node's physical count reads them), sorted; none for a driver of no known GPU vendor.
 */
export function devicePluginResourcesBeside(driver: string, accelerators: DevicePluginAccelerators): string[] {
  const vendor = GPU_DRIVERS.get(driver);
  if (vendor === undefined) return [];
  return accelerators
    .filter((a) => a.vendor === vendor && a.capacity.nanos > 0n)
    .map((a) => a.resource)
    .sort(compareText);
}
