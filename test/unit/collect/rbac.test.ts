import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { renderRbac } from '../../../src/commands/rbac.js';

function documents(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((doc) => doc.toJS() as Record<string, unknown>);
}

describe('quotaplan rbac', () => {
  it('grants only `list`, one rule per resource the collector reads, to a quotaplan ServiceAccount by default', () => {
    const [role, binding] = documents(renderRbac({}));
    assert.deepEqual(role?.rules, [
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['list'] },
      { apiGroups: [''], resources: ['resourcequotas'], verbs: ['list'] },
      { apiGroups: [''], resources: ['limitranges'], verbs: ['list'] },
      { apiGroups: ['kubeflow.org'], resources: ['profiles'], verbs: ['list'] },
      { apiGroups: ['resource.k8s.io'], resources: ['deviceclasses'], verbs: ['list'] },
      { apiGroups: ['resource.k8s.io'], resources: ['resourceslices'], verbs: ['list'] },
      { apiGroups: ['resource.k8s.io'], resources: ['resourceclaims'], verbs: ['list'] },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['resourceflavors'], verbs: ['list'] },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['cohorts'], verbs: ['list'] },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['clusterqueues'], verbs: ['list'] },
      { apiGroups: ['scheduling.run.ai'], resources: ['queues'], verbs: ['list'] },
      { apiGroups: ['scheduling.volcano.sh'], resources: ['queues'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    ]);
    assert.deepEqual([role?.kind, (role?.metadata as { name: string }).name], ['ClusterRole', 'quotaplan-collector']);
    assert.deepEqual(binding?.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'quotaplan-collector' });
    assert.deepEqual(binding?.subjects, [{ kind: 'ServiceAccount', name: 'quotaplan', namespace: 'quotaplan' }]);
  });

  it('grants `watch` beside `list` on every resource for `collect --watch` (--watch), and only then', () => {
    const [role, binding] = documents(renderRbac({ watch: true }));
    const [oneShot] = documents(renderRbac({}));
    const rules = role?.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    assert.deepEqual(
      rules.map((rule) => rule.verbs),
      Array.from({ length: 14 }, () => ['list', 'watch']),
    );
    assert.deepEqual(
      rules.map((rule) => ({ ...rule, verbs: ['list'] })),
      oneShot?.rules,
    );
    assert.equal((role?.metadata as { name: string }).name, 'quotaplan-collector');
    assert.deepEqual(binding?.subjects, [{ kind: 'ServiceAccount', name: 'quotaplan', namespace: 'quotaplan' }]);
    assert.match(renderRbac({ watch: true }), /^# Read-only permissions for `quotaplan collect --watch`: one list and watch rule per resource it reads\.\n/);
    assert.match(renderRbac({}), /^# Read-only permissions for `quotaplan collect` \(one-shot\): one list rule per resource it reads\.\n/);
  });

  it('refuses --watch with --write (two different roles)', () => {
    assert.throws(() => renderRbac({ write: true, watch: true }), {
      name: 'ValidationError',
      message: '--write and --watch are two different roles: print one at a time',
    });
  });

  it('prints the apply permissions on their own with --write', () => {
    const [role, binding] = documents(renderRbac({ write: true, user: 'alice@example.com' }));
    assert.deepEqual(role?.rules, [
      { apiGroups: [''], resources: ['resourcequotas'], verbs: ['get', 'create', 'patch'] },
      { apiGroups: [''], resources: ['limitranges'], verbs: ['get', 'create', 'patch'] },
      { apiGroups: ['kubeflow.org'], resources: ['profiles'], verbs: ['get', 'patch'] },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['resourceflavors', 'cohorts', 'clusterqueues', 'localqueues'], verbs: ['get', 'create', 'patch'] },
      { apiGroups: ['scheduling.run.ai'], resources: ['queues'], verbs: ['get', 'create', 'patch'] },
      { apiGroups: ['scheduling.volcano.sh'], resources: ['queues'], verbs: ['get', 'create', 'patch'] },
    ]);
    assert.equal((role?.metadata as { name: string }).name, 'quotaplan-apply');
    assert.deepEqual(binding?.subjects, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice@example.com' }]);
  });

  it('binds a group or a named ServiceAccount', () => {
    assert.deepEqual(documents(renderRbac({ group: 'planners' }))[1]?.subjects, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'planners' }]);
    assert.deepEqual(documents(renderRbac({ serviceAccount: 'ops/collector' }))[1]?.subjects, [{ kind: 'ServiceAccount', name: 'collector', namespace: 'ops' }]);
  });

  it('rejects a ServiceAccount that is not NAMESPACE/NAME', () => {
    assert.throws(() => renderRbac({ serviceAccount: 'collector' }), {
      name: 'ValidationError',
      message: '--service-account must be NAMESPACE/NAME (lowercase DNS names), got "collector"',
    });
  });
});
