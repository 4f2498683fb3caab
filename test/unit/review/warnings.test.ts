import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan } from '../../../src/plan/build-plan.js';
import type { Plan } from '../../../src/plan/plan.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { buildReview } from '../../../src/review/review.js';
import { DEFAULT_RULES } from '../../../src/review/rules.js';
import type { Cycle } from '../../../src/store/store.js';
import { labInventory } from './history.js';

/** Weights 1500:1500:900:500:500:200 (domain.md section 5), no demands: largest remainder decides the last units. */
function weightedTeams(cycle: string): string {
  const teams = [['a', 15], ['b', 15], ['c', 9], ['d', 5], ['e', 5], ['f', 2]] as const;
  return `cycle: ${cycle}\nteams:\n${teams.map(([name, weight]) => `  - name: ${name}\n    weight: ${weight}\n    namespaces: [${name}]\n    resources:\n      nvidia.com/gpu: {}\n`).join('')}`;
}

function planFor(cycle: string, gpus: number): Plan {
  return buildPlan({ teams: parseTeamsFile(weightedTeams(cycle), `${cycle}.yaml`), inventory: labInventory({ gpus, train: 0, idle: 0, trainMig: 0 }) });
}

function cycle(id: number, name: string, state: Cycle['state'], planId: number): Cycle {
  return { id, cluster: 'lab', name, state, planId, startsAt: null, endsAt: null, createdAt: new Date('2026-10-01T00:00:00Z'), approvedBy: null, approvedAt: null, approvalNote: null };
}

describe('review warnings against the next cycle\u2019s draft', () => {
  it('reports the Alabama paradox between the approved plan (25 GPUs) and the draft (26 GPUs): d and e fall from 3 to 2', () => {
    const approved = planFor('2026-Q4', 25);
    // The draft is planned without a previous plan, so it carries no Alabama warning of its own: the review finds it.
    const draft = planFor('2027-Q1', 26);
    assert.deepEqual(draft.warnings.filter((w) => w.kind === 'alabama-paradox'), []);
    const review = buildReview({
      cluster: 'lab',
      cycle: cycle(1, '2026-Q4', 'approved', 1),
      events: [],
      planId: 1,
      plan: approved,
      previous: null,
      next: { cycle: cycle(2, '2027-Q1', 'draft', 2), events: [], planId: 2, plan: draft },
      snapshots: [],
      usage: [],
      capacity: [],
      gpuEquivalents: {},
      rules: DEFAULT_RULES,
    });
    assert.deepEqual(
      review.warnings.map((w) => [w.kind, w.team, w.message]),
      ['d', 'e'].map((team) => [
        'alabama-paradox',
        team,
        `${team}: nvidia.com/gpu quota falls from 3 (2026-Q4) to 2 (2027-Q1) although the capacity divided grows from 25 to 26; ` +
          'its guarantee, demand and cap did not change: the Alabama paradox of largest-remainder rounding',
      ]),
    );
    // No snapshots: nothing measured, so no figures and no proposals.
    assert.equal(review.coverage, null);
    assert.deepEqual(review.proposals, []);
  });
});
