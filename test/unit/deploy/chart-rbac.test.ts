/** The Helm chart's ClusterRole rules stay what `quotaplan rbac` prints (without Helm: the rendered check is in test/cluster/helm-chart.test.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { collectorRulesFile, collectorRulesPath } from '../../../scripts/chart-rbac.js';

test('deploy/helm/quotaplan/files/collector-rules.yaml is what `npm run chart:rbac` generates from `quotaplan rbac`', () => {
  assert.equal(readFileSync(collectorRulesPath, 'utf8'), collectorRulesFile());
});
