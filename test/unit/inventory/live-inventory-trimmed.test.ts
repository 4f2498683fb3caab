/**
 * What a watching collector keeps in memory: the LiveInventory holds per object only its facts, never the object. An
 * object as the API server sends it (managedFields, annotations, owner references, env, images, conditions) goes in;
 * only the facts the inventory needs are held.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveInventory } from '../../../src/inventory/live-inventory.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { parseQuantity } from '../../../src/quantity.js';

/** Strings that appear only in fields the inventory does not need: none may be held. */
const noise = ['managedFields', 'kubectl-client-side-apply', 'last-applied', 'ownerReferences', 'replicaset-7d9f', 'NOISE_ENV', 'registry.example/trainer', 'creationTimestamp', 'uid-rs', 'uid-machine', 'Kubelet is posting'];

const managedFields = [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }];
const metadataNoise = {
  uid: 'uid-1234',
  resourceVersion: '4242',
  creationTimestamp: '2026-01-01T00:00:00Z',
  annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"last-applied": true}' },
  managedFields,
};

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'trainer-0',
    namespace: 'team-a',
    labels: { app: 'trainer' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'replicaset-7d9f', uid: 'uid-rs', controller: true }],
    ...metadataNoise,
  },
  spec: {
    nodeName: 'gpu-1',
    containers: [
      {
        name: 'main',
        image: 'registry.example/trainer:1.0',
        env: [{ name: 'NOISE_ENV', value: 'x'.repeat(1000) }],
        resources: { requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } },
      },
    ],
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', message: 'Kubelet is posting ready status' }],
    containerStatuses: [{ name: 'main', image: 'registry.example/trainer:1.0', ready: true, restartCount: 0 }],
  },
};

const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' }, ...metadataNoise }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };

const node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'gpu-1', labels: { 'kubernetes.io/hostname': 'gpu-1' }, ...metadataNoise },
  spec: { podCIDR: '10.0.0.0/24' },
  status: {
    capacity: { cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': '8' },
    allocatable: { cpu: '63', memory: '500Gi', pods: '110', 'nvidia.com/gpu': '8' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'Kubelet is posting ready status' }],
    images: [{ names: ['registry.example/trainer:1.0'], sizeBytes: 123456789 }],
    nodeInfo: { kubeletVersion: 'v1.36.3', osImage: 'Ubuntu', machineID: 'uid-machine' },
  },
};

describe('the live inventory holds facts, not objects', () => {
  const live = new LiveInventory();
  for (const object of [namespace, node, pod]) live.upsert(parseObject(structuredClone(object), { file: 'test' }));

  it('a pod: its namespace, node and effective requests, and (asking for an extended resource) its uid, nothing else', () => {
    assert.deepEqual([...live.held('Pod')], [
      [
        'team-a/trainer-0',
        {
          namespace: 'team-a',
          nodeName: 'gpu-1',
          // Effective requests only (pod-requests.ts): the limits are not kept.
          quota: { cpu: parseQuantity('2'), memory: parseQuantity('8Gi'), 'nvidia.com/gpu': parseQuantity('1') },
          scheduler: { cpu: parseQuantity('2'), memory: parseQuantity('8Gi'), 'nvidia.com/gpu': parseQuantity('1') },
          queuedReason: undefined,
          // It asks for nvidia.com/gpu: a claim the scheduler made for it is covered only by a pod of this uid (KEP-5004).
          uid: 'uid-1234',
        },
      ],
    ]);
  });

  it('a pod asking for no extended resource keeps no uid', () => {
    const cpuOnly = new LiveInventory();
    const spec = { ...pod.spec, containers: [{ ...pod.spec.containers[0], resources: { requests: { cpu: '2' } } }] };
    cpuOnly.upsert(parseObject(structuredClone({ ...pod, spec }), { file: 'test' }));
    const held = [...cpuOnly.held('Pod').values()] as Record<string, unknown>[];
    assert.deepEqual(held.map((entry) => 'uid' in entry), [false]);
  });

  it('a namespace: its name and labels', () => {
    assert.deepEqual([...live.held('Namespace')], [['team-a', { name: 'team-a', labels: { team: 'a' } }]]);
  });

  it('no kind holds managedFields, annotations, owner references, env, images, conditions or timestamps; only the GPU pod its uid', () => {
    for (const kind of ['Pod', 'Namespace', 'Node']) {
      const held = [...live.held(kind).values()];
      assert.equal(held.length, 1, kind);
      const text = JSON.stringify(held, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
      assert.deepEqual(noise.filter((word) => text.includes(word)), [], `${kind} holds ${text}`);
      assert.equal(text.includes('uid-1234'), kind === 'Pod', `${kind} holds ${text}`);
    }
  });
});
