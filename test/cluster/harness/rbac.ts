/**
 * RBAC for the test control plane: the read-only role quotaplan's collector needs, and identities with any rules.
 *
 * The static reader identity comes from the token file; further identities are ServiceAccounts with a bound token
 * (TokenRequest API), because the token file cannot change while the API server runs.
 */
import type { V1PolicyRule } from '@kubernetes/client-node';
import type { KubeClients } from './clients.js';

/** Everything the collector reads, and nothing it could write. */
export const readOnlyRules: V1PolicyRule[] = [
  { apiGroups: [''], resources: ['nodes', 'namespaces', 'pods', 'resourcequotas', 'limitranges'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['kubeflow.org'], resources: ['profiles'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
];

export interface Permission {
  /** '' for the core group. */
  apiGroup: string;
  resource: string;
  /** One verb, or every verb on the resource when omitted. */
  verb?: string;
}

/**
 * `rules` minus one permission, e.g. `rulesWithout(readOnlyRules, { apiGroup: '', resource: 'pods', verb: 'list' })`
 * for a test of what the collector says when it may not list pods.
 */
export function rulesWithout(rules: V1PolicyRule[], removed: Permission): V1PolicyRule[] {
  const result: V1PolicyRule[] = [];
  for (const rule of rules) {
    const inGroup = (rule.apiGroups ?? []).includes(removed.apiGroup);
    const onResource = (rule.resources ?? []).includes(removed.resource);
    if (!inGroup || !onResource) {
      result.push(rule);
      continue;
    }
    // Split the rule: the removed resource keeps the other verbs, the other resources keep everything.
    const otherResources = (rule.resources ?? []).filter((r) => r !== removed.resource);
    const otherGroups = (rule.apiGroups ?? []).filter((g) => g !== removed.apiGroup);
    if (otherResources.length > 0) result.push({ ...rule, resources: otherResources });
    if (otherGroups.length > 0) result.push({ ...rule, apiGroups: otherGroups, resources: [removed.resource] });
    const keptVerbs = removed.verb === undefined ? [] : rule.verbs.filter((v) => v !== removed.verb);
    if (removed.verb !== undefined && rule.verbs.includes('*')) {
      throw new Error(`rulesWithout: cannot remove verb ${removed.verb} from a '*' rule on ${removed.resource}`);
    }
    if (keptVerbs.length > 0) result.push({ ...rule, apiGroups: [removed.apiGroup], resources: [removed.resource], verbs: keptVerbs });
  }
  return result;
}

/** ClusterRole `name` with `rules`, bound cluster-wide to `subject`. */
export async function grantClusterRole(
  admin: KubeClients,
  options: { name: string; rules: V1PolicyRule[]; subject: { kind: 'User' | 'ServiceAccount'; name: string; namespace?: string } },
): Promise<void> {
  await admin.rbac.createClusterRole({ body: { metadata: { name: options.name }, rules: options.rules } });
  const subject =
    options.subject.kind === 'User'
      ? { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: options.subject.name }
      : { kind: 'ServiceAccount', name: options.subject.name, namespace: options.subject.namespace };
  await admin.rbac.createClusterRoleBinding({
    body: {
      metadata: { name: options.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: options.name },
      subjects: [subject],
    },
  });
}

/** Namespace holding the ServiceAccounts behind `createIdentity`. */
export const identityNamespace = 'quotaplan-test-identities';

/** Creates ServiceAccount `name` with ClusterRole `quotaplan-test:<name>` and returns a bound token for it. */
export async function createServiceAccountIdentity(
  admin: KubeClients,
  options: { name: string; rules: V1PolicyRule[] },
): Promise<string> {
  try {
    await admin.core.createNamespace({ body: { metadata: { name: identityNamespace } } });
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
  }
  await admin.core.createNamespacedServiceAccount({
    namespace: identityNamespace,
    body: { metadata: { name: options.name } },
  });
  await grantClusterRole(admin, {
    name: `quotaplan-test:${options.name}`,
    rules: options.rules,
    subject: { kind: 'ServiceAccount', name: options.name, namespace: identityNamespace },
  });
  const request = await admin.core.createNamespacedServiceAccountToken({
    name: options.name,
    namespace: identityNamespace,
    body: { spec: { audiences: [], expirationSeconds: 24 * 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`TokenRequest for ServiceAccount ${identityNamespace}/${options.name} returned no token`);
  return token;
}
