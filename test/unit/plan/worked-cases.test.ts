import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan } from '../../../src/plan/build-plan.js';
import type { Plan } from '../../../src/plan/plan.js';
import { formatQuantity } from '../../../src/quantity.js';
import { GPU, inventory, team, teamsFile } from '../../builders/teams.js';

function quotas(plan: Plan, resource = GPU): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of plan.allocations) if (a.resource === resource) out[a.team] = formatQuantity(a.quota);
  return out;
}

describe('published worked cases', () => {
  it('splits 300 GPUs 150/150 between two equal groups, and 1:1:3 inside one as 30/30/90 (Kueue KEP-1714 story 3)', () => {
    const file = teamsFile(
      {},
      team('group-a').teams(team('a1').gpu(), team('a2').gpu(), team('a3').weight(3).gpu()),
      team('group-b').gpu(),
    );
    const plan = buildPlan({ teams: file, inventory: inventory({ [GPU]: '300' }) });
    assert.deepEqual(quotas(plan), {
      'group-a': '150',
      'group-a/a1': '30',
      'group-a/a2': '30',
      'group-a/a3': '90',
      'group-b': '150',
    });
    assert.ok(plan.allocations.every((a) => a.binding === 'share'));
  });

  it('gives 10 units over three equal teams as 4/3/3, the extra unit to the first name', () => {
    const file = teamsFile({}, team('charlie').gpu(), team('alpha').gpu(), team('bravo').gpu());
    const plan = buildPlan({ teams: file, inventory: inventory({ [GPU]: '10' }) });
    assert.deepEqual(quotas(plan), { alpha: '4', bravo: '3', charlie: '3' });
    const alpha = plan.allocations.find((a) => a.team === 'alpha');
    assert.equal(
      alpha?.explanation,
      'weighted share; weight 1 of 3 among 3 teams dividing 10 of the cluster (10 after guarantees); ' +
        'exact 3 1/3, rounded up by largest remainder',
    );
  });
});
