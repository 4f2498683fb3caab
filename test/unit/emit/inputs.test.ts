import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuantity } from '../../../src/quantity.js';
import { ValidationError } from '../../../src/errors.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { integerWeights, targetsFromTeamsFile } from '../../../src/emit/inputs.js';

const teamsYaml = `
cycle: 2026-Q4
teams:
  - name: platform
    teams:
      - name: fraud
        namespaces: [fraud-train, fraud-serve]
        namespaceWeights: { fraud-train: 3, fraud-serve: 1 }
        resources: { nvidia.com/gpu: { demand: "16" } }
        limits:
          quota: [cpu]
          perPod: { max: { cpu: "8", memory: 32Gi, nvidia.com/gpu: "1" } }
          perContainer: { defaultRequest: { cpu: 250m } }
      - name: alice
        profiles: [alice-research]
  - name: nlp
    selector: { team: nlp }
`;

describe('targetsFromTeamsFile', () => {
  it('gives one target per leaf with its members, weights and limits', () => {
    const targets = targetsFromTeamsFile(parseTeamsFile(teamsYaml, 'teams.yaml'));
    assert.deepEqual(
      targets.map((t) => ({ ...t, limitRange: undefined })),
      [
        { team: 'nlp', selector: { team: 'nlp' }, limitRange: undefined },
        { team: 'platform/alice', profiles: ['alice-research'], limitRange: undefined },
        {
          team: 'platform/fraud',
          namespaces: ['fraud-serve', 'fraud-train'],
          split: { 'fraud-serve': 1n, 'fraud-train': 3n },
          limits: ['cpu'],
          limitRange: undefined,
        },
      ],
    );
    const lr = targets[2]?.limitRange;
    const fmt = (l: Record<string, { nanos: bigint; format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent' }> | undefined) =>
      Object.fromEntries(Object.entries(l ?? {}).map(([k, v]) => [k, formatQuantity(v)]));
    assert.deepEqual(fmt(lr?.maxPerPod), { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' });
    assert.deepEqual(fmt(lr?.defaultRequest), { cpu: '250m' });
  });
});

describe('integerWeights', () => {
  it('scales decimal weights to integers with the same ratios', () => {
    assert.deepEqual(integerWeights({ a: 1.25, b: 2, c: 0.5 }, 'teams[0].namespaceWeights', 't.yaml'), { a: 125n, b: 200n, c: 50n });
  });

  it('rejects a weight written in exponent form, naming file and field', () => {
    assert.throws(
      () => integerWeights({ a: 1e-7 }, 'teams[0].namespaceWeights', 't.yaml'),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.message === 't.yaml: teams[0].namespaceWeights.a: expected a plain decimal weight (got 1e-7)',
    );
  });
});
