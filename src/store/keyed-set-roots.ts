/**
 * Keyed sets, the rules both stores follow: a set of named items (nodes, quotas, ...) stored so that history stays
 * small. Each item is a content-addressed blob; the set is a root blob that either lists every `[key, blob]` pair
 * (a full root) or names a full root and the pairs changed since it (a delta root). A set equal to the previous
 * snapshot's costs nothing new: the same root id is used. A delta never chains (it always refers to a full root),
 * so reading is at most two roots; a delta that grows past a quarter of its base is replaced by a new full root.
 * Each store (sqlite/keyed-set.ts, postgres/keyed-set.ts) stores and reads the blobs.
 */
import { InternalError } from '../errors.js';
import { compareKeys } from '../text-order.js';

export type Entry = [key: string, blob: number];

export type SetRoot = { full: Entry[]; sorted: boolean } | { base: number; put: Entry[]; del: string[] };

/** Smallest delta allowed regardless of the base's size, so small sets do not rewrite full roots on every change. */
const MIN_DELTA = 16;

/** Whether the keys ascend strictly (no key twice): only such a set can be stored as a delta, or sorted on read. */
export function strictlyAscending(keys: readonly string[]): boolean {
  return keys.every((key, i) => i === 0 || (keys[i - 1] as string) < key);
}

/** The root of `entries` when there is no usable base: every pair, verbatim. */
export function fullRoot(entries: Entry[]): SetRoot {
  return { full: entries, sorted: strictlyAscending(entries.map(([key]) => key)) };
}

/** The id of the full root a delta would be written against: the previous root, or the full root it names. */
export function baseIdOf(previousId: number, previous: SetRoot): number {
  return 'full' in previous ? previousId : previous.base;
}

/**
 * The root of `entries` (strictly ascending) written against the full root `baseId`: the base's id when nothing
 * changed, else the root to store (a delta, or a full root when the base cannot serve or the delta grew too large).
 */
export function nextRoot(entries: Entry[], baseId: number, base: SetRoot): number | SetRoot {
  if (!('full' in base) || !base.sorted) return fullRoot(entries);
  const baseBlobs = new Map(base.full);
  const put = entries.filter(([key, blob]) => baseBlobs.get(key) !== blob);
  const current = new Set(entries.map(([key]) => key));
  const del = base.full.map(([key]) => key).filter((key) => !current.has(key));
  if (put.length === 0 && del.length === 0) return baseId;
  if (put.length + del.length > Math.max(MIN_DELTA, Math.floor(base.full.length / 4))) return fullRoot(entries);
  return { base: baseId, put, del };
}

/** The `[key, blob]` pairs of a delta root applied to its base (by key). */
export function deltaEntries(rootId: number, root: { base: number; put: Entry[]; del: string[] }, base: SetRoot): Entry[] {
  if (!('full' in base)) throw new InternalError(`set root ${rootId} refers to a delta root ${root.base}`);
  const merged = new Map(base.full);
  for (const key of root.del) merged.delete(key);
  for (const [key, blob] of root.put) merged.set(key, blob);
  return [...merged.entries()].sort(compareKeys);
}

/** A stored value read as a set root. */
export function asSetRoot(value: unknown, id: number): SetRoot {
  if (typeof value !== 'object' || value === null || !('full' in value || 'base' in value)) {
    throw new InternalError(`blob ${id} is not a set root`);
  }
  return value as SetRoot;
}
