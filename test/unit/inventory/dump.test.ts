import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { dumpFileObjects, dumpObjects, inventoryFromDumpFile } from '../../../src/collect/dump.js';
import { ValidationError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { formatResourceList } from '../../../src/resources.js';
import { aList, aNamespace, aNode, aPod } from '../../builders/kube.js';
import { quantityErrorMessage } from '../../builders/quantity-errors.js';

const kinds = (text: string): string[] => [...dumpObjects(text, { file: 'd' })].map((o) => `${o.kind} ${o.metadata.name}`);

function rejects(text: string, message: string, field?: string): void {
  assert.throws(
    () => [...dumpObjects(text, { file: 'dump.json' })],
    (error: unknown) => {
      assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
      assert.equal(error.message, message);
      assert.equal(error.where.file, 'dump.json');
      if (field !== undefined) assert.equal(error.where.field, field);
      return true;
    },
  );
}

describe('dump reading', () => {
  const list = aList(aNode('n1').build(), aNamespace('a'), aPod('a', 'p').container({ cpu: '1' }).build());

  it('reads a kubectl List as JSON', () => {
    assert.deepEqual(kinds(JSON.stringify(list)), ['Node n1', 'Namespace a', 'Pod p']);
  });

  it('reads the same List as YAML', () => {
    assert.deepEqual(kinds(stringify(list)), ['Node n1', 'Namespace a', 'Pod p']);
  });

  it('reads a YAML stream of Lists and single objects', () => {
    const text = `${stringify(aList(aNode('n1').build()))}---\n${stringify(aNamespace('a'))}---\n`;
    assert.deepEqual(kinds(text), ['Node n1', 'Namespace a']);
  });

  it('reads typed lists such as NodeList, whose items may leave their kind off as API responses do', () => {
    const { kind: _kind, ...bare } = aPod('a', 'p3').container({ cpu: '1' }).build();
    assert.deepEqual(kinds(JSON.stringify({ apiVersion: 'v1', kind: 'NodeList', items: [aNode('n2').build()] })), ['Node n2']);
    assert.deepEqual(kinds(JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [bare] })), ['Pod p3']);
  });

  it('accepts quantities written as YAML numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-dump-'));
    const file = join(dir, 'numbers.yaml');
    writeFileSync(file, 'kind: Node\nmetadata: {name: n}\nstatus:\n  capacity: {cpu: 4, memory: 0.5}\n');
    const inv = await inventoryFromDumpFile(file);
    assert.deepEqual(formatResourceList(inv.nodes[0]?.capacity ?? {}), { cpu: '4', memory: '500m' });
  });

  it('rejects malformed JSON with the line and column', () => {
    // V8 words the reason differently across versions; the position is ours.
    assert.throws(() => [...dumpObjects('{\n  "kind": "List",\n  "items": [ } \n}', { file: 'dump.json' })], (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.match(error.message, /^dump\.json: malformed JSON at line 3, column 14: /);
      return true;
    });
  });

  it('rejects malformed YAML naming the document', () => {
    assert.throws(() => [...dumpObjects('kind: List\n---\nitems: [\n  - a: b\n  c\n', { file: 'dump.yaml' })], (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.match(error.message, /^dump\.yaml: malformed YAML \(document 2\): /);
      return true;
    });
  });

  it('rejects an object of an unknown kind, naming it and its position', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } };
    rejects(
      JSON.stringify(aList(aNode('n1').build(), deployment)),
      'dump.json: Deployment shop/web (items[1]): kind: unknown kind "Deployment" (quotaplan reads Node, Namespace, Pod, ResourceQuota, LimitRange, Profile, DeviceClass, ResourceSlice, ResourceClaim, ResourceFlavor, Cohort, ClusterQueue, Queue)',
      'kind',
    );
  });

  it('rejects an invalid quantity, naming the object, the field path and the value', () => {
    rejects(
      JSON.stringify(aList(aPod('team-a', 'trainer').container({ cpu: '1' }).container({ cpu: '4 cores' }).build())),
      `dump.json: Pod team-a/trainer (items[0]): spec.containers[1].resources.requests.cpu: ${quantityErrorMessage('4 cores')}`,
      'spec.containers[1].resources.requests.cpu',
    );
  });

  it('rejects an invalid node capacity', () => {
    rejects(
      JSON.stringify(aList(aNode('gpu-1').withCapacity({ 'nvidia.com/gpu': '8x' }).build())),
      `dump.json: Node gpu-1 (items[0]): status.capacity.nvidia.com/gpu: ${quantityErrorMessage('8x')}`,
      'status.capacity.nvidia.com/gpu',
    );
  });

  it('rejects a pod without containers and a namespaced object without a namespace', () => {
    rejects(
      JSON.stringify(aList({ kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: {} })),
      'dump.json: Pod a/p (items[0]): spec.containers: Invalid input: expected array, received undefined',
      'spec.containers',
    );
    rejects(
      JSON.stringify(aList({ kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: {} } })),
      'dump.json: ResourceQuota q (items[0]): metadata.namespace: Invalid input: expected string, received undefined',
      'metadata.namespace',
    );
  });

  it('rejects a dump with no objects and a file that does not exist', async () => {
    rejects(JSON.stringify(aList()), 'dump.json: no objects found (expected a List from kubectl get -o json|yaml)');
    await assert.rejects(inventoryFromDumpFile('/nonexistent/dump.json'), {
      name: 'ValidationError',
      message: '/nonexistent/dump.json: cannot read dump: no such file',
    });
  });

  describe('streamed from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-stream-'));
    const write = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const read = async (path: string): Promise<string[]> => {
      const out: string[] = [];
      for await (const o of dumpFileObjects(path)) out.push(`${o.kind} ${o.metadata.name}`);
      return out;
    };

    it('reads a kubectl List item by item, and a raw PodList whose items carry no kind', async () => {
      assert.deepEqual(await read(write('list.json', JSON.stringify(list, null, 2))), ['Node n1', 'Namespace a', 'Pod p']);
      const { kind: _kind, ...bare } = aPod('a', 'p9').container({ cpu: '1' }).build();
      assert.deepEqual(await read(write('podlist.json', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [bare] }))), ['Pod p9']);
    });

    it('reads a single object and a JSON array too', async () => {
      assert.deepEqual(await read(write('node.json', JSON.stringify(aNode('solo').build()))), ['Node solo']);
      assert.deepEqual(await read(write('array.json', JSON.stringify([aNamespace('x')]))), ['Namespace x']);
    });

    it('names the line and column in the file of a malformed item', async () => {
      const path = write('bad-item.json', '{\n  "kind": "List",\n  "items": [\n    {"kind": "Namespace", "metadata": {"name": "a",}}\n  ]\n}\n');
      await assert.rejects(read(path), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        // Line 4: the item starts at column 5; the fault is the `}` after the trailing comma, at column 52.
        assert.match(error.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: malformed JSON at line 4, column 52 \\(items\\[0\\]\\): `));
        return true;
      });
    });

    it('names the line and column of a broken envelope and rejects an empty List', async () => {
      await assert.rejects(read(write('cut.json', '{"kind": "List", "items": [\n  {"kind": "Node"')), {
        message: `${join(dir, 'cut.json')}: malformed JSON at line 2, column 17: unexpected end of the file`,
      });
      await assert.rejects(read(write('empty.json', '{"kind": "List", "items": []}')), {
        message: `${join(dir, 'empty.json')}: no objects found (expected a List from kubectl get -o json|yaml)`,
      });
    });

    it('gives the same inventory streamed as read whole', async () => {
      const text = JSON.stringify(list);
      const whole = new InventoryBuilder();
      for (const o of dumpObjects(text)) whole.add(o);
      assert.deepEqual(await inventoryFromDumpFile(write('same.json', text)), whole.build());
    });
  });
});
