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
 * Whether `encodeValue(value) === text`, found without building the text: a walk that compares each part of the
 * value with the text in place. Checking that a node is unchanged since the last save this way allocates almost
 * nothing, where encoding it allocated a kilobyte of string and hashed it.
 */
export function encodesAs(value: unknown, text: string): boolean {
  try {
    return matchAt(value, text, 0) === text.length;
  } catch (error) {
    if (!(error instanceof NotFast)) throw error;
    return encodeValue(value) === text;
  }
}

/** Characters JSON.stringify writes as escapes (and lone surrogates, which it escapes too). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const QUOTE = 34;

function matchLiteral(literal: string, text: string, pos: number): number {
  return text.startsWith(literal, pos) ? pos + literal.length : -1;
}

function matchString(value: string, text: string, pos: number): number {
  if (NEEDS_ESCAPE.test(value)) return matchLiteral(JSON.stringify(value), text, pos);
  if (text.charCodeAt(pos) !== QUOTE || !text.startsWith(value, pos + 1)) return -1;
  const end = pos + 1 + value.length;
  return text.charCodeAt(end) === QUOTE ? end + 1 : -1;
}

/** The position after `value`'s encoding if the text holds it at `pos`, else -1. Mirrors encodeFast. */
function matchAt(value: unknown, text: string, pos: number): number {
  switch (typeof value) {
    case 'string':
      return matchString(value, text, pos);
    case 'boolean':
    case 'number':
    case 'bigint':
    case 'undefined':
      return matchLiteral(encodeFast(value), text, pos);
    case 'object':
      break;
    default:
      throw new NotFast();
  }
  if (value === null) return matchLiteral('null', text, pos);
  if (Array.isArray(value)) {
    if (text.charCodeAt(pos) !== 0x5b) return -1; // [
    let at = pos + 1;
    for (let i = 0; i < value.length; i++) {
      if (i > 0) {
        if (text.charCodeAt(at) !== 0x2c) return -1; // ,
        at += 1;
      }
      at = matchAt(value[i], text, at);
      if (at < 0) return -1;
    }
    return text.charCodeAt(at) === 0x5d ? at + 1 : -1; // ]
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return matchLiteral(encodeFast(value), text, pos);
  const record = value as Record<string, unknown>;
  if (typeof record.nanos === 'bigint' && isQuantityShaped(value)) return matchLiteral(quantityText(value), text, pos);
  const keys = Object.keys(record);
  const tagged = keys.some((key) => key.startsWith(TAG));
  let at = pos;
  if (tagged) {
    at = matchLiteral('{"~o":', text, at);
    if (at < 0) return -1;
  }
  if (text.charCodeAt(at) !== 0x7b) return -1; // {
  at += 1;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) {
      if (text.charCodeAt(at) !== 0x2c) return -1; // ,
      at += 1;
    }
    at = matchString(key, text, at);
    if (at < 0 || text.charCodeAt(at) !== 0x3a) return -1; // :
    at = matchAt(record[key], text, at + 1);
    if (at < 0) return -1;
  }
  if (text.charCodeAt(at) !== 0x7d) return -1; // }
  at += 1;
  if (tagged) return text.charCodeAt(at) === 0x7d ? at + 1 : -1;
  return at;
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
  if (typeof record.nanos === 'bigint' && isQuantityShaped(value)) return quantityText(value);
  let out = '{';
  let tagged = false;
  let first = true;
  for (const key of Object.keys(record)) {
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

function isQuantityShaped(value: object): value is Quantity {
  const keys = Object.keys(value);
  if (keys.length !== 2 || !('nanos' in value) || !('format' in value)) return false;
  return typeof value.nanos === 'bigint' && typeof value.format === 'string' && QUANTITY_FORMATS.has(value.format);
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
