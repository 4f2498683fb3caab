/**
 * The hand-written ResourceQuota reader (src/kinds/resource-quota.ts readResourceQuota) against the zod schema it
 * stands in for: the same value for every quota the schema accepts, and nothing (zod then names the problem) for
 * one it refuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { resourceQuotaSchema } from '../../../src/inventory/objects.js';
import { readResourceQuota } from '../../../src/kinds/resource-quota.js';
import { parseObject } from '../../../src/kinds/parse.js';

function viaZod(raw: unknown): unknown {
  const result = resourceQuotaSchema.safeParse(raw);
  assert.ok(result.success, 'zod should accept this quota');
  return result.data;
}

const served = {
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'compute', namespace: 'team-a', uid: 'u-1', resourceVersion: '42', managedFields: [{ manager: 'kube-controller-manager' }] },
  spec: { hard: { 'requests.cpu': '4000', 'requests.memory': '32Ti', 'requests.nvidia.com/gpu': '512' } },
  status: { hard: { 'requests.cpu': '4k', 'requests.memory': '32Ti', 'requests.nvidia.com/gpu': '512' }, used: { 'requests.cpu': '1500m', 'requests.memory': '3Gi', 'requests.nvidia.com/gpu': '0' } },
};

describe('readResourceQuota', () => {
  const quotas: { name: string; raw: Record<string, unknown> }[] = [
    { name: 'as the API server sends one, status and all', raw: served },
    { name: 'no spec and no status', raw: { kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'a' } } },
    {
      name: 'nulls where the API allows them, numbers for quantities, scopes and a scope selector',
      raw: {
        kind: 'ResourceQuota',
        metadata: { name: 'q', namespace: 'a', labels: null },
        spec: { hard: { pods: 10, 'requests.cpu': 0.5 }, scopes: ['BestEffort'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }, { scopeName: 'Terminating', operator: 'Exists' }] } },
        status: { hard: null, used: null },
      },
    },
    { name: 'a null spec, selector and status', raw: { kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'a', labels: { team: 'x' } }, spec: { hard: null, scopes: null, scopeSelector: null }, status: null } },
  ];
  for (const q of quotas) {
    it(`gives the same value as the zod schema: ${q.name}`, () => {
      assert.deepEqual(readResourceQuota(q.raw), viaZod(q.raw));
      assert.deepEqual(parseObject(q.raw), viaZod(q.raw));
    });
  }

  it('gives the same value as the zod schema for random valid quotas', () => {
    const quantity = fc.oneof(fc.constantFrom('1', '250m', '1.5', '512Mi', '1Gi', '2e3', '0', '100k'), fc.integer({ min: 0, max: 1000 }));
    const list = fc.option(fc.dictionary(fc.constantFrom('requests.cpu', 'limits.memory', 'requests.nvidia.com/gpu', 'pods', 'count/pods'), quantity), { nil: null });
    const expression = fc.record({ scopeName: fc.constantFrom('PriorityClass', 'Terminating'), operator: fc.constantFrom('In', 'Exists'), values: fc.array(fc.string(), { maxLength: 2 }) }, { requiredKeys: ['scopeName', 'operator'] });
    const quota = fc.record({
      kind: fc.constant('ResourceQuota'),
      metadata: fc.record({ name: fc.constantFrom('q', 'compute'), namespace: fc.constantFrom('a', 'team-b'), labels: fc.option(fc.dictionary(fc.string(), fc.string()), { nil: null }) }, { requiredKeys: ['name', 'namespace'] }),
      spec: fc.option(
        fc.record(
          { hard: list, scopes: fc.option(fc.array(fc.constantFrom('BestEffort', 'NotTerminating')), { nil: null }), scopeSelector: fc.option(fc.record({ matchExpressions: fc.option(fc.array(expression, { maxLength: 2 }), { nil: null }) }), { nil: null }) },
          { requiredKeys: [] },
        ),
        { nil: null },
      ),
      status: fc.option(fc.record({ hard: list, used: list }, { requiredKeys: [] }), { nil: null }),
    });
    fc.assert(
      fc.property(quota, (raw) => {
        assert.deepEqual(readResourceQuota(raw), viaZod(raw));
      }),
      { numRuns: 300 },
    );
  });

  const refused: { name: string; raw: Record<string, unknown>; field: string }[] = [
    { name: 'a negative quantity', raw: { ...served, status: { used: { 'requests.cpu': '-1' } } }, field: 'status.used.requests.cpu' },
    { name: 'a resource name that is not a qualified name', raw: { ...served, spec: { hard: { 'bad name': '1' } } }, field: 'spec.hard' },
    { name: 'a name that is not a DNS subdomain', raw: { ...served, metadata: { name: 'Compute', namespace: 'a' } }, field: 'metadata.name' },
    { name: 'scope selector values of null', raw: { ...served, spec: { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: null }] } } }, field: 'spec.scopeSelector.matchExpressions[0].values' },
    { name: 'a scope that is not a string', raw: { ...served, spec: { scopes: [1] } }, field: 'spec.scopes[0]' },
  ];
  for (const q of refused) {
    it(`gives up on ${q.name}, and zod names the field`, () => {
      assert.equal(readResourceQuota(q.raw), undefined);
      assert.throws(() => parseObject(q.raw, { file: 'quotas.json' }), (error: Error) => error.message.includes(q.field));
    });
  }
});
