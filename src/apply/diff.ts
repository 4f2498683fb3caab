/**
 * What applying would change: the live object against the server's dry-run result, field by field, quantities
 * compared by value (the API server re-serializes them: `2000m` comes back as `2`). Only labels, annotations
 * and spec are compared; the server's own metadata (resourceVersion, managedFields, ...) and status are not.
 * Also reads the field-manager conflicts out of a 409 answer. Pure.
 */
import { isQuantity, parseQuantity } from '../quantity.js';
import type { ApiStatusBody, LiveObject } from './api.js';

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
export function conflictsOf(status: ApiStatusBody | undefined): FieldConflict[] {
  const out: FieldConflict[] = [];
  for (const cause of status?.details?.causes ?? []) {
    if (cause.reason !== 'FieldManagerConflict') continue;
    const manager = /conflict with "([^"]*)"/.exec(cause.message ?? '')?.[1] ?? cause.message ?? 'unknown manager';
    out.push({ manager, field: cause.field ?? '' });
  }
  return out;
}
