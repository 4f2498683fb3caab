/**
 * Reading `kubectl get nodes,namespaces,pods,resourcequotas,limitranges[,profiles] -A -o json|yaml` dumps:
 * a List, a single object, or a YAML stream of several documents. Every object is validated by parseObject;
 * anything wrong is a ValidationError naming the file, the object and the field.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { parseAllDocuments, parseDocument } from 'yaml';
import { ValidationError } from '../errors.js';
import { InventoryBuilder } from '../inventory/builder.js';
import { aliasProblem, MAX_ALIAS_COUNT } from '../yaml-limits.js';
import { parseObject } from '../kinds/parse.js';
import { registry as quotaplanKinds, type KindRegistry, type KubeObject } from '../kinds/registry.js';
import type { ClusterInventory } from '../inventory/types.js';
import { JsonListScanner, JsonStructureError, type ListItemText } from './json-list-stream.js';

/** Reads and parses a dump file into an inventory, one object at a time. */
export async function inventoryFromDumpFile(file: string): Promise<ClusterInventory> {
  const builder = new InventoryBuilder();
  for await (const object of dumpFileObjects(file)) builder.add(object);
  return builder.build();
}

/**
 * The objects of a dump file in file order. A JSON object (a List) is streamed item by item, so a dump larger
 * than a JavaScript string can hold still reads; YAML and JSON arrays are read whole. `kinds`: the kinds read
 * (default quotaplan's).
 */
export async function* dumpFileObjects(file: string, kinds: KindRegistry = quotaplanKinds): AsyncGenerator<KubeObject> {
  const first = await firstCharacter(file);
  if (first !== '{') {
    if (first !== '[') await refuseLargeYaml(file);
    yield* dumpObjects(await readDumpText(file), { file, kinds });
    return;
  }
  const scanner = new JsonListScanner();
  let count = 0;
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      for (const item of scanner.feed(chunk as string)) {
        count += 1;
        const position = `items[${item.index}]`;
        const listKind = scanner.listKind;
        const itemKind = listKind === undefined || listKind === 'List' || !listKind.endsWith('List') ? undefined : listKind.slice(0, -'List'.length);
        yield parseObject(withKind(parseItemJson(item, file), itemKind), { file, position }, kinds);
      }
    }
    const envelope = scanner.end();
    for (const { raw, position } of itemsOf(envelope, undefined, file)) {
      count += 1;
      yield parseObject(raw, { file, position }, kinds);
    }
  } catch (error) {
    if (error instanceof JsonStructureError) {
      const at = error.line > 0 ? ` at line ${error.line}, column ${error.column}` : '';
      throw new ValidationError(`${file}: malformed JSON${at}: ${error.message}`, { file }, { cause: error });
    }
    throw readError(error, file);
  }
  if (count === 0) throw new ValidationError(`${file}: no objects found (expected a List from kubectl get -o json|yaml)`, { file });
}

/**
 * The largest YAML dump read. The yaml parser holds the whole document tree: about 60 bytes of memory per byte of
 * YAML (a 60 MB dump took 3.6 GB; the same data as JSON 308 MB, and a JSON List is streamed). docs/inventory.md.
 */
export const MAX_YAML_DUMP_BYTES = 16 * 1024 * 1024;

async function refuseLargeYaml(file: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw readError(error, file);
  }
  if (size > MAX_YAML_DUMP_BYTES) {
    throw new ValidationError(
      `${file}: a YAML dump of ${size} bytes is above the ${MAX_YAML_DUMP_BYTES} bytes (16 MiB) quotaplan reads as YAML (it takes about 60 times its size in memory); dump the cluster as JSON instead (kubectl get ... -o json), which is read as a stream`,
      { file, value: size },
    );
  }
}

async function firstCharacter(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').trimStart()[0];
  } catch (error) {
    throw readError(error, file);
  } finally {
    await handle?.close();
  }
}

/** One streamed item's JSON; an error names the line and column in the file. */
function parseItemJson(item: ListItemText, file: string): unknown {
  try {
    return JSON.parse(item.text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const offset = position === null ? null : Number(position[1]);
    const at = offset === null ? yamlErrorPosition(item.text, item) : shifted(item.text, offset, item);
    throw new ValidationError(
      `${file}: malformed JSON${at === null ? '' : ` at ${at}`} (items[${item.index}]): ${message.replace(/\s+/g, ' ')}`,
      { file },
      { cause: error },
    );
  }
}

/** Line and column in the file of an offset inside an item that starts at item.line / item.column. */
function shifted(text: string, offset: number, start: { line: number; column: number }): string {
  const before = text.slice(0, offset);
  const newlines = before.split('\n').length - 1;
  const column = newlines === 0 ? start.column + offset : offset - before.lastIndexOf('\n');
  return `line ${start.line + newlines}, column ${column}`;
}

function readError(error: unknown, file: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
  return new ValidationError(`${file}: cannot read dump: ${reason}`, { file }, { cause: error });
}

export async function readDumpText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw readError(error, file);
  }
}

/**
 * The objects of a dump, validated one at a time in file order. JSON when the text starts with `{` or `[`,
 * YAML (possibly several `---` documents) otherwise.
 */
export function* dumpObjects(text: string, where: { file?: string; kinds?: KindRegistry } = {}): Generator<KubeObject> {
  const name = where.file ?? '<input>';
  const documents = looksLikeJson(text) ? [parseJson(text, name)] : parseYaml(text, name);
  let count = 0;
  for (const [index, document] of documents.entries()) {
    const docLabel = documents.length > 1 ? `document ${index + 1}` : undefined;
    for (const { raw, position } of itemsOf(document, docLabel, name)) {
      count += 1;
      yield parseObject(raw, { file: name, position }, where.kinds);
    }
  }
  if (count === 0) throw new ValidationError(`${name}: no objects found (expected a List from kubectl get -o json|yaml)`, { file: where.file });
}

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position === null ? yamlErrorPosition(text) : lineAndColumn(text, Number(position[1]));
    const at = where === null ? '' : ` at ${where}`;
    throw new ValidationError(`${file}: malformed JSON${at}: ${message.replace(/\s+/g, ' ')}`, { file }, { cause: error });
  }
}

function parseYaml(text: string, file: string): unknown[] {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const out: unknown[] = [];
  for (const [index, doc] of documents.entries()) {
    const error = doc.errors[0];
    if (error !== undefined) {
      const docLabel = documents.length > 1 ? ` (document ${index + 1})` : '';
      throw new ValidationError(`${file}: malformed YAML${docLabel}: ${error.message.split('\n')[0] ?? error.message}`, { file }, { cause: error });
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const docLabel = documents.length > 1 ? ` (document ${index + 1})` : '';
      throw new ValidationError(`${file}${docLabel}: ${aliasProblem(error)}`, { file }, { cause: error });
    }
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

interface RawItem {
  raw: unknown;
  position: string | undefined;
}

/** A List's items, an array's elements, or the object itself. */
function itemsOf(document: unknown, docLabel: string | undefined, file: string): RawItem[] {
  const at = (p: string): string => (docLabel === undefined ? p : `${docLabel}, ${p}`);
  if (Array.isArray(document)) return document.map((raw, i) => ({ raw, position: at(`[${i}]`) }));
  if (typeof document !== 'object' || document === null) {
    throw new ValidationError(`${file}${docLabel === undefined ? '' : ` (${docLabel})`}: expected a Kubernetes List or object, got ${typeof document}`, { file });
  }
  const o = document as { kind?: unknown; items?: unknown };
  const isList = typeof o.kind === 'string' && o.kind.endsWith('List');
  if (isList) {
    if (o.items === null || o.items === undefined) return [];
    if (!Array.isArray(o.items)) throw new ValidationError(`${file}: ${o.kind as string}: items: expected an array`, { file, field: 'items' });
    // API responses (`kubectl get --raw /api/v1/pods`) leave kind off their items; a typed list names it.
    const itemKind = o.kind === 'List' ? undefined : (o.kind as string).slice(0, -'List'.length);
    return o.items.map((raw, i) => ({ raw: withKind(raw, itemKind), position: at(`items[${i}]`) }));
  }
  return [{ raw: document, position: docLabel }];
}

/**
 * V8's JSON errors often carry no position; the YAML parser (JSON is YAML) finds the same fault with one.
 * `start` places text that begins inside a file (a streamed item).
 */
function yamlErrorPosition(text: string, start: { line: number; column: number } = { line: 1, column: 1 }): string | null {
  const first = parseDocument(text).errors[0]?.linePos?.[0];
  if (first === undefined) return null;
  const column = first.line === 1 ? start.column + first.col - 1 : first.col;
  return `line ${start.line + first.line - 1}, column ${column}`;
}

function withKind(raw: unknown, kind: string | undefined): unknown {
  if (kind === undefined || typeof raw !== 'object' || raw === null || 'kind' in raw) return raw;
  return { kind, ...raw };
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
