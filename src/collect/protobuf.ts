/**
 * Kubernetes' protobuf wire format (`Accept: application/vnd.kubernetes.protobuf`), decoded into the JSON shape the
 * inventory schemas read.
 *
 * Why: for a LIST of pods the API server encodes protobuf about 3x faster than JSON and sends a third of the bytes
 * (30,000 synthetic pods: 114 MB in 1.1 s against 352 MB in 3.0 s, docs/benchmarks.md), and this side decodes only
 * the fields in proto/*.proto: managedFields, annotations, env, volumes, probes are skipped on the wire, never
 * materialized. The kinds decoded are the registry's with a protobuf form (kinds/registry.ts: each names its .proto
 * file and package); custom resources (Profiles) have none and come as JSON.
 *
 * A body is the magic `k8s\0` followed by a runtime.Unknown whose typeMeta names the kind and whose raw bytes are
 * the object (k8s.io/apimachinery/pkg/runtime/serializer/protobuf). JSON and protobuf differ in what is left out:
 * Go's protobuf encoder writes the zero value of every non-pointer field ("", false, 0), JSON leaves them out
 * (`omitempty` on every field read here). Zero values and empty maps and lists are dropped so that both decode to
 * the same object. A LIST's items of a kind with a reader of its own (pods: inventory/pod-protobuf.ts) skip this JSON
 * shape and come as validated objects (ProtobufListStream).
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { registry } from '../kinds/registry.js';
import type { ValidatedObject } from '../kinds/validated.js';
import { packageFile } from '../package-files.js';

const magic = Buffer.from('k8s\u0000', 'latin1');

/** The media type of the protobuf encoding. */
export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

/** A body that is not a Kubernetes protobuf message of a kind proto/*.proto describes. */
export class ProtobufBodyError extends Error {
  override readonly name = 'ProtobufBodyError';
}

const root = new protobuf.Root();
const kindFiles = registry.kinds.flatMap((kind) => (kind.protobuf === null ? [] : [kind.protobuf.file]));
for (const file of new Set(['runtime', 'resource', 'meta', ...kindFiles])) {
  protobuf.parse(readFileSync(packageFile(`src/collect/proto/${file}.proto`), 'utf8'), root, { keepCase: true });
}
root.resolveAll();

const unknownType = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
const typeMetaType = root.lookupType('k8s.io.apimachinery.pkg.runtime.TypeMeta');
const listMetaType = root.lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta');
const quantityType = root.lookupType('k8s.io.apimachinery.pkg.api.resource.Quantity');
const statusType = root.lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.Status');

/** Message types by `apiVersion kind`: each registered kind with a protobuf form, and its list. */
const messageTypes = new Map<string, protobuf.Type>([['v1 Status', statusType]]);
for (const kind of registry.kinds) {
  if (kind.protobuf === null) continue;
  for (const name of [kind.kind, `${kind.kind}List`]) {
    messageTypes.set(`${kind.list.apiVersion} ${name}`, root.lookupType(`${kind.protobuf.package}.${name}`));
  }
}

/** Readers of one item straight from its bytes (kinds/kind.ts `ProtobufForm.read`), by `apiVersion kind` of the list. */
const itemReaders = new Map<string, (buffer: Buffer, start: number, end: number) => ValidatedObject | undefined>();
for (const kind of registry.kinds) {
  if (kind.protobuf?.read !== undefined) itemReaders.set(`${kind.list.apiVersion} ${kind.kind}List`, kind.protobuf.read);
}

/** The message type of a `kind` in a protobuf body of `apiVersion`, if a registered kind (or Status) is it. */
function typeOf(apiVersion: string, kind: string): protobuf.Type | undefined {
  return messageTypes.get(`${apiVersion} ${kind}`);
}

/** Whether `contentType` (a Content-Type header) is Kubernetes protobuf. */
export function isProtobuf(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';')[0]!.trim() === protobufMediaType;
}

/** Decodes a protobuf body into the object its JSON form would parse to, as far as proto/*.proto reaches. */
export function decodeProtobuf(body: Uint8Array): Record<string, unknown> {
  if (body.length < magic.length || !magic.equals(body.subarray(0, magic.length))) {
    throw new ProtobufBodyError('body does not start with the Kubernetes protobuf magic "k8s\\0"');
  }
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array; contentEncoding?: string };
  let message: protobuf.Message;
  try {
    envelope = unknownType.decode(body.subarray(magic.length)) as typeof envelope;
    if (envelope.contentEncoding) throw new ProtobufBodyError(`unsupported contentEncoding ${JSON.stringify(envelope.contentEncoding)}`);
    const apiVersion = envelope.typeMeta?.apiVersion ?? '';
    const kind = kindOf(envelope);
    const type = typeOf(apiVersion, kind);
    if (type === undefined) throw new ProtobufBodyError(`no decoder for ${apiVersion} ${kind || '(no kind)'}`);
    message = type.decode(envelope.raw ?? new Uint8Array(0));
  } catch (error) {
    if (error instanceof ProtobufBodyError) throw error;
    // protobufjs: "index out of range" for a cut body, "invalid wire type" for garbage.
    throw new ProtobufBodyError(`malformed protobuf body: ${(error as Error).message}`, { cause: error });
  }
  const object = plain(message);
  // An empty list has no items on the wire; its JSON form has `"items": []`.
  if (kindOf(envelope).endsWith('List')) object.items ??= [];
  object.kind = envelope.typeMeta!.kind;
  object.apiVersion = envelope.typeMeta!.apiVersion;
  return object;
}

function kindOf(envelope: { typeMeta?: { kind?: string } }): string {
  return envelope.typeMeta?.kind ?? '';
}

/**
 * A decoded message as plain JSON-shaped data: own fields only (protobufjs keeps defaults on the prototype), a
 * Quantity as its string, and no zero values, empty maps or lists (absent in JSON, see the file comment).
 */
function plain(message: protobuf.Message): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(message)) {
    const value = plainValue((message as unknown as Record<string, unknown>)[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function plainValue(value: unknown): unknown {
  if (value === '' || value === false || value === 0) return undefined;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof quantityType.ctor) return (value as unknown as { string?: string }).string ?? '';
  if (value instanceof protobuf.Message) return plain(value);
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((item: unknown) => (typeof item === 'string' ? item : plainValue(item)));
  if (value instanceof Uint8Array) return value;
  // A map field: a plain object of keys to strings or messages. Empty map values stay (a label "" is a label).
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) out[key] = typeof item === 'string' ? item : plainValue(item);
  return out;
}

/** What the first bytes of a protobuf list body say about its continue token. */
export type ListHead = { complete: false } | { complete: true; continueToken: string | undefined };

/**
 * Reads the continue token from the start of a protobuf LIST body, before the items arrive. Go's encoder writes
 * fields in number order: the envelope's typeMeta (1) before raw (2), and the list's metadata (1) before its items
 * (2), so the token sits in the first few hundred bytes. `complete: false` means more bytes are needed. A body that
 * is not a protobuf list gives `continueToken: undefined` (the full decode reports what is wrong with it).
 */
export function peekListContinue(prefix: Uint8Array): ListHead {
  if (prefix.length < magic.length) return { complete: false };
  if (!magic.equals(prefix.subarray(0, magic.length))) return { complete: true, continueToken: undefined };
  const reader = protobuf.Reader.create(prefix.subarray(magic.length));
  try {
    for (;;) {
      const tag = reader.uint32();
      if (tag === ((2 << 3) | 2)) break; // raw: the list itself follows its length
      reader.skipType(tag & 7);
    }
    reader.uint32();
    if (reader.uint32() !== ((1 << 3) | 2)) return { complete: true, continueToken: undefined }; // no ListMeta first
    const meta = listMetaType.decode(reader.bytes()) as { continue?: string };
    return { complete: true, continueToken: meta.continue || undefined };
  } catch (error) {
    if (error instanceof RangeError) return { complete: false }; // protobufjs: "index out of range"
    return { complete: true, continueToken: undefined };
  }
}

/**
 * Decodes a protobuf LIST body as it arrives: `push` each chunk and get the items completed so far (in the JSON
 * shape, as `decodeProtobuf` gives them), `end` when the body is complete for the list's kind and metadata. Only the
 * unconsumed tail (at most one object and a chunk) is held, so a list of any size is read in bounded memory.
 *
 * Items of a kind with a reader of its own (`ProtobufForm.read`: pods) come as that reader makes them, already
 * validated (kinds/validated.ts: parseObject returns them as they are); an item it leaves is decoded here.
 */
export class ProtobufListStream {
  private buffer: Buffer = Buffer.alloc(0);
  private state: 'magic' | 'envelope' | 'list' | 'after' = 'magic';
  /** Bytes of the envelope's raw field (the list) not consumed yet. */
  private listRemaining = 0;
  private itemType: protobuf.Type | undefined;
  private readItem: ((buffer: Buffer, start: number, end: number) => ValidatedObject | undefined) | undefined;
  private kind = '';
  private apiVersion = '';
  private metadata: Record<string, unknown> = {};

  push(chunk: Buffer): Record<string, unknown>[] {
    const buf = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const items: Record<string, unknown>[] = [];
    let pos = 0;
    try {
      while (pos < buf.length) {
        if (this.state === 'list') {
          // The list's fields one after another (nearly all items): read here without a protobufjs Reader each.
          // Anything else (a cut tag or length, another wire type) takes the general way below.
          const tag = shortVarint(buf, pos);
          const length = tag >= 0 && (tag & 7) === 2 ? shortVarint(buf, varintEnd) : -1;
          const start = varintEnd;
          if (length >= 0 && start + length <= buf.length) {
            const field = tag >>> 3;
            if (field === 2) items.push(this.item(buf, start, start + length));
            else if (field === 1) this.metadata = plain(decodeMessage(listMetaType, buf.subarray(start, start + length)));
            this.consumeList(start + length - pos);
            pos = start + length;
            continue;
          }
        }
        if (this.state === 'magic') {
          if (buf.length - pos < magic.length) break;
          if (!magic.equals(buf.subarray(pos, pos + magic.length))) throw new ProtobufBodyError('body does not start with the Kubernetes protobuf magic "k8s\\0"');
          pos += magic.length;
          this.state = 'envelope';
          continue;
        }
        const reader = protobuf.Reader.create(buf.subarray(pos));
        const tag = reader.uint32();
        const [field, wire] = [tag >>> 3, tag & 7];
        if (this.state === 'list' && wire === 2) {
          const length = reader.uint32();
          if (reader.pos + length > reader.len) break; // the rest of this object is still on its way
          const start = pos + reader.pos;
          const bytes = buf.subarray(start, start + length);
          if (field === 1) this.metadata = plain(decodeMessage(listMetaType, bytes));
          else if (field === 2) items.push(this.item(buf, start, start + length));
          this.consumeList(reader.pos + length);
          pos = start + length;
          continue;
        }
        if (this.state === 'envelope' && field === 2 && wire === 2) {
          this.listRemaining = reader.uint32();
          this.itemType = itemTypeOf(this.apiVersion, this.kind);
          this.readItem = itemReaders.get(`${this.apiVersion} ${this.kind}`);
          pos += reader.pos;
          this.state = this.listRemaining === 0 ? 'after' : 'list';
          continue;
        }
        if (this.state === 'envelope' && field === 1 && wire === 2) {
          const typeMeta = decodeMessage(typeMetaType, reader.bytes()) as { apiVersion?: string; kind?: string };
          [this.apiVersion, this.kind] = [typeMeta.apiVersion ?? '', typeMeta.kind ?? ''];
          pos += reader.pos;
          continue;
        }
        reader.skipType(wire);
        if (this.state === 'list') this.consumeList(reader.pos);
        pos += reader.pos;
      }
    } catch (error) {
      // protobufjs throws RangeError ("index out of range") when a tag, length or skipped field is cut by the chunk.
      if (!(error instanceof RangeError)) throw error;
    }
    this.buffer = buf.subarray(pos);
    return items;
  }

  /** The list without its items; throws if the body ended early. */
  end(): Record<string, unknown> {
    if (this.state !== 'after' || this.buffer.length > 0) {
      throw new ProtobufBodyError(`protobuf list body ended early (${this.state === 'list' ? `${this.listRemaining} bytes of the list missing` : `in its ${this.state}`})`);
    }
    return { kind: this.kind, apiVersion: this.apiVersion, metadata: this.metadata };
  }

  /** The item in `buf[start, end)`: by its kind's reader, else decoded into the JSON shape. */
  private item(buf: Buffer, start: number, end: number): Record<string, unknown> {
    const object = this.readItem?.(buf, start, end);
    // A ValidatedObject in place of a raw item: parseObject and the list know it (kinds/validated.ts).
    if (object !== undefined) return object as unknown as Record<string, unknown>;
    return plain(decodeMessage(this.itemType!, buf.subarray(start, end)));
  }

  private consumeList(bytes: number): void {
    this.listRemaining -= bytes;
    if (this.listRemaining < 0) throw new ProtobufBodyError('malformed protobuf body: a field runs past the end of the list');
    if (this.listRemaining === 0) this.state = 'after';
  }
}

/** Where the varint shortVarint read ends. */
let varintEnd = 0;

/**
 * The varint at `buf[pos]` if it is complete there and at most 4 bytes long (below 2^28: every tag and item length
 * of a list), its end in varintEnd; else -1 (the caller takes the general way).
 */
function shortVarint(buf: Buffer, pos: number): number {
  let value = 0;
  for (let i = 0; i < 4 && pos + i < buf.length; i++) {
    const byte = buf[pos + i]!;
    value |= (byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      varintEnd = pos + i + 1;
      return value;
    }
  }
  return -1;
}

/** The item message of a list kind (`PodList` -> `Pod`). */
function itemTypeOf(apiVersion: string, kind: string): protobuf.Type {
  const listType = kind.endsWith('List') ? typeOf(apiVersion, kind) : undefined;
  const items = listType?.fields.items;
  if (items?.resolvedType instanceof protobuf.Type) return items.resolvedType;
  throw new ProtobufBodyError(`no decoder for ${apiVersion} ${kind || '(no kind)'} as a list`);
}

function decodeMessage(type: protobuf.Type, bytes: Uint8Array): protobuf.Message {
  try {
    return type.decode(bytes);
  } catch (error) {
    throw new ProtobufBodyError(`malformed protobuf body: ${(error as Error).message}`, { cause: error });
  }
}
