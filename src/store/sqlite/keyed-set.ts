/**
 * A set of named items (nodes, quotas, ...) stored so that history stays small. Each item is a content-addressed
 * blob; the set is a root blob that either lists every `[key, blob]` pair (a full root) or names a full root and
 * the pairs changed since it (a delta root). A set equal to the previous snapshot's costs nothing new: the same
 * root id is returned. A delta never chains (it always refers to a full root), so reading is at most two roots;
 * a delta that grows past a quarter of its base is replaced by a new full root.
 */
import { InternalError } from '../../errors.js';
import type { BlobReader, BlobWriter } from './blobs.js';
import { compareKeys } from '../../text-order.js';

type Entry = [key: string, blob: number];

type SetRoot = { full: Entry[]; sorted: boolean } | { base: number; put: Entry[]; del: string[] };

export interface WriteKeyedSetOptions<T> {
  items: readonly T[];
  keyOf(item: T): string;
  /** What is stored for an item; the item itself when omitted. */
  storedValue?(item: T): unknown;
  /** The root this set had in the cluster's previous snapshot. */
  previousRoot: number | null;
  /**
   * Names this set among the connection's saves (with the cluster), so an item equal to what the last save stored
   * under its key is recognised without encoding it (BlobWriter.putSlot). Omitted: every item is encoded.
   */
  slot?: string;
}

/** Smallest delta allowed regardless of the base's size, so small sets do not rewrite full roots on every change. */
const MIN_DELTA = 16;

export function writeKeyedSet<T>(writer: BlobWriter, reader: BlobReader, options: WriteKeyedSetOptions<T>): number {
  const storedValue = options.storedValue ?? ((item: T): unknown => item);
  const slot = options.slot;
  const entries: Entry[] = options.items.map((item) => {
    const key = options.keyOf(item);
    const value = storedValue(item);
    return [key, slot === undefined ? writer.putValue(value) : writer.putSlot(slot, key, value)];
  });
  const sorted = entries.every((entry, i) => i === 0 || (entries[i - 1] as Entry)[0] < entry[0]);
  // Order that is not strictly ascending by key (or repeats a key) is kept verbatim in a full root.
  if (!sorted || options.previousRoot === null) return putRoot(writer, { full: entries, sorted });

  const previous = readRootOnce(writer, reader, options.previousRoot);
  const baseId = 'full' in previous ? options.previousRoot : previous.base;
  const base = 'full' in previous ? previous : readRootOnce(writer, reader, baseId);
  if (!('full' in base) || !base.sorted) return putRoot(writer, { full: entries, sorted });

  const baseBlobs = new Map(base.full);
  const put = entries.filter(([key, blob]) => baseBlobs.get(key) !== blob);
  const current = new Set(entries.map(([key]) => key));
  const del = base.full.map(([key]) => key).filter((key) => !current.has(key));
  if (put.length === 0 && del.length === 0) return baseId;
  if (put.length + del.length > Math.max(MIN_DELTA, Math.floor(base.full.length / 4))) {
    return putRoot(writer, { full: entries, sorted });
  }
  return putRoot(writer, { base: baseId, put, del });
}

/** Stores a root and keeps it decoded, so the next save on this connection does not read it back. */
function putRoot(writer: BlobWriter, root: SetRoot): number {
  const id = writer.putValue(root);
  writer.noteValue(id, root);
  return id;
}

/** A root as the writer knows it (written or read by this save or the last one), else read from the database. */
function readRootOnce(writer: BlobWriter, reader: BlobReader, id: number): SetRoot {
  const known = writer.knownValue(id);
  if (known !== undefined) return known as SetRoot;
  const root = readRoot(reader, id);
  writer.noteValue(id, root);
  return root;
}

/** The stored values of a set, in the order they were written. */
export function readKeyedSet(reader: BlobReader, rootId: number): unknown[] {
  return readEntries(reader, rootId).map(([, blob]) => reader.getValue(blob));
}

/** The `[key, blob]` pairs of a set: what a caller needs to compare two sets without decoding items. */
export function readEntries(reader: BlobReader, rootId: number): Entry[] {
  const root = readRoot(reader, rootId);
  if ('full' in root) return root.full;
  const base = readRoot(reader, root.base);
  if (!('full' in base)) throw new InternalError(`set root ${rootId} refers to a delta root ${root.base}`);
  const merged = new Map(base.full);
  for (const key of root.del) merged.delete(key);
  for (const [key, blob] of root.put) merged.set(key, blob);
  return [...merged.entries()].sort(compareKeys);
}

function readRoot(reader: BlobReader, id: number): SetRoot {
  const root = reader.getValue(id);
  if (typeof root !== 'object' || root === null || !('full' in root || 'base' in root)) {
    throw new InternalError(`blob ${id} is not a set root`);
  }
  return root as SetRoot;
}
