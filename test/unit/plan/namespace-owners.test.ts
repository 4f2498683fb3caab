import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/errors.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { namespaceOwnership, type NamespaceFactsForOwnership } from '../../../src/plan/namespace-owners.js';
import { inventory, team, teamsFile } from '../../builders/teams.js';

const cluster: NamespaceFactsForOwnership = {
  namespaces: [
    { name: 'alice', labels: { department: 'research' } },
    { name: 'fraud', labels: { department: 'platform', team: 'fraud' } },
    { name: 'vision', labels: { department: 'research', team: 'vision' } },
  ],
  profiles: [{ name: 'alice-profile', namespace: 'alice' }],
};

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.message;
  }
  assert.fail('expected a ValidationError');
}

describe('namespaceOwnership: one owner per namespace, however it is claimed', () => {
  it('resolves names, Profiles (the namespace the Profile owns) and selectors', () => {
    const ownership = namespaceOwnership(
      [
        { team: 'a', members: { kind: 'profiles', profiles: ['alice-profile'] } },
        { team: 'f', members: { kind: 'namespaces', namespaces: ['fraud'] } },
        { team: 'v', members: { kind: 'selector', selector: { team: 'vision' } } },
      ],
      cluster,
    );
    assert.deepEqual(Object.fromEntries(ownership.namespacesOf), { a: ['alice'], f: ['fraud'], v: ['vision'] });
    assert.deepEqual(Object.fromEntries(ownership.ownerOf), { alice: 'a', fraud: 'f', vision: 'v' });
  });

  it('refuses a Profile and a selector reaching the same namespace, naming both teams and the namespace', () => {
    const message = refusal(() =>
      namespaceOwnership(
        [
          { team: 'r', members: { kind: 'selector', selector: { department: 'research' } }, where: 'teams[0]' },
          { team: 'a', members: { kind: 'profiles', profiles: ['alice-profile'] }, where: 'teams[1]' },
        ],
        cluster,
        'teams.yaml',
      ),
    );
    assert.equal(
      message,
      'teams.yaml: namespace alice is claimed by two teams: r (selector department=research, teams[0]) and a (profiles, teams[1]); ' +
        'a namespace belongs to one team (its use would count twice and its quota be written twice)',
    );
  });

  it('refuses two selectors that overlap', () => {
    const message = refusal(() =>
      namespaceOwnership(
        [
          { team: 'research', members: { kind: 'selector', selector: { department: 'research' } } },
          { team: 'vision', members: { kind: 'selector', selector: { team: 'vision' } } },
        ],
        cluster,
      ),
    );
    assert.match(message, /^namespace vision is claimed by two teams: research \(selector department=research\) and vision \(selector team=vision\);/);
  });

  it('lets one team claim a namespace twice (the union of its claims)', () => {
    const ownership = namespaceOwnership(
      [
        { team: 'v', members: { kind: 'namespaces', namespaces: ['vision'] } },
        { team: 'v', members: { kind: 'selector', selector: { department: 'research' } } },
      ],
      cluster,
    );
    assert.deepEqual(ownership.namespacesOf.get('v'), ['alice', 'vision']);
  });
});

describe('buildPlan refuses a namespace two teams claim before dividing anything', () => {
  it('a namespace listed by one team and selected by another: its use would count twice', () => {
    const teams = teamsFile({}, team('fraud').namespaces('fraud').gpu(), team('platform').selector({ department: 'platform' }).gpu());
    const plannable = inventory({ 'nvidia.com/gpu': '8' }, { namespaces: [{ name: 'fraud', labels: { department: 'platform' }, requests: { 'nvidia.com/gpu': '4' } }] });
    assert.equal(
      refusal(() => buildPlan({ teams, inventory: plannable })),
      'teams.yaml: namespace fraud is claimed by two teams: fraud (namespaces, teams[0]) and platform (selector department=platform, teams[1]); ' +
        'a namespace belongs to one team (its use would count twice and its quota be written twice)',
    );
  });
});
