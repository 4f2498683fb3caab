/**
 * Content-addressed values in PostgreSQL: the same hash (first 16 bytes of SHA-256 of the codec text) and body
 * (raw-deflated text) as the SQLite store (../sqlite/blobs.ts). Every call takes a batch: a snapshot stores
 * thousands of items and each statement is a round trip, so a set's items are looked up in one SELECT and the
 * missing ones inserted in one INSERT (per 1,000).
 *
 * Writers of different clusters save at once (pg-store.ts), and clusters share values (two nodes' usage alike):
 * two writers may insert one hash at the same time. The INSERT is `ON CONFLICT (hash) DO NOTHING`, its rows in
 * hash order (two such statements wait for each other in one order, never in a circle), and a hash another writer
 * inserted meanwhile is looked up again. A snapshot writer runs these statements outside its transaction (each
 * commits at once): a blob is an immutable value under its hash, so it needs no transaction, and a writer never
 * holds another's hash while it waits for one of its own. A save that rolls back leaves its new blobs behind,
 * unreferenced (nothing is ever deleted: docs/store.md); the next save with the same values uses them.
 *
 * Like the SQLite writer, the memo of a store's last committed save (`PgWriterMemo`) spares the next one the work
 * for what did not change: a set item equal to the value stored under its key last time is recognised by walking
 * it beside the parsed text (codec.ts encodesAsTree) without encoding or hashing it, known texts skip the lookup,
 * and the set roots it wrote are kept decoded so the next save does not read them back.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { inArray } from 'drizzle-orm';
import { InternalError } from '../../errors.js';
import { decodeValue, encodeValue } from '../codec.js';
import { slotEntry, unchangedSlot, type SlotEntry } from '../slot-memo.js';
import type { Db } from './connection.js';
import { blobs } from './schema.js';

const HASH_BYTES = 16;
const BATCH = 1000;

/**
 * What a store's last committed snapshot write stored or found: text -> id, decoded set roots by id, and by group
 * (one cluster's node set, ...) and item key the text and id stored there. Ids are never reused or changed.
 */
export interface BlobMemo {
  ids: Map<string, number>;
  values: Map<number, unknown>;
  slots: Map<string, Map<string, SlotEntry>>;
}

export const emptyBlobMemo = (): BlobMemo => ({ ids: new Map(), values: new Map(), slots: new Map() });

/** Writes blobs for one save, through `db`: the pool (each statement commits) or a write transaction. */
export class PgBlobWriter {
  /** What this save stored or found; the store's memo once it commits (`memo`). */
  private readonly known = new Map<string, number>();
  private readonly values = new Map<number, unknown>();
  private readonly slots = new Map<string, Map<string, SlotEntry>>();

  constructor(
    private readonly db: Db,
    private readonly previous: BlobMemo,
  ) {}

  /** The memo the next save starts from, once this one committed. */
  get memo(): BlobMemo {
    return { ids: this.known, values: this.values, slots: this.slots };
  }

  async putValue(value: unknown): Promise<number> {
    return (await this.putTexts([encodeValue(value)]))[0] as number;
  }

  /**
   * Stores items with a stable key within `group` (a node's name within one cluster's node set): an item
   * that encodes to the text the last committed save stored under its key reuses that id without being encoded.
   */
  async putSlots(group: string, items: ReadonlyArray<readonly [key: string, value: unknown, item?: object]>): Promise<number[]> {
    const previous = this.previous.slots.get(group);
    const current = new Map<string, SlotEntry>();
    this.slots.set(group, current);
    const ids: Array<number | undefined> = [];
    const pending: Array<{ index: number; key: string; text: string; value: unknown; item: object | undefined }> = [];
    for (const [index, [key, value, item]] of items.entries()) {
      const stored = previous?.get(key);
      if (stored !== undefined && unchangedSlot(stored, value, item)) {
        this.known.set(stored.text, stored.id);
        current.set(key, stored);
        ids.push(stored.id);
        continue;
      }
      ids.push(undefined);
      pending.push({ index, key, text: encodeValue(value), value, item });
    }
    const stored = await this.putTexts(pending.map((item) => item.text));
    for (const [i, item] of pending.entries()) {
      const id = stored[i] as number;
      ids[item.index] = id;
      current.set(item.key, slotEntry(item.text, id, item.value, item.item));
    }
    return ids as number[];
  }

  async putTexts(texts: readonly string[]): Promise<number[]> {
    const missing = new Map<string, Buffer>();
    for (const text of texts) {
      if (this.known.has(text) || missing.has(text)) continue;
      const remembered = this.previous.ids.get(text);
      if (remembered !== undefined) this.known.set(text, remembered);
      else missing.set(text, createHash('sha256').update(text).digest().subarray(0, HASH_BYTES));
    }
    const pending = [...missing].sort(([, a], [, b]) => Buffer.compare(a, b));
    for (let i = 0; i < pending.length; i += BATCH) {
      const batch = pending.slice(i, i + BATCH);
      const byHash = new Map(batch.map(([text, hash]) => [hash.toString('hex'), text]));
      const note = (rows: ReadonlyArray<{ id: number; hash: Buffer }>): void => {
        for (const row of rows) this.known.set(byHash.get(row.hash.toString('hex')) as string, row.id);
      };
      const absent = () => batch.filter(([text]) => !this.known.has(text));
      note(await this.find(batch.map(([, hash]) => hash)));
      const toInsert = absent();
      if (toInsert.length === 0) continue;
      note(
        await this.db
          .insert(blobs)
          .values(toInsert.map(([text, hash]) => ({ hash, body: deflateRawSync(text) })))
          .onConflictDoNothing({ target: blobs.hash })
          .returning({ id: blobs.id, hash: blobs.hash }),
      );
      // Inserted by another writer between the lookup and the insert (committed once the insert returned).
      const raced = absent();
      if (raced.length > 0) note(await this.find(raced.map(([, hash]) => hash)));
    }
    return texts.map((text) => {
      const id = this.known.get(text);
      if (id === undefined) throw new InternalError('a blob was neither found nor stored');
      return id;
    });
  }

  private find(hashes: Buffer[]): Promise<Array<{ id: number; hash: Buffer }>> {
    return this.db.select({ id: blobs.id, hash: blobs.hash }).from(blobs).where(inArray(blobs.hash, hashes));
  }

  /** The decoded value of a set root this save or the last committed one wrote or read. Never mutate it. */
  knownValue(id: number): unknown {
    if (this.values.has(id)) return this.values.get(id);
    const value = this.previous.values.get(id);
    if (value !== undefined) this.values.set(id, value);
    return value;
  }

  /** Records the decoded value of blob `id` for `knownValue`, this save and (once committed) the next. */
  noteValue(id: number, value: unknown): void {
    this.values.set(id, value);
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
