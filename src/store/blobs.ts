/**
 * Content-addressed values: `putValue` stores a value once under a hash of its encoding and returns the row id;
 * storing the same value again costs nothing. Bodies are raw-deflated JSON from codec.ts. The hash is the first
 * 16 bytes of SHA-256: a collision among even 10^9 blobs has a probability near 10^-21, and every blob saves
 * 32 bytes (row and unique index) over the full digest.
 *
 * These two statements run thousands of times per snapshot, so they are prepared once on the better-sqlite3
 * handle rather than rebuilt by the query builder on every call.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Statement } from 'better-sqlite3';
import { InternalError } from '../errors.js';
import { decodeValue, encodeValue } from './codec.js';
import type { Store } from './open.js';

const HASH_BYTES = 16;

/** Writes blobs inside one transaction, remembering what it wrote or found so repeats skip the lookup. */
export class BlobWriter {
  private readonly known = new Map<string, number>();
  private readonly find: Statement<[Buffer], { id: number }>;
  private readonly insert: Statement<[Buffer, Buffer], { id: number }>;

  constructor(store: Pick<Store, 'sqlite'>) {
    this.find = store.sqlite.prepare('SELECT id FROM blobs WHERE hash = ?');
    this.insert = store.sqlite.prepare('INSERT INTO blobs (hash, body) VALUES (?, ?) RETURNING id');
  }

  putValue(value: unknown): number {
    const text = encodeValue(value);
    const hash = createHash('sha256').update(text).digest().subarray(0, HASH_BYTES);
    const key = hash.toString('base64');
    const cached = this.known.get(key);
    if (cached !== undefined) return cached;
    const id = this.find.get(hash)?.id ?? (this.insert.get(hash, deflateRawSync(text)) as { id: number }).id;
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
  private readonly select: Statement<[number], { body: Buffer }>;

  constructor(store: Pick<Store, 'sqlite'>) {
    this.select = store.sqlite.prepare('SELECT body FROM blobs WHERE id = ?');
  }

  getValue(id: number): unknown {
    let text = this.texts.get(id);
    if (text === undefined) {
      const row = this.select.get(id);
      if (row === undefined) throw new InternalError(`blob ${id} is missing from the database`);
      text = inflateRawSync(row.body).toString('utf8');
      this.texts.set(id, text);
    }
    return decodeValue(text);
  }
}
