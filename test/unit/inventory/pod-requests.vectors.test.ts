/**
 * Every pod Kubernetes' own code evaluated (test/pod-requests-oracle, regenerate with its generate.sh) must come
 * out the same from src/inventory/pod-requests.ts, resource by resource with exact values and formats:
 * - what the ResourceQuota evaluator charges (PodUsageFunc's `requests.<name>`, and whether it charges the pod);
 * - what the scheduler counts (PodRequests with CalculateResource's options);
 * and the protobuf body of a pod must decode to the same object as its JSON.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decodeProtobuf } from '../../../src/collect/protobuf.js';
import { type PodObject } from '../../../src/inventory/objects.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { effectivePodRequests, isPodLevelResource, TERMINAL_PHASES } from '../../../src/inventory/pod-requests.js';
import type { Quantity } from '../../../src/quantity.js';
import type { ResourceList } from '../../../src/resources.js';

interface Amount {
  value: string;
  format: string;
}
interface Vector {
  pod: Record<string, unknown>;
  protobuf?: string;
  stored: boolean;
  counted: boolean;
  quota: Record<string, Amount>;
  scheduler: Record<string, Amount>;
}
interface Vectors {
  generator: string;
  kubernetes: string;
  featureGates: Record<string, boolean>;
  pods: Vector[];
}

const vectors = JSON.parse(
  gunzipSync(readFileSync(new URL('../../fixtures/pod-requests-vectors.json.gz', import.meta.url))).toString('utf8'),
) as Vectors;

/** Go's "<mantissa>e<exponent>" as nanos. */
function nanosOf(value: string): bigint {
  const at = value.lastIndexOf('e');
  const mantissa = BigInt(value.slice(0, at));
  const exponent = Number(value.slice(at + 1));
  assert.ok(exponent >= -9, `Go value ${value} is finer than a nano`);
  return mantissa * 10n ** BigInt(exponent + 9);
}

/** The differences between Go's list and ours, by resource; empty when they agree exactly. */
function differences(go: Record<string, Amount>, ours: ResourceList): string[] {
  const out: string[] = [];
  for (const name of [...new Set([...Object.keys(go), ...Object.keys(ours)])].sort()) {
    const expected = go[name];
    const actual = ours[name] as Quantity | undefined;
    if (expected === undefined || actual === undefined) {
      out.push(`${name}: Go ${expected === undefined ? 'absent' : expected.value}, ours ${actual === undefined ? 'absent' : `${actual.nanos}n`}`);
      continue;
    }
    // Go's zero Quantity{} (format "") stands for a resource an Infeasible resize state lacks; ours is a DecimalSI 0.
    const format = expected.format === '' ? 'DecimalSI' : expected.format;
    if (actual.nanos !== nanosOf(expected.value) || actual.format !== format) {
      out.push(`${name}: Go ${expected.value} ${expected.format}, ours ${actual.nanos}n ${actual.format}`);
    }
  }
  return out;
}

function agreeOnAll(check: (vector: Vector) => string | undefined): void {
  const disagreements: string[] = [];
  for (const vector of vectors.pods) {
    const problem = check(vector);
    if (problem !== undefined) disagreements.push(`${(vector.pod.metadata as { name: string }).name}: ${problem}`);
  }
  assert.deepEqual(disagreements.slice(0, 20), [], `${disagreements.length} of ${vectors.pods.length} pods disagree`);
}

const parsed = new Map(vectors.pods.map((v) => [v, parseObject(v.pod) as PodObject]));

test('the vectors come from Kubernetes v1.36.3 with its default feature gates', () => {
  assert.equal(vectors.kubernetes, 'v1.36.3');
  assert.deepEqual(vectors.featureGates, {
    DRANodeAllocatableResources: false,
    InPlacePodLevelResourcesVerticalScaling: true,
    InPlacePodVerticalScaling: true,
    PodLevelResources: true,
  });
  assert.ok(vectors.pods.length >= 10_000, `only ${vectors.pods.length} pods`);
});

test('the vectors exercise every rule: sidecars, init containers, overhead, pod-level resources, resize states, phases', (t) => {
  const count = (predicate: (pod: PodObject, vector: Vector) => boolean): number =>
    vectors.pods.filter((v) => predicate(parsed.get(v) as PodObject, v)).length;
  const figures = {
    sidecars: count((p) => p.spec.initContainers.some((c) => c.restartPolicy === 'Always')),
    initContainers: count((p) => p.spec.initContainers.some((c) => c.restartPolicy !== 'Always')),
    overhead: count((p) => Object.keys(p.spec.overhead).length > 0),
    podLevel: count((p) => Object.keys(p.spec.resources?.requests ?? {}).some(isPodLevelResource)),
    podLevelLimitsOnly: count((p) => p.spec.resources !== undefined && Object.keys(p.spec.resources.requests).length === 0 && Object.keys(p.spec.resources.limits).length > 0),
    containerResize: count((p) => [...p.status.containerStatuses, ...p.status.initContainerStatuses].some((s) => s.resources !== undefined)),
    infeasible: count((p) => p.status.conditions.find((c) => c.type === 'PodResizePending')?.reason === 'Infeasible'),
    podLevelResize: count((p) => p.status.resources !== undefined),
    schedulerDiffers: count((_, v) => JSON.stringify(v.quota) !== JSON.stringify(v.scheduler) && v.counted),
    notCounted: count((_, v) => !v.counted),
    asWritten: count((_, v) => !v.stored),
    protobuf: count((_, v) => v.protobuf !== undefined),
  };
  t.diagnostic(JSON.stringify(figures));
  for (const [what, n] of Object.entries(figures)) assert.ok(n >= 100, `only ${n} pods with ${what}`);
});

test('quota: the requests charged, and whether the pod is charged at all, agree with PodUsageFunc on every pod', () => {
  agreeOnAll((v) => {
    const pod = parsed.get(v) as PodObject;
    const counted = pod.status.phase === undefined || !TERMINAL_PHASES.has(pod.status.phase);
    if (counted !== v.counted) return `Go ${v.counted ? 'charges' : 'does not charge'} the pod (phase ${pod.status.phase}), ours ${counted ? 'does' : 'does not'}`;
    const problems = differences(v.quota, counted ? effectivePodRequests(pod).quota : {});
    return problems.length === 0 ? undefined : `quota ${problems.join('; ')}`;
  });
});

test('scheduler: the requests counted on the node agree with PodRequests as CalculateResource calls it on every pod', () => {
  agreeOnAll((v) => {
    const problems = differences(v.scheduler, effectivePodRequests(parsed.get(v) as PodObject).scheduler);
    return problems.length === 0 ? undefined : `scheduler ${problems.join('; ')}`;
  });
});

test('the protobuf body of a pod decodes to the same object as its JSON', () => {
  agreeOnAll((v) => {
    if (v.protobuf === undefined) return undefined;
    const fromProtobuf = parseObject(decodeProtobuf(Buffer.from(v.protobuf, 'base64')));
    try {
      assert.deepEqual(fromProtobuf, parsed.get(v));
      return undefined;
    } catch (error) {
      return `protobuf and JSON differ: ${(error as Error).message.split('\n').slice(0, 12).join(' ')}`;
    }
  });
});
