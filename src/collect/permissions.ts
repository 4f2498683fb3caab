/**
 * What quotaplan asks of the API server, as data: the lists the collector makes, and the RBAC rules and
 * manifests (`quotaplan rbac`) that grant exactly those, so the printed role and the code cannot drift apart.
 */
import { registry as quotaplanKinds, type KindRegistry } from '../kinds/registry.js';

/** An rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface CollectorRulesOptions {
  /** For `collect --watch`, which watches every kind it lists: `list` and `watch`. Default: `list` only. */
  watch?: boolean;
}

/**
 * One rule per kind the collector lists (kinds/registry.ts), in the order it lists them, each with only `list` (the
 * collector never GETs a single object), and `watch` beside it for `collect --watch` only (a one-shot collection
 * never watches, so its role does not grant it). Optional kinds (Profiles) are granted even where their CRD is
 * absent: authorization runs before routing, so without the rule a cluster without Kubeflow answers 403 instead of
 * 404 (and a watching collector lists an absent kind again before every snapshot, and watches it once it appears).
 */
export function collectorRules(kinds: KindRegistry = quotaplanKinds, options: CollectorRulesOptions = {}): PolicyRule[] {
  const verbs = options.watch === true ? ['list', 'watch'] : ['list'];
  return kinds.listed.map((kind) => ({
    apiGroups: [kind.list.group],
    resources: [kind.list.resource],
    verbs: [...verbs],
  }));
}

/**
 * What `quotaplan apply` needs: server-side apply of ResourceQuotas and LimitRanges (a PATCH; the API server
 * also checks `create` when the object does not exist yet, kubernetes#64892 and the API concepts page
 * "Patch and apply"), `get` to read the live object for the diff, PATCH on existing Profiles (their
 * spec.resourceQuotaSpec, domain.md section 4: never the profile controller's kf-resource-quota), and the same
 * as for quotas on the Kueue, KAI Scheduler and Volcano objects of `apply --target`.
 */
export function applyRules(): PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['resourcequotas'], verbs: ['get', 'create', 'patch'] },
    { apiGroups: [''], resources: ['limitranges'], verbs: ['get', 'create', 'patch'] },
    { apiGroups: ['kubeflow.org'], resources: ['profiles'], verbs: ['get', 'patch'] },
    // apply --target kueue|kai|volcano: the schedulers' quota objects, created or patched like quotas.
    { apiGroups: ['kueue.x-k8s.io'], resources: ['resourceflavors', 'cohorts', 'clusterqueues', 'localqueues'], verbs: ['get', 'create', 'patch'] },
    { apiGroups: ['scheduling.run.ai'], resources: ['queues'], verbs: ['get', 'create', 'patch'] },
    { apiGroups: ['scheduling.volcano.sh'], resources: ['queues'], verbs: ['get', 'create', 'patch'] },
  ];
}

export type RbacSubject =
  | { kind: 'ServiceAccount'; name: string; namespace: string }
  | { kind: 'User'; name: string }
  | { kind: 'Group'; name: string };

export interface RbacManifestOptions {
  /** `collect` for the read-only role, `apply` for the write role. */
  role: 'collect' | 'apply';
  subject: RbacSubject;
  /** The kinds the collector reads (default: quotaplan's). */
  kinds?: KindRegistry;
  /** The collect role for `collect --watch` (`list` and `watch`); ignored for `apply`. */
  watch?: boolean;
}

/** Names of the ClusterRole and ClusterRoleBinding. */
export function rbacRoleName(role: RbacManifestOptions['role']): string {
  return role === 'collect' ? 'quotaplan-collector' : 'quotaplan-apply';
}

/** A ClusterRole and a ClusterRoleBinding granting it to `subject`, as plain objects ready for YAML. */
export function rbacManifests(options: RbacManifestOptions): Record<string, unknown>[] {
  const name = rbacRoleName(options.role);
  const rules = options.role === 'collect' ? collectorRules(options.kinds, { watch: options.watch }) : applyRules();
  const labels = { 'app.kubernetes.io/name': 'quotaplan', 'app.kubernetes.io/component': options.role };
  const subject =
    options.subject.kind === 'ServiceAccount'
      ? { kind: 'ServiceAccount', name: options.subject.name, namespace: options.subject.namespace }
      : { kind: options.subject.kind, apiGroup: 'rbac.authorization.k8s.io', name: options.subject.name };
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [subject],
    },
  ];
}
