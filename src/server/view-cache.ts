/**
 * Responses derived only from immutable stored things (a snapshot, a plan) computed once: on a 5,000-node cluster
 * the Capacity view alone takes hundreds of milliseconds and its JSON is over half a megabyte, so the body is kept
 * serialized and UTF-8 encoded (written to the socket as it is), not just the inventory. Keys name everything the value depends on (e.g. `capacity:<snapshot id>`);
 * a few recent keys per app (at most `size` bodies and `maxBytes` bytes), least recently used forgotten first.
 */
export interface ViewCache {
  /** The JSON body (UTF-8) stored under `key`, else `build()` serialized, stored and returned. */
  json(key: string, build: () => unknown): Uint8Array<ArrayBuffer>;
}

export function viewCache(size = 16, maxBytes = 64 * 2 ** 20): ViewCache {
  const recent = new Map<string, Uint8Array<ArrayBuffer>>();
  const utf8 = new TextEncoder();
  let bytes = 0;
  return {
    json(key, build) {
      const hit = recent.get(key);
      if (hit !== undefined) {
        recent.delete(key);
        recent.set(key, hit);
        return hit;
      }
      const body = utf8.encode(JSON.stringify(build()));
      recent.set(key, body);
      bytes += body.byteLength;
      while (recent.size > 1 && (recent.size > size || bytes > maxBytes)) {
        const oldest = recent.keys().next().value as string;
        bytes -= (recent.get(oldest) as Uint8Array).byteLength;
        recent.delete(oldest);
      }
      return body;
    },
  };
}
