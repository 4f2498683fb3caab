/**
 * YAML that would exhaust quotaplan is bad input (exit 2, HTTP 400) naming the file and what is wrong, never a crash
 * (issue 13 item 11): aliases that expand past MAX_ALIAS_COUNT (a "billion laughs" file), a teams list that
 * contains itself through an alias, teams nested past MAX_TEAM_DEPTH. A node advertising more accelerators than a
 * number can count (1e999) is refused where it enters, naming the node and the field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpObjects } from '../../src/collect/dump.js';
import { ValidationError } from '../../src/errors.js';
import { InventoryBuilder } from '../../src/inventory/builder.js';
import { parseTeamsFile } from '../../src/plan/teams-file.js';
import { MAX_TEAM_DEPTH } from '../../src/plan/teams-file.js';
import { aList, aNode } from '../builders/kube.js';

/** Nine levels of ten aliases each: 10^9 strings once expanded. */
function billionLaughs(top: string): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level <= 8; level += 1) {
    const previous = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`);
  }
  lines.push(`${top}: *i`);
  return `${lines.join('\n')}\n`;
}

function refusal(run: () => unknown): ValidationError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ValidationError, `expected a ValidationError, got ${String(caught)}`);
  return caught;
}

const ALIASES = 'YAML aliases expand past 100 nodes (Excessive alias count indicates a resource exhaustion attack); write the values out instead of aliasing them';

describe('YAML limits', () => {
  it('refuses an alias bomb in a teams file, naming the file', () => {
    const error = refusal(() => parseTeamsFile(`cycle: q\n${billionLaughs('teams')}`, 'teams.yaml'));
    assert.equal(error.message, `teams.yaml: ${ALIASES}`);
    assert.deepEqual(error.where, { file: 'teams.yaml' });
  });

  it('refuses an alias bomb in a YAML dump, naming the file', () => {
    const error = refusal(() => [...dumpObjects(`kind: List\n${billionLaughs('items')}`, { file: 'dump.yaml' })]);
    assert.equal(error.message, `dump.yaml: ${ALIASES}`);
    assert.deepEqual(error.where, { file: 'dump.yaml' });
  });

  it('refuses a teams list that contains itself through an alias', () => {
    const error = refusal(() => parseTeamsFile('cycle: q\nteams: &t [ {name: a, teams: *t} ]\n', 'teams.yaml'));
    assert.equal(error.message, 'teams.yaml: teams[0].teams: the list contains itself (a YAML alias to an enclosing team list); teams must form a tree');
    assert.deepEqual(error.where, { file: 'teams.yaml', field: 'teams[0].teams' });
  });

  it(`reads teams nested ${MAX_TEAM_DEPTH} levels deep and refuses one level more`, () => {
    const nested = (depth: number): string => {
      let team = '{name: leaf, namespaces: [a]}';
      for (let level = depth - 1; level >= 1; level -= 1) team = `{name: t${level}, teams: [${team}]}`;
      return `cycle: q\nteams: [${team}]\n`;
    };
    assert.equal(parseTeamsFile(nested(MAX_TEAM_DEPTH), 'teams.yaml').teams.length, 1);
    const error = refusal(() => parseTeamsFile(nested(MAX_TEAM_DEPTH + 1), 'teams.yaml'));
    const field = `teams${'[0].teams'.repeat(MAX_TEAM_DEPTH)}`;
    assert.equal(error.message, `teams.yaml: ${field}: teams nest deeper than ${MAX_TEAM_DEPTH} levels`);
    assert.deepEqual(error.where, { file: 'teams.yaml', field });
  });

  it('refuses a node with more accelerators than can be counted (1e999), naming node and field', () => {
    const node = aNode('n1').withLabels({ 'nvidia.com/gpu.count': '8' }).withCapacity({ cpu: '8', 'nvidia.com/gpu': '1e999' }).build();
    const error = refusal(() => [...dumpObjects(JSON.stringify(aList(node)), { file: 'dump.json' })]);
    assert.equal(
      error.message,
      'dump.json: Node n1 (items[0]): status.capacity.nvidia.com/gpu: more devices than quotaplan can count (at most 9007199254740991) (got "1e999")',
    );
    assert.deepEqual(error.where, { file: 'dump.json', field: 'status.capacity.nvidia.com/gpu', value: '1e999' });
  });

  it('ignores a GPU count label too large to be a count, rather than failing on it', () => {
    const builder = new InventoryBuilder();
    const node = aNode('n1').withLabels({ 'nvidia.com/gpu.product': 'NVIDIA-A100', 'nvidia.com/gpu.count': '9'.repeat(400) }).withCapacity({ cpu: '8', 'nvidia.com/gpu': '8' });
    for (const object of dumpObjects(JSON.stringify(aList(node.build())), { file: 'dump.json' })) builder.add(object);
    assert.equal(builder.build().nodes[0]?.physicalAccelerators, 8);
  });
});
