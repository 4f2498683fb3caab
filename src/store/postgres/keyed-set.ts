/**
 * Keyed sets in PostgreSQL: the same roots as ../sqlite/keyed-set.ts (a full root lists every `[key, blob]`, a
 * delta root names a full root and what changed since; a delta never chains and is replaced by a full root once it
 * grows past a quarter of its base), with every item of a set stored in one batch.
 */
import { InternalError } from '../../errors.js';
import type { PgBlobReader, PgBlobWriter } from './blobs.js';
import { compareKeys } from '../../text-order.js';

type Entry = [key: string, blob: number];

type SetRoot = { full: Entry[]; sorted: boolean } | { base: number; put: Entry[]; del: string[] };

export interface WriteKeyedSetOptions<T> {
  items: readonly T[];
  keyOf(item: T): string;
  storedValue?(item: T): unknown;
  previousRoot: number | null;
}

const MIN_DELTA = 16;

export async function writeKeyedSet<T>(writer: PgBlobWriter, reader: PgBlobReader, options: WriteKeyedSetOptions<T>): Promise<number> {
  const storedValue = options.storedValue ?? ((item: T): unknown => item);
  const ids = await writer.putValues(options.items.map((item) => storedValue(item)));
  const entries: Entry[] = options.items.map((item, i) => [options.keyOf(item), ids[i] as number]);
  const sorted = entries.every((entry, i) => i === 0 || (entries[i - 1] as Entry)[0] < entry[0]);
  if (!sorted || options.previousRoot === null) return writer.putValue({ full: entries, sorted } satisfies SetRoot);

  const previous = await readRoot(reader, options.previousRoot);
  const baseId = 'full' in previous ? options.previousRoot : previous.base;
  const base = 'full' in previous ? previous : await readRoot(reader, baseId);
  if (!('full' in base) || !base.sorted) return writer.putValue({ full: entries, sorted } satisfies SetRoot);

  const baseBlobs = new Map(base.full);
  const put = entries.filter(([key, blob]) => baseBlobs.get(key) !== blob);
  const current = new Set(entries.map(([key]) => key));
  const del = base.full.map(([key]) => key).filter((key) => !current.has(key));
  if (put.length === 0 && del.length === 0) return baseId;
  if (put.length + del.length > Math.max(MIN_DELTA, Math.floor(base.full.length / 4))) {
    return writer.putValue({ full: entries, sorted } satisfies SetRoot);
  }
  return writer.putValue({ base: baseId, put, del } satisfies SetRoot);
}

/** The stored values of a set, in the order they were written (items loaded in one batch). */
export async function readKeyedSet(reader: PgBlobReader, rootId: number): Promise<unknown[]> {
  const entries = await readEntries(reader, rootId);
  await reader.load(entries.map(([, blob]) => blob));
  return entries.map(([, blob]) => reader.loaded(blob));
}

async function readEntries(reader: PgBlobReader, rootId: number): Promise<Entry[]> {
  const root = await readRoot(reader, rootId);
  if ('full' in root) return root.full;
  const base = await readRoot(reader, root.base);
  if (!('full' in base)) throw new InternalError(`set root ${rootId} refers to a delta root ${root.base}`);
  const merged = new Map(base.full);
  for (const key of root.del) merged.delete(key);
  for (const [key, blob] of root.put) merged.set(key, blob);
  return [...merged.entries()].sort(compareKeys);
}

async function readRoot(reader: PgBlobReader, id: number): Promise<SetRoot> {
  const root = await reader.getValue(id);
  if (typeof root !== 'object' || root === null || !('full' in root || 'base' in root)) {
    throw new InternalError(`blob ${id} is not a set root`);
  }
  return root as SetRoot;
}
