import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeProtobuf, isProtobuf, peekListContinue, ProtobufBodyError, ProtobufListStream } from '../../../src/collect/protobuf.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { ValidatedObject } from '../../../src/kinds/validated.js';

/** Real answers of kube-apiserver v1.36.3 to the same request in both encodings (test/fixtures/protobuf/README.md). */
const body = (name: string): Buffer => readFileSync(new URL(`../../fixtures/protobuf/${name}`, import.meta.url));
const json = (name: string): Record<string, unknown> => JSON.parse(body(name).toString('utf8')) as Record<string, unknown>;

interface List {
  kind: string;
  apiVersion: string;
  metadata: { continue?: string; resourceVersion?: string };
  items: Record<string, unknown>[];
}

/** Each item as the inventory reads it: through the same schemas the JSON path uses. */
function parsedItems(list: List, kind: string): unknown[] {
  return list.items.map((item) => ({ ...parseObject({ ...item, kind, apiVersion: 'v1' }) }));
}

describe('decodeProtobuf on bodies from a real API server', () => {
  for (const [file, kind] of [
    ['pods-page', 'Pod'],
    ['nodes-page', 'Node'],
    ['namespaces-page', 'Namespace'],
  ] as const) {
    it(`${file}: the same ${kind}s, continue token and resourceVersion as the JSON answer`, () => {
      const fromProtobuf = decodeProtobuf(body(`${file}.pb`)) as unknown as List;
      const fromJson = json(`${file}.json`) as unknown as List;
      assert.equal(fromProtobuf.kind, `${kind}List`);
      assert.equal(fromProtobuf.apiVersion, 'v1');
      assert.ok(fromJson.items.length > 0);
      assert.deepEqual(parsedItems(fromProtobuf, kind), parsedItems(fromJson, kind));
      assert.deepEqual(
        { continue: fromProtobuf.metadata.continue, resourceVersion: fromProtobuf.metadata.resourceVersion },
        { continue: fromJson.metadata.continue, resourceVersion: fromJson.metadata.resourceVersion },
      );
    });
  }

  it('keeps only the fields the collector reads: no managedFields, annotations, env or volumes', () => {
    const pod = (decodeProtobuf(body('pods-page.pb')) as unknown as List).items[0]!;
    const jsonPod = (json('pods-page.json') as unknown as List).items[0]! as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    assert.ok('managedFields' in jsonPod.metadata && 'volumes' in jsonPod.spec);
    assert.deepEqual(Object.keys(pod).sort(), ['metadata', 'spec', 'status']);
    assert.deepEqual(Object.keys(pod.metadata as object).sort(), ['labels', 'name', 'namespace', 'uid']);
    assert.deepEqual(Object.keys(pod.spec as object).sort(), ['containers', 'nodeName']);
  });

  it('gives an empty list its empty items array', () => {
    assert.deepEqual(decodeProtobuf(body('resourcequotas-empty.pb')).items, []);
    assert.deepEqual(json('resourcequotas-empty.json').items, []);
  });

  it('decodes an error Status as the JSON Status reads', () => {
    const status = decodeProtobuf(body('status-404.pb'));
    const { kind, apiVersion, status: outcome, message, reason, details, code } = json('status-404.json');
    assert.deepEqual(status, { kind, apiVersion, status: outcome, message, reason, details, code });
  });

  it('refuses a kind it has no schema for, naming it', () => {
    assert.throws(() => decodeProtobuf(body('events.pb')), (error) => error instanceof ProtobufBodyError && error.message === 'no decoder for v1 EventList');
  });

  it('refuses a body cut short and a body that is not Kubernetes protobuf', () => {
    const whole = body('pods-page.pb');
    assert.throws(() => decodeProtobuf(whole.subarray(0, whole.length - 100)), (error) => error instanceof ProtobufBodyError && /^malformed protobuf body/.test(error.message));
    assert.throws(() => decodeProtobuf(body('pods-page.json')), (error) => error instanceof ProtobufBodyError && /magic/.test(error.message));
  });

  it('recognizes the protobuf media type with or without parameters', () => {
    assert.deepEqual(
      ['application/vnd.kubernetes.protobuf', 'application/vnd.kubernetes.protobuf; charset=utf-8', 'application/json', undefined].map(isProtobuf),
      [true, true, false, false],
    );
  });

  it('reads the continue token from the first bytes of a list, whatever the cut', () => {
    for (const file of ['pods-page', 'nodes-page', 'namespaces-page', 'resourcequotas-empty']) {
      const whole = body(`${file}.pb`);
      const token = (decodeProtobuf(whole).metadata as { continue?: string } | undefined)?.continue;
      let firstComplete: number | undefined;
      for (let length = 0; length <= whole.length; length++) {
        const head = peekListContinue(whole.subarray(0, length));
        if (head.complete) {
          firstComplete ??= length;
          assert.equal(head.continueToken, token, `${file} cut at ${length}`);
        } else assert.equal(firstComplete, undefined, `${file}: incomplete again at ${length}`);
      }
      assert.ok(firstComplete !== undefined && firstComplete < 200, `${file}: complete from byte ${firstComplete}`);
    }
  });
});

describe('ProtobufListStream', () => {
  it('gives the same list as a whole decode, however the body is cut into chunks', () => {
    for (const [file, kind] of [
      ['pods-page', 'Pod'],
      ['nodes-page', 'Node'],
      ['namespaces-page', 'Namespace'],
      ['resourcequotas-empty', 'ResourceQuota'],
    ] as const) {
      const whole = body(`${file}.pb`);
      const { items: expectedItems, ...expected } = decodeProtobuf(whole) as unknown as List;
      for (const size of [1, 2, 3, 7, 64, 1000, 4096, whole.length]) {
        const stream = new ProtobufListStream();
        const items: unknown[] = [];
        let validated = 0;
        for (let at = 0; at < whole.length; at += size) {
          for (const item of stream.push(whole.subarray(at, at + size))) {
            // Pods come straight from their bytes as parseObject gives them (inventory/pod-protobuf.ts), other kinds
            // in the JSON shape; the objects the inventory reads are the same.
            if (item instanceof ValidatedObject) validated++;
            items.push({ ...(item instanceof ValidatedObject ? item : parseObject({ ...item, kind, apiVersion: 'v1' })) });
          }
        }
        assert.deepEqual({ ...stream.end(), items }, { ...expected, items: parsedItems({ ...expected, items: expectedItems }, kind) }, `${file} in chunks of ${size}`);
        assert.equal(validated, kind === 'Pod' ? expectedItems.length : 0, `${file} in chunks of ${size}`);
      }
    }
  });

  it('hands out each item as soon as its last byte arrives', () => {
    const whole = body('pods-page.pb');
    const stream = new ProtobufListStream();
    const counts: number[] = [];
    for (let at = 0; at < whole.length; at += 1000) counts.push(stream.push(whole.subarray(at, at + 1000)).length);
    // Three pods of ~3.8 KB each: one completes in each of three different chunks.
    assert.deepEqual(counts.filter((n) => n > 0), [1, 1, 1]);
  });

  it('refuses a body cut short, one without the magic, and a kind that is not a list it knows', () => {
    const cut = new ProtobufListStream();
    cut.push(body('pods-page.pb').subarray(0, 5000));
    assert.throws(() => cut.end(), (error) => error instanceof ProtobufBodyError && /ended early \(\d+ bytes of the list missing\)/.test(error.message));
    assert.throws(() => new ProtobufListStream().push(body('pods-page.json')), (error) => error instanceof ProtobufBodyError && /magic/.test(error.message));
    assert.throws(() => new ProtobufListStream().push(body('events.pb')), (error) => error instanceof ProtobufBodyError && error.message === 'no decoder for v1 EventList as a list');
    assert.throws(() => new ProtobufListStream().push(body('status-404.pb')), (error) => error instanceof ProtobufBodyError && error.message === 'no decoder for v1 Status as a list');
  });
});
