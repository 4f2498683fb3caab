import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectivePodRequests } from '../../../src/inventory/pod-requests.js';
import { formatResourceList } from '../../../src/resources.js';
import { aPod, type PodBuilder } from '../../builders/kube.js';

function effective(pod: PodBuilder): Record<string, string> {
  return formatResourceList(effectivePodRequests(pod.parsed()).quota);
}

describe('effectivePodRequests', () => {
  const cases: { name: string; pod: PodBuilder; expected: Record<string, string> }[] = [
    {
      name: 'sums the app containers',
      pod: aPod('ns', 'p').container({ cpu: '500m', memory: '1Gi' }).container({ cpu: '1500m', memory: '512Mi', 'nvidia.com/gpu': '1' }),
      expected: { cpu: '2', memory: '1536Mi', 'nvidia.com/gpu': '1' },
    },
    {
      name: 'takes an init container that asks for more than the app containers, per resource',
      pod: aPod('ns', 'p').initContainer({ cpu: '4', memory: '2Gi' }).container({ cpu: '1', memory: '8Gi', 'nvidia.com/gpu': '1' }),
      expected: { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': '1' },
    },
    {
      name: 'takes the largest init container, not their sum, since they run one after another',
      pod: aPod('ns', 'p').initContainer({ cpu: '3' }).initContainer({ cpu: '2' }).container({ cpu: '1' }),
      expected: { cpu: '3' },
    },
    {
      name: 'adds sidecars to the app containers because they keep running',
      pod: aPod('ns', 'p').sidecar({ cpu: '250m', memory: '64Mi' }).container({ cpu: '1', memory: '1Gi' }),
      expected: { cpu: '1250m', memory: '1088Mi' },
    },
    {
      name: 'adds the sidecars started before an init container to that init container',
      // sidecar 1 runs while init 2 runs: 1 + 3 = 4 > app total 1 + 1 = 2.
      pod: aPod('ns', 'p').sidecar({ cpu: '1' }).initContainer({ cpu: '3' }).container({ cpu: '1' }),
      expected: { cpu: '4' },
    },
    {
      name: 'does not add a sidecar started after an init container to it',
      // init 3 runs alone; then sidecar 2 + app 2 = 4 > 3.
      pod: aPod('ns', 'p').initContainer({ cpu: '3' }).sidecar({ cpu: '2' }).container({ cpu: '2' }),
      expected: { cpu: '4' },
    },
    {
      name: 'adds spec.overhead after the max',
      pod: aPod('ns', 'p').initContainer({ cpu: '2' }).container({ cpu: '1', memory: '100Mi' }).withOverhead({ cpu: '250m', memory: '120Mi' }),
      expected: { cpu: '2250m', memory: '220Mi' },
    },
    {
      name: 'requests its limit for a resource that has a limit but no request, as API defaulting does',
      pod: aPod('ns', 'p').container({ cpu: '1' }, { cpu: '2', 'nvidia.com/gpu': '2' }),
      expected: { cpu: '1', 'nvidia.com/gpu': '2' },
    },
    {
      name: 'uses pod-level cpu and memory requests instead of the container sum when set',
      pod: aPod('ns', 'p').container({ cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' }).container({ cpu: '1' }).withPodLevelRequests({ cpu: '3', memory: '4Gi' }),
      expected: { cpu: '3', memory: '4Gi', 'nvidia.com/gpu': '1' },
    },
    {
      name: 'is empty for a best-effort pod',
      pod: aPod('ns', 'p').container({}),
      expected: {},
    },
    {
      name: 'pod-level requests replace every hugepages-* they name, not only cpu and memory',
      pod: aPod('ns', 'p').container({ cpu: '1', 'hugepages-2Mi': '4Mi', 'hugepages-1Gi': '1Gi' }).withPodLevelRequests({ cpu: '2', 'hugepages-2Mi': '16Mi' }),
      expected: { cpu: '2', 'hugepages-1Gi': '1Gi', 'hugepages-2Mi': '16Mi' },
    },
    {
      name: 'pod-level limits alone default the pod requests: cpu and memory from the containers, the rest from the limits',
      pod: aPod('ns', 'p').container({ cpu: '1' }).withPodLevelLimits({ cpu: '4', memory: '8Gi' }),
      expected: { cpu: '1', memory: '8Gi' },
    },
    {
      name: 'a container being resized counts the largest of its spec, what the kubelet actuated and what it allocated',
      pod: aPod('ns', 'p').container({ cpu: '1', memory: '4Gi' }).withContainerStatus('c0', { actuated: { cpu: '2', memory: '1Gi' }, allocated: { cpu: '3' } }),
      expected: { cpu: '3', memory: '4Gi' },
    },
    {
      name: 'an Infeasible resize counts what the kubelet actuated and allocated, not the spec it cannot reach',
      pod: aPod('ns', 'p')
        .container({ cpu: '16', memory: '4Gi' })
        .withContainerStatus('c0', { actuated: { cpu: '2', memory: '1Gi' }, allocated: { cpu: '2', memory: '1Gi' } })
        .resizePending('Infeasible'),
      expected: { cpu: '2', memory: '1Gi' },
    },
    {
      name: 'a Deferred resize still counts the spec',
      pod: aPod('ns', 'p').container({ cpu: '16' }).withContainerStatus('c0', { actuated: { cpu: '2' }, allocated: { cpu: '2' } }).resizePending('Deferred'),
      expected: { cpu: '16' },
    },
    {
      name: 'without a reported resources field the status is ignored (the kubelet has not actuated anything yet)',
      pod: aPod('ns', 'p').container({ cpu: '1' }).withContainerStatus('c0', { allocated: { cpu: '8' } }),
      expected: { cpu: '1' },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(effective(c.pod), c.expected));

  it('a pod-level resize counts on the node (the scheduler) but not in quota, which reads the spec', () => {
    const pod = aPod('ns', 'p').container({ cpu: '1' }).withPodLevelRequests({ cpu: '2' }).withPodLevelStatus({ actuated: { cpu: '6' }, allocated: { cpu: '4' } });
    const requests = effectivePodRequests(pod.parsed());
    assert.deepEqual([formatResourceList(requests.quota), formatResourceList(requests.scheduler)], [{ cpu: '2' }, { cpu: '6' }]);
  });
});
