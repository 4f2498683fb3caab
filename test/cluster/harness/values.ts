/**
 * Comparing what the API server returns with what was sent. The server re-serializes quantities (`2000m` comes
 * back `2`), so resource lists are compared by value, through src/quantity.ts.
 */
import assert from 'node:assert/strict';
import { parseQuantity } from '../../../src/quantity.js';

/** `{ cpu: '2000m' }` -> `{ cpu: 2000000000n }` (nano-units), for deepEqual against another list. */
export function quantityValues(list: Record<string, string> | undefined, field = 'resources'): Record<string, bigint> {
  return Object.fromEntries(
    Object.entries(list ?? {}).map(([resource, text]) => [resource, parseQuantity(String(text), { field: `${field}.${resource}` }).nanos]),
  );
}

/**
 * client-node deserializes into model classes (V1Taint, ...); deepStrictEqual compares prototypes, so compare the
 * JSON the server sent instead.
 */
export function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** What the API server answered when it refused a request: the HTTP code and its Status object. */
export interface ApiRefusal {
  code: number | undefined;
  status: { reason?: string; message: string };
}

/** Awaits a client-node call that the API server must refuse; fails the test with `admitted` when it succeeds. */
export async function apiRefusal(request: Promise<unknown>, admitted: string): Promise<ApiRefusal> {
  const error = await request.then(
    () => assert.fail(admitted),
    (e: { code?: number; body?: string }) => e,
  );
  return { code: error.code, status: JSON.parse(String(error.body)) as ApiRefusal['status'] };
}
