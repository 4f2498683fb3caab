/**
 * Keyed sets in SQLite (the roots and their rules: ../keyed-set-roots.ts). Roots written or read are kept decoded
 * by the blob writer, so the next save on this connection does not read them back.
 */
import { asSetRoot, baseIdOf, deltaEntries, fullRoot, nextRoot, strictlyAscending, type Entry, type SetRoot } from '../keyed-set-roots.js';
import type { BlobReader, BlobWriter } from './blobs.js';

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

export function writeKeyedSet<T>(writer: BlobWriter, reader: BlobReader, options: WriteKeyedSetOptions<T>): number {
  const storedValue = options.storedValue ?? ((item: T): unknown => item);
  const slot = options.slot;
  const entries: Entry[] = options.items.map((item) => {
    const key = options.keyOf(item);
    const value = storedValue(item);
    return [key, slot === undefined ? writer.putValue(value) : writer.putSlot(slot, key, value, typeof item === 'object' && item !== null ? item : undefined)];
  });
  // Order that is not strictly ascending by key (or repeats a key) is kept verbatim in a full root.
  if (options.previousRoot === null || !strictlyAscending(entries.map(([key]) => key))) return putRoot(writer, fullRoot(entries));
  const previous = readRootOnce(writer, reader, options.previousRoot);
  const baseId = baseIdOf(options.previousRoot, previous);
  const next = nextRoot(entries, baseId, baseId === options.previousRoot ? previous : readRootOnce(writer, reader, baseId));
  return typeof next === 'number' ? next : putRoot(writer, next);
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
  const root = asSetRoot(reader.getValue(id), id);
  writer.noteValue(id, root);
  return root;
}

/** The stored values of a set, in the order they were written. */
export function readKeyedSet(reader: BlobReader, rootId: number): unknown[] {
  return readEntries(reader, rootId).map(([, blob]) => reader.getValue(blob));
}

/** The `[key, blob]` pairs of a set: what a caller needs to compare two sets without decoding items. */
export function readEntries(reader: BlobReader, rootId: number): Entry[] {
  const root = asSetRoot(reader.getValue(rootId), rootId);
  return 'full' in root ? root.full : deltaEntries(rootId, root, asSetRoot(reader.getValue(root.base), root.base));
}
