/** The Helm chart's ClusterRole rules stay what `quotaplan rbac` prints (without Helm: the rendered check is in test/cluster/helm-chart.test.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { collectorRulesFile, collectorRulesFiles } from '../../../scripts/chart-rbac.js';

for (const file of collectorRulesFiles) {
  test(`deploy/helm/quotaplan/files/${file.path.split('/').pop()} is what \`npm run chart:rbac\` generates from \`quotaplan rbac${file.watch ? ' --watch' : ''}\``, () => {
    assert.equal(readFileSync(file.path, 'utf8'), collectorRulesFile(file));
  });
}

test('the two rules files differ only by `watch`, granted for the watching collector alone', () => {
  const [oneShot, watching] = collectorRulesFiles.map((file) => parse(readFileSync(file.path, 'utf8')) as { verbs: string[] }[]);
  assert.equal(oneShot?.length, 14);
  assert.deepEqual(oneShot?.map((rule) => rule.verbs), Array.from({ length: 14 }, () => ['list']));
  assert.deepEqual(watching?.map((rule) => rule.verbs), Array.from({ length: 14 }, () => ['list', 'watch']));
  assert.deepEqual(
    watching?.map((rule) => ({ ...rule, verbs: ['list'] })),
    oneShot,
  );
});
