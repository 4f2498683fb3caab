import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { decodeProtobuf, ProtobufListStream } from '../../../src/collect/protobuf.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { readPodProtobuf, ValidatedPod } from '../../../src/inventory/pod-protobuf.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { ValidatedObject } from '../../../src/kinds/validated.js';

/**
 * The vendored .proto files (src/collect/proto), as protobuf.ts reads them, with five fields more in every message a
 * pod is made of (one of each wire type the reader skips: 0, 1, 2, 5, and bytes), so the bytes carry fields it does
 * not know, as the API server's do (annotations, env, managedFields, ...).
 */
const root = new protobuf.Root();
for (const file of ['runtime', 'resource', 'meta', 'core']) {
  protobuf.parse(readFileSync(new URL(`../../../src/collect/proto/${file}.proto`, import.meta.url), 'utf8'), root, { keepCase: true });
}
const podMessages = [
  'k8s.io.api.core.v1.Pod',
  'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  'k8s.io.api.core.v1.PodSpec',
  'k8s.io.api.core.v1.Container',
  'k8s.io.api.core.v1.ResourceRequirements',
  'k8s.io.api.core.v1.PodStatus',
  'k8s.io.api.core.v1.PodCondition',
  'k8s.io.api.core.v1.ContainerStatus',
  'k8s.io.api.core.v1.PodResourceClaimStatus',
  'k8s.io.api.core.v1.PodExtendedResourceClaimStatus',
  'k8s.io.apimachinery.pkg.api.resource.Quantity',
];
for (const name of podMessages) {
  const type = root.lookupType(name);
  type.add(new protobuf.Field('xVarint', 1001, 'int64'));
  type.add(new protobuf.Field('xFixed64', 1002, 'fixed64'));
  type.add(new protobuf.Field('xString', 1003, 'string'));
  type.add(new protobuf.Field('xFixed32', 1004, 'fixed32'));
  type.add(new protobuf.Field('xBytes', 1005, 'bytes'));
}
root.resolveAll();
const podType = root.lookupType('k8s.io.api.core.v1.Pod');
const unknownType = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');

/** A Pod message from its protobufjs object form (maps as objects, a Quantity as `{ string }`). */
function encodePod(pod: Record<string, unknown>): Buffer {
  return Buffer.from(podType.encode(podType.fromObject(pod)).finish());
}

/** A PodList body as the API server sends it: the magic, then a runtime.Unknown around the list. */
function listBody(items: readonly Uint8Array[]): Buffer {
  const list = protobuf.Writer.create();
  list.uint32((1 << 3) | 2).fork().uint32((2 << 3) | 2).string('42').ldelim();
  for (const item of items) list.uint32((2 << 3) | 2).bytes(item);
  const envelope = unknownType.encode({ typeMeta: { apiVersion: 'v1', kind: 'PodList' }, raw: list.finish() }).finish();
  return Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), envelope]);
}

/** The general way: the whole body decoded by protobufjs into the JSON shape, each item validated by parseObject. */
function generalPath(body: Buffer): unknown[] {
  const list = decodeProtobuf(body) as { items: Record<string, unknown>[] };
  return list.items.map((item) => parseObject({ ...item, kind: 'Pod', apiVersion: 'v1' }, { file: 'f' }));
}

/** The way collect reads a LIST: streamed in chunks of `size`, kind set as list.ts sets it, then parseObject. */
function streamedPath(body: Buffer, size: number): { objects: unknown[]; fast: number } {
  const stream = new ProtobufListStream();
  const objects: unknown[] = [];
  let fast = 0;
  for (let at = 0; at < body.length; at += size) {
    for (const item of stream.push(Buffer.from(body.subarray(at, at + size)))) {
      if (item instanceof ValidatedObject) fast++;
      else Object.assign(item, { kind: 'Pod', apiVersion: 'v1' });
      objects.push(parseObject(item, { file: 'f' }));
    }
  }
  stream.end();
  return { objects, fast };
}

/** An object as plain data (a ValidatedPod is a class instance; its fields are the value). */
const plainOf = (object: unknown): unknown => (object instanceof ValidatedObject ? { ...object } : object);

/** What a path gives: its objects and their inventory, or the error it throws. */
function outcome(read: () => unknown[]): { objects: unknown[]; inventory: unknown } | { error: string } {
  try {
    const objects = read();
    const builder = new InventoryBuilder();
    for (const object of objects) builder.add(object as Parameters<InventoryBuilder['add']>[0]);
    return { objects: objects.map(plainOf), inventory: builder.build() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const q = (text: string): { string: string } => ({ string: text });

/** A pod that sets every field the reader reads, some twice. */
const everything = {
  metadata: { name: 'trainer-0', namespace: 'ml', uid: 'u-1', labels: { app: 'trainer', 'kueue.x-k8s.io/queue-name': 'q', '': 'empty key', tier: '' } },
  spec: {
    nodeName: 'gpu-node-1',
    containers: [
      { name: 'main', resources: { requests: { cpu: q('2'), memory: q('8Gi'), 'nvidia.com/gpu': q('1') }, limits: { 'nvidia.com/gpu': q('1'), memory: q('16Gi') } } },
      { name: 'logger', resources: { requests: { cpu: q('100m') } } },
    ],
    initContainers: [
      { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: q('250m'), memory: q('64Mi') } } },
      { name: 'setup', resources: { limits: { cpu: q('4') } } },
    ],
    overhead: { cpu: q('50m'), memory: q('120Mi') },
    resources: { requests: { cpu: q('3') }, limits: { memory: q('32Gi') } },
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'PodScheduled' }, { type: 'PodResizePending', reason: 'Infeasible' }, { type: 'Ready', reason: '' }],
    containerStatuses: [
      { name: 'main', allocatedResources: { cpu: q('2'), memory: q('8Gi') }, resources: { requests: { cpu: q('1500m') }, limits: {} } },
      { name: 'logger' },
    ],
    initContainerStatuses: [{ name: 'proxy', resources: {} }],
    resourceClaimStatuses: [{ name: 'gpu', resourceClaimName: 'trainer-0-gpu-x7' }, { name: 'unallocated' }, { name: 'nic', resourceClaimName: 'shared-nic' }],
    extendedResourceClaimStatus: { resourceClaimName: 'trainer-0-extended-resources-abc' },
    allocatedResources: { cpu: q('3') },
    resources: { requests: { cpu: q('3') } },
  },
};

describe('readPodProtobuf: pods straight from protobuf, equal to the general decoding', () => {
  it('reads the real pods of an API server answer (test/fixtures/protobuf/pods-page.pb) as the general path does', () => {
    const body = readFileSync(new URL('../../fixtures/protobuf/pods-page.pb', import.meta.url));
    const streamed = streamedPath(body, 1000);
    assert.equal(streamed.fast, 3);
    assert.deepEqual(outcome(() => streamed.objects), outcome(() => generalPath(body)));
  });

  it('reads a pod that sets every field it reads: sidecars, init containers, overhead, pod-level resources, resize, claims', () => {
    const bytes = encodePod({ ...everything, xString: 'unknown', xVarint: -5, xFixed64: 7, xFixed32: 9, xBytes: new Uint8Array([1, 2, 3]) });
    const pod = readPodProtobuf(bytes, 0, bytes.length);
    assert.ok(pod instanceof ValidatedPod);
    const [general] = generalPath(listBody([bytes]));
    assert.deepEqual({ ...pod }, general);
    // Spot checks that the comparison compares something: the values a pod's facts come from.
    assert.deepEqual(pod.metadata, { name: 'trainer-0', namespace: 'ml', labels: { app: 'trainer', 'kueue.x-k8s.io/queue-name': 'q', '': 'empty key', tier: '' }, uid: 'u-1' });
    assert.deepEqual(pod.status.conditions, [{ type: 'PodScheduled' }, { type: 'PodResizePending', reason: 'Infeasible' }, { type: 'Ready' }]);
    assert.deepEqual(pod.status.resourceClaims, ['trainer-0-gpu-x7', 'shared-nic']);
    assert.equal(pod.status.extendedResourceClaim, 'trainer-0-extended-resources-abc');
    assert.deepEqual(pod.spec.resources, { requests: { cpu: { nanos: 3_000_000_000n, format: 'DecimalSI' } }, limits: { memory: { nanos: 32n * 2n ** 30n * 1_000_000_000n, format: 'BinarySI' } } });
  });

  it('skips known fields with another wire type and merges a message given twice, as protobufjs does', () => {
    const base = encodePod({ metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'c', resources: { requests: { cpu: q('1') } } }] } });
    const metadataAgain = Buffer.from(podType.encode({ metadata: { uid: 'later-uid', labels: { b: '2' } } }).finish());
    const specAgain = Buffer.from(podType.encode({ spec: { nodeName: 'n2', containers: [{ name: 'd' }] } }).finish());
    const suffixes: [string, Buffer][] = [
      ['metadata as a varint', Buffer.from([(1 << 3) | 0, 5])],
      ['spec as a fixed32', Buffer.from([(2 << 3) | 5, 1, 2, 3, 4])],
      ['status as a fixed64', Buffer.from([(3 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8])],
      ['field 0 (left to protobufjs, which refuses it)', Buffer.from([0, 1])],
      ['metadata and spec again', Buffer.concat([metadataAgain, specAgain])],
      ['an empty metadata', Buffer.from([(1 << 3) | 2, 0])],
      ['a group (left to protobufjs)', Buffer.from([(7 << 3) | 3, (7 << 3) | 4])],
    ];
    for (const [what, suffix] of suffixes) {
      const bytes = Buffer.concat([base, suffix]);
      let fast = 0;
      const streamed = outcome(() => {
        const read = streamedPath(listBody([bytes]), 7);
        fast = read.fast;
        return read.objects;
      });
      assert.deepEqual(streamed, outcome(() => generalPath(listBody([bytes]))), what);
      assert.equal(fast, what.includes('left to protobufjs') ? 0 : 1, what);
    }
    const merged = Buffer.concat([base, metadataAgain, specAgain]);
    assert.deepEqual(plainOf(readPodProtobuf(merged, 0, merged.length)), {
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'a', labels: { b: '2' }, uid: 'later-uid' },
      spec: {
        containers: [
          { name: 'c', resources: { requests: { cpu: { nanos: 1_000_000_000n, format: 'DecimalSI' } }, limits: {} } },
          { name: 'd', resources: { requests: {}, limits: {} } },
        ],
        initContainers: [],
        overhead: {},
        nodeName: 'n2',
      },
      status: { conditions: [], containerStatuses: [], initContainerStatuses: [] },
    });
  });

  it('leaves a pod the general path refuses to it, which names the field', () => {
    const pod = (change: (pod: { metadata: Record<string, unknown>; spec: Record<string, unknown>; status: Record<string, unknown> }) => void): Buffer => {
      const object = structuredClone({ metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'c', resources: { requests: { cpu: q('1') } } }] }, status: {} });
      change(object);
      return encodePod(object);
    };
    const refused: [string, Buffer, string][] = [
      ['a quantity that is not one', pod((p) => ((p.spec.containers as { resources: unknown }[])[0]!.resources = { requests: { cpu: q('one') } })), 'spec.containers[0].resources.requests.cpu'],
      ['a negative quantity', pod((p) => (p.spec.overhead = { cpu: q('-1') })), 'spec.overhead.cpu: must not be negative (got "-1")'],
      ['a resource name that is not one', pod((p) => (p.status.allocatedResources = { 'a/b/c': q('1') })), 'status.allocatedResources'],
      ['a pod name that is not one', pod((p) => (p.metadata.name = 'Trainer_0')), 'metadata.name'],
      ['a node name that is not one', pod((p) => (p.spec.nodeName = 'Node 1')), 'spec.nodeName'],
      ['no containers', pod((p) => (p.spec.containers = [])), 'spec.containers'],
      ['a container without a name', pod((p) => (p.spec.containers = [{}])), 'spec.containers[0].name'],
      ['an extended-resource claim status without a claim', pod((p) => (p.status.extendedResourceClaimStatus = {})), 'status.extendedResourceClaimStatus.resourceClaimName'],
    ];
    for (const [what, bytes, field] of refused) {
      assert.equal(readPodProtobuf(bytes, 0, bytes.length), undefined, what);
      const general = outcome(() => generalPath(listBody([bytes])));
      assert.ok('error' in general && general.error.includes(field), `${what}: ${JSON.stringify(general)}`);
      assert.deepEqual(outcome(() => streamedPath(listBody([bytes]), 3).objects), general, what);
    }
  });

  it('gives the same objects and the same inventory as the general path for generated pods, however the list is cut', () => {
    const unknownFields = fc.record(
      { xVarint: fc.integer(), xFixed64: fc.nat(), xString: fc.string({ maxLength: 4 }), xFixed32: fc.nat(), xBytes: fc.uint8Array({ maxLength: 4 }) },
      { requiredKeys: [] },
    );
    /** A message of `fields` (each optional) with some unknown fields mixed in. */
    const message = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T, required: (keyof T & string)[] = []) =>
      fc.tuple(fc.record(fields, { requiredKeys: required }), unknownFields).map(([known, unknown]) => ({ ...unknown, ...known }));
    const often = <T>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 60, arbitrary: usual }, { weight: 1, arbitrary: rare });
    const quantity = often(
      fc.constantFrom('1', '250m', '1.5', '512Mi', '1Gi', '2e3', '0', '100k', '0.5', '1000000m').map(q),
      fc.oneof(fc.constantFrom('-1', 'abc', '', '1Qi').map(q), fc.constant({})),
    );
    const resourceName = often(fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu', 'hugepages-2Mi', 'example.com/foo', 'ephemeral-storage'), fc.constantFrom('', 'Bad Name', 'a/b/c', '-x'));
    const quantities = fc.dictionary(resourceName, quantity, { maxKeys: 2 });
    const requirements = message({ limits: quantities, requests: quantities });
    const text = (usual: string[], rare: string[]): fc.Arbitrary<string> => often(fc.constantFrom(...usual), fc.oneof(fc.constantFrom(...rare), fc.string({ unit: 'binary', maxLength: 6 })));
    const container = message({ name: text(['main', 'sidecar', 'c'], ['']), resources: requirements, restartPolicy: fc.constantFrom('', 'Always', 'OnFailure') }, ['name']);
    const containerStatus = message({ name: text(['main', 'sidecar', 'c'], ['']), allocatedResources: quantities, resources: requirements }, ['name']);
    const pod = message({
      metadata: message(
        {
          name: text(['p', 'pod-1', 'a.b', 'svc-0-0-000001'], ['', 'Bad_Name', 'ü']),
          namespace: text(['a', 'team-0001'], ['', 'a.b']),
          uid: fc.constantFrom('', 'u1', 'u2', '4b191504-d8f5-4004-8e96-36757f465394'),
          labels: fc.dictionary(text(['app', 'tier', 'a/b', '1'], ['', 'ü']), text(['x', 'v1', ''], ['ünïcode']), { maxKeys: 3 }),
        },
        ['name', 'namespace'],
      ),
      spec: message(
        {
          containers: fc.array(container, { minLength: 1, maxLength: 3 }),
          nodeName: text(['', 'n1', 'node-00001'], ['Bad Node']),
          initContainers: fc.array(container, { maxLength: 2 }),
          overhead: quantities,
          resources: requirements,
        },
        ['containers'],
      ),
      status: message({
        phase: fc.constantFrom('', 'Pending', 'Running', 'Succeeded', 'Failed'),
        conditions: fc.array(message({ type: text(['PodScheduled', 'PodResizePending', 'Ready'], ['']), reason: fc.constantFrom('', 'Unschedulable', 'Infeasible', 'Deferred') }, ['type']), { maxLength: 3 }),
        containerStatuses: fc.array(containerStatus, { maxLength: 2 }),
        initContainerStatuses: fc.array(containerStatus, { maxLength: 1 }),
        resourceClaimStatuses: fc.array(message({ name: text(['gpu', 'nic'], ['']), resourceClaimName: fc.constantFrom('', 'claim-a', 'claim-b') }, ['name']), { maxLength: 2 }),
        extendedResourceClaimStatus: message({ resourceClaimName: text(['ext-1'], ['']) }, ['resourceClaimName']),
        allocatedResources: quantities,
        resources: requirements,
      }),
    });
    let [fast, pods, validPods, validRead] = [0, 0, 0, 0];
    fc.assert(
      fc.property(fc.array(pod, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 700 }), (generated, size) => {
        const body = listBody(generated.map((p) => encodePod(p)));
        let streamedFast = 0;
        const streamed = outcome(() => {
          const read = streamedPath(body, size);
          streamedFast = read.fast;
          return read.objects;
        });
        const general = outcome(() => generalPath(body));
        assert.deepEqual(streamed, general);
        if (!('error' in general)) {
          fast += streamedFast;
          pods += generated.length;
        }
        // Pod by pod: the reader gives up only where the general path refuses, or on what it leaves on purpose.
        for (const p of generated) {
          const bytes = encodePod(p);
          const valid = !('error' in outcome(() => generalPath(listBody([bytes]))));
          if (valid) validPods++;
          if (valid && readPodProtobuf(bytes, 0, bytes.length) !== undefined) validRead++;
        }
      }),
      { numRuns: 400 },
    );
    // Not vacuous: valid lists were compared, and every valid pod took the reader's way (generated pods have no
    // group fields, `__proto__` keys or over-long varints: nothing it leaves to protobufjs on purpose).
    assert.ok(pods > 100 && fast === pods, `${fast} of ${pods} pods of valid lists read straight from protobuf`);
    assert.ok(validPods > 200 && validRead === validPods, `${validRead} of ${validPods} valid pods read straight from protobuf`);
  });
});
