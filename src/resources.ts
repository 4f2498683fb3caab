/**
 * Resource lists (`{ cpu: 2, "nvidia.com/gpu": 4 }`) and their arithmetic over exact quantities.
 * Parsed once at the edge with parseResourceList, formatted once on the way out with formatResourceList.
 */
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  QuantityError,
  subtractQuantities,
  type Quantity,
} from './quantity.js';
import { ValidationError } from './errors.js';
import { compareText } from './text-order.js';

export type ResourceList = Record<string, Quantity>;

/** Where a resource list came from, for error messages: `cluster.json: Pod ns/name: spec.containers[0].resources.requests`. */
export interface ResourceListSource {
  file?: string;
  object?: string;
  field?: string;
}

/** Parses `{ name: "quantity" }`; an invalid quantity is a ValidationError naming file, object, field and value. */
export function parseResourceList(raw: Record<string, string>, where: ResourceListSource = {}): ResourceList {
  const list: ResourceList = {};
  for (const [name, text] of Object.entries(raw)) {
    try {
      list[name] = parseQuantity(text);
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      const field = where.field === undefined ? name : `${where.field}.${name}`;
      const prefix = [where.file, where.object, field].filter((part) => part !== undefined).join(': ');
      throw new ValidationError(`${prefix}: ${error.message}`, {
        file: where.file,
        field,
        value: text,
      }, { cause: error });
    }
  }
  return list;
}

/** Canonical quantity strings with keys sorted, the one shape resource lists take in output. */
export function formatResourceList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of sortedNames(list)) out[name] = formatQuantity(list[name] as Quantity);
  return out;
}

/** Resource names in ascending order. */
export function sortedNames(list: ResourceList): string[] {
  return Object.keys(list).sort(compareText);
}

/** a + b per resource; a resource in only one list keeps its value. */
export function addResourceLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  for (const [name, q] of Object.entries(b)) {
    const existing = out[name];
    out[name] = existing === undefined ? q : addQuantities(existing, q);
  }
  return out;
}

/** Adds b into target in place (the builder folds 150,000 pods; a fresh object per pod is waste). */
export function addInto(target: ResourceList, b: ResourceList): void {
  for (const [name, q] of Object.entries(b)) {
    const existing = target[name];
    target[name] = existing === undefined ? q : addQuantities(existing, q);
  }
}

/** a - b per resource over the union of names (a missing value is zero); results may be negative. */
export function subtractResourceLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  for (const [name, q] of Object.entries(b)) {
    const existing = out[name];
    out[name] = existing === undefined ? subtractQuantities(zeroLike(q), q) : subtractQuantities(existing, q);
  }
  return out;
}

/** max(a, b) per resource over the union of names. */
export function maxResourceLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  for (const [name, q] of Object.entries(b)) {
    const existing = out[name];
    if (existing === undefined || compareQuantities(q, existing) > 0) out[name] = q;
  }
  return out;
}

/** Sum of many lists. */
export function sumResourceLists(lists: Iterable<ResourceList>): ResourceList {
  const out: ResourceList = {};
  for (const list of lists) addInto(out, list);
  return out;
}

/** True when both lists hold the same value for every name (missing = zero). */
export function resourceListsEqual(a: ResourceList, b: ResourceList): boolean {
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[name];
    const y = b[name];
    const left = x ?? (y === undefined ? undefined : zeroLike(y));
    const right = y ?? (x === undefined ? undefined : zeroLike(x));
    if (left !== undefined && right !== undefined && compareQuantities(left, right) !== 0) return false;
  }
  return true;
}

function zeroLike(q: Quantity): Quantity {
  return subtractQuantities(q, q);
}

/**
 * Resources counted in bytes, which tables print in binary units (formatBytesReadably): memory, hugepages-<size>,
 * ephemeral-storage, and storage (also as the quota keys requests.storage and <class>.storageclass.../requests.storage).
 */
export function isByteResource(name: string): boolean {
  return name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-') || name === 'storage' || name.endsWith('requests.storage');
}
