import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conflictsOf, diffObjects, sameAppliedFields } from '../../../src/apply/diff.js';
import { renderApplyReport, type ApplyReport } from '../../../src/apply/apply.js';
import { objectPath, type LiveObject } from '../../../src/apply/api.js';
import { buildQuotaChanges, type BuildQuotaChangesInput } from '../../../src/emit/changes.js';
import { buildManifests } from '../../../src/emit/manifests.js';
import type { Manifest } from '../../../src/emit/targets/target.js';
import { allocation, inventory, namespace, plan } from './builders.js';

const quota = (hard: Record<string, string>, labels: Record<string, string> = {}): LiveObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'q', namespace: 'ns', labels, managedFields: [{ manager: 'x' }] },
  spec: { hard },
});

describe('diffObjects', () => {
  it('compares quantities by value: 2000m and 2 are the same', () => {
    assert.deepEqual(diffObjects(quota({ 'requests.cpu': '2000m' }), quota({ 'requests.cpu': '2' })), { state: 'unchanged', changes: [] });
  });

  it('lists changed, added and removed fields of spec, labels and annotations, ignoring server metadata', () => {
    const diff = diffObjects(
      quota({ 'requests.nvidia.com/gpu': '16', pods: '10' }),
      quota({ 'requests.nvidia.com/gpu': '12', 'requests.cpu': '4' }, { 'app.kubernetes.io/managed-by': 'quotaplan' }),
    );
    assert.deepEqual(diff, {
      state: 'changed',
      changes: [
        { path: 'metadata.labels.app.kubernetes.io/managed-by', before: null, after: 'quotaplan' },
        { path: 'spec.hard.pods', before: '10', after: null },
        { path: 'spec.hard.requests.cpu', before: null, after: '4' },
        { path: 'spec.hard.requests.nvidia.com/gpu', before: '16', after: '12' },
      ],
    });
  });

  it('calls an object that does not exist yet new', () => {
    assert.equal(diffObjects(null, quota({ pods: '1' })).state, 'new');
  });
});

describe('conflictsOf', () => {
  it('reads the manager and field of each FieldManagerConflict cause of a 409', () => {
    assert.deepEqual(
      conflictsOf({
        code: 409,
        reason: 'Conflict',
        message: 'Apply failed with 1 conflict: conflict with "gitops-controller" using v1: .spec.hard.requests.nvidia.com/gpu',
        details: {
          causes: [
            { reason: 'FieldManagerConflict', message: 'conflict with "gitops-controller" using v1', field: '.spec.hard.requests.nvidia.com/gpu' },
          ],
        },
      }),
      [{ manager: 'gitops-controller', field: '.spec.hard.requests.nvidia.com/gpu' }],
    );
  });
});

describe('objectPath', () => {
  it('addresses namespaced core objects and cluster-scoped Profiles', () => {
    assert.equal(objectPath({ kind: 'ResourceQuota', name: 'q', namespace: 'ns' }), '/api/v1/namespaces/ns/resourcequotas/q');
    assert.equal(objectPath({ kind: 'LimitRange', name: 'l', namespace: 'ns' }), '/api/v1/namespaces/ns/limitranges/l');
    assert.equal(objectPath({ kind: 'Profile', name: 'alice' }), '/apis/kubeflow.org/v1/profiles/alice');
  });

  it('addresses the Kueue objects: cluster-scoped flavors, cohorts and queues, namespaced local queues', () => {
    assert.equal(objectPath({ kind: 'ResourceFlavor', name: 'h100' }), '/apis/kueue.x-k8s.io/v1beta2/resourceflavors/h100');
    assert.equal(objectPath({ kind: 'Cohort', name: 'ml' }), '/apis/kueue.x-k8s.io/v1beta2/cohorts/ml');
    assert.equal(objectPath({ kind: 'ClusterQueue', name: 'ml' }), '/apis/kueue.x-k8s.io/v1beta2/clusterqueues/ml');
    assert.equal(objectPath({ kind: 'LocalQueue', name: 'ml', namespace: 'ns' }), '/apis/kueue.x-k8s.io/v1beta2/namespaces/ns/localqueues/ml');
  });

  it('addresses the KAI Scheduler and Volcano queues, both cluster-scoped kind Queue in their own groups', () => {
    assert.equal(objectPath({ kind: 'KaiQueue', name: 'ml' }), '/apis/scheduling.run.ai/v2/queues/ml');
    assert.equal(objectPath({ kind: 'VolcanoQueue', name: 'ml' }), '/apis/scheduling.volcano.sh/v1beta1/queues/ml');
  });

  it('escapes names and namespaces as one path segment each', () => {
    assert.equal(objectPath({ kind: 'ResourceQuota', name: 'a/b', namespace: 'n?s' }), '/api/v1/namespaces/n%3Fs/resourcequotas/a%2Fb');
  });
});

/** What `apply` sends for a change set: its ResourceQuotas (and Profiles, LimitRanges), managed keys only. */
function applyManifestsOf(input: BuildQuotaChangesInput): Manifest[] {
  return buildManifests({ changes: buildQuotaChanges(input), plan: input.plan, inventory: input.inventory, mode: 'apply' });
}

describe('renderApplyReport', () => {
  const manifests = applyManifestsOf(
    {
      plan: plan([allocation('a', 'nvidia.com/gpu', '2'), allocation('b', 'nvidia.com/gpu', '3')]),
      teams: [
        { team: 'a', namespaces: ['a'] },
        { team: 'b', namespaces: ['b'] },
      ],
      inventory: inventory({ namespaces: [namespace('a'), namespace('b')] }),
      options: { cluster: 'c', planId: '1' },
    },
  );
  const [a, b] = manifests as [Manifest, Manifest];

  it('shows each field change, each conflict with its manager, and says nothing was applied', () => {
    const report: ApplyReport = {
      applied: false,
      forced: false,
      outcomes: [
        {
          manifest: a,
          diff: { state: 'changed', changes: [{ path: 'spec.hard.requests.nvidia.com/gpu', before: '4', after: '2' }] },
          conflicts: [],
          error: null,
          result: null,
        },
        { manifest: b, diff: null, conflicts: [{ manager: 'argocd', field: '.spec.hard.requests.nvidia.com/gpu' }], error: null, result: null },
      ],
    };
    assert.equal(
      renderApplyReport(report, { dryRunOnly: false }),
      'ResourceQuota a/quotaplan: changed\n' +
        '  spec.hard.requests.nvidia.com/gpu: 4 -> 2\n' +
        'ResourceQuota b/quotaplan: CONFLICT with other field managers:\n' +
        '  .spec.hard.requests.nvidia.com/gpu is owned by "argocd"\n' +
        'nothing applied: 0 new, 1 changed, 0 unchanged, 1 in conflict, 0 failed\n',
    );
  });

  it('asks for --yes after a clean dry run, and names a refusal', () => {
    const clean: ApplyReport = {
      applied: false,
      forced: false,
      outcomes: [{ manifest: a, diff: { state: 'new', changes: [] }, conflicts: [], error: null, result: null }],
    };
    assert.equal(renderApplyReport(clean, { dryRunOnly: false }), 'ResourceQuota a/quotaplan: new\nserver dry run: 1 new, 0 changed, 0 unchanged, 0 in conflict, 0 failed; re-run with --yes to apply\n');
    const refused: ApplyReport = {
      applied: false,
      forced: false,
      outcomes: [{ manifest: b, diff: null, conflicts: [], error: 'HTTP 404: namespaces "b" not found', result: null }],
    };
    assert.equal(
      renderApplyReport(refused, { dryRunOnly: true }),
      'ResourceQuota b/quotaplan: FAILED HTTP 404: namespaces "b" not found\nnothing applied: 0 new, 0 changed, 0 unchanged, 0 in conflict, 1 failed\n',
    );
  });
});

describe('sameAppliedFields', () => {
  const owned = (entries: unknown[]): LiveObject => ({ ...quota({ pods: '1' }), metadata: { name: 'q', namespace: 'ns', managedFields: entries } });
  const apply = (fields: unknown, manager = 'quotaplan'): unknown => ({ manager, operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: fields });
  const hard = { 'f:spec': { 'f:hard': { 'f:pods': {}, 'f:requests.cpu': {} } } };
  const reordered = { 'f:spec': { 'f:hard': { 'f:requests.cpu': {}, 'f:pods': {} } } };

  it("is true when quotaplan's Apply entry owns the same fields before and after, whatever the key order and timestamps", () => {
    assert.equal(sameAppliedFields(owned([apply(hard), { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status' }]), owned([{ ...(apply(reordered) as object), time: 'later' }]), 'quotaplan'), true);
  });

  it('is false for a new object, an object quotaplan does not own yet, or one whose owned fields would change', () => {
    assert.equal(sameAppliedFields(null, owned([apply(hard)]), 'quotaplan'), false);
    assert.equal(sameAppliedFields(owned([apply(hard, 'gitops-controller')]), owned([apply(hard)]), 'quotaplan'), false);
    assert.equal(sameAppliedFields(owned([apply(hard)]), owned([apply({ 'f:spec': { 'f:hard': { 'f:pods': {} } } })]), 'quotaplan'), false);
    assert.equal(sameAppliedFields(owned([{ manager: 'quotaplan', operation: 'Update', fieldsV1: hard }]), owned([{ manager: 'quotaplan', operation: 'Update', fieldsV1: hard }]), 'quotaplan'), false);
  });
});

describe('renderApplyReport after an apply that stopped', () => {
  const manifests = applyManifestsOf(
    {
      plan: plan([allocation('a', 'nvidia.com/gpu', '2'), allocation('b', 'nvidia.com/gpu', '3'), allocation('c', 'nvidia.com/gpu', '1'), allocation('d', 'nvidia.com/gpu', '1')]),
      teams: ['a', 'b', 'c', 'd'].map((n) => ({ team: n, namespaces: [n] })),
      inventory: inventory({ namespaces: ['a', 'b', 'c', 'd'].map((n) => namespace(n)) }),
      options: { cluster: 'c', planId: '1' },
    },
  );
  const [a, b, c, d] = manifests as [Manifest, Manifest, Manifest, Manifest];

  it('marks each object applied, already applied, failed or not attempted, and lists them', () => {
    const changed = { state: 'changed' as const, changes: [{ path: 'spec.hard.requests.nvidia.com/gpu', before: '4', after: '2' }] };
    const report: ApplyReport = {
      applied: true,
      forced: false,
      outcomes: [
        { manifest: a, diff: { state: 'unchanged', changes: [] }, conflicts: [], error: null, result: 'already-applied' },
        { manifest: b, diff: changed, conflicts: [], error: null, result: 'applied' },
        { manifest: c, diff: changed, conflicts: [], error: 'HTTP 503: unavailable (after 6 tries)', result: 'failed' },
        { manifest: d, diff: { state: 'new', changes: [] }, conflicts: [], error: null, result: 'not-attempted' },
      ],
    };
    assert.equal(
      renderApplyReport(report, { dryRunOnly: false }),
      'ResourceQuota a/quotaplan: unchanged (already applied, not sent)\n' +
        'ResourceQuota b/quotaplan: changed (applied)\n' +
        '  spec.hard.requests.nvidia.com/gpu: 4 -> 2\n' +
        'ResourceQuota c/quotaplan: NOT APPLIED: HTTP 503: unavailable (after 6 tries)\n' +
        'ResourceQuota d/quotaplan: new (NOT APPLIED: the apply stopped before it)\n' +
        'apply stopped: 1 applied, 1 already applied, 1 failed, 1 not attempted, of 4 objects\n' +
        '  applied: ResourceQuota b/quotaplan\n' +
        '  already applied: ResourceQuota a/quotaplan\n' +
        '  failed: ResourceQuota c/quotaplan\n' +
        '  not applied: ResourceQuota c/quotaplan, ResourceQuota d/quotaplan\n' +
        'run the same `quotaplan apply` again to finish: it sends only what still differs\n',
    );
  });
});
