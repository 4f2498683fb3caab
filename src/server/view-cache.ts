/**
 * Responses derived only from immutable stored things (a snapshot, a plan) computed once: on a 5,000-node cluster
 * the Capacity view alone takes hundreds of milliseconds and its JSON is over half a megabyte, so the serialized
 * body is kept, not just the inventory. Keys name everything the value depends on (e.g. `capacity:<snapshot id>`);
 * a few recent keys per app (at most `size` bodies and `maxChars` characters), least recently used forgotten first.
 */
export interface ViewCache {
  /** The JSON text stored under `key`, else `build()` serialized and stored. */
  json(key: string, build: () => unknown): string;
}

export function viewCache(size = 16, maxChars = 64 * 2 ** 20): ViewCache {
  const recent = new Map<string, string>();
  let chars = 0;
  return {
    json(key, build) {
      const hit = recent.get(key);
      if (hit !== undefined) {
        recent.delete(key);
        recent.set(key, hit);
        return hit;
      }
      const text = JSON.stringify(build());
      recent.set(key, text);
      chars += text.length;
      while (recent.size > 1 && (recent.size > size || chars > maxChars)) {
        const oldest = recent.keys().next().value as string;
        chars -= (recent.get(oldest) as string).length;
        recent.delete(oldest);
      }
      return text;
    },
  };
}
