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
  return JSON.stringify(toJson(value, '$'));
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
