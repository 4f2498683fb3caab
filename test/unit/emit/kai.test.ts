/** KAI Scheduler queues: shape (scheduling.run.ai/v2) and the mapping of quota, cap and weight, in KAI's units. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/errors.js';
import { renderPrBody } from '../../../src/emit/pr-body.js';
import { buildKaiQueues, kaiNumber } from '../../../src/emit/targets/kai.js';
import { rational } from '../../../src/rational.js';
import { allocation, plan } from './builders.js';
import { nestedInput, nestedPlan } from './scheduler-scenario.js';

describe('buildKaiQueues', () => {
  const kai = buildKaiQueues({
    ...nestedInput,
    plan: plan([...nestedPlan.allocations, allocation('data/etl', 'nvidia.com/mig-1g.10gb', '7')]),
  });
  const spec = (name: string): unknown => kai.manifests.find((m) => m.name === name)?.object.spec;

  it('writes one cluster-scoped Queue per team, parents first, nested by parentQueue', () => {
    assert.deepEqual(
      kai.manifests.map((m) => `${m.object.apiVersion} ${m.object.kind} ${m.name} <- ${String((m.object.spec as { parentQueue?: string }).parentQueue)}`),
      [
        'scheduling.run.ai/v2 Queue data <- undefined',
        'scheduling.run.ai/v2 Queue data-etl <- data',
        'scheduling.run.ai/v2 Queue ml <- undefined',
        'scheduling.run.ai/v2 Queue ml-cv <- ml',
      ],
    );
    assert.deepEqual(kai.manifests[0]?.object.metadata.labels, { 'app.kubernetes.io/managed-by': 'quotaplan', 'quotaplan.io/cycle': '2026-Q4' });
  });

  it('quota = the plan (cpu in millicores, GPUs summed over models, memory in 10^6 bytes), limit = the cap or -1, overQuotaWeight = the weight', () => {
    assert.deepEqual(spec('ml-cv'), {
      parentQueue: 'ml',
      resources: {
        cpu: { limit: 24000, overQuotaWeight: 3, quota: 16000 },
        // H100 capped at 8, H200 uncapped: no limit for the sum.
        gpu: { limit: -1, overQuotaWeight: 3, quota: 8 },
        memory: { limit: -1, overQuotaWeight: 3, quota: -1 },
      },
    });
    assert.deepEqual(spec('ml'), {
      resources: {
        cpu: { limit: 40000, overQuotaWeight: 2, quota: 16000 },
        gpu: { limit: -1, overQuotaWeight: 2, quota: 8 },
        // 512Gi = 549755813888 bytes.
        memory: { limit: -1, overQuotaWeight: 2, quota: 549755.813888 },
      },
    });
    assert.deepEqual(spec('data-etl'), {
      parentQueue: 'data',
      resources: {
        cpu: { limit: -1, overQuotaWeight: 0.5, quota: 32000 },
        gpu: { limit: -1, overQuotaWeight: 0.5, quota: -1 },
        memory: { limit: -1, overQuotaWeight: 0.5, quota: -1 },
      },
    });
  });

  it('flags what KAI cannot express: per-model GPU quotas (summed) and resources other than gpu, cpu, memory', () => {
    assert.deepEqual(
      kai.flags.map((f) => f.message),
      [
        'data/etl: KAI Scheduler queues hold only gpu, cpu and memory; nvidia.com/mig-1g.10gb left out of Queue data-etl',
        'ml: KAI Scheduler has no GPU models; Queue ml gets the sum of the per-model nvidia.com/gpu quotas',
        'ml/cv: KAI Scheduler has no GPU models; Queue ml-cv gets the sum of the per-model nvidia.com/gpu quotas',
      ],
    );
  });

  it('refuses a number a float64 cannot hold exactly, naming the limit', () => {
    assert.equal(kaiNumber(rational(123456789012345n, 1000n), 'x'), 123456789012.345);
    assert.throws(
      () => kaiNumber(rational(1234567890123456789n, 1000000n), 't memory quota in megabytes'),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.message ===
          "KAI Scheduler cannot hold this plan: t memory quota in megabytes is 1234567890123456789/1000000, which KAI's float64 fields cannot hold exactly (at most 15 significant decimal digits)",
    );
    assert.throws(() => kaiNumber(rational(1n, 3n), 'w'), /w is 1\/3, which KAI's float64 fields cannot hold exactly/);
  });
});

describe('the PR body’s KAI Scheduler section', () => {
  it('shows per Queue and resource the quota, limit and over-quota weight in force now (the snapshot’s Queue of that name) beside the new ones', () => {
    const kai = buildKaiQueues(nestedInput);
    // In force now: ml-cv with 4 GPUs, no GPU limit, weight 1, and no cpu entry; no other queue.
    const inForce = { kaiQueues: [{ name: 'ml-cv', parent: 'ml', resources: [{ resource: 'gpu' as const, quota: 4, limit: -1, overQuotaWeight: 1 }], allocated: {} }] };
    const body = renderPrBody(nestedInput.changes, { kai, inForce });
    const start = body.indexOf('## KAI Scheduler');
    const section = body.slice(start, body.indexOf('\n\n## ', start) + 1);
    assert.equal(
      section,
      [
        '## KAI Scheduler',
        '',
        '*Now*: `spec.resources.<resource>` of the KAI Scheduler Queue of the same name (`scheduling.run.ai/v2`) in the snapshot; `-` where the queue is new. GPUs, millicores and megabytes (10^6 bytes); -1 (unlimited) is KAI\'s "no quota" or "no limit".',
        '',
        '| Queue | Parent | Resource | Quota now | Quota | Limit now | Limit | Over-quota weight now | Over-quota weight |',
        '|---|---|---|---:|---:|---:|---:|---:|---:|',
        '| data | - | `cpu` | - | 32000 | - | unlimited | - | 1 |',
        '| data | - | `gpu` | - | unlimited | - | unlimited | - | 1 |',
        '| data | - | `memory` | - | unlimited | - | unlimited | - | 1 |',
        '| data-etl | data | `cpu` | - | 32000 | - | unlimited | - | 0.5 |',
        '| data-etl | data | `gpu` | - | unlimited | - | unlimited | - | 0.5 |',
        '| data-etl | data | `memory` | - | unlimited | - | unlimited | - | 0.5 |',
        '| ml | - | `cpu` | - | 16000 | - | 40000 | - | 2 |',
        '| ml | - | `gpu` | - | 8 | - | unlimited | - | 2 |',
        '| ml | - | `memory` | - | 549755.813888 | - | unlimited | - | 2 |',
        '| ml-cv | ml | `cpu` | - | 16000 | - | 24000 | - | 3 |',
        '| ml-cv | ml | `gpu` | 4 | 8 | unlimited | unlimited | 1 | 3 |',
        '| ml-cv | ml | `memory` | - | unlimited | - | unlimited | - | 3 |',
        '',
      ].join('\n'),
    );
  });
});
