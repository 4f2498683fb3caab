/**
 * What applying would change: the live object against the server's dry-run result, field by field, quantities
 * compared by value (the API server re-serializes them: `2000m` comes back as `2`). Only labels, annotations
 * and spec are compared; the server's own metadata (resourceVersion, managedFields, ...) and status are not.
 * Also reads the field-manager conflicts out of a 409 answer. Pure.
 */
import { isQuantity, parseQuantity } from '../quantity.js';
import type { ApiStatus } from '../collect/transport.js';
import type { LiveObject } from './api.js';
import { compareKeys } from '../text-order.js';

export interface FieldChange {
  /** `spec.hard.requests.nvidia.com/gpu`, `metadata.labels.app.kubernetes.io/managed-by`, `spec.limits[0].type`. */
  path: string;
  /** null: the field is absent on that side. */
  before: string | null;
  after: string | null;
}

export type DiffState = 'new' | 'changed' | 'unchanged';

export interface ObjectDiff {
  state: DiffState;
  changes: FieldChange[];
}

export function diffObjects(current: LiveObject | null, result: LiveObject): ObjectDiff {
  const before = current === null ? new Map<string, string>() : comparable(current);
  const after = comparable(result);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: FieldChange[] = [];
  for (const path of paths) {
    const b = before.get(path) ?? null;
    const a = after.get(path) ?? null;
    if (sameValue(b, a)) continue;
    changes.push({ path, before: b, after: a });
  }
  return { state: current === null ? 'new' : changes.length === 0 ? 'unchanged' : 'changed', changes };
}

function comparable(object: LiveObject): Map<string, string> {
  const out = new Map<string, string>();
  flatten(object.metadata?.labels ?? {}, 'metadata.labels', out);
  flatten(object.metadata?.annotations ?? {}, 'metadata.annotations', out);
  flatten(object.spec ?? {}, 'spec', out);
  return out;
}

function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => flatten(item, `${path}[${index}]`, out));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) flatten(item, `${path}.${key}`, out);
    return;
  }
  if (value === null || value === undefined) return;
  out.set(path, String(value));
}

function sameValue(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (isQuantity(a) && isQuantity(b)) return parseQuantity(a).nanos === parseQuantity(b).nanos;
  return false;
}

/**
 * true when `manager`'s Apply entry owns exactly the same fields in the live object and in the dry-run result:
 * with an unchanged diff, sending the object again would change nothing, not even who owns what. A field another
 * manager owns with the same value is not quotaplan's until quotaplan applies it, so such an object is sent.
 */
export function sameAppliedFields(current: LiveObject | null, result: LiveObject, manager: string): boolean {
  if (current === null) return false;
  const before = appliedFieldsOf(current, manager);
  return before !== undefined && before === appliedFieldsOf(result, manager);
}

/** The canonical JSON of `manager`'s one Apply entry (main resource, not a subresource), or undefined. */
function appliedFieldsOf(object: LiveObject, manager: string): string | undefined {
  const entries = (object.metadata?.managedFields ?? []).filter((entry): entry is Record<string, unknown> => {
    if (entry === null || typeof entry !== 'object') return false;
    const e = entry as Record<string, unknown>;
    return e.manager === manager && e.operation === 'Apply' && (e.subresource === undefined || e.subresource === '');
  });
  return entries.length === 1 ? canonicalJson(entries[0]!.fieldsV1) : undefined;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(compareKeys);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One field another manager owns with a different value. */
export interface FieldConflict {
  manager: string;
  field: string;
}

/**
 * The conflicts of a 409 server-side apply answer. Each cause reads
 * `{ reason: "FieldManagerConflict", message: "conflict with \"kubectl-client-side-apply\" using v1", field: ".spec.hard.x" }`
 * (apimachinery `pkg/util/managedfields/internal/conflict.go`).
 */
export function conflictsOf(status: ApiStatus | undefined): FieldConflict[] {
  const out: FieldConflict[] = [];
  for (const cause of status?.details?.causes ?? []) {
    if (cause.reason !== 'FieldManagerConflict') continue;
    const manager = /conflict with "([^"]*)"/.exec(cause.message ?? '')?.[1] ?? cause.message ?? 'unknown manager';
    out.push({ manager, field: cause.field ?? '' });
  }
  return out;
}
