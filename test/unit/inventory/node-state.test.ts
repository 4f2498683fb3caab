import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { nodeFacts, poolOf } from '../../../src/inventory/node-facts.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { formatResourceList } from '../../../src/resources.js';
import { aLimitRange, aNamespaceObject, aNode, aPod, aProfile, aResourceQuota } from '../../builders/kube.js';

describe('node state', () => {
  it('reads the pool from GKE, EKS, Karpenter and AKS labels', () => {
    assert.deepEqual(
      ([
        { 'cloud.google.com/gke-nodepool': 'gke-pool' },
        { 'eks.amazonaws.com/nodegroup': 'eks-group' },
        { 'karpenter.sh/nodepool': 'karp' },
        { 'kubernetes.azure.com/agentpool': 'aks-pool' },
        {},
      ] as Record<string, string>[]).map((labels) => poolOf(labels)),
      ['gke-pool', 'eks-group', 'karp', 'aks-pool', null],
    );
  });

  it('keeps taints and tells cordoned from schedulable and ready from not ready', () => {
    const { facts } = nodeFacts(aNode('n').withTaint('nvidia.com/gpu', 'NoSchedule', 'present').withTaint('dedicated', 'NoExecute').cordoned().notReady().parsed());
    assert.deepEqual([facts.ready, facts.schedulable, facts.taints], [
      false,
      false,
      [
        { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
        { key: 'dedicated', effect: 'NoExecute' },
      ],
    ]);
  });

  it('is transitional while the MIG manager reconfigures the node', () => {
    const pending = nodeFacts(aNode('n').withLabels({ 'nvidia.com/mig.config.state': 'pending' }).withCapacity({ 'nvidia.com/gpu': '2' }).parsed());
    const paused = nodeFacts(
      aNode('n').withLabels({ 'nvidia.com/mig.config.state': 'rebooting', 'nvidia.com/gpu.deploy.device-plugin': 'paused-for-mig-change' }).withCapacity({ 'nvidia.com/gpu': '2' }).parsed(),
    );
    const done = nodeFacts(aNode('n').withLabels({ 'nvidia.com/mig.config.state': 'success' }).withCapacity({ 'nvidia.com/gpu': '2' }).parsed());
    assert.deepEqual(pending.facts.transitionalReasons, ['mig-config-pending']);
    assert.deepEqual(paused.facts.transitionalReasons, ['mig-config-pending', 'device-plugin-paused']);
    assert.deepEqual([done.facts.transitional, done.facts.transitionalReasons], [false, []]);
  });

  it('is transitional while the AMD Device Config Manager repartitions the GPUs', () => {
    const applying = nodeFacts(
      aNode('n').withLabels({ 'dcm.amd.com/gpu-config-profile': 'cpx-nps4', 'dcm.amd.com/gpu-config-profile-state': 'in-progress' }).withCapacity({ 'amd.com/gpu': '8' }).parsed(),
    );
    assert.deepEqual(applying.facts.transitionalReasons, ['partition-config-pending']);
  });

  it('is transitional when labelled as a GPU node but advertising no GPU yet (cluster-autoscaler rule)', () => {
    const { facts, warnings } = nodeFacts(aNode('gke-new').withLabels({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' }).withCapacity({ cpu: '8', 'nvidia.com/gpu': '0' }).parsed());
    assert.deepEqual(facts.transitionalReasons, ['accelerator-not-ready']);
    assert.deepEqual(facts.staleZeroResources, ['nvidia.com/gpu']);
    assert.deepEqual(warnings, [
      'node gke-new: transitional (accelerator-not-ready); its capacity is not plannable',
      'node gke-new: nvidia.com/gpu is 0 (stale: device plugin stopped, profile removed, or not yet ready)',
    ]);
  });

  it('reports devices the plugin marked unhealthy as capacity - allocatable', () => {
    const { facts } = nodeFacts(aNode('n').withCapacity({ cpu: '8', 'nvidia.com/gpu': '8' }).withAllocatable({ cpu: '7500m', 'nvidia.com/gpu': '5' }).parsed());
    // cpu reservations are not unhealthy devices: only accelerators are reported.
    assert.deepEqual(formatResourceList(facts.unhealthy), { 'nvidia.com/gpu': '3' });
  });
});

describe('InventoryBuilder', () => {
  it('counts only ready, schedulable, non-transitional nodes as plannable', () => {
    const b = new InventoryBuilder();
    b.add(aNode('ok').withCapacity({ cpu: '4', 'nvidia.com/gpu': '2' }).parsed());
    b.add(aNode('down').notReady().withCapacity({ cpu: '8', 'nvidia.com/gpu': '8' }).parsed());
    b.add(aNode('cordoned').cordoned().withCapacity({ cpu: '16' }).parsed());
    b.add(aNode('mig').withLabels({ 'nvidia.com/mig.config.state': 'pending' }).withCapacity({ cpu: '32', 'nvidia.com/gpu': '1' }).parsed());
    assert.deepEqual(formatResourceList(b.build().plannable), { cpu: '4', 'nvidia.com/gpu': '2' });
  });

  it('folds pods into namespace and node totals as they arrive, ignoring Succeeded and Failed pods', () => {
    const b = new InventoryBuilder();
    b.add(aNamespaceObject('team-a', { team: 'a' }));
    b.add(aPod('team-a', 'p1').onNode('n1').container({ cpu: '1', 'nvidia.com/gpu': '1' }).parsed());
    b.add(aPod('team-a', 'p2').container({ cpu: '2' }).inPhase('Pending').parsed()); // unbound: quota counts it
    b.add(aPod('team-a', 'done').onNode('n1').container({ cpu: '50' }).inPhase('Succeeded').parsed());
    b.add(aPod('team-a', 'crashed').onNode('n1').container({ cpu: '50' }).inPhase('Failed').parsed());
    b.add(aPod('team-b', 'p3').onNode('n1').container({ memory: '1Gi' }).parsed()); // no Namespace object
    b.add(aNode('n1').withCapacity({ cpu: '8', memory: '16Gi', 'nvidia.com/gpu': '1' }).parsed());
    const inv = b.build();
    assert.deepEqual(
      inv.namespaces.map((ns) => [ns.name, ns.labels, ns.pods, formatResourceList(ns.requests)]),
      [
        ['team-a', { 'kubernetes.io/metadata.name': 'team-a', team: 'a' }, 2, { cpu: '3', 'nvidia.com/gpu': '1' }],
        ['team-b', {}, 1, { memory: '1Gi' }],
      ],
    );
    assert.deepEqual([inv.nodes[0]?.pods, formatResourceList(inv.nodes[0]?.requested ?? {})], [2, { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' }]);
  });

  it('warns about pods bound to a node it never saw', () => {
    const b = new InventoryBuilder();
    b.add(aPod('a', 'p').onNode('ghost').container({ cpu: '1' }).parsed());
    assert.deepEqual(b.build().warnings, ['node ghost: 1 pod(s) bound to a node not in the inventory']);
  });

  it('warns about quota keys that are never enforced and quotas the controller has not synced', () => {
    const b = new InventoryBuilder();
    b.add(parseObject(aResourceQuota('a', 'limits-only', { 'limits.nvidia.com/gpu': '4', 'nvidia.com/gpu': '4', 'requests.nvidia.com/gpu': '4' })));
    b.add(parseObject(aResourceQuota('b', 'new', { 'requests.cpu': '8' }, {}, {})));
    assert.deepEqual(b.build().warnings, [
      'resourcequota a/limits-only: limits.nvidia.com/gpu is accepted by the API but never enforced for extended resources; use requests.nvidia.com/gpu',
      'resourcequota a/limits-only: nvidia.com/gpu is accepted by the API but never enforced for extended resources; use requests.nvidia.com/gpu',
      'resourcequota b/new: status.hard differs from spec.hard; admission enforces status.hard (is the resourcequota controller running?)',
    ]);
  });

  it('keeps limit ranges and profiles sorted', () => {
    const b = new InventoryBuilder();
    b.add(parseObject(aLimitRange('z', 'defaults', { cpu: '100m', memory: '128Mi' })));
    b.add(parseObject(aProfile('zed', 'z@example.com', { 'requests.nvidia.com/gpu': '2' })));
    b.add(parseObject(aProfile('amy', 'a@example.com', {}, { team: 'x' })));
    const inv = b.build();
    assert.deepEqual(inv.limitRanges.map((l) => [l.namespace, l.name, l.limits.map((i) => [i.type, formatResourceList(i.defaultRequest)])]), [
      ['z', 'defaults', [['Container', { cpu: '100m', memory: '128Mi' }]]],
    ]);
    assert.deepEqual(inv.profiles.map((p) => [p.name, p.owner?.name, formatResourceList(p.hard), p.labels]), [
      ['amy', 'a@example.com', {}, { team: 'x' }],
      ['zed', 'z@example.com', { 'requests.nvidia.com/gpu': '2' }, {}],
    ]);
  });
});

describe('InventoryBuilder.build', () => {
  it('returns a value that later pods do not change', () => {
    const b = new InventoryBuilder();
    b.add(aNode('n1').withCapacity({ cpu: '8' }).parsed());
    b.add(aPod('a', 'p1').onNode('n1').container({ cpu: '1' }).parsed());
    const first = b.build();
    b.add(aPod('a', 'p2').onNode('n1').container({ cpu: '2' }).parsed());
    assert.deepEqual([formatResourceList(first.namespaces[0]?.requests ?? {}), formatResourceList(first.nodes[0]?.requested ?? {})], [{ cpu: '1' }, { cpu: '1' }]);
    assert.deepEqual(formatResourceList(b.build().namespaces[0]?.requests ?? {}), { cpu: '3' });
  });
});
