/**
 * The edge every Kubernetes object enters by (cluster LISTs, dumps, the demo cluster): validated by its kind's
 * schema (registry.ts) into the parts quotaplan reads. Anything wrong is a ValidationError naming the file, the
 * object and the field.
 */
import { ValidationError } from '../errors.js';
import { formatPath } from '../inventory/objects.js';
import { escapeTerminalText } from '../terminal-text.js';
import { registry as quotaplanKinds, type KindRegistry, type KubeObject } from './registry.js';
import { ValidatedObject } from './validated.js';

/** Where an object came from: the file, and its position in the file (`items[12]`, `document 3`). */
export interface ObjectSource {
  file?: string;
  position?: string;
}

/**
 * Validates one object and returns the parts quotaplan reads, discriminated by kind. Throws a ValidationError
 * naming the file, the object (`Pod fraud-train/trainer-0`) and the field path (`spec.containers[0]...`).
 * `kinds`: the registry to read by (quotaplan's; a test may pass one with a kind of its own).
 */
export function parseObject(raw: unknown, where: ObjectSource = {}, kinds: KindRegistry = quotaplanKinds): KubeObject {
  if (raw instanceof ValidatedObject) return raw as unknown as KubeObject;
  const identity = describeRaw(raw, where.position);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(where, identity, undefined, `expected an object, got ${describeValue(raw)}`, raw);
  }
  const kind = (raw as { kind?: unknown }).kind;
  const apiVersion = (raw as { apiVersion?: unknown }).apiVersion;
  const objectKind = typeof kind === 'string' ? kinds.byApiKind(kind, typeof apiVersion === 'string' ? apiVersion : undefined) : undefined;
  if (objectKind === undefined) {
    const groups = kinds.kinds.filter((k) => (k.apiKind ?? k.kind) === kind).map((k) => k.list.apiVersion);
    throw groups.length > 1
      ? invalid(where, identity, 'apiVersion', `a ${String(kind)} of which API? quotaplan reads ${groups.join(' and ')} (got ${JSON.stringify(apiVersion ?? null)})`, apiVersion)
      : invalid(
          where,
          identity,
          'kind',
          `unknown kind ${JSON.stringify(kind ?? null)} (quotaplan reads ${[...new Set(kinds.kinds.map((k) => k.apiKind ?? k.kind))].join(', ')})`,
          kind,
        );
  }
  if (objectKind.read !== undefined) {
    const object = objectKind.read(raw as Record<string, unknown>);
    if (object !== undefined) return object as KubeObject;
  }
  const result = objectKind.schema.safeParse(raw);
  if (result.success) return result.data as KubeObject;
  const issue = result.error.issues[0];
  const field = issue === undefined ? undefined : formatPath(issue.path);
  // A bad key (a resource name) names the key itself; the value under it is not what is wrong.
  if (issue?.code === 'invalid_key') {
    const key = issue.path[issue.path.length - 1];
    throw invalid(where, identity, field, issue.issues[0]?.message ?? issue.message, key, result.error);
  }
  const value = issue === undefined ? undefined : valueAt(raw, issue.path);
  throw invalid(where, identity, field, issue?.message ?? 'invalid object', value, result.error);
}

/** `Kind namespace/name` (or `Kind name`), as far as the raw object says; `items[3]` when it says nothing. */
function describeRaw(raw: unknown, position?: string): string {
  if (typeof raw !== 'object' || raw === null) return position ?? 'object';
  const o = raw as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const kind = typeof o.kind === 'string' ? o.kind : 'object';
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : undefined;
  const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : undefined;
  const id = name === undefined ? undefined : namespace === undefined ? name : `${namespace}/${name}`;
  const at = position === undefined ? '' : ` (${position})`;
  return escapeTerminalText(id === undefined ? `${kind}${at === '' ? '' : at}` : `${kind} ${id}${at}`);
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : typeof value;
}

function invalid(
  where: ObjectSource,
  identity: string,
  field: string | undefined,
  message: string,
  value: unknown,
  cause?: unknown,
): ValidationError {
  const parts = [where.file, identity, field].filter((p): p is string => p !== undefined && p !== '');
  return new ValidationError(`${parts.join(': ')}: ${message}`, { file: where.file, field, value }, { cause });
}
