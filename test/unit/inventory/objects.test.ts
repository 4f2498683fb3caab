import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { podSchema, type PodObject } from '../../../src/inventory/objects.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { aPod } from '../../builders/kube.js';
import { quantityErrorMessage } from '../../builders/quantity-errors.js';

/** What zod alone makes of a raw pod (parseObject takes a hand-written fast path for valid pods). */
function viaZod(raw: unknown): unknown {
  const result = podSchema.safeParse(raw);
  assert.ok(result.success, 'zod should accept this pod');
  return result.data;
}

describe('parseObject for pods', () => {
  const pods: { name: string; raw: unknown }[] = [
    { name: 'a plain bound pod', raw: aPod('a', 'p').onNode('n').container({ cpu: '1', memory: '1Gi' }).build() },
    {
      name: 'init containers, sidecars, overhead, pod-level requests, limits',
      raw: aPod('a', 'p').sidecar({ cpu: '100m' }).initContainer({ cpu: '2' }).container({ cpu: '1' }, { 'nvidia.com/gpu': '1' }).withOverhead({ memory: '120Mi' }).withPodLevelRequests({ cpu: '3' }).build(),
    },
    {
      name: 'nulls where the API allows them, numbers for quantities, unknown fields',
      raw: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'a', labels: null, uid: 'x', annotations: { a: 'b' } },
        spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: 2, memory: 0.5 }, limits: null } }], initContainers: null, overhead: null, resources: null, volumes: [] },
        status: null,
      },
    },
    { name: 'no status and no resources', raw: { kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'c' }] } } },
    { name: 'a Succeeded pod with labels', raw: { kind: 'Pod', metadata: { name: 'p', namespace: 'a', labels: { app: 'x' } }, spec: { containers: [] }, status: { phase: 'Succeeded', podIP: '1.2.3.4' } } },
  ];
  for (const p of pods) {
    it(`gives the same value as the zod schema: ${p.name}`, () => {
      assert.deepEqual(parseObject(p.raw), viaZod(p.raw));
    });
  }

  it('gives the same value as the zod schema for random valid pods', () => {
    const quantity = fc.oneof(fc.constantFrom('1', '250m', '1.5', '512Mi', '1Gi', '2e3', '0', '100k'), fc.integer({ min: 0, max: 1000 }));
    const resources = fc.option(fc.dictionary(fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu', 'amd.com/gpu'), quantity), { nil: null });
    const container = fc.record(
      {
        name: fc.string({ minLength: 1, maxLength: 5 }),
        resources: fc.option(fc.record({ requests: resources, limits: resources }, { requiredKeys: [] }), { nil: null }),
        restartPolicy: fc.constantFrom('Always', 'OnFailure'),
      },
      { requiredKeys: ['name'] },
    );
    const pod = fc.record({
      kind: fc.constant('Pod'),
      metadata: fc.record({ name: fc.constantFrom('p', 'q'), namespace: fc.constantFrom('a', 'b'), labels: fc.option(fc.dictionary(fc.string(), fc.string()), { nil: null }) }),
      spec: fc.record(
        {
          nodeName: fc.constantFrom('n1', 'n2'),
          containers: fc.array(container, { maxLength: 3 }),
          initContainers: fc.option(fc.array(container, { maxLength: 3 }), { nil: null }),
          overhead: resources,
          resources: fc.option(fc.record({ requests: resources }, { requiredKeys: [] }), { nil: null }),
        },
        { requiredKeys: ['containers'] },
      ),
      status: fc.option(fc.record({ phase: fc.constantFrom('Running', 'Pending', 'Failed') }, { requiredKeys: [] }), { nil: null }),
    });
    fc.assert(
      fc.property(pod, (raw) => {
        assert.deepEqual(parseObject(raw), viaZod(raw));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves invalid pods to zod, which names the field', () => {
    assert.throws(() => parseObject(aPod('a', 'p').container({ cpu: 'one' }).build(), { file: 'f' }), {
      message: `f: Pod a/p: spec.containers[0].resources.requests.cpu: ${quantityErrorMessage('one')}`,
    });
    assert.throws(() => parseObject({ kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'c', restartPolicy: 7 }] } }), {
      message: 'Pod a/p: spec.containers[0].restartPolicy: Invalid input: expected string, received number',
    });
  });
});

describe('parseObject for pods: quantities and resource names read once', () => {
  const cpuOf = (raw: unknown): unknown => (parseObject(raw) as PodObject).spec.containers[0]!.resources.requests.cpu;

  it('pods that request the same text share one parsed Quantity', () => {
    const first = cpuOf(aPod('a', 'p').container({ cpu: '250m' }).build());
    const second = cpuOf(aPod('b', 'q').container({ cpu: '250m' }).build());
    assert.deepEqual(first, { nanos: 250_000_000n, format: 'DecimalSI' });
    assert.ok(Object.isFrozen(first));
    assert.equal(second, first);
  });

  it('a quantity or resource name refused once is refused again, with the field named', () => {
    for (let round = 0; round < 2; round++) {
      assert.throws(() => parseObject(aPod('a', 'p').container({ cpu: 'one' }).build(), { file: 'f' }), {
        message: `f: Pod a/p: spec.containers[0].resources.requests.cpu: ${quantityErrorMessage('one')}`,
      });
      assert.throws(() => parseObject(aPod('a', 'p').container({ cpu: '-1' }).build(), { file: 'f' }), {
        message: 'f: Pod a/p: spec.containers[0].resources.requests.cpu: must not be negative (got "-1")',
      });
      assert.throws(() => parseObject(aPod('a', 'p').container({ 'bad/name/x': '1' }).build(), { file: 'f' }), /spec\.containers\[0\]\.resources\.requests/);
    }
  });

  it('more distinct quantities than the memo holds are each read exactly', () => {
    for (let milli = 1; milli <= 5000; milli++) {
      assert.deepEqual(cpuOf(aPod('a', 'p').container({ cpu: `${milli}m` }).build()), { nanos: BigInt(milli) * 1_000_000n, format: 'DecimalSI' });
    }
    assert.deepEqual(cpuOf(aPod('a', 'p').container({ cpu: '1m' }).build()), { nanos: 1_000_000n, format: 'DecimalSI' });
  });
});

describe('parseObject for other kinds', () => {
  it('accepts a Profile only from kubeflow.org', () => {
    const profile = { apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: 'alice' }, spec: { owner: { kind: 'User', name: 'a@x' } } };
    assert.equal(parseObject(profile).kind, 'Profile');
    assert.equal(parseObject({ ...profile, apiVersion: undefined }).kind, 'Profile');
    assert.throws(() => parseObject({ ...profile, apiVersion: 'example.com/v1' }), {
      message: 'Profile alice: apiVersion: a Profile must be kubeflow.org/*',
    });
  });

  it('rejects something that is not an object', () => {
    assert.throws(() => parseObject('Node', { file: 'f', position: 'items[2]' }), { message: 'f: items[2]: expected an object, got the string "Node"' });
  });
});
