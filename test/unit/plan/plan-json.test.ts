import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { planTable, planYaml } from '../../../src/emit/plan-table.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { planFromJson, planToJson, planToJsonText } from '../../../src/plan/plan-json.js';
import { GPU, inventory, team, teamsFile } from '../../builders/teams.js';

// 9 GPUs after the reserve; a is guaranteed 1 and shares the 8 left at weight 2, b stops at its demand 2.
const plan = buildPlan({
  teams: teamsFile({ cycle: '2026-Q4', reserve: { [GPU]: '1' } }, team('b').gpu({ demand: '2' }), team('a').weight(2).gpu({ guarantee: '1' })),
  inventory: inventory({ [GPU]: '10' }, { namespaces: [{ name: 'a', requests: { [GPU]: '1' } }, { name: 'b' }] }),
});

describe('plan JSON', () => {
  it('has the documented shape: canonical quantities, sorted keys and allocations', () => {
    assert.deepEqual(planToJson(plan), {
      cycle: '2026-Q4',
      policy: 'max-min',
      surplus: 'distribute',
      capacity: { [GPU]: '10' },
      reserve: { [GPU]: '1' },
      granularity: { [GPU]: '1' },
      unallocated: { [GPU]: '0' },
      flavors: {},
      teams: [
        { team: 'a', leaf: true, namespaces: ['a'] },
        { team: 'b', leaf: true, namespaces: ['b'] },
      ],
      allocations: [
        {
          team: 'a',
          resource: GPU,
          quota: '7',
          guarantee: '1',
          demand: null,
          cap: null,
          binding: 'share',
          used: '1',
          terminal: true,
          explanation: 'guarantee 1 + weighted share of the rest; weight 2 of 3 among 2 teams dividing 9 of the cluster (8 after guarantees)',
        },
        {
          team: 'b',
          resource: GPU,
          quota: '2',
          guarantee: '0',
          demand: '2',
          cap: null,
          binding: 'demand',
          used: '0',
          terminal: true,
          explanation: 'demand 2 met; weight 1 of 3 among 2 teams dividing 9 of the cluster (8 after guarantees)',
        },
      ],
      warnings: [],
    });
  });

  it('reports flavored pools under `flavors` and their totals per resource', () => {
    const flavored = buildPlan({
      teams: teamsFile({ reserve: { [GPU]: { H100: '2' } } }, team('a').flavor(GPU, 'H100').flavor(GPU, 'A100')),
      inventory: inventory({ [GPU]: '12' }, { byFlavor: { [GPU]: { H100: '8', A100: '4' } } }),
    });
    const json = planToJson(flavored);
    assert.deepEqual(json.capacity, { [GPU]: '12' });
    assert.deepEqual(json.reserve, { [GPU]: '2' });
    assert.deepEqual(json.flavors, {
      [GPU]: {
        A100: { capacity: '4', reserve: '0', granularity: '1', unallocated: '0' },
        H100: { capacity: '8', reserve: '2', granularity: '1', unallocated: '0' },
      },
    });
    assert.deepEqual(json.allocations.map((a) => [a.team, a.flavor, a.quota, a.used]), [
      ['a', 'A100', '4', null],
      ['a', 'H100', '6', null],
    ]);
  });

  it('reads back to the same plan', () => {
    const text = planToJsonText(plan);
    assert.equal(planToJsonText(planFromJson(JSON.parse(text), 'plan.json')), text);
  });

  it('refuses what is not a plan, naming the field', () => {
    assert.throws(() => planFromJson({ ...planToJson(plan), capacity: { [GPU]: 'ten' } }, 'plan.json'), /^ValidationError: plan\.json: not a quotaplan plan: capacity\.nvidia\.com\/gpu: not a quantity$/);
  });
});

describe('plan printers', () => {
  it('prints YAML holding the same document as the JSON', () => {
    assert.deepEqual(parse(planYaml(plan)), planToJson(plan));
  });

  it('prints a table of pools, allocations and warnings', () => {
    assert.equal(
      planTable(plan),
      [
        'Plan for cycle 2026-Q4 (policy max-min, surplus distribute)',
        '',
        'RESOURCE        FLAVOR  CAPACITY  RESERVE  DIVIDED  UNALLOCATED  GRANULARITY',
        'nvidia.com/gpu  -       10        1        9        0            1',
        '',
        'TEAM  RESOURCE        FLAVOR  QUOTA  USED  GUARANTEE  DEMAND  CAP   BOUND BY',
        'a     nvidia.com/gpu  -       7      1     1          any     none  share',
        'b     nvidia.com/gpu  -       2      0     0          2       none  demand',
        '',
      ].join('\n'),
    );
  });

  it('prints memory in binary units, rounded ones marked and noted, while the JSON keeps the exact value', () => {
    const memory = buildPlan({
      teams: teamsFile({ cycle: 'q', granularity: { memory: '1Ki' } }, team('a').resource('memory', { demand: '64Gi' }), team('b').resource('memory')),
      inventory: inventory({ memory: '9353868984Ki' }, { namespaces: [{ name: 'a' }, { name: 'b' }] }),
    });
    // b gets the rest: 9353868984Ki - 64Gi (67108864Ki) = 9286760120Ki = 8.649... Ti.
    assert.equal(
      planTable(memory),
      [
        'Plan for cycle q (policy max-min, surplus distribute)',
        '',
        'RESOURCE  FLAVOR  CAPACITY  RESERVE  DIVIDED  UNALLOCATED  GRANULARITY',
        'memory    -       ~8.7Ti    0        ~8.7Ti   0            1Ki',
        '',
        'TEAM  RESOURCE  FLAVOR  QUOTA   USED  GUARANTEE  DEMAND  CAP   BOUND BY',
        'a     memory    -       64Gi    0     0          64Gi    none  demand',
        'b     memory    -       ~8.6Ti  0     0          any     none  share',
        '',
        '~ rounded to a tenth of the unit shown; -o json and -o yaml print exact values',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      planToJson(memory).allocations.map((a) => [a.team, a.quota]),
      [
        ['a', '64Gi'],
        ['b', '9286760120Ki'],
      ],
    );
  });
});
