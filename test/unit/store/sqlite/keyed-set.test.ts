import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlobReader, BlobWriter } from '../../../../src/store/sqlite/blobs.js';
import { readEntries, readKeyedSet, writeKeyedSet } from '../../../../src/store/sqlite/keyed-set.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';

interface Item {
  name: string;
  value: number;
}

const items = (count: number, change: (i: number) => number = () => 0): Item[] =>
  Array.from({ length: count }, (_, i) => ({ name: `item-${String(i).padStart(3, '0')}`, value: i + change(i) }));

function setup(): { writer: BlobWriter; reader: BlobReader; write: (list: Item[], previousRoot: number | null) => number } {
  const store = SqliteStore.open({ file: ':memory:' });
  const writer = new BlobWriter(store);
  const reader = new BlobReader(store);
  return { writer, reader, write: (list, previousRoot) => writeKeyedSet(writer, reader, { items: list, keyOf: (item) => item.name, previousRoot }) };
}

const rootOf = (reader: BlobReader, id: number): Record<string, unknown> => reader.getValue(id) as Record<string, unknown>;

describe('keyed sets', () => {
  it('returns the same root for an unchanged set', async () => {
    const { write } = setup();
    const first = write(items(100), null);
    assert.equal(write(items(100), first), first);
  });

  it('writes a delta naming the full base for a few changes, and reads the merged set', async () => {
    const { write, reader } = setup();
    const base = write(items(100), null);
    const changed = items(101, (i) => (i === 5 ? 1000 : 0)).filter((item) => item.name !== 'item-007');
    const delta = write(changed, base);
    const root = rootOf(reader, delta);
    assert.equal(root.base, base);
    assert.deepEqual((root.put as [string, number][]).map(([key]) => key), ['item-005', 'item-100']);
    assert.deepEqual(root.del, ['item-007']);
    assert.deepEqual(readKeyedSet(reader, delta), changed);
    // A later delta still names the full root, never the previous delta.
    const next = write(changed.map((item) => (item.name === 'item-050' ? { ...item, value: -1 } : item)), delta);
    assert.equal(rootOf(reader, next).base, base);
    assert.equal(readEntries(reader, next).length, 100);
  });

  it('starts a new full root when the changes exceed a quarter of the base', async () => {
    const { write, reader } = setup();
    const base = write(items(100), null);
    const changed = items(100, (i) => (i < 26 ? 1 : 0));
    const next = write(changed, base);
    assert.ok('full' in rootOf(reader, next));
    assert.deepEqual(readKeyedSet(reader, next), changed);
  });

  it('keeps an order that is not ascending by key in a full root', async () => {
    const { write, reader } = setup();
    const list = [...items(3)].reverse();
    const root = write(list, write(items(3), null));
    assert.deepEqual(rootOf(reader, root).sorted, false);
    assert.deepEqual(readKeyedSet(reader, root), list);
  });

  it('stores an item value once however many sets refer to it', async () => {
    const { writer } = setup();
    assert.equal(writer.putValue({ a: 1 }), writer.putValue({ a: 1 }));
  });
});
