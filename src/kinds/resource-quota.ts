/** ResourceQuota (v1, namespaced): spec.hard, status.hard and used, scopes. */
import { isAcceleratorResource } from '../inventory/accelerators.js';
import { isRecord, quantityRecord, resourceQuotaSchema, stringRecord, type ResourceQuotaObject } from '../inventory/objects.js';
import { isDns1123Label, OBJECT_NAME_RULES, followsRule } from '../kube-names.js';
import type { ResourceQuotaFacts } from '../inventory/types.js';
import { sortedNames, type ResourceList } from '../resources.js';
import { objectKind } from './kind.js';

/** Namespace, then name: the `\0` sorts a namespace before every longer one it is a prefix of. */
export const namespacedKey = (object: { metadata: { namespace: string; name: string } }): string => `${object.metadata.namespace}\u0000${object.metadata.name}`;

export function resourceQuotaFacts(quota: ResourceQuotaObject): ResourceQuotaFacts {
  const { namespace, name } = quota.metadata;
  return {
    namespace,
    name,
    hard: quota.spec.hard,
    statusHard: quota.status.hard,
    used: quota.status.used,
    scopes: [...quota.spec.scopes],
    scopeSelector: quota.spec.scopeSelector.matchExpressions.map((e) =>
      e.values === undefined ? { scopeName: e.scopeName, operator: e.operator } : { scopeName: e.scopeName, operator: e.operator, values: [...e.values] },
    ),
  };
}

/** Extended resources are enforced only as `requests.<name>` (kubernetes pkg/quota/v1/evaluator/core/pods.go). */
export function quotaWarnings(q: ResourceQuotaFacts): string[] {
  const out: string[] = [];
  const where = `resourcequota ${q.namespace}/${q.name}`;
  for (const name of sortedNames(q.hard)) {
    if (name.startsWith('requests.')) continue;
    const resource = name.startsWith('limits.') ? name.slice('limits.'.length) : name;
    if (isAcceleratorResource(resource)) {
      out.push(`${where}: ${name} is accepted by the API but never enforced for extended resources; use requests.${resource}`);
    }
  }
  if (!sameValues(q.hard, q.statusHard)) {
    out.push(`${where}: status.hard differs from spec.hard; admission enforces status.hard (is the resourcequota controller running?)`);
  }
  return out;
}

/** The same names with the same values (compared as quantities, not strings). */
function sameValues(a: ResourceList, b: ResourceList): boolean {
  const names = sortedNames(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => b[name] !== undefined && b[name].nanos === a[name]?.nanos);
}

/**
 * A ResourceQuota as resourceQuotaSchema reads it, without zod: `collect --watch` reads one per change of a
 * namespace's pods (the quota controller writes status.used), and zod took a third of reading the watch events.
 * Accepts exactly what the schema accepts and returns the same value; gives up (undefined) at the first thing it
 * does not expect, so zod then names the problem (test/unit/kinds/resource-quota-reader.test.ts holds both equal).
 */
export function readResourceQuota(raw: Record<string, unknown>): ResourceQuotaObject | undefined {
  const metadata = raw.metadata;
  if (raw.kind !== 'ResourceQuota' || !isRecord(metadata)) return undefined;
  const { name, namespace } = metadata;
  if (typeof name !== 'string' || !followsRule(OBJECT_NAME_RULES.ResourceQuota, name) || typeof namespace !== 'string' || !isDns1123Label(namespace)) return undefined;
  const labels = stringRecord(metadata.labels);
  if (labels === undefined) return undefined;
  const spec = raw.spec === undefined || raw.spec === null ? {} : raw.spec;
  const status = raw.status === undefined || raw.status === null ? {} : raw.status;
  if (!isRecord(spec) || !isRecord(status)) return undefined;
  const hard = quantityRecord(spec.hard);
  const scopes = stringList(spec.scopes);
  const statusHard = quantityRecord(status.hard);
  const used = quantityRecord(status.used);
  const matchExpressions = scopeExpressions(spec.scopeSelector);
  if (hard === undefined || scopes === undefined || statusHard === undefined || used === undefined || matchExpressions === undefined) return undefined;
  return {
    kind: 'ResourceQuota',
    metadata: { name, namespace, labels },
    spec: { hard, scopes, scopeSelector: { matchExpressions } },
    status: { hard: statusHard, used },
  };
}

/** A list of strings; [] when absent or null. */
function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
  return [...(value as string[])];
}

function scopeExpressions(selector: unknown): ResourceQuotaObject['spec']['scopeSelector']['matchExpressions'] | undefined {
  if (selector === undefined || selector === null) return [];
  if (!isRecord(selector)) return undefined;
  const expressions = selector.matchExpressions;
  if (expressions === undefined || expressions === null) return [];
  if (!Array.isArray(expressions)) return undefined;
  const out: ResourceQuotaObject['spec']['scopeSelector']['matchExpressions'] = [];
  for (const item of expressions) {
    if (!isRecord(item) || typeof item.scopeName !== 'string' || typeof item.operator !== 'string') return undefined;
    if (item.values === undefined) {
      out.push({ scopeName: item.scopeName, operator: item.operator });
      continue;
    }
    // The schema's `values` is optional, not nullish: null is refused there (zod says so).
    if (!Array.isArray(item.values) || !item.values.every((v) => typeof v === 'string')) return undefined;
    out.push({ scopeName: item.scopeName, operator: item.operator, values: [...(item.values as string[])] });
  }
  return out;
}

export const resourceQuotaKind = objectKind<ResourceQuotaObject, ResourceQuotaFacts>({
  kind: 'ResourceQuota',
  list: { apiVersion: 'v1', group: '', resource: 'resourcequotas', namespaced: true },
  protobuf: { file: 'core', package: 'k8s.io.api.core.v1' },
  schema: resourceQuotaSchema,
  read: readResourceQuota,
  inventory: { key: namespacedKey, facts: resourceQuotaFacts, field: 'resourceQuotas', warnings: quotaWarnings },
});
