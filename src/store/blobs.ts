/**
 * Content-addressed values: `putValue` stores a value once under the SHA-256 of its encoding and returns the row
 * id; storing the same value again costs nothing. Bodies are raw-deflated JSON from codec.ts.
 */
import { eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { InternalError } from '../errors.js';
import { decodeValue, encodeValue } from './codec.js';
import type { StoreDatabase } from './open.js';
import { blobs } from './schema.js';

/** Writes blobs inside one transaction, remembering what it wrote or found so repeats skip the lookup. */
export class BlobWriter {
  private readonly known = new Map<string, number>();

  constructor(private readonly db: StoreDatabase) {}

  putValue(value: unknown): number {
    const text = encodeValue(value);
    const hash = createHash('sha256').update(text).digest();
    const key = hash.toString('base64');
    const cached = this.known.get(key);
    if (cached !== undefined) return cached;
    const existing = this.db.select({ id: blobs.id }).from(blobs).where(eq(blobs.hash, hash)).get();
    const id =
      existing?.id ??
      this.db
        .insert(blobs)
        .values({ hash, body: deflateRawSync(text) })
        .returning({ id: blobs.id })
        .get().id;
    this.known.set(key, id);
    return id;
  }
}

/**
 * Reads blobs, inflating each id once. Every call decodes afresh, so two references to one blob (two nodes with
 * the same usage) never share a mutable object.
 */
export class BlobReader {
  private readonly texts = new Map<number, string>();

  constructor(private readonly db: StoreDatabase) {}

  getValue(id: number): unknown {
    let text = this.texts.get(id);
    if (text === undefined) {
      const row = this.db.select({ body: blobs.body }).from(blobs).where(eq(blobs.id, id)).get();
      if (row === undefined) throw new InternalError(`blob ${id} is missing from the database`);
      text = inflateRawSync(row.body).toString('utf8');
      this.texts.set(id, text);
    }
    return decodeValue(text);
  }
}
