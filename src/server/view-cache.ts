/**
 * Responses derived only from immutable stored things (a snapshot, a plan) computed once: on a 5,000-node cluster
 * the Capacity view alone takes hundreds of milliseconds and its JSON is over half a megabyte, so the body is kept
 * serialized and UTF-8 encoded (written to the socket as it is), not just the inventory, and gzipped once for
 * clients that accept it (every browser: a year of History is ~5 MB of JSON, ~1.3 MB gzipped). Keys name
 * everything the value depends on (e.g. `capacity:<snapshot id>`); a few recent keys per app (at most `size`
 * bodies and `maxBytes` bytes), least recently used forgotten first.
 */
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';

export interface View {
  /** The JSON body, UTF-8. */
  readonly body: Uint8Array<ArrayBuffer>;
  /** The body gzipped (computed on first use, then kept). */
  gzip(): Uint8Array<ArrayBuffer>;
}

export interface ViewCache {
  /** The view stored under `key`, else `build()` serialized, stored and returned. */
  json(key: string, build: () => unknown): Promise<View>;
  /** The same for a text body (a report), stored as UTF-8 as `build()` returns it. */
  text(key: string, build: () => string | Promise<string>): Promise<View>;
}

export function viewCache(size = 16, maxBytes = 64 * 2 ** 20): ViewCache {
  const recent = new Map<string, { body: Uint8Array<ArrayBuffer>; gzipped: Uint8Array<ArrayBuffer> | null }>();
  const utf8 = new TextEncoder();
  let bytes = 0;
  const bytesOf = (entry: { body: Uint8Array; gzipped: Uint8Array | null }): number => entry.body.byteLength + (entry.gzipped?.byteLength ?? 0);
  const trim = (): void => {
    while (recent.size > 1 && (recent.size > size || bytes > maxBytes)) {
      const oldest = recent.keys().next().value as string;
      bytes -= bytesOf(recent.get(oldest) as { body: Uint8Array; gzipped: Uint8Array | null });
      recent.delete(oldest);
    }
  };
  const remember = async (key: string, build: () => Promise<string>): Promise<View> => {
    let entry = recent.get(key);
    if (entry !== undefined) {
      recent.delete(key);
    } else {
      // The build may await the store: another request may have kept the same key meanwhile.
      const body = utf8.encode(await build());
      entry = recent.get(key);
      if (entry !== undefined) {
        recent.delete(key);
      } else {
        entry = { body, gzipped: null };
        bytes += entry.body.byteLength;
      }
    }
    recent.set(key, entry);
    trim();
    const held = entry;
    return {
      body: held.body,
      gzip() {
        if (held.gzipped === null) {
          const zipped = gzipSync(held.body, { level: 1 });
          held.gzipped = new Uint8Array(zipped.buffer.slice(zipped.byteOffset, zipped.byteOffset + zipped.byteLength));
          if (recent.get(key) === held) {
            bytes += held.gzipped.byteLength;
            trim();
          }
        }
        return held.gzipped;
      },
    };
  };
  return {
    json: (key, build) => remember(key, async () => JSON.stringify(await build())),
    text: (key, build) => remember(key, async () => build()),
  };
}

/** Bodies below this are sent as they are: gzip would save little. */
const GZIP_FROM_BYTES = 1024;

/** A 200 with the view's body (JSON unless `headers` say otherwise), gzipped when the request accepts gzip. */
export function viewResponse(c: Context, view: View, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Response {
  const accepts = /(^|[\s,])gzip(?!\s*;\s*q=0(\.0*)?\s*(,|$))/i.test(c.req.header('accept-encoding') ?? '');
  if (!accepts || view.body.byteLength < GZIP_FROM_BYTES) {
    return c.body(view.body, 200, { ...headers, Vary: 'Accept-Encoding' });
  }
  return c.body(view.gzip(), 200, { ...headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
}
