/** Volcano queues: shape (scheduling.volcano.sh/v1beta1) and the mapping of guarantee, quota, cap and weight. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/errors.js';
import { renderPrBody } from '../../../src/emit/pr-body.js';
import { buildVolcanoQueues } from '../../../src/emit/targets/volcano.js';
import { parseQuantity } from '../../../src/quantity.js';
import { rational } from '../../../src/rational.js';
import { nestedInput } from './scheduler-scenario.js';

describe('buildVolcanoQueues', () => {
  const volcano = buildVolcanoQueues(nestedInput);
  const spec = (name: string): unknown => volcano.manifests.find((m) => m.name === name)?.object.spec;

  it('writes one cluster-scoped Queue per team, top-level ones under Volcano’s root queue', () => {
    assert.deepEqual(
      volcano.manifests.map((m) => `${m.object.apiVersion} ${m.object.kind} ${m.name} <- ${String((m.object.spec as { parent: string }).parent)}`),
      [
        'scheduling.volcano.sh/v1beta1 Queue data <- root',
        'scheduling.volcano.sh/v1beta1 Queue data-etl <- data',
        'scheduling.volcano.sh/v1beta1 Queue ml <- root',
        'scheduling.volcano.sh/v1beta1 Queue ml-cv <- ml',
      ],
    );
  });

  it('deserved = the quotas, guarantee.resource = the guarantees, capability = the caps (only where every model is capped); weights whole with the same ratios', () => {
    assert.deepEqual(spec('ml-cv'), {
      capability: { cpu: '24' },
      deserved: { cpu: '16', 'nvidia.com/gpu': '8' },
      guarantee: { resource: { cpu: '8', 'nvidia.com/gpu': '2' } },
      parent: 'ml',
      weight: 6,
    });
    assert.deepEqual(spec('ml'), {
      capability: { cpu: '40' },
      deserved: { cpu: '16', memory: '512Gi', 'nvidia.com/gpu': '8' },
      guarantee: { resource: { cpu: '8', 'nvidia.com/gpu': '2' } },
      parent: 'root',
      weight: 4,
    });
    assert.deepEqual(spec('data'), { deserved: { cpu: '32' }, parent: 'root', weight: 2 });
    assert.deepEqual(spec('data-etl'), { deserved: { cpu: '32' }, parent: 'data', weight: 1 });
    assert.deepEqual(
      volcano.flags.map((f) => f.message),
      [
        'ml: a Volcano queue has no GPU models; Queue ml gets the sum of the per-model nvidia.com/gpu quotas',
        'ml/cv: a Volcano queue has no GPU models; Queue ml-cv gets the sum of the per-model nvidia.com/gpu quotas',
      ],
    );
  });

  it('refuses weights whose whole-number ratios pass 65535, naming the limit', () => {
    const weights = new Map([['data/etl', rational(1n, 100000n)]]);
    assert.throws(
      () => buildVolcanoQueues({ ...nestedInput, weights }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.message ===
          "Volcano cannot hold this plan: team data's weight becomes 100000 when every team's weight is a whole number with the same ratios; Volcano's spec.weight is at most 65535",
    );
  });

  it('refuses a team named like Volcano’s own root queue', () => {
    const input = { ...nestedInput, plan: { ...nestedInput.plan, allocations: [{ ...nestedInput.plan.allocations[0]!, team: 'root' }] } };
    assert.throws(() => buildVolcanoQueues(input), /Volcano: teams \(Volcano's root queue\) and root would both be the Queue root; rename one of them/);
  });
});

describe('the PR body’s Volcano section', () => {
  it('shows per Queue and resource the deserved, guarantee and capability in force now (the snapshot’s Queue of that name) beside the new ones', () => {
    const volcano = buildVolcanoQueues(nestedInput);
    // In force now: ml-cv deserves 12 cpu, guaranteed 4, capped at 20; no other queue.
    const inForce = {
      volcanoQueues: [
        { name: 'ml-cv', parent: 'ml', weight: 1, deserved: { cpu: parseQuantity('12') }, guarantee: { cpu: parseQuantity('4') }, capability: { cpu: parseQuantity('20') }, allocated: {} },
      ],
    };
    const body = renderPrBody(nestedInput.changes, { volcano, inForce });
    const start = body.indexOf('## Volcano');
    const section = body.slice(start, body.indexOf('\n\n## ', start) + 1);
    assert.equal(
      section,
      [
        '## Volcano',
        '',
        '*Now*: `spec.deserved`, `spec.guarantee.resource` and `spec.capability` of the Volcano Queue of the same name (`scheduling.volcano.sh/v1beta1`) in the snapshot; `-` where the queue or the figure is new.',
        '',
        '| Queue | Parent | Resource | Deserved now | Deserved | Guarantee now | Guarantee | Capability now | Capability |',
        '|---|---|---|---:|---:|---:|---:|---:|---:|',
        '| data | root | `cpu` | - | 32 | - | - | - | - |',
        '| data-etl | data | `cpu` | - | 32 | - | - | - | - |',
        '| ml | root | `cpu` | - | 16 | - | 8 | - | 40 |',
        '| ml | root | `memory` | - | 512Gi | - | - | - | - |',
        '| ml | root | `nvidia.com/gpu` | - | 8 | - | 2 | - | - |',
        '| ml-cv | ml | `cpu` | 12 | 16 | 4 | 8 | 20 | 24 |',
        '| ml-cv | ml | `nvidia.com/gpu` | - | 8 | - | 2 | - | - |',
        '',
      ].join('\n'),
    );
  });
});
