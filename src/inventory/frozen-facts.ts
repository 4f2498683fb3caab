/**
 * Facts a watch hands out again and again: frozen all the way down, and the same object again while its value did
 * not change. The store recognises such an object by identity (store/slot-memo.ts: a frozen item is taken to be
 * deeply immutable), so an unchanged node costs a snapshot nothing to store.
 */

/**
 * Freezes `value` and everything in it (plain objects and arrays; a Quantity is frozen already). A part that is
 * something else (a Map, a class instance) cannot be frozen through: then nothing above it is frozen, and the store
 * compares that item by its value as before. Returns whether `value` is frozen now.
 */
export function freezeFacts(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Object.isFrozen(value)) return true;
  if (!Array.isArray(value)) {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return false;
  }
  let all = true;
  for (const part of Object.values(value)) if (!freezeFacts(part)) all = false;
  if (all) Object.freeze(value);
  return all;
}

/**
 * Whether `a` and `b` hold the same value as the store would write it: the same primitives (Object.is: 0 and -0
 * differ), arrays and plain objects with the same keys in the same order. Shared parts are the same object, so an
 * unchanged fact compares at the cost of its top level. Anything but a plain object or array differs unless it is
 * the same object.
 */
export function sameFacts(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameFacts(a[i], b[i])) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(a) as unknown;
  if ((prototype !== Object.prototype && prototype !== null) || Object.getPrototypeOf(b) !== prototype) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i] as string;
    if (key !== keysB[i] || !sameFacts((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * The objects of one list of a snapshot (nodes, namespaces) by key, kept from one snapshot to the next: an object
 * equal to the one handed out last time under its key is replaced by that one, a new one is frozen.
 */
export class KeptFacts<T extends object> {
  private previous = new Map<string, T>();

  constructor(private readonly keyOf: (item: T) => string) {}

  keep(items: readonly T[]): T[] {
    const next = new Map<string, T>();
    const out = items.map((item) => {
      const key = this.keyOf(item);
      const before = this.previous.get(key);
      const kept = before !== undefined && sameFacts(before, item) ? before : item;
      if (kept === item) freezeFacts(item);
      next.set(key, kept);
      return kept;
    });
    this.previous = next;
    return out;
  }
}
