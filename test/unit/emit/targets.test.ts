/** The emit-target registry: which target writes which kinds, and what each `--target` choice writes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildQuotaChanges } from '../../../src/emit/changes.js';
import { buildManifests } from '../../../src/emit/manifests.js';
import { EMIT_TARGETS, targetsOf } from '../../../src/emit/targets/registry.js';
import { scenarioInventory, scenarioOptions, scenarioPlan, scenarioTeams } from './scenario.js';

const changes = buildQuotaChanges({ plan: scenarioPlan, teams: scenarioTeams, inventory: scenarioInventory, options: scenarioOptions });
const input = { changes, plan: scenarioPlan, inventory: scenarioInventory, mode: 'full' as const };

function kindsIn(choice: Parameters<typeof buildManifests>[1]): string[] {
  return [...new Set(buildManifests(input, choice).map((m) => m.kind))];
}

describe('emit targets', () => {
  it('each kind is written by exactly one target', () => {
    assert.deepEqual(
      EMIT_TARGETS.map((target) => `${target.name}: ${target.kinds.map((k) => k.kind).join(', ')}`),
      [
        'ResourceQuota: ResourceQuota',
        'Profile patch: Profile',
        'LimitRange: LimitRange',
        'Kueue: ResourceFlavor, Cohort, ClusterQueue, LocalQueue',
        'KAI Scheduler: KaiQueue',
        'Volcano: VolcanoQueue',
      ],
    );
  });

  it('--target resourcequota is the ResourceQuota, Profile and LimitRange targets; kueue the Kueue one', () => {
    assert.deepEqual(targetsOf('resourcequota').map((t) => t.name), ['ResourceQuota', 'Profile patch', 'LimitRange']);
    assert.deepEqual(targetsOf('kueue').map((t) => t.name), ['Kueue']);
    assert.deepEqual(targetsOf('kai').map((t) => t.name), ['KAI Scheduler']);
    assert.deepEqual(targetsOf('volcano').map((t) => t.name), ['Volcano']);
  });

  it('writes, for the scenario, cluster-wide Kueue objects first, then per namespace in kind order', () => {
    assert.deepEqual(kindsIn('resourcequota'), ['Profile', 'LimitRange', 'ResourceQuota']);
    assert.deepEqual(kindsIn('kueue'), ['ResourceFlavor', 'Cohort', 'ClusterQueue', 'LocalQueue']);
    assert.deepEqual(
      buildManifests(input, 'all')
        .filter((m) => m.namespace === '' || m.namespace === 'nlp-train')
        .map((m) => `${m.kind} ${m.namespace}/${m.name}`),
      [
        'ResourceFlavor /default-flavor',
        'ResourceFlavor /nvidia-a100-sxm4-80gb',
        'ResourceFlavor /nvidia-h100-80gb-hbm3',
        'Cohort /ml',
        'Cohort /platform',
        'Cohort /quotaplan-root',
        'Cohort /research',
        'ClusterQueue /ml-nlp',
        'ClusterQueue /ml-vision',
        'ClusterQueue /platform-fraud',
        'ClusterQueue /research-alice',
        'KaiQueue /ml',
        'KaiQueue /ml-ghost',
        'KaiQueue /ml-nlp',
        'KaiQueue /ml-vision',
        'KaiQueue /platform',
        'KaiQueue /platform-fraud',
        'KaiQueue /research',
        'KaiQueue /research-alice',
        'VolcanoQueue /ml',
        'VolcanoQueue /ml-ghost',
        'VolcanoQueue /ml-nlp',
        'VolcanoQueue /ml-vision',
        'VolcanoQueue /platform',
        'VolcanoQueue /platform-fraud',
        'VolcanoQueue /research',
        'VolcanoQueue /research-alice',
        'ResourceQuota nlp-train/gpu-quota',
        'LimitRange nlp-train/quotaplan-defaults',
        'LocalQueue nlp-train/ml-nlp',
      ],
    );
  });
});
