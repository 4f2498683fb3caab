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
const noise = ['managedFields', 'kubectl-client-side-apply', 'last-applied', 'ownerReferences', 'replicaset-7d9f', 'NOISE_ENV', 'registry.example/trainer', 'creationTimestamp', 'uid-', 'Kubelet is posting'];

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

  it('a pod: its namespace, node and effective requests, nothing else', () => {
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
        },
      ],
    ]);
  });

  it('a namespace: its name and labels', () => {
    assert.deepEqual([...live.held('Namespace')], [['team-a', { name: 'team-a', labels: { team: 'a' } }]]);
  });

  it('no kind holds managedFields, annotations, owner references, env, images, conditions or timestamps', () => {
    for (const kind of ['Pod', 'Namespace', 'Node']) {
      const held = [...live.held(kind).values()];
      assert.equal(held.length, 1, kind);
      const text = JSON.stringify(held, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
      assert.deepEqual(noise.filter((word) => text.includes(word)), [], `${kind} holds ${text}`);
    }
  });
});
