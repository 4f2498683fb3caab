import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/errors.js';
import { formatRational } from '../../../src/rational.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { formatQuantity } from '../../../src/quantity.js';

function rejects(text: string, message: string, where: { field?: string; value?: unknown }): void {
  assert.throws(
    () => parseTeamsFile(text, 'teams.yaml'),
    (error: unknown) => {
      assert.ok(error instanceof ValidationError, String(error));
      assert.equal(error.message, message);
      assert.equal(error.where.file, 'teams.yaml');
      if ('field' in where) assert.equal(error.where.field, where.field);
      if ('value' in where) assert.deepEqual(error.where.value, where.value);
      return true;
    },
  );
}

describe('teams file', () => {
  it('reads the example file: defaults, weights, members, per-resource bounds and emitter limits', () => {
    const file = parseTeamsFile(readFileSync(new URL('../../../examples/teams.yaml', import.meta.url), 'utf8'), 'examples/teams.yaml');
    assert.equal(file.cycle, '2026-Q4');
    assert.equal(file.policy, 'max-min');
    assert.equal(file.surplus, 'distribute');
    assert.deepEqual(file.reserve.map((r) => [r.resource, r.flavor, formatQuantity(r.amount)]), [
      ['cpu', null, '16'],
      ['memory', null, '64Gi'],
      ['nvidia.com/gpu', null, '2'],
    ]);
    const [platform, research] = file.teams;
    assert.equal(platform?.members, null);
    assert.deepEqual(platform?.teams.map((t) => [t.path, t.where, formatRational(t.weight)]), [
      ['platform/fraud', 'teams[0].teams[0]', '3'],
      ['platform/vision', 'teams[0].teams[1]', '1'],
    ]);
    const fraud = platform?.teams[0];
    assert.deepEqual(fraud?.members, { kind: 'namespaces', namespaces: ['fraud-serve', 'fraud-train'] });
    const gpu = fraud?.resources.find((r) => r.resource === 'nvidia.com/gpu');
    assert.deepEqual(
      [gpu?.demand, gpu?.guarantee, gpu?.cap].map((q) => (q == null ? null : formatQuantity(q))),
      ['16', '8', '24'],
    );
    assert.equal(gpu?.where, 'teams[0].teams[0].resources.nvidia.com/gpu');
    assert.deepEqual(fraud?.limits?.quota, ['cpu', 'memory']);
    assert.equal(formatQuantity(fraud?.limits?.perPod['memory'] ?? { nanos: 0n, format: 'DecimalSI' }), '256Gi');
    assert.equal(formatQuantity(fraud?.limits?.perContainer.defaultRequest['cpu'] ?? { nanos: 0n, format: 'DecimalSI' }), '100m');
    assert.deepEqual(platform?.teams[1]?.members, { kind: 'selector', selector: { team: 'vision' } });
    assert.deepEqual(research?.members, { kind: 'profiles', profiles: ['alice-research'] });
    const cpu = research?.resources.find((r) => r.resource === 'cpu');
    assert.deepEqual([cpu?.demand, cpu?.guarantee, cpu?.cap], [null, null, null]);
  });

  it('reads per-flavor bounds and per-flavor reserve', () => {
    const file = parseTeamsFile(
      [
        'cycle: q',
        'reserve: { nvidia.com/gpu: { H100: "1" } }',
        'teams:',
        '  - name: a',
        '    namespaces: [a]',
        '    resources:',
        '      nvidia.com/gpu: { flavors: { H100: { demand: "8" }, A100: { guarantee: "2" } } }',
      ].join('\n'),
      'teams.yaml',
    );
    assert.deepEqual(
      file.teams[0]?.resources.map((r) => [r.resource, r.flavor, r.where]),
      [
        ['nvidia.com/gpu', 'A100', 'teams[0].resources.nvidia.com/gpu.flavors.A100'],
        ['nvidia.com/gpu', 'H100', 'teams[0].resources.nvidia.com/gpu.flavors.H100'],
      ],
    );
    assert.deepEqual(file.reserve.map((r) => [r.resource, r.flavor, formatQuantity(r.amount)]), [['nvidia.com/gpu', 'H100', '1']]);
  });

  it('reads decimal weights exactly', () => {
    const file = parseTeamsFile('cycle: q\nteams:\n  - {name: a, weight: 0.1, namespaces: [a]}\n  - {name: b, weight: "2.5", namespaces: [b]}\n', 'teams.yaml');
    assert.deepEqual(file.teams.map((t) => formatRational(t.weight)), ['1/10', '2 1/2']);
  });

  it('names the path and the value of an invalid quantity', () => {
    rejects(
      'cycle: q\nteams:\n  - name: a\n    namespaces: [a]\n  - name: b\n    teams:\n      - name: c\n        namespaces: [c]\n        resources:\n          nvidia.com/gpu: { cap: "lots" }\n',
      'teams.yaml: teams[1].teams[0].resources.nvidia.com/gpu.cap: invalid quantity: expected a quantity such as "8", "500m" or "32Gi" (got "lots")',
      { field: 'teams[1].teams[0].resources.nvidia.com/gpu.cap', value: 'lots' },
    );
  });

  it('rejects unknown keys (a misspelt guarantee is not silently ignored)', () => {
    rejects(
      'cycle: q\nteams:\n  - name: a\n    namespaces: [a]\n    resources:\n      cpu: { gurantee: "1" }\n',
      'teams.yaml: teams[0].resources.cpu: Unrecognized key: "gurantee" (got {"gurantee":"1"})',
      { field: 'teams[0].resources.cpu' },
    );
  });

  it('gives the line of a YAML syntax error', () => {
    rejects(
      'cycle: q\nteams: [\n',
      'teams.yaml:3:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1:',
      {},
    );
  });

  it('requires a cycle', () => {
    rejects('teams:\n  - {name: a, namespaces: [a]}\n', 'teams.yaml: cycle: expected a cycle name such as 2026-Q4', { field: 'cycle' });
  });

  it('rejects sibling teams with the same name', () => {
    rejects(
      'cycle: q\nteams:\n  - {name: a, namespaces: [a]}\n  - {name: a, namespaces: [b]}\n',
      'teams.yaml: teams[1].name: a sibling team has the same name (teams[0]) (got "a")',
      { field: 'teams[1].name', value: 'a' },
    );
  });

  it('rejects a "/" in a team name, which joins team paths', () => {
    rejects(
      'cycle: q\nteams:\n  - {name: a/b, namespaces: [a]}\n',
      'teams.yaml: teams[0].name: expected a name of letters, digits, "-", "_" and "." (no "/") (got "a/b")',
      { field: 'teams[0].name' },
    );
  });

  it('requires exactly one of namespaces, profiles or selector on a leaf, and none on a parent', () => {
    rejects(
      'cycle: q\nteams:\n  - {name: a}\n',
      'teams.yaml: teams[0]: a team without sub-teams needs exactly one of namespaces, profiles or selector',
      { field: 'teams[0]' },
    );
    rejects(
      'cycle: q\nteams:\n  - {name: a, namespaces: [x], teams: [{name: b, namespaces: [b]}]}\n',
      'teams.yaml: teams[0].namespaces: a team with sub-teams owns no namespaces itself; its leaves do (got ["x"])',
      { field: 'teams[0].namespaces' },
    );
  });

  it('rejects a namespace claimed by two teams', () => {
    rejects(
      'cycle: q\nteams:\n  - {name: a, namespaces: [x]}\n  - {name: b, namespaces: [y, x]}\n',
      'teams.yaml: teams[1].namespaces[1]: namespace already belongs to team a (got "x")',
      { field: 'teams[1].namespaces[1]', value: 'x' },
    );
  });

  it('rejects a guarantee above the cap, a negative quantity and a non-positive weight', () => {
    rejects(
      'cycle: q\nteams:\n  - {name: a, namespaces: [a], resources: {cpu: {guarantee: "4", cap: "2"}}}\n',
      'teams.yaml: teams[0].resources.cpu.guarantee: guarantee is above cap 2 (got "4")',
      { field: 'teams[0].resources.cpu.guarantee' },
    );
    rejects(
      'cycle: q\nteams:\n  - {name: a, namespaces: [a], resources: {cpu: {demand: "-1"}}}\n',
      'teams.yaml: teams[0].resources.cpu.demand: must not be negative (got "-1")',
      { field: 'teams[0].resources.cpu.demand' },
    );
    rejects(
      'cycle: q\nteams:\n  - {name: a, weight: "abc", namespaces: [a]}\n',
      'teams.yaml: teams[0].weight: expected a positive number (got "abc")',
      { field: 'teams[0].weight' },
    );
  });

  it('rejects quota keys where a resource name belongs', () => {
    rejects(
      'cycle: q\nteams:\n  - {name: a, namespaces: [a], resources: {requests.nvidia.com/gpu: {demand: "1"}}}\n',
      'teams.yaml: teams[0].resources.requests.nvidia.com/gpu: name the resource itself (e.g. nvidia.com/gpu), not a quota key (got "requests.nvidia.com/gpu")',
      { field: 'teams[0].resources.requests.nvidia.com/gpu' },
    );
  });

  it('requires every team to give a flavored resource per flavor, and its reserve per flavor', () => {
    rejects(
      'cycle: q\nteams:\n  - {name: a, namespaces: [a], resources: {nvidia.com/gpu: {flavors: {H100: {demand: "1"}}}}}\n  - {name: b, namespaces: [b], resources: {nvidia.com/gpu: {demand: "1"}}}\n',
      "teams.yaml: teams[1].resources.nvidia.com/gpu: nvidia.com/gpu is planned per flavor (see teams[0].resources.nvidia.com/gpu.flavors); give this team's share per flavor too",
      { field: 'teams[1].resources.nvidia.com/gpu' },
    );
    rejects(
      'cycle: q\nreserve: {nvidia.com/gpu: "1"}\nteams:\n  - {name: a, namespaces: [a], resources: {nvidia.com/gpu: {flavors: {H100: {demand: "1"}}}}}\n',
      'teams.yaml: reserve.nvidia.com/gpu: nvidia.com/gpu is planned per flavor; reserve per flavor ({ <flavor>: <quantity> }) (got "1")',
      { field: 'reserve.nvidia.com/gpu' },
    );
    rejects(
      'cycle: q\nteams:\n  - {name: a, namespaces: [a], resources: {nvidia.com/gpu: {demand: "2", flavors: {H100: {demand: "1"}}}}}\n',
      'teams.yaml: teams[0].resources.nvidia.com/gpu.demand: with flavors, give demand, guarantee and cap per flavor (got "2")',
      { field: 'teams[0].resources.nvidia.com/gpu.demand' },
    );
  });

  it('counts extended resources in whole units', () => {
    rejects(
      'cycle: q\ngranularity: {nvidia.com/gpu: "0.5"}\nteams:\n  - {name: a, namespaces: [a]}\n',
      'teams.yaml: granularity.nvidia.com/gpu: an extended resource is counted in whole units; its granularity must be a whole number (got "0.5")',
      { field: 'granularity.nvidia.com/gpu' },
    );
  });
  describe('Kubernetes names (refused where they enter: issue 13 item 1)', () => {
    const LABEL = 'must be a lowercase RFC 1123 label: at most 63 characters, lower case letters, digits and "-", starting and ending with a letter or digit';
    const QUALIFIED =
      'must be a Kubernetes qualified name: an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
    const leaf = (members: string, extra = ''): string => `cycle: q\nteams:\n  - name: a\n    ${members}\n${extra}`;

    it('refuses a profile or namespace that is not a DNS-1123 label, quoting it escaped', () => {
      rejects(leaf('profiles: ["../../../../victim/config"]'), `teams.yaml: teams[0].profiles[0]: ${LABEL} (got "../../../../victim/config")`, {
        field: 'teams[0].profiles[0]',
        value: '../../../../victim/config',
      });
      rejects(leaf('namespaces: [ok, "Team\\e[2J"]'), `teams.yaml: teams[0].namespaces[1]: ${LABEL} (got "Team\\u001b[2J")`, {
        field: 'teams[0].namespaces[1]',
        value: 'Team\u001b[2J',
      });
      rejects(leaf('namespaces: [a]', '    namespaceWeights: { "a/b": 1 }\n'), `teams.yaml: teams[0].namespaceWeights.a/b: ${LABEL} (got "a/b")`, {
        field: 'teams[0].namespaceWeights.a/b',
        value: 'a/b',
      });
    });

    it('refuses resource names that are not qualified names, wherever the file gives one', () => {
      rejects(leaf('namespaces: [a]', '    resources:\n      "nvidia.com/../gpu": { cap: 1 }\n'), `teams.yaml: teams[0].resources.nvidia.com/../gpu: ${QUALIFIED} (got "nvidia.com/../gpu")`, {
        field: 'teams[0].resources.nvidia.com/../gpu',
        value: 'nvidia.com/../gpu',
      });
      rejects(`granularity: { "cpu ": 1 }\n${leaf('namespaces: [a]')}`, `teams.yaml: granularity["cpu "]: ${QUALIFIED} (got "cpu ")`, { field: 'granularity["cpu "]', value: 'cpu ' });
      rejects(`reserve: { "-gpu": 1 }\n${leaf('namespaces: [a]')}`, `teams.yaml: reserve.-gpu: ${QUALIFIED} (got "-gpu")`, { field: 'reserve.-gpu', value: '-gpu' });
      rejects(leaf('namespaces: [a]', '    limits: { quota: ["mem ory"] }\n'), `teams.yaml: teams[0].limits.quota[0]: ${QUALIFIED} (got "mem ory")`, {
        field: 'teams[0].limits.quota[0]',
        value: 'mem ory',
      });
    });

    it('refuses a selector whose key is not a label key or whose value is not a label value', () => {
      rejects(leaf('selector: { "a/b/c": x }'), `teams.yaml: teams[0].selector.a/b/c: ${QUALIFIED} (got "a/b/c")`, { field: 'teams[0].selector.a/b/c', value: 'a/b/c' });
      rejects(
        leaf('selector: { team: "-x" }'),
        'teams.yaml: teams[0].selector.team: must be a label value: empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit (got "-x")',
        { field: 'teams[0].selector.team', value: '-x' },
      );
    });
  });
});
