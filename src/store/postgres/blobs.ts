/**
 * Content-addressed values in PostgreSQL: the same hash (first 16 bytes of SHA-256 of the codec text) and body
 * (raw-deflated text) as the SQLite store (../sqlite/blobs.ts). Every call takes a batch: a snapshot stores
 * thousands of items and each statement is a round trip, so a set's items are looked up in one SELECT and the
 * missing ones inserted in one INSERT (per 1,000).
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { inArray } from 'drizzle-orm';
import { InternalError } from '../../errors.js';
import { decodeValue, encodeValue } from '../codec.js';
import type { Db } from './connection.js';
import { blobs } from './schema.js';

const HASH_BYTES = 16;
const BATCH = 1000;

/** Text -> id of blobs a committed transaction wrote or found: ids are never reused or changed. */
export type BlobMemo = Map<string, number>;

/** Writes blobs inside one write transaction. */
export class PgBlobWriter {
  /** What this transaction stored or found; the store's memo once it commits. */
  readonly known = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly memo: BlobMemo,
  ) {}

  async putValue(value: unknown): Promise<number> {
    return (await this.putTexts([encodeValue(value)]))[0] as number;
  }

  putValues(values: readonly unknown[]): Promise<number[]> {
    return this.putTexts(values.map((value) => encodeValue(value)));
  }

  async putTexts(texts: readonly string[]): Promise<number[]> {
    const missing = new Map<string, Buffer>();
    for (const text of texts) {
      if (this.known.has(text) || missing.has(text)) continue;
      const remembered = this.memo.get(text);
      if (remembered !== undefined) this.known.set(text, remembered);
      else missing.set(text, createHash('sha256').update(text).digest().subarray(0, HASH_BYTES));
    }
    const pending = [...missing];
    for (let i = 0; i < pending.length; i += BATCH) {
      const batch = pending.slice(i, i + BATCH);
      const byHash = new Map(batch.map(([text, hash]) => [hash.toString('hex'), text]));
      const found = await this.db
        .select({ id: blobs.id, hash: blobs.hash })
        .from(blobs)
        .where(inArray(blobs.hash, batch.map(([, hash]) => hash)));
      for (const row of found) this.known.set(byHash.get(row.hash.toString('hex')) as string, row.id);
      const toInsert = batch.filter(([text]) => !this.known.has(text));
      if (toInsert.length === 0) continue;
      // Writers hold the store's write lock, so no other transaction inserts these hashes meanwhile.
      const inserted = await this.db
        .insert(blobs)
        .values(toInsert.map(([text, hash]) => ({ hash, body: deflateRawSync(text) })))
        .returning({ id: blobs.id, hash: blobs.hash });
      for (const row of inserted) this.known.set(byHash.get(row.hash.toString('hex')) as string, row.id);
    }
    return texts.map((text) => {
      const id = this.known.get(text);
      if (id === undefined) throw new InternalError('a blob was neither found nor stored');
      return id;
    });
  }
}

/** Reads blobs, each id's body once per reader; every call decodes afresh (no shared mutable objects). */
export class PgBlobReader {
  private readonly texts = new Map<number, string>();

  constructor(private readonly db: Db) {}

  /** Loads the bodies of `ids` not read yet, in batches. */
  async load(ids: Iterable<number>): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !this.texts.has(id));
    for (let i = 0; i < wanted.length; i += BATCH) {
      const batch = wanted.slice(i, i + BATCH);
      const rows = await this.db.select({ id: blobs.id, body: blobs.body }).from(blobs).where(inArray(blobs.id, batch));
      for (const row of rows) this.texts.set(row.id, inflateRawSync(row.body).toString('utf8'));
      for (const id of batch) if (!this.texts.has(id)) throw new InternalError(`blob ${id} is missing from the database`);
    }
  }

  async getValue(id: number): Promise<unknown> {
    await this.load([id]);
    return this.loaded(id);
  }

  /** The value of a blob already loaded. */
  loaded(id: number): unknown {
    const text = this.texts.get(id);
    if (text === undefined) throw new InternalError(`blob ${id} was not loaded`);
    return decodeValue(text);
  }
}
