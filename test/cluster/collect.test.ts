import type { KubernetesObject } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { collectLive } from '../../src/collect/live.js';
import { loadClusterTarget } from '../../src/collect/kubeconfig.js';
import { createTransport, type ApiTransport } from '../../src/collect/transport.js';
import { formatResourceList } from '../../src/resources.js';
import { openStore } from '../../src/store/open.js';
import type { ClusterInventory } from '../../src/inventory/types.js';
import { clusterNodes, clusterWorkloads, physicalAcceleratorsByNode, quotasSettled, referenceInventory } from './collect-cluster.js';
import { controlPlaneSuiteOptions, seedObjects, startControlPlane, type ControlPlane } from './harness/index.js';

/** A transport that records every request it makes. */
function recording(inner: ApiTransport): ApiTransport & { requests: { path: string; query: Record<string, string>; protobuf: boolean }[] } {
  const requests: { path: string; query: Record<string, string>; protobuf: boolean }[] = [];
  return {
    server: inner.server,
    requests,
    close: () => inner.close(),
    get: (path, query = {}, options = {}) => {
      requests.push({ path, query, protobuf: options.protobuf ?? false });
      return inner.get(path, query, options);
    },
    stream: (path, query, options) => {
      requests.push({ path, query, protobuf: options.protobuf ?? false });
      return inner.stream(path, query, options);
    },
  };
}

describe('collecting a live cluster', await controlPlaneSuiteOptions(), () => {
  let plane: ControlPlane;
  let collected: ClusterInventory;
  let stored: ClusterInventory;
  let requests: { path: string; query: Record<string, string>; protobuf: boolean }[];

  before(async () => {
    plane = await startControlPlane();
    await seedObjects(plane.admin, [...clusterNodes(), ...clusterWorkloads()]);
    await quotasSettled(plane, 3);
    const target = loadClusterTarget({ kubeconfig: plane.kubeconfigPath });
    const transport = recording(createTransport(target.config));
    try {
      // A page size of 4 splits every list with more than 4 objects (16 nodes, 9 namespaces, 10 live pods).
      const result = await collectLive({ target, pageSize: 4, transport });
      collected = result.inventory;
      assert.equal(result.profilesFound, true);
      assert.deepEqual(result.counts, { nodes: 16, namespaces: 8, resourcequotas: 3, limitranges: 1, profiles: 2, deviceclasses: 0, resourceslices: 0, resourceclaims: 0, resourceflavors: 0, cohorts: 0, clusterqueues: 0, 'queues.scheduling.run.ai': 0, 'queues.scheduling.volcano.sh': 0, pods: 9 });
    } finally {
      transport.close();
    }
    requests = transport.requests;
    const store = await openStore({ file: ':memory:' });
    try {
      const summary = await store.saveSnapshot({
        cluster: { name: target.context, server: target.server, context: target.context },
        takenAt: new Date('2026-11-28T04:00:00Z'),
        source: { kind: 'live', ref: target.context },
        inventory: collected,
      });
      stored = await store.loadInventory(summary.id);
    } finally {
      store.close();
    }
  });

  after(async () => {
    await plane?.stop();
  });

  test('reads every list in pages of the requested size, following continue tokens', () => {
    const pages = (path: string): number => requests.filter((r) => r.path === path).length;
    assert.deepEqual(
      {
        nodes: pages('/api/v1/nodes'),
        namespaces: pages('/api/v1/namespaces'),
        resourcequotas: pages('/api/v1/resourcequotas'),
        limitranges: pages('/api/v1/limitranges'),
        profiles: pages('/apis/kubeflow.org/v1/profiles'),
        deviceclasses: pages('/apis/resource.k8s.io/v1/deviceclasses'),
        resourceslices: pages('/apis/resource.k8s.io/v1/resourceslices'),
        resourceclaims: pages('/apis/resource.k8s.io/v1/resourceclaims'),
        pods: pages('/api/v1/pods'),
      },
      // ceil(n / 4), and one page for lists of at most 4 (an empty list too).
      { nodes: 4, namespaces: 2, resourcequotas: 1, limitranges: 1, profiles: 1, deviceclasses: 1, resourceslices: 1, resourceclaims: 1, pods: 3 },
    );
    assert.ok(requests.every((r) => r.query.limit === '4'));
    assert.equal(requests.filter((r) => r.query.continue !== undefined).length, 3 + 1 + 2);
  });

  test('asks for Kubernetes protobuf by default for every kind with a protobuf form, JSON for Profiles, DRA kinds and the schedulers’ (custom resources)', () => {
    const json = [
      '/apis/kubeflow.org/v1/profiles',
      '/apis/resource.k8s.io/v1/deviceclasses',
      '/apis/resource.k8s.io/v1/resourceslices',
      '/apis/resource.k8s.io/v1/resourceclaims',
      '/apis/kueue.x-k8s.io/v1beta2/resourceflavors',
      '/apis/kueue.x-k8s.io/v1beta2/cohorts',
      '/apis/kueue.x-k8s.io/v1beta2/clusterqueues',
      '/apis/scheduling.run.ai/v2/queues',
      '/apis/scheduling.volcano.sh/v1beta1/queues',
    ];
    assert.ok(json.every((path) => requests.some((r) => r.path === path)));
    assert.ok(requests.every((r) => r.protobuf === !json.includes(r.path)));
  });

  test('asks the API server for non-terminal pods only', () => {
    const podQueries = requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.query.fieldSelector);
    assert.deepEqual(podQueries, Array(3).fill('status.phase!=Succeeded,status.phase!=Failed'));
  });

  test('stores exactly what a plain unpaginated read of the cluster gives', async () => {
    const reference = await referenceInventory(plane);
    assert.deepEqual(collected, reference);
    assert.deepEqual(stored, reference);
  });

  test('sums effective requests per namespace, skipping Succeeded and Failed pods', () => {
    const namespaces = Object.fromEntries(stored.namespaces.map((ns) => [ns.name, { pods: ns.pods, requests: formatResourceList(ns.requests) }]));
    assert.deepEqual(namespaces, {
      default: { pods: 0, requests: {} },
      idle: { pods: 0, requests: {} },
      'kube-node-lease': { pods: 0, requests: {} },
      'kube-public': { pods: 0, requests: {} },
      'kube-system': { pods: 0, requests: {} },
      'team-nlp': { pods: 4, requests: { cpu: '3500m', memory: '11Gi', 'nvidia.com/gpu': '5', 'nvidia.com/mig-1g.10gb': '2' } },
      // prepare-and-train: max(sidecar 250m + init 6, sidecar 250m + app 2 + 500m) = 6250m cpu, and
      // max(256Mi + 4Gi, 256Mi + 16Gi + 512Mi) = 16.75Gi memory; plus infer 3 cpu, 8Gi.
      'team-research': { pods: 2, requests: { 'amd.com/gpu': '2', 'aws.amazon.com/neuron': '4', cpu: '9250m', memory: '25344Mi' } },
      'team-vision': { pods: 3, requests: { cpu: '12', memory: '48Gi', 'nvidia.com/gpu': '6' } },
    });
  });

  test('keeps namespace labels, including the one the API server adds', () => {
    const vision = stored.namespaces.find((ns) => ns.name === 'team-vision');
    assert.deepEqual(vision?.labels, { 'cost-centre': 'cc-1001', 'kubernetes.io/metadata.name': 'team-vision', team: 'vision' });
  });

  test('counts physical accelerators of every node shape', () => {
    assert.deepEqual(Object.fromEntries(stored.nodes.map((n) => [n.name, n.physicalAccelerators])), physicalAcceleratorsByNode);
  });

  test('marks cordoned, not-ready and MIG-reconfiguring nodes', () => {
    const state = Object.fromEntries(
      stored.nodes
        .filter((n) => !n.ready || !n.schedulable || n.transitional)
        .map((n) => [n.name, { ready: n.ready, schedulable: n.schedulable, transitional: n.transitional }]),
    );
    assert.deepEqual(state, {
      'a100-mig-pending-1': { ready: true, schedulable: true, transitional: true },
      'h100-cordoned-1': { ready: true, schedulable: false, transitional: false },
      'h100-not-ready-1': { ready: false, schedulable: true, transitional: false },
    });
  });

  test('sums requests of bound pods per node', () => {
    const requested = Object.fromEntries(
      stored.nodes.filter((n) => n.pods > 0).map((n) => [n.name, { pods: n.pods, requested: formatResourceList(n.requested) }]),
    );
    assert.deepEqual(requested, {
      'a100-mixed-1': { pods: 2, requested: { cpu: '2', memory: '8Gi', 'nvidia.com/mig-1g.10gb': '2' } },
      'h100-1': { pods: 2, requested: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '4' } },
      'h100-xid-1': { pods: 1, requested: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '2' } },
      'mi300x-1': { pods: 1, requested: { 'amd.com/gpu': '2', cpu: '6250m', memory: '17152Mi' } },
      't4-time-sliced-1': { pods: 1, requested: { cpu: '500m', memory: '2Gi', 'nvidia.com/gpu': '5' } },
      'trn1-1': { pods: 1, requested: { 'aws.amazon.com/neuron': '4', cpu: '3', memory: '8Gi' } },
    });
  });

  test('keeps plannable accelerator allocatable of ready, schedulable, settled nodes only', () => {
    const plannable = formatResourceList(stored.plannable);
    assert.deepEqual(
      {
        'nvidia.com/gpu': plannable['nvidia.com/gpu'],
        'nvidia.com/gpu.shared': plannable['nvidia.com/gpu.shared'],
        'nvidia.com/mig-1g.10gb': plannable['nvidia.com/mig-1g.10gb'],
        'amd.com/cpx_nps4': plannable['amd.com/cpx_nps4'],
        'aws.amazon.com/neuron': plannable['aws.amazon.com/neuron'],
      },
      // 8 (h100-1) + 2 (a100-mixed-1) + 14 (a100-single-1) + 80 (t4) + 7 (h100-xid-1 allocatable).
      { 'nvidia.com/gpu': '111', 'nvidia.com/gpu.shared': '40', 'nvidia.com/mig-1g.10gb': '6', 'amd.com/cpx_nps4': '64', 'aws.amazon.com/neuron': '16' },
    );
  });

  test('stores quotas with spec, status.hard and the controller-computed status.used', () => {
    assert.deepEqual(
      stored.resourceQuotas.map((q) => ({
        at: `${q.namespace}/${q.name}`,
        hard: formatResourceList(q.hard),
        statusHard: formatResourceList(q.statusHard),
        used: formatResourceList(q.used),
        scopes: q.scopes,
      })),
      [
        {
          at: 'team-nlp/mig',
          hard: { pods: '10', 'requests.nvidia.com/mig-1g.10gb': '4' },
          statusHard: { pods: '10', 'requests.nvidia.com/mig-1g.10gb': '4' },
          used: { pods: '4', 'requests.nvidia.com/mig-1g.10gb': '2' },
          scopes: [],
        },
        {
          at: 'team-nlp/not-best-effort',
          hard: { 'requests.nvidia.com/gpu': '10' },
          statusHard: { 'requests.nvidia.com/gpu': '10' },
          used: { 'requests.nvidia.com/gpu': '5' },
          scopes: ['NotBestEffort'],
        },
        {
          at: 'team-vision/gpu',
          hard: { 'requests.cpu': '32', 'requests.memory': '128Gi', 'requests.nvidia.com/gpu': '8' },
          statusHard: { 'requests.cpu': '32', 'requests.memory': '128Gi', 'requests.nvidia.com/gpu': '8' },
          used: { 'requests.cpu': '12', 'requests.memory': '48Gi', 'requests.nvidia.com/gpu': '6' },
          scopes: [],
        },
      ],
    );
  });

  test('stores limit ranges and Profiles', () => {
    assert.deepEqual(
      stored.limitRanges.map((l) => ({
        at: `${l.namespace}/${l.name}`,
        limits: l.limits.map((item) => ({
          type: item.type,
          default: formatResourceList(item.default),
          defaultRequest: formatResourceList(item.defaultRequest),
          max: formatResourceList(item.max),
        })),
      })),
      [
        {
          at: 'team-nlp/defaults',
          // The API server defaults `default` from `max` and `defaultRequest` from `default` for a Container item
          // (k8s.io/kubernetes pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem): what is stored is what it holds.
          limits: [
            {
              type: 'Container',
              default: { cpu: '1', memory: '2Gi', 'nvidia.com/gpu': '4' },
              defaultRequest: { cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': '4' },
              max: { 'nvidia.com/gpu': '4' },
            },
          ],
        },
      ],
    );
    assert.deepEqual(
      stored.profiles.map((p) => ({ name: p.name, namespace: p.namespace, owner: p.owner, hard: formatResourceList(p.hard), labels: p.labels })),
      [
        { name: 'sandbox', namespace: 'sandbox', owner: { kind: 'User', name: 'bob@example.com' }, hard: {}, labels: { 'cost-centre': 'cc-2002' } },
        {
          name: 'team-research',
          namespace: 'team-research',
          owner: { kind: 'User', name: 'alice@example.com' },
          hard: { 'requests.amd.com/gpu': '4', 'requests.aws.amazon.com/neuron': '8' },
          labels: { team: 'research' },
        },
      ],
    );
  });
  // Runs last: it adds objects the tests above do not expect.
  test('protobuf and JSON, paginated and streamed, give the same inventory, also for pod-level resources, overhead, unbound pods and empty labels', async () => {
    const objects: Array<Record<string, unknown>> = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wire', labels: { empty: '' } } },
      // The RuntimeClass admission plugin copies podFixed into the pod's spec.overhead.
      { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'kata' }, handler: 'kata', overhead: { podFixed: { cpu: '250m', memory: '160Mi' } } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'sandboxed', namespace: 'wire' },
        spec: { nodeName: 'h100-1', runtimeClassName: 'kata', containers: [{ name: 'a', image: 'registry.invalid/a:1', resources: { requests: { cpu: '1' } } }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'pod-level', namespace: 'wire', labels: { flag: '' } },
        spec: {
          nodeName: 'h100-1',
          resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } },
          containers: [
            { name: 'a', image: 'registry.invalid/a:1', resources: { requests: { cpu: '500m' } } },
            { name: 'b', image: 'registry.invalid/b:1' },
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'unbound', namespace: 'wire' },
        spec: { containers: [{ name: 'a', image: 'registry.invalid/a:1', resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } }] },
      },
    ];
    await seedObjects(plane.admin, objects as KubernetesObject[]);
    const target = loadClusterTarget({ kubeconfig: plane.kubeconfigPath });
    const read = async (encoding: 'protobuf' | 'json', pageSize?: number): Promise<ClusterInventory> => (await collectLive({ target, pageSize, encoding })).inventory;
    const reference = await referenceInventory(plane);
    // Paginated (page size 3) and one streamed LIST per resource, in both encodings.
    for (const [encoding, pageSize] of [['protobuf', 3], ['json', 3], ['protobuf', undefined], ['json', undefined]] as const) {
      assert.deepEqual(await read(encoding, pageSize), reference, `${encoding}, page size ${pageSize ?? 'none'}`);
    }
    const wire = reference.namespaces.find((ns) => ns.name === 'wire');
    // Pod-level requests bound cpu and memory (2, 4Gi); the sandboxed pod adds 1 cpu + its overhead (250m, 160Mi);
    // the unbound pod counts for its namespace too.
    assert.deepEqual(
      { pods: wire?.pods, requests: formatResourceList(wire?.requests ?? {}), labels: wire?.labels },
      { pods: 3, requests: { cpu: '3250m', memory: '4256Mi', 'nvidia.com/gpu': '1' }, labels: { empty: '', 'kubernetes.io/metadata.name': 'wire' } },
    );
  });
});
