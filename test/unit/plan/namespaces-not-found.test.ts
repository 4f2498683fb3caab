import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { GPU, inventory, team, teamsFile } from '../../builders/teams.js';

// Before, `plan` said nothing (`"warnings": []`) when a team's quota reached no namespace; only emit and apply did.
const cluster = inventory({ [GPU]: '8' }, { namespaces: [{ name: 'fraud-train' }, { name: 'vision-a', labels: { team: 'vision' } }] });

function namespaceWarnings(teams: ReturnType<typeof teamsFile>, cluster: Parameters<typeof buildPlan>[0]['inventory']): Array<[string, string | null, string]> {
  return buildPlan({ teams, inventory: cluster })
    .warnings.filter((w) => w.kind === 'team-without-namespaces' || w.kind === 'namespace-not-found')
    .map((w) => [w.kind, w.team, w.message]);
}

describe('a team whose namespaces, profiles or selector match nothing in the cluster', () => {
  it('warns at plan for a selector matching no namespace, a namespace list none of which exists, and a missing profile', () => {
    const teams = teamsFile(
      {},
      team('fraud').namespaces('fraud-train', 'fraud-serve').gpu(),
      team('ghost').namespaces('ghost-a', 'ghost-b').gpu(),
      team('nlp').selector({ team: 'nlp' }).gpu(),
      team('alice').profiles('alice-research').gpu(),
      team('vision').selector({ team: 'vision' }).gpu(),
    );
    assert.deepEqual(namespaceWarnings(teams, cluster), [
      [
        'namespace-not-found',
        'alice',
        "alice: none of its profiles' namespaces (alice-research) is in the cluster (teams.yaml: teams[3]): its quota applies nowhere, and applying it fails, until they exist",
      ],
      [
        'namespace-not-found',
        'fraud',
        'fraud: namespace fraud-serve is not in the cluster (teams.yaml: teams[0]): applying its quota there fails until it exists',
      ],
      [
        'namespace-not-found',
        'ghost',
        'ghost: none of its namespaces (ghost-a, ghost-b) is in the cluster (teams.yaml: teams[1]): its quota applies nowhere, and applying it fails, until they exist',
      ],
      [
        'team-without-namespaces',
        'nlp',
        'nlp: selector team=nlp matches no namespace in the cluster (teams.yaml: teams[2]), so its quota applies nowhere; emit and apply write nothing for it',
      ],
    ]);
  });

  it('says nothing when the snapshot lists no namespace at all (a dump of nodes only cannot tell)', () => {
    const teams = teamsFile({}, team('ghost').namespaces('ghost-a').gpu(), team('nlp').selector({ team: 'nlp' }).gpu());
    assert.deepEqual(namespaceWarnings(teams, inventory({ [GPU]: '8' })), []);
  });
});
