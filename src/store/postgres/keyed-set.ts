/**
 * Keyed sets in PostgreSQL (the roots and their rules: ../keyed-set-roots.ts), with every item of a set stored,
 * and read, in one batch: each statement is a round trip to the server.
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
}

export async function writeKeyedSet<T>(writer: PgBlobWriter, reader: PgBlobReader, options: WriteKeyedSetOptions<T>): Promise<number> {
  const storedValue = options.storedValue ?? ((item: T): unknown => item);
  const ids = await writer.putValues(options.items.map((item) => storedValue(item)));
  const entries: Entry[] = options.items.map((item, i) => [options.keyOf(item), ids[i] as number]);
  if (options.previousRoot === null || !strictlyAscending(entries.map(([key]) => key))) return writer.putValue(fullRoot(entries));
  const previous = await readRoot(reader, options.previousRoot);
  const baseId = baseIdOf(options.previousRoot, previous);
  const next = nextRoot(entries, baseId, baseId === options.previousRoot ? previous : await readRoot(reader, baseId));
  return typeof next === 'number' ? next : writer.putValue(next);
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
