/**
 * The one encoding of stored values: JSON, with the few things JSON cannot say written as tagged objects, so that
 * decode(encode(x)) is deep-equal to x. A Quantity is stored as its canonical string (`{"~q":"1536Mi"}`), readable
 * in the database and parsed back exactly; the format family is added only where the string does not imply it
 * (`{"~q":"0","~f":"BinarySI"}`).
 */
import { InternalError } from '../errors.js';
import { formatQuantity, parseQuantity, quantityFromNanos, type Quantity, type QuantityFormat } from '../quantity.js';

const QUANTITY_FORMATS: ReadonlySet<string> = new Set(['DecimalSI', 'BinarySI', 'DecimalExponent']);

/** Tags are keys starting with `~`; a plain object that has such a key of its own is wrapped in `~o`. */
const TAG = '~';

export function encodeValue(value: unknown): string {
  try {
    return encodeFast(value);
  } catch (error) {
    if (!(error instanceof NotFast)) throw error;
    // A value the one-pass writer does not handle: the reference path names what and where.
    return encodeReference(value);
  }
}

/**
 * The definition of the encoding: build the tagged JSON tree, then stringify it. `encodeValue` gives the same
 * text in one pass; a property test holds the two equal (test/unit/store/codec.test.ts).
 */
export function encodeReference(value: unknown): string {
  return JSON.stringify(toJson(value, '$'));
}

/** Thrown by the one-pass writer for anything it leaves to the reference path (class instances, functions). */
class NotFast extends Error {}

/**
 * The encoded text of a Quantity by format and nanos. Snapshots repeat the same few hundred quantities across
 * thousands of nodes; formatting and re-parsing each one was a fifth of a 5,000-node save. Bounded: cleared when
 * it grows past QUANTITY_CACHE_LIMIT entries.
 */
const quantityTexts: Record<QuantityFormat, Map<bigint, string>> = {
  DecimalSI: new Map(),
  BinarySI: new Map(),
  DecimalExponent: new Map(),
};
const QUANTITY_CACHE_LIMIT = 50_000;

function quantityText(q: Quantity): string {
  const cache = quantityTexts[q.format];
  let text = cache.get(q.nanos);
  if (text === undefined) {
    text = JSON.stringify(encodeQuantity(q));
    if (cache.size >= QUANTITY_CACHE_LIMIT) cache.clear();
    cache.set(q.nanos, text);
  }
  return text;
}

/**
 * An encoded text parsed for comparing values with it (`encodesAsTree`): JSON.parse's tree with every object
 * turned into its keys and values in text order, so a comparison allocates nothing on the stored side.
 */
export type EncodedTree = string | number | boolean | null | EncodedTree[] | ParsedRecord;

class ParsedRecord {
  /** For a bigint's tag `{"~b":"<digits>"}`: the bigint, so comparing one does not format it. */
  readonly bigint: bigint | undefined;
  /**
   * For a Quantity's tag exactly as encodeValue writes it: the Quantity. Equal nanos and format then mean an equal
   * text (decode(encode(q)) is q, so the encoding is one-to-one), and comparing one formats nothing.
   */
  quantity: Quantity | undefined;

  constructor(
    readonly keys: string[],
    readonly values: EncodedTree[],
  ) {
    const digits = values[0];
    this.bigint = keys.length === 1 && keys[0] === '~b' && typeof digits === 'string' && /^-?[0-9]+$/.test(digits) ? BigInt(digits) : undefined;
    this.quantity = undefined;
  }
}

export function parseEncoded(text: string): EncodedTree {
  return compile(JSON.parse(text) as unknown);
}

function compile(json: unknown, quantities = true): EncodedTree {
  if (json === null || typeof json !== 'object') return json as EncodedTree;
  if (Array.isArray(json)) return json.map((item) => compile(item, quantities));
  const record = json as Record<string, unknown>;
  const keys = Object.keys(record);
  const parsed = new ParsedRecord(
    keys,
    keys.map((key) => compile(record[key], quantities)),
  );
  if (quantities && (keys[0] === '~q' || keys[0] === '~n')) parsed.quantity = canonicalQuantity(record, parsed);
  return parsed;
}

/** The Quantity a tag holds when the tag is exactly its encoding; otherwise undefined (compared the slow way). */
function canonicalQuantity(record: Record<string, unknown>, parsed: ParsedRecord): Quantity | undefined {
  let q: Quantity;
  try {
    q = fromTagged(record, parsed.keys[0] as string) as Quantity;
  } catch {
    return undefined;
  }
  const expected = quantityTree(q);
  if (expected.keys.length !== parsed.keys.length) return undefined;
  for (let i = 0; i < expected.keys.length; i++) {
    if (expected.keys[i] !== parsed.keys[i] || expected.values[i] !== parsed.values[i]) return undefined;
  }
  return q;
}

/**
 * Whether `encodeValue(value) === text` for `tree = parseEncoded(text)`, found by walking the value beside the
 * tree (JSON.stringify writes one text per tree, keys in order). The comparison a connection keeps per
 * unchanged item (BlobWriter.putSlot): it costs a fraction of encoding or of matching text.
 */
export function encodesAsTree(value: unknown, tree: EncodedTree): boolean {
  try {
    return sameTree(value, tree);
  } catch (error) {
    if (!(error instanceof NotFast)) throw error;
    return encodeValue(value) === JSON.stringify(uncompile(tree));
  }
}

function uncompile(tree: EncodedTree): unknown {
  if (Array.isArray(tree)) return tree.map(uncompile);
  if (!(tree instanceof ParsedRecord)) return tree;
  const out: Record<string, unknown> = {};
  tree.keys.forEach((key, i) => (out[key] = uncompile(tree.values[i] as EncodedTree)));
  return out;
}

/** The parsed encoding of each quantity, by format and nanos (bounded like quantityTexts). */
const quantityTrees: Record<QuantityFormat, Map<bigint, ParsedRecord>> = {
  DecimalSI: new Map(),
  BinarySI: new Map(),
  DecimalExponent: new Map(),
};

function quantityTree(q: Quantity): ParsedRecord {
  const cache = quantityTrees[q.format];
  let tree = cache.get(q.nanos);
  if (tree === undefined) {
    tree = compile(JSON.parse(quantityText(q)) as unknown, false) as ParsedRecord;
    if (cache.size >= QUANTITY_CACHE_LIMIT) cache.clear();
    cache.set(q.nanos, tree);
  }
  return tree;
}

/** A tree that is one tagged object `{"<tag>": <scalar>}`, as bigints, undefined and odd numbers are written. */
function isTagged(tree: EncodedTree, tag: string, scalar: string | number): boolean {
  return tree instanceof ParsedRecord && tree.keys.length === 1 && tree.keys[0] === tag && tree.values[0] === scalar;
}

function sameTree(value: unknown, tree: EncodedTree): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value === tree;
    case 'number':
      if (Number.isFinite(value)) return Object.is(value, -0) ? isTagged(tree, '~x', '-0') : value === tree;
      return isTagged(tree, '~x', String(value));
    case 'bigint':
      return tree instanceof ParsedRecord && tree.bigint === value;
    case 'undefined':
      return isTagged(tree, '~u', 1);
    case 'object':
      break;
    default:
      throw new NotFast();
  }
  if (value === null) return tree === null;
  if (Array.isArray(value)) {
    if (!Array.isArray(tree) || tree.length !== value.length) return false;
    for (let i = 0; i < value.length; i++) if (!sameTree(value[i], tree[i] as EncodedTree)) return false;
    return true;
  }
  if (!(tree instanceof ParsedRecord)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) throw new NotFast();
  const first = tree.keys[0];
  if (first === '~q' || first === '~n') {
    const stored = tree.quantity;
    if (stored !== undefined) {
      const candidate = value as { nanos?: unknown; format?: unknown };
      return candidate.nanos === stored.nanos && candidate.format === stored.format && isQuantityShaped(value);
    }
    if (!isQuantityShaped(value)) return false;
    const expected = quantityTree(value);
    if (tree.keys.length !== expected.keys.length) return false;
    for (let i = 0; i < expected.keys.length; i++) {
      if (tree.keys[i] !== expected.keys[i] || tree.values[i] !== expected.values[i]) return false;
    }
    return true;
  }
  // A Quantity is always written tagged, so it never equals a plain record (as {nanos, format} would look).
  if (tree.keys.length === 2 && isQuantityShaped(value)) return false;
  // A plain object with a key of the tag form is written wrapped, {"~o": {...}}, and only such an object is.
  const wrapped = tree.keys.length === 1 && first === '~o' && tree.values[0] instanceof ParsedRecord;
  const inner = wrapped ? (tree.values[0] as ParsedRecord) : tree;
  const keys = inner.keys;
  const values = inner.values;
  let i = 0;
  let tagKey = false;
  // for-in rather than Object.keys: no array per object. Same keys in the same order for a plain object (its
  // prototype is Object.prototype or null, checked above); an inherited enumerable key could only add a mismatch.
  for (const key in value) {
    if (key === '__proto__') throw new NotFast(); // see encodeFast
    if (i >= keys.length || key !== keys[i] || !sameTree((value as Record<string, unknown>)[key], values[i] as EncodedTree)) return false;
    if (key.startsWith(TAG)) tagKey = true;
    i += 1;
  }
  return i === keys.length && tagKey === wrapped;
}

/** JSON.stringify(toJson(value)) without building the intermediate tree. */
function encodeFast(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) return `{"~x":${JSON.stringify(String(value))}}`;
      return Object.is(value, -0) ? '{"~x":"-0"}' : String(value);
    case 'bigint':
      return `{"~b":"${value.toString()}"}`;
    case 'undefined':
      return '{"~u":1}';
    case 'object':
      break;
    default:
      throw new NotFast();
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += encodeFast(value[i]);
    }
    return out + ']';
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    if (!(value instanceof Map || value instanceof Set || value instanceof Date)) throw new NotFast();
    try {
      return JSON.stringify(toJson(value, '$'));
    } catch {
      throw new NotFast(); // the reference path names the path of what it could not store
    }
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (isQuantityShaped(value, keys)) return quantityText(value);
  let out = '{';
  let tagged = false;
  let first = true;
  for (const key of keys) {
    // The reference drops an own "__proto__" key (assigning it sets a prototype); leave such objects to it.
    if (key === '__proto__') throw new NotFast();
    if (key.startsWith(TAG)) tagged = true;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + encodeFast(record[key]);
  }
  out += '}';
  return tagged ? `{"~o":${out}}` : out;
}

export function decodeValue(text: string): unknown {
  return fromJson(JSON.parse(text) as unknown);
}

function isQuantityShaped(value: object, keys: string[] = Object.keys(value)): value is Quantity {
  if (keys.length !== 2) return false;
  const [a, b] = keys;
  if (!((a === 'nanos' && b === 'format') || (a === 'format' && b === 'nanos'))) return false;
  const record = value as { nanos: unknown; format: unknown };
  return typeof record.nanos === 'bigint' && typeof record.format === 'string' && QUANTITY_FORMATS.has(record.format);
}

function encodeQuantity(q: Quantity): unknown {
  const text = formatQuantity(q);
  const back = parseQuantity(text);
  if (back.nanos !== q.nanos) return { '~n': q.nanos.toString(), '~f': q.format };
  return back.format === q.format ? { '~q': text } : { '~q': text, '~f': q.format };
}

function toJson(value: unknown, path: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) return { '~x': String(value) };
      return Object.is(value, -0) ? { '~x': '-0' } : value;
    case 'bigint':
      return { '~b': value.toString() };
    case 'undefined':
      return { '~u': 1 };
    case 'object':
      break;
    default:
      throw new InternalError(`cannot store ${typeof value} at ${path}`);
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((item, i) => toJson(item, `${path}[${i}]`));
  if (value instanceof Map) {
    return { '~m': [...value.entries()].map(([k, v], i) => [toJson(k, `${path}.key${i}`), toJson(v, `${path}.${String(k)}`)]) };
  }
  if (value instanceof Set) return { '~s': [...value].map((item, i) => toJson(item, `${path}[${i}]`)) };
  if (value instanceof Date) return { '~d': value.getTime() };
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new InternalError(`cannot store an instance of ${value.constructor.name} at ${path}`);
  }
  if (isQuantityShaped(value)) return encodeQuantity(value);
  const out: Record<string, unknown> = {};
  let tagged = false;
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith(TAG)) tagged = true;
    out[key] = toJson(item, `${path}.${key}`);
  }
  return tagged ? { '~o': out } : out;
}

function fromJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const first = keys[0];
  if (first !== undefined && first.startsWith(TAG)) return fromTagged(record, first);
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = fromJson(record[key]);
  return out;
}

function fromTagged(record: Record<string, unknown>, tag: string): unknown {
  switch (tag) {
    case '~q': {
      const parsed = parseQuantity(String(record['~q']));
      const format = record['~f'];
      return typeof format === 'string' ? quantityFromNanos(parsed.nanos, format as QuantityFormat) : parsed;
    }
    case '~n':
      return quantityFromNanos(BigInt(String(record['~n'])), String(record['~f']) as QuantityFormat);
    case '~b':
      return BigInt(String(record['~b']));
    case '~u':
      return undefined;
    case '~x':
      return record['~x'] === '-0' ? -0 : Number(record['~x']);
    case '~d':
      return new Date(Number(record['~d']));
    case '~m':
      return new Map((record['~m'] as [unknown, unknown][]).map(([k, v]) => [fromJson(k), fromJson(v)]));
    case '~s':
      return new Set((record['~s'] as unknown[]).map(fromJson));
    case '~o': {
      const inner = record['~o'] as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(inner)) out[key] = fromJson(inner[key]);
      return out;
    }
    default:
      throw new InternalError(`stored value has an unknown tag ${JSON.stringify(tag)}`);
  }
}
