/**
 * Every Kubernetes name in a dump (and in a live LIST: both go through parseObject) is checked against the API's
 * own rule where it enters (src/kube-names.ts), and a bad one is refused naming the file, the object, the field
 * and the value, escaped. Issue 13 item 1: a Profile named `../../../../victim/config` used to reach a file path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpObjects } from '../../../src/collect/dump.js';
import { ValidationError } from '../../../src/errors.js';
import { aList, aNamespace, aNode, aPod } from '../../builders/kube.js';

const LABEL = 'must be a lowercase RFC 1123 label: at most 63 characters, lower case letters, digits and "-", starting and ending with a letter or digit';
const SUBDOMAIN =
  'must be a lowercase RFC 1123 subdomain: at most 253 characters, lower case letters, digits, "-" and ".", each part starting and ending with a letter or digit';
const QUALIFIED =
  'must be a Kubernetes qualified name: an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

function refused(item: Record<string, unknown>, expected: { message: string; field: string; value: unknown }): void {
  const text = JSON.stringify(aList(aNode('ok-0').build(), item));
  assert.throws(
    () => [...dumpObjects(text, { file: 'dump.json' })],
    (error: unknown) => {
      assert.ok(error instanceof ValidationError, String(error));
      assert.equal(error.message, expected.message);
      assert.deepEqual(error.where, { file: 'dump.json', field: expected.field, value: expected.value });
      return true;
    },
  );
}

const pod = (namespace: string, name: string) => aPod(namespace, name).container({ cpu: '1' }).build();

describe('names where a dump enters', () => {
  it('refuses a Profile whose name is a path (it names a namespace: a DNS-1123 label)', () => {
    refused(
      { apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: '../../../../victim/config' } },
      {
        message: `dump.json: Profile ../../../../victim/config (items[1]): metadata.name: ${LABEL} (got "../../../../victim/config")`,
        field: 'metadata.name',
        value: '../../../../victim/config',
      },
    );
    refused(
      { apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: 'a.b' } },
      { message: `dump.json: Profile a.b (items[1]): metadata.name: ${LABEL} (got "a.b")`, field: 'metadata.name', value: 'a.b' },
    );
  });

  it('refuses a namespace that is not a DNS-1123 label, as an object and as a pod\u2019s namespace', () => {
    refused(aNamespace('Team-A'), { message: `dump.json: Namespace Team-A (items[1]): metadata.name: ${LABEL} (got "Team-A")`, field: 'metadata.name', value: 'Team-A' });
    refused(pod('a.b', 'p'), { message: `dump.json: Pod a.b/p (items[1]): metadata.namespace: ${LABEL} (got "a.b")`, field: 'metadata.namespace', value: 'a.b' });
  });

  it('escapes a control character in the object it names and in the value it quotes', () => {
    refused(pod('x\u001b[2J', 'p'), {
      message: `dump.json: Pod x\\u001b[2J/p (items[1]): metadata.namespace: ${LABEL} (got "x\\u001b[2J")`,
      field: 'metadata.namespace',
      value: 'x\u001b[2J',
    });
  });

  it('refuses node, pod, ResourceQuota and LimitRange names that are not DNS-1123 subdomains (pods through the fast reader too)', () => {
    refused(aNode('Node_1').build(), { message: `dump.json: Node Node_1 (items[1]): metadata.name: ${SUBDOMAIN} (got "Node_1")`, field: 'metadata.name', value: 'Node_1' });
    refused(pod('a', 'p/q'), { message: `dump.json: Pod a/p/q (items[1]): metadata.name: ${SUBDOMAIN} (got "p/q")`, field: 'metadata.name', value: 'p/q' });
    refused(
      { kind: 'ResourceQuota', metadata: { name: 'q..1', namespace: 'a' }, spec: { hard: { cpu: '1' } } },
      { message: `dump.json: ResourceQuota a/q..1 (items[1]): metadata.name: ${SUBDOMAIN} (got "q..1")`, field: 'metadata.name', value: 'q..1' },
    );
    refused(
      { kind: 'LimitRange', metadata: { name: '-lr', namespace: 'a' }, spec: { limits: [] } },
      { message: `dump.json: LimitRange a/-lr (items[1]): metadata.name: ${SUBDOMAIN} (got "-lr")`, field: 'metadata.name', value: '-lr' },
    );
  });

  it('refuses a pod bound to a node name that is not a subdomain, and reads a pod not yet bound (nodeName "")', () => {
    const bound = aPod('a', 'p').onNode('../n').container({ cpu: '1' }).build();
    refused(bound, { message: `dump.json: Pod a/p (items[1]): spec.nodeName: ${SUBDOMAIN} (got "../n")`, field: 'spec.nodeName', value: '../n' });
    const pending = aPod('a', 'p').onNode('').container({ cpu: '1' }).build();
    assert.deepEqual([...dumpObjects(JSON.stringify(aList(pending)), { file: 'dump.json' })].map((o) => o.kind), ['Pod']);
  });

  it("refuses a ResourceSlice's or its device's nodeName that is not a node name (a DNS-1123 subdomain), escaped", () => {
    const slice = (spec: Record<string, unknown>): Record<string, unknown> => ({
      apiVersion: 'resource.k8s.io/v1',
      kind: 'ResourceSlice',
      metadata: { name: 's' },
      spec: { driver: 'gpu.nvidia.com', pool: { name: 'p', generation: 1, resourceSliceCount: 1 }, ...spec },
    });
    refused(slice({ nodeName: 'x\u001b[2J', devices: [{ name: 'gpu-0' }] }), {
      message: `dump.json: ResourceSlice s (items[1]): spec.nodeName: ${SUBDOMAIN} (got "x\\u001b[2J")`,
      field: 'spec.nodeName',
      value: 'x\u001b[2J',
    });
    refused(slice({ perDeviceNodeSelection: true, devices: [{ name: 'gpu-0', nodeName: '../n' }] }), {
      message: `dump.json: ResourceSlice s (items[1]): spec.devices[0].nodeName: ${SUBDOMAIN} (got "../n")`,
      field: 'spec.devices[0].nodeName',
      value: '../n',
    });
  });

  it('refuses a resource name that is not a qualified name, naming the key quoted and escaped', () => {
    refused(aNode('n1').withCapacity({ cpu: '8', 'nvidia.com/gpu\u001b[2J': '1' }).build(), {
      message: `dump.json: Node n1 (items[1]): status.capacity["nvidia.com/gpu\\u001b[2J"]: ${QUALIFIED} (got "nvidia.com/gpu\\u001b[2J")`,
      field: 'status.capacity["nvidia.com/gpu\\u001b[2J"]',
      value: 'nvidia.com/gpu\u001b[2J',
    });
    refused(aPod('a', 'p').container({ 'example.com/../x': '1' }).build(), {
      message: `dump.json: Pod a/p (items[1]): spec.containers[0].resources.requests.example.com/../x: ${QUALIFIED} (got "example.com/../x")`,
      field: 'spec.containers[0].resources.requests.example.com/../x',
      value: 'example.com/../x',
    });
  });
});
