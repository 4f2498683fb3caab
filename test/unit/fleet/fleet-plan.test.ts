/**
 * The fleet plan on two clusters, every figure worked by hand from docs/planning.md's rules (guarantees first, then
 * an equal rise on top of them up to each team's demand, whole units by largest remainder, ties by name).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fleetPlanToJson } from '../../../src/fleet/fleet-plan-json.js';
import { buildFleetPlan } from '../../../src/fleet/fleet-plan.js';
import { evenShare } from '../../../src/fleet/fleet-teams.js';
import { formatQuantity, parseQuantity } from '../../../src/quantity.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { FLEET_TEAMS, fleetMembers } from './builders.js';

describe('a fleet teams file divided among clusters', () => {
  it('splits fleet-wide bounds evenly among the clusters a team lives in, takes per-cluster bounds as given, and gives demand 0 elsewhere', () => {
    const plan = fleetPlanToJson(buildFleetPlan({ text: FLEET_TEAMS, file: 'fleet.yaml', clusters: fleetMembers() }));
    assert.deepEqual(plan.shares, [
      // fraud lives in both: demand 10 -> 5 + 5; guarantee 5 -> 3 + 2 (the odd unit to the first cluster by name).
      { team: 'fraud', resource: 'nvidia.com/gpu', flavor: null, cluster: 'east', how: 'split', of: 2, demand: '5', guarantee: '3', cap: null },
      { team: 'fraud', resource: 'nvidia.com/gpu', flavor: null, cluster: 'west', how: 'split', of: 2, demand: '5', guarantee: '2', cap: null },
      // research lives in east only: its unlimited demand stays unlimited there, and is 0 in west.
      { team: 'research', resource: 'nvidia.com/gpu', flavor: null, cluster: 'east', how: 'split', of: 1, demand: null, guarantee: null, cap: null },
      { team: 'research', resource: 'nvidia.com/gpu', flavor: null, cluster: 'west', how: 'not-here', of: null, demand: '0', guarantee: null, cap: null },
      { team: 'vision', resource: 'nvidia.com/gpu', flavor: null, cluster: 'east', how: 'per-cluster', of: null, demand: '3', guarantee: null, cap: null },
      { team: 'vision', resource: 'nvidia.com/gpu', flavor: null, cluster: 'west', how: 'per-cluster', of: null, demand: '20', guarantee: '4', cap: null },
    ]);
  });

  it("plans each cluster so its quotas sum exactly to that cluster's capacity", () => {
    const fleet = buildFleetPlan({ text: FLEET_TEAMS, file: 'fleet.yaml', clusters: fleetMembers() });
    assert.deepEqual(
      fleet.clusters.map((member) => member.cluster),
      ['east', 'west'],
    );
    const quotas = (cluster: string) =>
      Object.fromEntries(
        (fleet.clusters.find((member) => member.cluster === cluster)?.plan.allocations ?? []).map((allocation) => [allocation.team, formatQuantity(allocation.quota)]),
      );
    // east, 8 GPUs: fraud's guarantee 3 first; the other 5 rise equally on top (fraud may rise 2 more, vision 3,
    // research without bound): 5/3 each, so fraud 4 2/3, vision 1 2/3, research 1 2/3. Floors 4 + 1 + 1 = 6; the two
    // units left go to the equal fractions by name: fraud 5, research 2, vision 1.
    assert.deepEqual(quotas('east'), { fraud: '5', research: '2', vision: '1' });
    // west, 12 GPUs: guarantees fraud 2 and vision 4 first; the other 6 rise 3 each (fraud's room is 3, research's
    // demand 0): fraud 5, vision 7, research 0.
    assert.deepEqual(quotas('west'), { fraud: '5', research: '0', vision: '7' });
    for (const member of fleet.clusters) {
      const [pool] = member.plan.pools;
      const quotaSum = member.plan.allocations.reduce((sum, allocation) => sum + allocation.quota.nanos, 0n);
      assert.equal(quotaSum + (pool?.reserve.nanos ?? 0n) + (pool?.unallocated.nanos ?? 0n), pool?.capacity.nanos, member.cluster);
    }
    assert.deepEqual(
      [fleet.clusters[0]?.plan.pools[0]?.capacity, fleet.clusters[1]?.plan.pools[0]?.capacity].map((q) => (q === undefined ? null : formatQuantity(q))),
      ['8', '12'],
    );
    assert.deepEqual(fleetPlanToJson(fleet).totals, [
      { team: 'fraud', resource: 'nvidia.com/gpu', flavor: null, quota: '10', byCluster: [{ cluster: 'east', quota: '5' }, { cluster: 'west', quota: '5' }] },
      { team: 'research', resource: 'nvidia.com/gpu', flavor: null, quota: '2', byCluster: [{ cluster: 'east', quota: '2' }, { cluster: 'west', quota: '0' }] },
      { team: 'vision', resource: 'nvidia.com/gpu', flavor: null, quota: '8', byCluster: [{ cluster: 'east', quota: '1' }, { cluster: 'west', quota: '7' }] },
    ]);
  });

  it("writes each cluster's teams file without per-cluster keys, as `quotaplan plan` reads it", () => {
    const fleet = buildFleetPlan({ text: FLEET_TEAMS, file: 'fleet.yaml', clusters: fleetMembers() });
    const west = fleet.clusters.find((member) => member.cluster === 'west');
    const teams = parseTeamsFile(west?.teamsYaml ?? '', 'west');
    assert.deepEqual(
      teams.teams.map((team) => [team.name, team.resources.map((r) => [r.demand, r.guarantee, r.cap].map((q) => (q === null ? null : formatQuantity(q))))]),
      [
        ['fraud', [['5', '2', null]]],
        ['vision', [['20', '4', null]]],
        ['research', [['0', null, null]]],
      ],
    );
  });

  it('divides in whole granularity units and gives the part below one unit to the first share', () => {
    const unit = parseQuantity('1Gi');
    const amount = parseQuantity('10Gi');
    const shares = [0, 1, 2].map((index) => evenShare(amount, { parts: 3, index, unit }));
    assert.deepEqual(shares.map(formatQuantity), ['4Gi', '3Gi', '3Gi']);
    const odd = parseQuantity('2500m');
    assert.deepEqual([0, 1].map((index) => formatQuantity(evenShare(odd, { parts: 2, index, unit: parseQuantity('1') }))), ['1500m', '1']);
  });
});

describe('the fleet teams file is checked where it is read', () => {
  it('refuses per-cluster bounds in a teams file for one cluster, naming the entry', () => {
    assert.throws(() => parseTeamsFile(FLEET_TEAMS, 'fleet.yaml'), {
      message: 'fleet.yaml: teams[1].resources.nvidia.com/gpu.clusters: bounds per cluster plan a fleet: use `quotaplan fleet plan` (got ["east","west"])',
    });
  });

  it('refuses per-cluster bounds beside fleet-wide ones', () => {
    const text = FLEET_TEAMS.replace('        clusters:\n', '        demand: "4"\n        clusters:\n');
    assert.throws(() => parseTeamsFile(text, 'fleet.yaml', { fleet: true }), {
      message: 'fleet.yaml: teams[1].resources.nvidia.com/gpu.demand: with clusters, give demand, guarantee and cap per cluster (got "4")',
    });
  });

  it('refuses a cluster entry with a guarantee above its cap', () => {
    const text = FLEET_TEAMS.replace('west: { demand: "20", guarantee: "4" }', 'west: { guarantee: "4", cap: "2" }');
    assert.throws(() => parseTeamsFile(text, 'fleet.yaml', { fleet: true }), {
      message: 'fleet.yaml: teams[1].resources.nvidia.com/gpu.clusters.west.guarantee: guarantee is above cap 2 (got "4")',
    });
  });
});
