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
import { InternalError } from '../../errors.js';
import { decodeValue, encodeValue } from '../codec.js';
import { slotEntry, unchangedSlot, type SlotEntry } from '../slot-memo.js';
import type { Connection } from './connection.js';

const HASH_BYTES = 16;

/**
 * What the last committed save on a connection wrote or found: encoded text -> blob id, and the decoded values
 * of the blobs it read or wrote by id (set roots). A blob is never deleted or changed and ids are never reused
 * (AUTOINCREMENT), so a committed id keeps its text for the life of the file; the next save on the same
 * connection reuses these ids without hashing or looking up the unchanged nodes again. Only a writer whose
 * transaction committed (`remember()` after it returned, outside any enclosing transaction) replaces the memo,
 * so an id from a rolled-back transaction is never kept. Keyed by the connection: a new process starts empty.
 */
interface WriterMemo {
  ids: Map<string, number>;
  values: Map<number, unknown>;
  /** By group (one cluster's node set, ...) and item key: the text and id stored there, to compare with. */
  slots: Map<string, Map<string, SlotEntry>>;
}

const memos = new WeakMap<object, WriterMemo>();

/** Writes blobs inside one transaction, remembering what it wrote or found so repeats skip the lookup. */
export class BlobWriter {
  /** Text -> id of every value this writer stored or found; the next save's memo once committed. */
  private readonly known = new Map<string, number>();
  private readonly values = new Map<number, unknown>();
  private readonly slots = new Map<string, Map<string, SlotEntry>>();
  private readonly memo: WriterMemo | undefined;
  private readonly connection: Pick<Connection, 'sqlite'>['sqlite'];
  private readonly find: Statement<[Buffer], { id: number }>;
  private readonly insert: Statement<[Buffer, Buffer], { id: number }>;

  constructor(store: Pick<Connection, 'sqlite'>) {
    this.connection = store.sqlite;
    this.memo = memos.get(store.sqlite);
    this.find = store.sqlite.prepare('SELECT id FROM blobs WHERE hash = ?');
    this.insert = store.sqlite.prepare('INSERT INTO blobs (hash, body) VALUES (?, ?) RETURNING id');
  }

  putValue(value: unknown): number {
    return this.putText(encodeValue(value));
  }

  /**
   * `putValue` for an item with a stable name: `key` within `group` (a node's name within one cluster's node set).
   * When the last committed save stored a value under that key and this value encodes to the same text, its id
   * is reused without encoding, hashing or a lookup. The check (../slot-memo.ts) is one comparison for the same
   * frozen `item` the value was made from as last time, else walks the value beside the parsed text
   * (`encodesAsTree`), parsed once per key and kept while the value does not change. A typical hour changes 5%
   * of nodes.
   */
  putSlot(group: string, key: string, value: unknown, item?: object): number {
    let current = this.slots.get(group);
    if (current === undefined) this.slots.set(group, (current = new Map()));
    const previous = this.memo?.slots.get(group)?.get(key);
    if (previous !== undefined && unchangedSlot(previous, value, item)) {
      this.known.set(previous.text, previous.id);
      current.set(key, previous);
      return previous.id;
    }
    const text = encodeValue(value);
    const id = this.putText(text);
    current.set(key, slotEntry(text, id, value, item));
    return id;
  }

  /** Stores an already encoded value (`encodeValue`'s text). */
  putText(text: string): number {
    let id = this.known.get(text);
    if (id !== undefined) return id;
    id = this.memo?.ids.get(text);
    if (id === undefined) {
      const hash = createHash('sha256').update(text).digest().subarray(0, HASH_BYTES);
      id = this.find.get(hash)?.id ?? (this.insert.get(hash, deflateRawSync(text)) as { id: number }).id;
    }
    this.known.set(text, id);
    return id;
  }

  /**
   * The decoded value of a blob this writer or the last committed save on this connection stored or read, for
   * callers that would otherwise inflate and decode it again (keyed-set roots). Never mutate what it returns.
   */
  knownValue(id: number): unknown {
    if (this.values.has(id)) return this.values.get(id);
    const value = this.memo?.values.get(id);
    if (value !== undefined) this.values.set(id, value);
    return value;
  }

  /** Records the decoded value of blob `id` for `knownValue`, this save and (once committed) the next. */
  noteValue(id: number, value: unknown): void {
    this.values.set(id, value);
  }

  /**
   * Call after the transaction that used this writer committed: the next writer on this connection starts from
   * what this one wrote and found. Ignored inside an enclosing transaction, which could still roll back.
   */
  remember(): void {
    if (this.connection.inTransaction) return;
    memos.set(this.connection, { ids: this.known, values: this.values, slots: this.slots });
  }
}

/**
 * Reads blobs, inflating each id once. Every call decodes afresh, so two references to one blob (two nodes with
 * the same usage) never share a mutable object.
 */
export class BlobReader {
  private readonly texts = new Map<number, string>();
  private readonly select: Statement<[number], { body: Buffer }>;

  constructor(store: Pick<Connection, 'sqlite'>) {
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
