/** ResourceQuota (v1, namespaced): spec.hard, status.hard and used, scopes. */
import { isAcceleratorResource } from '../inventory/accelerators.js';
import { resourceQuotaSchema, type ResourceQuotaObject } from '../inventory/objects.js';
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

export const resourceQuotaKind = objectKind<ResourceQuotaObject, ResourceQuotaFacts>({
  kind: 'ResourceQuota',
  list: { apiVersion: 'v1', group: '', resource: 'resourcequotas', namespaced: true },
  protobuf: { file: 'core', package: 'k8s.io.api.core.v1' },
  schema: resourceQuotaSchema,
  inventory: { key: namespacedKey, facts: resourceQuotaFacts, field: 'resourceQuotas', warnings: quotaWarnings },
});
