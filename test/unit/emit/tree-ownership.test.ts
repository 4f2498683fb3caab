import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isTreeObjectFile } from '../../../src/emit/tree-ownership.js';
import { parseTreeMarker, renderTreeMarker } from '../../../src/emit/tree-marker.js';

const quota = (namespace: string, extra = ''): string =>
  `apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: quotaplan\n  namespace: ${namespace}\n  labels:\n    app.kubernetes.io/managed-by: quotaplan\n${extra}spec:\n  hard:\n    requests.nvidia.com/gpu: "2"\n`;

const at = (text: string, path: string, layout: 'gitops' | 'flat' = 'gitops'): boolean => isTreeObjectFile({ text, path, layout, cluster: 'prod/east' });

describe('isTreeObjectFile', () => {
  it("is true for quotaplan's object at exactly the path its layout gives it", () => {
    assert.equal(at(quota('team-a'), 'clusters/prod-east/namespaces/team-a/resourcequota.yaml'), true);
    assert.equal(at(quota('team-a'), 'team-a.resourcequota.yaml', 'flat'), true);
    const profile = 'apiVersion: kubeflow.org/v1\nkind: Profile\nmetadata:\n  name: alice\n  labels: { app.kubernetes.io/managed-by: quotaplan }\n';
    assert.equal(at(profile, 'clusters/prod-east/profiles/alice.yaml'), true);
  });

  it('is false for the same object anywhere else: another namespace folder, another cluster, the other layout', () => {
    assert.equal(at(quota('team-a'), 'clusters/prod-east/namespaces/team-b/resourcequota.yaml'), false);
    assert.equal(at(quota('team-a'), 'clusters/prod/namespaces/team-a/resourcequota.yaml'), false);
    assert.equal(at(quota('team-a'), 'team-a.resourcequota.yaml'), false);
    assert.equal(at(quota('team-a'), 'clusters/prod-east/namespaces/team-a/resourcequota.yaml', 'flat'), false);
    assert.equal(at(quota('team-a'), 'team-a-backup.yaml', 'flat'), false);
  });

  it('is false for text that only mentions the label, another manager, another kind or apiVersion, or two documents', () => {
    const path = 'team-a.resourcequota.yaml';
    const cases = [
      '# app.kubernetes.io/managed-by: quotaplan\nkind: ResourceQuota\n',
      quota('team-a').replace('managed-by: quotaplan', 'managed-by: argocd'),
      quota('team-a').replace('kind: ResourceQuota', 'kind: ConfigMap'),
      quota('team-a').replace('apiVersion: v1', 'apiVersion: example.com/v1'),
      `${quota('team-a')}---\n${quota('team-b')}`,
      quota('team-a').replace('  namespace: team-a\n', ''),
      quota('team-a', '  labels:\n    again: yes\n'),
      `anchor: &a [1]\n${quota('team-a')}`.replace('spec:', 'other: *a\nspec:'),
      'apiVersion: v1\nkind: ResourceQuota\nmetadata: [unclosed\n',
      '',
    ];
    for (const text of cases) assert.equal(at(text, path, 'flat'), false, text);
  });
});

describe('the tree marker', () => {
  it('reads back the owner it was written with, whatever the cluster name holds', () => {
    for (const cluster of ['prod/east', 'prod:east', 'a "quoted" name', 'line\nbreak', '\u001b[2J', '#comment', 'true', '123']) {
      assert.deepEqual(parseTreeMarker(renderTreeMarker({ cluster, layout: 'gitops' })), { cluster, layout: 'gitops' });
    }
  });

  it('is not a marker: another shape, extra keys, an unknown layout, YAML that does not parse', () => {
    for (const text of ['cluster: prod\n', 'cluster: prod\nlayout: gitops\nextra: 1\n', 'cluster: prod\nlayout: tree\n', 'cluster: [\n', 'just text\n']) {
      assert.equal(parseTreeMarker(text), null, text);
    }
  });
});
