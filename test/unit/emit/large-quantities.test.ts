/**
 * Quantities of 10^21 and more (past Go's largest suffix E): every printer shows their magnitude, never Go's bare
 * mantissa ("1" for 10^21), and what is written parses back to the same value.
 *
 * The cluster: one node with 3 x 10^21 widgets (`example.com/widget`, an extended resource) and 4 cores. Team a
 * asks for 10^21 (`1000E`), team b for anything: max-min gives a its demand, 1e21, and b the rest, 2e21.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildQuotaChanges } from '../../../src/emit/changes.js';
import { targetsFromTeamsFile } from '../../../src/emit/inputs.js';
import { inventoryTable } from '../../../src/emit/inventory-table.js';
import { buildManifests } from '../../../src/emit/manifests.js';
import { planTable, planYaml } from '../../../src/emit/plan-table.js';
import { renderPrBody } from '../../../src/emit/pr-body.js';
import { reviewCsv } from '../../../src/emit/review-csv.js';
import { reviewToJson } from '../../../src/emit/review-json.js';
import { reviewMarkdown } from '../../../src/emit/review-markdown.js';
import { toMultiDocument } from '../../../src/emit/tree.js';
import { ConflictError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { inventoryFromJson, inventoryToJson } from '../../../src/inventory/json.js';
import type { NodeObject } from '../../../src/inventory/objects.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { planFromJson, planToJson } from '../../../src/plan/plan-json.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { parseQuantity } from '../../../src/quantity.js';
import { buildReview } from '../../../src/review/review.js';
import { DEFAULT_RULES } from '../../../src/review/rules.js';
import { capacityView } from '../../../src/server/capacity-view.js';
import { planRows } from '../../../src/server/team-view.js';
import { aNamespaceObject, aNode } from '../../builders/kube.js';

const WIDGET = 'example.com/widget';

function cluster(): ClusterInventory {
  const builder = new InventoryBuilder();
  builder.add(aNode('big-0').withCapacity({ cpu: '4', [WIDGET]: '3000E' }).parsed() as NodeObject);
  builder.add(aNamespaceObject('a'));
  builder.add(aNamespaceObject('b'));
  return builder.build();
}

const teamsYaml = `cycle: q
teams:
  - name: a
    namespaces: [a]
    resources:
      ${WIDGET}: { demand: 1000E }
  - name: b
    namespaces: [b]
    resources:
      ${WIDGET}: {}
`;

function planned(): ReturnType<typeof buildPlan> {
  return buildPlan({ teams: parseTeamsFile(teamsYaml, 'teams.yaml'), inventory: cluster() });
}

/** The cells of the table row whose first cell is `first`. */
function row(table: string, first: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`${first} `));
  assert.ok(line !== undefined, `no row ${first} in\n${table}`);
  return line.split(/\s{2,}/);
}

describe('quantities of 10^21 and above print with their magnitude', () => {
  it('plan table: capacity, quota and demand', () => {
    const table = planTable(planned());
    assert.deepEqual(row(table, WIDGET), [WIDGET, '-', '3e21', '0', '3e21', '0', '1']);
    assert.deepEqual(row(table, 'a'), ['a', WIDGET, '-', '1e21', '0', '0', '1e21', 'none', 'demand']);
    assert.deepEqual(row(table, 'b'), ['b', WIDGET, '-', '2e21', '0', '0', 'any', 'none', 'share']);
  });

  it('plan JSON and YAML, and the stored plan reads back the same quotas', () => {
    const plan = planned();
    const json = planToJson(plan);
    assert.deepEqual(json.allocations.map((a) => [a.team, a.quota, a.demand]), [['a', '1e21', '1e21'], ['b', '2e21', null]]);
    assert.deepEqual(json.capacity, { [WIDGET]: '3e21' });
    assert.match(planYaml(plan), /quota: "1e21"\n/);
    const back = planFromJson(json, 'stored plan');
    assert.deepEqual(back.allocations.map((a) => a.quota.nanos), [10n ** 30n, 2n * 10n ** 30n]);
  });

  it('explanations and the infeasible-plan message', () => {
    const plan = planned();
    assert.match(plan.allocations[1]!.explanation, /dividing 3e21 of the cluster/);
    const greedy = teamsYaml.replace('{ demand: 1000E }', '{ guarantee: 2000E }').replace(`${WIDGET}: {}`, `${WIDGET}: { guarantee: 2000E }`);
    assert.throws(
      () => buildPlan({ teams: parseTeamsFile(greedy, 'teams.yaml'), inventory: cluster() }),
      (error: unknown) =>
        error instanceof ConflictError &&
        error.message === `infeasible plan: ${WIDGET} guarantees of the top-level teams sum to 4e21 but the cluster has 3e21 (capacity 3e21 - reserve 0) [a: 2e21, b: 2e21]`,
    );
  });

  it('inventory table and JSON, which reads back the same value', () => {
    const inventory = cluster();
    assert.deepEqual(row(inventoryTable(inventory), WIDGET).slice(0, 2), [WIDGET, '3e21']);
    const json = inventoryToJson(inventory) as { plannable: Record<string, string> };
    assert.equal(json.plannable[WIDGET], '3e21');
    assert.equal(inventoryFromJson(json).plannable[WIDGET]?.nanos, 3n * 10n ** 30n);
  });

  it('emitted ResourceQuotas and the PR body', () => {
    const plan = planned();
    const inventory = cluster();
    const changes = buildQuotaChanges({
      plan,
      teams: targetsFromTeamsFile(parseTeamsFile(teamsYaml, 'teams.yaml')),
      inventory,
      options: { cluster: 'big', planId: '1' },
    });
    const yaml = toMultiDocument(buildManifests({ changes, plan, inventory, mode: 'full' }));
    // What is written parses back to the planned quota.
    const written = [...yaml.matchAll(/requests\.example\.com\/widget: "(\S+)"/g)].map((m) => parseQuantity(m[1]!).nanos);
    assert.deepEqual(written, [10n ** 30n, 2n * 10n ** 30n]);
    assert.match(renderPrBody(changes), /\| 1e21 \|/);
  });

  it('the dashboard: capacity and plan rows', () => {
    const inventory = cluster();
    assert.equal(capacityView(inventory).plannable[WIDGET], '3e21');
    assert.deepEqual(planRows(planned(), inventory).map((r) => [r.team, r.proposed]), [['a', '1e21'], ['b', '2e21']]);
  });

  it('the review (JSON, Markdown, CSV)', () => {
    const plan = planned();
    const review = reviewToJson(
      buildReview({
        cluster: 'big',
        cycle: { id: 1, cluster: 'big', name: 'q', state: 'approved', planId: 1, startsAt: null, endsAt: null, createdAt: new Date('2026-10-01T00:00:00Z'), approvedBy: null, approvedAt: null, approvalNote: null },
        events: [],
        planId: 1,
        plan,
        previous: null,
        next: null,
        snapshots: [],
        usage: [],
        capacity: [],
        gpuEquivalents: {},
        rules: DEFAULT_RULES,
      }),
    );
    assert.deepEqual(review.capacity.map((c) => [c.resource, c.thisPlan]), [[WIDGET, '3e21']]);
    assert.deepEqual(review.teams.map((t) => [t.team, t.quota]), [['a', '1e21'], ['b', '2e21']]);
    assert.match(reviewMarkdown(review), /\| 1e21 \|/);
    assert.match(reviewCsv(review), /,1e21,/);
  });
});
