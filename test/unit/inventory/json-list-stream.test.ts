import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JsonListScanner, JsonStructureError, type ListItemText } from '../../../src/collect/json-list-stream.js';

function scan(text: string, chunkSizes: number[] = [text.length]): { items: ListItemText[]; envelope: unknown; listKind: string | undefined } {
  const scanner = new JsonListScanner();
  const items: ListItemText[] = [];
  let at = 0;
  for (let i = 0; at < text.length; i++) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length] ?? 1);
    items.push(...scanner.feed(text.slice(at, at + size)));
    at += size;
  }
  return { items, envelope: scanner.end(), listKind: scanner.listKind };
}

function structureError(text: string): [string, number, number] {
  try {
    scan(text);
  } catch (error) {
    assert.ok(error instanceof JsonStructureError);
    return [error.message, error.line, error.column];
  }
  throw new Error('expected an error');
}

describe('JsonListScanner', () => {
  const text = '{\n  "apiVersion": "v1",\n  "items": [\n    {"kind": "Pod", "metadata": {"name": "a, ]\\"}"}, "items": [1]},\n    {"kind": "Node"}\n  ],\n  "kind": "List"\n}\n';

  it('hands out each item with where it starts, and the List without its items', () => {
    const { items, envelope, listKind } = scan(text);
    assert.deepEqual(items, [
      { index: 0, text: '{"kind": "Pod", "metadata": {"name": "a, ]\\"}"}, "items": [1]}', line: 4, column: 5 },
      { index: 1, text: '{"kind": "Node"}', line: 5, column: 5 },
    ]);
    assert.deepEqual(envelope, { apiVersion: 'v1', items: [], kind: 'List' });
    assert.equal(listKind, 'List');
  });

  it('gives the same items whatever the chunk boundaries', () => {
    for (const sizes of [[1], [2, 3], [7], [64]]) {
      assert.deepEqual(scan(text, sizes).items.map((i) => i.text), ['{"kind": "Pod", "metadata": {"name": "a, ]\\"}"}, "items": [1]}', '{"kind": "Node"}']);
    }
  });

  it('agrees with JSON.parse on random Lists cut into random chunks', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 6 }), fc.dictionary(fc.string(), value, { maxKeys: 3 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), fc.boolean(), (items, extra, sizes, pretty) => {
        const list = { ...extra, kind: 'List', items };
        const json = pretty ? JSON.stringify(list, null, 2) : JSON.stringify(list);
        const got = scan(json, sizes);
        assert.deepEqual(got.items.map((i) => JSON.parse(i.text) as unknown), JSON.parse(JSON.stringify(items)));
        assert.deepEqual(got.envelope, JSON.parse(JSON.stringify({ ...list, items: [] })));
      }),
      { numRuns: 300 },
    );
  });

  it('reads the List kind when the API server writes it before the items', () => {
    assert.equal(scan('{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{}}]}').listKind, 'PodList');
  });

  it('names the line and column of a structural fault', () => {
    assert.deepEqual(structureError('{"items": [\n  {"a": 1]\n]}'), ["unexpected ']'", 2, 10]);
    assert.deepEqual(structureError('{"items": [{"a": 1}'), ['unexpected end of the file', 1, 19]);
    assert.deepEqual(structureError('{"items": []} {}'), ['unexpected text after the top-level object', 1, 15]);
    assert.deepEqual(structureError('[1]'), ['not a JSON object', 1, 1]);
    assert.deepEqual(structureError('{"items": [,{}]}'), ["unexpected ','", 1, 12]);
  });

  it('reports a fault outside the items without a position', () => {
    assert.throws(() => scan('{"kind": "List",, "items": []}'), (error: unknown) => error instanceof JsonStructureError && error.message.startsWith('outside the items: ') && error.line === 0);
  });
});
