/**
 * One case per accelerator shape in domain.md section 1. Expected values are worked out by hand from the
 * labels and resources of each case (the comment on a case shows the arithmetic).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyResource } from '../../../src/inventory/accelerators.js';
import { nodeFacts } from '../../../src/inventory/node-facts.js';
import { formatQuantity } from '../../../src/quantity.js';
import { aNode, gfd, type NodeBuilder } from '../../builders/kube.js';

/** resource vendor model sharing migProfile replicas unit gpuEquivalent capacity */
type Row = [string, string, string | null, string, string | null, number, string, string, string];

function shape(node: NodeBuilder): { physical: number; accelerators: Row[]; warnings: string[] } {
  const { facts, warnings } = nodeFacts(node.parsed());
  return {
    physical: facts.physicalAccelerators,
    accelerators: facts.accelerators.map((a) => [
      a.resource,
      a.vendor,
      a.model,
      a.sharing,
      a.migProfile,
      a.replicas,
      a.unit,
      `${a.gpuEquivalent.numerator}/${a.gpuEquivalent.denominator}`,
      formatQuantity(a.capacity),
    ]),
    warnings,
  };
}

interface Case {
  name: string;
  node: NodeBuilder;
  physical: number;
  accelerators: Row[];
  warnings?: string[];
}

const cases: Case[] = [
  {
    name: 'whole NVIDIA GPUs named by GFD',
    node: aNode('n').withLabels(gfd('NVIDIA-H100-80GB-HBM3', 8)).withCapacity({ cpu: '64', 'nvidia.com/gpu': '8' }),
    physical: 8,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'NVIDIA-H100-80GB-HBM3', 'none', null, 1, 'device', '1/1', '8']],
  },
  {
    // gpu-operator#637: 2 whole GPUs + 6x1g (6/7) + 4x2g (8/7) = 2 + 14/7 = 4 GPUs.
    name: 'MIG mixed strategy: whole GPUs beside per-profile resources, never added as GPUs',
    node: aNode('n')
      .withLabels(gfd('NVIDIA-A100-SXM4-80GB', 4, { 'nvidia.com/mig.strategy': 'mixed' }))
      .withCapacity({ 'nvidia.com/gpu': '2', 'nvidia.com/mig-1g.10gb': '6', 'nvidia.com/mig-2g.20gb': '4', 'nvidia.com/mig-3g.40gb': '0' }),
    physical: 4,
    accelerators: [
      ['nvidia.com/gpu', 'nvidia', 'NVIDIA-A100-SXM4-80GB', 'none', null, 1, 'device', '1/1', '2'],
      ['nvidia.com/mig-1g.10gb', 'nvidia', 'NVIDIA-A100-SXM4-80GB', 'mig', '1g.10gb', 1, 'mig-slice', '1/7', '6'],
      ['nvidia.com/mig-2g.20gb', 'nvidia', 'NVIDIA-A100-SXM4-80GB', 'mig', '2g.20gb', 1, 'mig-slice', '2/7', '4'],
      ['nvidia.com/mig-3g.40gb', 'nvidia', 'NVIDIA-A100-SXM4-80GB', 'mig', '3g.40gb', 1, 'mig-slice', '3/7', '0'],
    ],
    warnings: ['node n: nvidia.com/mig-3g.40gb is 0 (stale: device plugin stopped, profile removed, or not yet ready)'],
  },
  {
    // 7 GPUs each cut 3x2g use 6 of 7 slices: 21 x 2/7 = 6, but GFD keeps gpu.count = 7 physical under mixed.
    name: 'MIG mixed strategy with partly unused GPUs takes the physical count from nvidia.com/gpu.count',
    node: aNode('n')
      .withLabels(gfd('NVIDIA-A100-SXM4-80GB', 7, { 'nvidia.com/mig.strategy': 'mixed' }))
      .withCapacity({ 'nvidia.com/mig-2g.20gb': '21' }),
    physical: 7,
    accelerators: [['nvidia.com/mig-2g.20gb', 'nvidia', 'NVIDIA-A100-SXM4-80GB', 'mig', '2g.20gb', 1, 'mig-slice', '2/7', '21']],
  },
  {
    name: 'a MIG profile with a media-extension suffix: `+` is written `.` in the resource name',
    node: aNode('n').withLabels(gfd('NVIDIA-H100-80GB-HBM3', 1)).withCapacity({ 'nvidia.com/mig-1g.10gb.me': '1', 'nvidia.com/mig-1g.10gb': '6' }),
    physical: 1,
    accelerators: [
      ['nvidia.com/mig-1g.10gb', 'nvidia', 'NVIDIA-H100-80GB-HBM3', 'mig', '1g.10gb', 1, 'mig-slice', '1/7', '6'],
      ['nvidia.com/mig-1g.10gb.me', 'nvidia', 'NVIDIA-H100-80GB-HBM3', 'mig', '1g.10gb+me', 1, 'mig-slice', '1/7', '1'],
    ],
  },
  {
    // single strategy: 56 slices of 1g.5gb; 7 fit on a 40GB A100 -> 8 GPUs. gpu.count=56 is the slice count.
    name: 'MIG single strategy: gpu.count is the slice count, physical GPUs come from the profile',
    node: aNode('n')
      .withLabels(gfd('NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', 56, { 'nvidia.com/mig.strategy': 'single' }))
      .withCapacity({ 'nvidia.com/gpu': '56' }),
    physical: 8,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'NVIDIA-A100-SXM4-40GB', 'mig', '1g.5gb', 1, 'mig-slice', '1/7', '56']],
  },
  {
    // 1g.20gb takes 2 of 8 memory slices of an 80GB H100: 4 fit per GPU, not 7. 32 / 4 = 8 GPUs.
    name: 'MIG single strategy with a memory-bound profile counts 4 instances per GPU',
    node: aNode('n')
      .withLabels(gfd('NVIDIA-H100-80GB-HBM3-MIG-1g.20gb', 32, { 'nvidia.com/mig.strategy': 'single' }))
      .withCapacity({ 'nvidia.com/gpu': '32' }),
    physical: 8,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'NVIDIA-H100-80GB-HBM3', 'mig', '1g.20gb', 1, 'mig-slice', '1/7', '32']],
  },
  {
    // No -MIG- suffix on the product: the uniform MIG config `all-1g.10gb` names the profile. 28 / 7 = 4 GPUs.
    name: 'MIG single strategy told by an all-<profile> MIG config',
    node: aNode('n')
      .withLabels({ 'nvidia.com/mig.strategy': 'single', 'nvidia.com/mig.config': 'all-1g.10gb', 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' })
      .withCapacity({ 'nvidia.com/gpu': '28' }),
    physical: 4,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'NVIDIA-A100-SXM4-80GB', 'mig', '1g.10gb', 1, 'mig-slice', '1/7', '28']],
  },
  {
    // A30 has 4 compute slices: 2g.12gb is 2/4 = 1/2 of a GPU; 2 fit per GPU -> 4 / 2 = 2 GPUs.
    name: 'MIG on an A30 counts 4 slices per GPU',
    node: aNode('n')
      .withLabels(gfd('NVIDIA-A30-MIG-2g.12gb', 4, { 'nvidia.com/mig.strategy': 'single' }))
      .withCapacity({ 'nvidia.com/gpu': '4' }),
    physical: 2,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'NVIDIA-A30', 'mig', '2g.12gb', 1, 'mig-slice', '1/2', '4']],
  },
  {
    name: 'GKE MIG partitions (single strategy) from gke-gpu-partition-size',
    node: aNode('n')
      .withLabels({ 'cloud.google.com/gke-accelerator': 'nvidia-tesla-a100', 'cloud.google.com/gke-gpu-partition-size': '1g.5gb', 'cloud.google.com/gke-nodepool': 'a100-mig' })
      .withCapacity({ 'nvidia.com/gpu': '14' }),
    physical: 2,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'nvidia-tesla-a100', 'mig', '1g.5gb', 1, 'mig-slice', '1/7', '14']],
  },
  {
    name: 'time-slicing renamed to nvidia.com/gpu.shared: 4 GPUs x 10 replicas',
    node: aNode('n')
      .withLabels(gfd('Tesla-T4', 4, { 'nvidia.com/gpu.replicas': '10', 'nvidia.com/gpu.sharing-strategy': 'time-slicing' }))
      .withCapacity({ 'nvidia.com/gpu.shared': '40' }),
    physical: 4,
    accelerators: [['nvidia.com/gpu.shared', 'nvidia', 'Tesla-T4', 'time-slicing', null, 10, 'replica', '1/10', '40']],
  },
  {
    name: 'MPS sharing: 2 GPUs x 4 replicas',
    node: aNode('n')
      .withLabels(gfd('NVIDIA-L4', 2, { 'nvidia.com/gpu.replicas': '4', 'nvidia.com/gpu.sharing-strategy': 'mps' }))
      .withCapacity({ 'nvidia.com/gpu': '8' }),
    physical: 2,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'NVIDIA-L4', 'mps', null, 4, 'replica', '1/4', '8']],
  },
  {
    // k8s-device-plugin#990: replicas: 4 configured, capacity stays 1 = gpu.count.
    name: 'a time-slicing config that did not apply counts whole GPUs and warns',
    node: aNode('n')
      .withLabels(gfd('NVIDIA-A100-PCIE-80GB', 1, { 'nvidia.com/gpu.replicas': '4', 'nvidia.com/gpu.sharing-strategy': 'time-slicing' }))
      .withCapacity({ 'nvidia.com/gpu': '1' }),
    physical: 1,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'NVIDIA-A100-PCIE-80GB', 'none', null, 1, 'device', '1/1', '1']],
    warnings: ['node n: nvidia.com/gpu: 1 units on 1 GPUs (nvidia.com/gpu.count) means 1 per GPU, but labels say 4 replicas; using 1'],
  },
  {
    // k8s-device-plugin#732: renameByDefault with 50 replicas, GFD labelled replicas=1.
    name: 'a shared resource whose replicas label says 1 takes replicas from units / gpu.count',
    node: aNode('n').withLabels(gfd('Tesla-T4', 1)).withCapacity({ 'nvidia.com/gpu.shared': '50' }),
    physical: 1,
    accelerators: [['nvidia.com/gpu.shared', 'nvidia', 'Tesla-T4', 'time-slicing', null, 50, 'replica', '1/50', '50']],
    warnings: ['node n: nvidia.com/gpu.shared: 50 units on 1 GPUs (nvidia.com/gpu.count) means 50 per GPU, but labels say 1 replicas; using 50'],
  },
  {
    name: 'GKE time-sharing: replicas from gke-max-shared-clients-per-gpu',
    node: aNode('n')
      .withLabels({
        'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4',
        'cloud.google.com/gke-gpu-sharing-strategy': 'time-sharing',
        'cloud.google.com/gke-max-shared-clients-per-gpu': '3',
      })
      .withCapacity({ 'nvidia.com/gpu': '6' }),
    physical: 2,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'nvidia-tesla-t4', 'time-slicing', null, 3, 'replica', '1/3', '6']],
  },
  {
    name: 'time-sliced MIG slices: 2 replicas of a 1g.10gb slice are 1/14 of a GPU each',
    node: aNode('n')
      .withLabels(gfd('NVIDIA-A100-SXM4-80GB', 1, { 'nvidia.com/mig.strategy': 'mixed', 'nvidia.com/gpu.sharing-strategy': 'time-slicing', 'nvidia.com/mig-1g.10gb.replicas': '2' }))
      .withCapacity({ 'nvidia.com/mig-1g.10gb.shared': '14' }),
    physical: 1,
    accelerators: [['nvidia.com/mig-1g.10gb.shared', 'nvidia', 'NVIDIA-A100-SXM4-80GB', 'time-slicing', '1g.10gb', 2, 'replica', '1/14', '14']],
  },
  {
    name: 'EKS with Karpenter: model from instance-gpu-name',
    node: aNode('n')
      .withLabels({ 'karpenter.k8s.aws/instance-gpu-name': 'a10g', 'karpenter.sh/nodepool': 'gpu', 'node.kubernetes.io/instance-type': 'g5.xlarge' })
      .withCapacity({ 'nvidia.com/gpu': '1' }),
    physical: 1,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'a10g', 'none', null, 1, 'device', '1/1', '1']],
  },
  {
    name: 'AKS: model from the instance type',
    node: aNode('n')
      .withLabels({ 'kubernetes.azure.com/accelerator': 'nvidia', 'node.kubernetes.io/instance-type': 'Standard_NC24ads_A100_v4', 'kubernetes.azure.com/agentpool': 'gpupool' })
      .withCapacity({ 'nvidia.com/gpu': '1' }),
    physical: 1,
    accelerators: [['nvidia.com/gpu', 'nvidia', 'Standard_NC24ads_A100_v4', 'none', null, 1, 'device', '1/1', '1']],
  },
  {
    name: 'whole AMD GPUs named by the labeller',
    node: aNode('n').withLabels({ 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X', 'amd.com/gpu.family': 'AI' }).withCapacity({ 'amd.com/gpu': '8' }),
    physical: 8,
    accelerators: [['amd.com/gpu', 'amd', 'AMD_Instinct_MI300X', 'none', null, 1, 'device', '1/1', '8']],
  },
  {
    // CPX gives one partition per XCD: 8 on MI300X, so 64 partitions are 8 GPUs.
    name: 'AMD CPX partitions under the mixed naming strategy are 1/8 of an MI300X',
    node: aNode('n').withLabels({ 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X' }).withCapacity({ 'amd.com/cpx_nps4': '64' }),
    physical: 8,
    accelerators: [['amd.com/cpx_nps4', 'amd', 'AMD_Instinct_MI300X', 'partition', null, 1, 'partition', '1/8', '64']],
  },
  {
    name: 'AMD CPX partitions under the single naming strategy, told by compute-memory-partition',
    node: aNode('n')
      .withLabels({ 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X', 'amd.com/gpu.compute-memory-partition': 'cpx_nps4' })
      .withCapacity({ 'amd.com/gpu': '64' }),
    physical: 8,
    accelerators: [['amd.com/gpu', 'amd', 'AMD_Instinct_MI300X', 'partition', null, 1, 'partition', '1/8', '64']],
  },
  {
    // ROCm/gpu-operator#382 shape: amd.com/gpu left at 0 beside the partition resource.
    name: 'AMD DPX partitions beside a stale amd.com/gpu: 0',
    node: aNode('n').withLabels({ 'amd.com/gpu.product-name': 'AMD_Instinct_MI300X' }).withCapacity({ 'amd.com/gpu': '0', 'amd.com/dpx_nps1': '16' }),
    physical: 8,
    accelerators: [
      ['amd.com/dpx_nps1', 'amd', 'AMD_Instinct_MI300X', 'partition', null, 1, 'partition', '1/2', '16'],
      ['amd.com/gpu', 'amd', 'AMD_Instinct_MI300X', 'none', null, 1, 'device', '1/1', '0'],
    ],
    warnings: ['node n: amd.com/gpu is 0 (stale: device plugin stopped, profile removed, or not yet ready)'],
  },
  {
    name: 'Intel GPUs: the monitoring pseudo-resources are not accelerators',
    node: aNode('n')
      .withLabels({ 'gpu.intel.com/device-id.0300-56c0.present': 'true', 'gpu.intel.com/device-id.0300-56c0.count': '2' })
      .withCapacity({ 'gpu.intel.com/i915': '2', 'gpu.intel.com/i915_monitoring': '1', 'gpu.intel.com/monitoring': '0' }),
    physical: 2,
    accelerators: [['gpu.intel.com/i915', 'intel', 'intel-56c0', 'none', null, 1, 'device', '1/1', '2']],
  },
  {
    // -shared-dev-num 10: 20 units over 2 devices counted by NFD.
    name: 'Intel shared-dev-num multiplies the count with no label: replicas = units / NFD device count',
    node: aNode('n')
      .withLabels({ 'gpu.intel.com/device-id.0300-56c0.present': 'true', 'gpu.intel.com/device-id.0300-56c0.count': '2' })
      .withCapacity({ 'gpu.intel.com/i915': '20' }),
    physical: 2,
    accelerators: [['gpu.intel.com/i915', 'intel', 'intel-56c0', 'time-slicing', null, 10, 'replica', '1/10', '20']],
  },
  {
    // trn1.32xlarge: 16 devices, 32 cores. Never 48.
    name: 'AWS Neuron devices and cores on one node: physical from devices, a core is half a device',
    node: aNode('n')
      .withLabels({ 'karpenter.k8s.aws/instance-accelerator-name': 'trainium', 'node.kubernetes.io/instance-type': 'trn1.32xlarge' })
      .withCapacity({ 'aws.amazon.com/neuron': '16', 'aws.amazon.com/neuroncore': '32' }),
    physical: 16,
    accelerators: [
      ['aws.amazon.com/neuron', 'aws', 'trainium', 'none', null, 1, 'device', '1/1', '16'],
      ['aws.amazon.com/neuroncore', 'aws', 'trainium', 'partition', null, 1, 'core', '1/2', '32'],
    ],
  },
  {
    name: 'AWS NeuronCores alone: devices from the Karpenter accelerator count',
    node: aNode('n')
      .withLabels({ 'karpenter.k8s.aws/instance-accelerator-name': 'inferentia', 'karpenter.k8s.aws/instance-accelerator-count': '6' })
      .withCapacity({ 'aws.amazon.com/neuroncore': '12' }),
    physical: 6,
    accelerators: [['aws.amazon.com/neuroncore', 'aws', 'inferentia', 'partition', null, 1, 'core', '1/2', '12']],
  },
  {
    name: 'Habana Gaudi devices, model from the instance type',
    node: aNode('n').withLabels({ 'node.kubernetes.io/instance-type': 'dl1.24xlarge' }).withCapacity({ 'habana.ai/gaudi': '8' }),
    physical: 8,
    accelerators: [['habana.ai/gaudi', 'habana', 'dl1.24xlarge', 'none', null, 1, 'device', '1/1', '8']],
  },
  {
    name: 'Google TPU chips, model from gke-tpu-accelerator',
    node: aNode('n').withLabels({ 'cloud.google.com/gke-tpu-accelerator': 'tpu-v5-lite-podslice' }).withCapacity({ 'google.com/tpu': '4' }),
    physical: 4,
    accelerators: [['google.com/tpu', 'google', 'tpu-v5-lite-podslice', 'none', null, 1, 'device', '1/1', '4']],
  },
  {
    name: 'other extended resources are not accelerators',
    node: aNode('n').withCapacity({ cpu: '8', 'hugepages-1Gi': '0', 'cerit.io/gpu-count': '2', 'rdma/hca_shared_devices_a': '1000', 'smarter-devices/fuse': '20' }),
    physical: 0,
    accelerators: [],
  },
];

describe('accelerator facts per node shape', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = shape(c.node);
      assert.deepEqual(got.accelerators, c.accelerators);
      assert.equal(got.physical, c.physical);
      assert.deepEqual(got.warnings, c.warnings ?? []);
    });
  }
});

describe('classifyResource', () => {
  it('knows the accelerator resources and nothing else', () => {
    const accelerators = ['nvidia.com/gpu', 'nvidia.com/gpu.shared', 'nvidia.com/mig-3g.71gb', 'amd.com/gpu', 'amd.com/spx_nps1', 'gpu.intel.com/xe', 'habana.ai/gaudi', 'google.com/tpu', 'aws.amazon.com/neuron', 'aws.amazon.com/neurondevice', 'aws.amazon.com/neuroncore', 'example.com/gpu'];
    const others = ['cpu', 'memory', 'pods', 'ephemeral-storage', 'hugepages-2Mi', 'gpu.intel.com/monitoring', 'gpu.intel.com/i915_monitoring', 'gpu.intel.com/millicores', 'nvidia.com/mig-bogus', 'cerit.io/gpu-mem'];
    assert.deepEqual(accelerators.filter((r) => classifyResource(r) === null), []);
    assert.deepEqual(others.filter((r) => classifyResource(r) !== null), []);
  });
});
