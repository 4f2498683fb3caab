/**
 * Keyed sets in PostgreSQL (the roots and their rules: ../keyed-set-roots.ts), with every item of a set stored,
 * and read, in one batch: each statement is a round trip to the server. As in SQLite, an item equal to what the
 * store's last save stored under its key is not encoded again (`slot`), and roots written or read are kept decoded
 * by the blob writer, so the next save does not read them back.
 */
import { asSetRoot, baseIdOf, deltaEntries, fullRoot, nextRoot, strictlyAscending, type Entry, type SetRoot } from '../keyed-set-roots.js';
import type { PgBlobReader, PgBlobWriter } from './blobs.js';

export interface WriteKeyedSetOptions<T> {
  items: readonly T[];
  keyOf(item: T): string;
  /** What is stored for an item; the item itself when omitted. */
  storedValue?(item: T): unknown;
  /** The root this set had in the cluster's previous snapshot. */
  previousRoot: number | null;
  /** Names this set among the store's saves (with the cluster): see PgBlobWriter.putSlots. */
  slot: string;
}

export async function writeKeyedSet<T>(writer: PgBlobWriter, reader: PgBlobReader, options: WriteKeyedSetOptions<T>): Promise<number> {
  const storedValue = options.storedValue ?? ((item: T): unknown => item);
  const keys = options.items.map((item) => options.keyOf(item));
  const ids = await writer.putSlots(
    options.slot,
    options.items.map((item, i) => [keys[i] as string, storedValue(item), typeof item === 'object' && item !== null ? item : undefined] as const),
  );
  const entries: Entry[] = keys.map((key, i) => [key, ids[i] as number]);
  if (options.previousRoot === null || !strictlyAscending(keys)) return putRoot(writer, fullRoot(entries));
  const previous = await readRootOnce(writer, reader, options.previousRoot);
  const baseId = baseIdOf(options.previousRoot, previous);
  const next = nextRoot(entries, baseId, baseId === options.previousRoot ? previous : await readRootOnce(writer, reader, baseId));
  return typeof next === 'number' ? next : putRoot(writer, next);
}

/** Stores a root and keeps it decoded, so the next save does not read it back. */
async function putRoot(writer: PgBlobWriter, root: SetRoot): Promise<number> {
  const id = await writer.putValue(root);
  writer.noteValue(id, root);
  return id;
}

/** A root as the writer knows it (written or read by this save or the last one), else read from the database. */
async function readRootOnce(writer: PgBlobWriter, reader: PgBlobReader, id: number): Promise<SetRoot> {
  const known = writer.knownValue(id);
  if (known !== undefined) return known as SetRoot;
  const root = await readRoot(reader, id);
  writer.noteValue(id, root);
  return root;
}

/** The stored values of a set, in the order they were written (items loaded in one batch). */
export async function readKeyedSet(reader: PgBlobReader, rootId: number): Promise<unknown[]> {
  const root = await readRoot(reader, rootId);
  const entries = 'full' in root ? root.full : deltaEntries(rootId, root, await readRoot(reader, root.base));
  await reader.load(entries.map(([, blob]) => blob));
  return entries.map(([, blob]) => reader.loaded(blob));
}

async function readRoot(reader: PgBlobReader, id: number): Promise<SetRoot> {
  return asSetRoot(await reader.getValue(id), id);
}
