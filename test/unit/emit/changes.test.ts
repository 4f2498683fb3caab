import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuantity, type Quantity } from '../../../src/quantity.js';
import { ValidationError } from '../../../src/errors.js';
import { buildQuotaChanges, type KeyChange, type QuotaChangeSet, type TeamTarget } from '../../../src/emit/changes.js';
import { allocation, inventory, limitRange, list, namespace, plan, profile, quota } from './builders.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import type { PlanInput } from '../../../src/emit/changes.js';

const options = { cluster: 'prod', planId: '7' };

function build(p: PlanInput, teams: TeamTarget[], inv: ClusterInventory): QuotaChangeSet {
  return buildQuotaChanges({ plan: p, teams, inventory: inv, options });
}

function show(q: Quantity | null): string | null {
  return q === null ? null : formatQuantity(q);
}

function keys(changes: KeyChange[]): [string, string | null, string, string | null][] {
  return changes.map((k) => [k.key, show(k.previous), formatQuantity(k.next), show(k.used)]);
}

describe('buildQuotaChanges', () => {
  it('writes a new quota named quotaplan in a namespace without one, GPUs as requests.nvidia.com/gpu', () => {
    const changes = build(
      plan([allocation('ml/nlp', 'nvidia.com/gpu', '8')]),
      [{ team: 'ml/nlp', namespaces: ['nlp'] }],
      inventory({ namespaces: [namespace('nlp', { 'nvidia.com/gpu': '3' })] }),
    );
    const ns = changes.teams[0]?.namespaces[0];
    assert.deepEqual(ns?.target, { kind: 'ResourceQuota', name: 'quotaplan', exists: false });
    assert.deepEqual(keys(ns?.keys ?? []), [['requests.nvidia.com/gpu', null, '8', '3']]);
    assert.equal(ns?.limitRange, null);
    assert.deepEqual(changes.teams[0]?.flags, []);
  });

  it('takes over the existing quota holding a managed key and keeps the keys it does not manage', () => {
    const changes = build(
      plan([allocation('fraud', 'nvidia.com/gpu', '12')]),
      [{ team: 'fraud', namespaces: ['fraud-train'] }],
      inventory({
        namespaces: [namespace('fraud-train', { 'nvidia.com/gpu': '10', cpu: '40' })],
        quotas: [quota('fraud-train', 'gpu-quota', { 'requests.nvidia.com/gpu': '16', 'requests.cpu': '160', pods: '50' })],
      }),
    );
    const ns = changes.teams[0]?.namespaces[0];
    assert.deepEqual(ns?.target, { kind: 'ResourceQuota', name: 'gpu-quota', exists: true });
    assert.deepEqual(keys(ns?.keys ?? []), [['requests.nvidia.com/gpu', '16', '12', '10']]);
    assert.deepEqual(Object.keys(ns?.preserved ?? {}), ['pods', 'requests.cpu']);
    // The preserved requests.cpu still tracks cpu, so pods need a default cpu request.
    assert.deepEqual(
      Object.fromEntries(Object.entries(ns?.limitRange?.defaultRequest ?? {}).map(([k, v]) => [k, formatQuantity(v)])),
      { cpu: '100m' },
    );
  });

  it('patches a Profile-owned namespace through the Profile, never kf-resource-quota', () => {
    const changes = build(
      plan([allocation('research/alice', 'amd.com/gpu', '4'), allocation('research/alice', 'cpu', '32')]),
      [{ team: 'research/alice', profiles: ['alice-research'] }],
      inventory({
        namespaces: [namespace('alice-research', { 'amd.com/gpu': '2', cpu: '10' })],
        quotas: [quota('alice-research', 'kf-resource-quota', { 'requests.amd.com/gpu': '8', 'requests.cpu': '64' })],
        profiles: [profile('alice-research', { 'requests.amd.com/gpu': '8', 'requests.cpu': '64', 'requests.memory': '512Gi' })],
      }),
    );
    const ns = changes.teams[0]?.namespaces[0];
    assert.deepEqual(ns?.target, { kind: 'Profile', name: 'alice-research', exists: true });
    assert.deepEqual(keys(ns?.keys ?? []), [
      ['requests.amd.com/gpu', '8', '4', '2'],
      ['requests.cpu', '64', '32', '10'],
    ]);
    assert.deepEqual(Object.keys(ns?.preserved ?? {}), ['requests.memory']);
  });

  it('treats a listed namespace that a Profile owns as the Profile', () => {
    const changes = build(
      plan([allocation('alice', 'nvidia.com/gpu', '2')]),
      [{ team: 'alice', namespaces: ['alice-research'] }],
      inventory({ namespaces: [namespace('alice-research')], profiles: [profile('alice-research', {})] }),
    );
    assert.equal(changes.teams[0]?.namespaces[0]?.target.kind, 'Profile');
  });

  it('splits a team across its namespaces by current use, summing exactly', () => {
    const changes = build(
      plan([allocation('fraud', 'nvidia.com/gpu', '12'), allocation('fraud', 'memory', '100Gi')]),
      [{ team: 'fraud', namespaces: ['fraud-train', 'fraud-serve'] }],
      inventory({
        namespaces: [
          namespace('fraud-serve', { 'nvidia.com/gpu': '1', memory: '10Gi' }),
          namespace('fraud-train', { 'nvidia.com/gpu': '6', memory: '30Gi' }),
        ],
      }),
    );
    const team = changes.teams[0];
    assert.deepEqual(
      team?.namespaces.map((ns) => [ns.namespace, keys(ns.keys).map(([k, , next]) => `${k}=${next}`)]),
      [
        // 12 * 1/7 = 1.71 -> 2 (larger remainder), 12 * 6/7 = 10.29 -> 10; 100Gi * 1/4 = 25Gi, 75Gi.
        ['fraud-serve', ['requests.memory=25Gi', 'requests.nvidia.com/gpu=2']],
        ['fraud-train', ['requests.memory=75Gi', 'requests.nvidia.com/gpu=10']],
      ],
    );
    assert.deepEqual(team?.keys.map((k) => [k.key, formatQuantity(k.next), show(k.used)]), [
      ['requests.memory', '100Gi', '40Gi'],
      ['requests.nvidia.com/gpu', '12', '7'],
    ]);
  });

  it('flags a namespace that gets none of a resource because it uses none of it today', () => {
    const changes = build(
      plan([allocation('fraud', 'nvidia.com/gpu', '8')]),
      [{ team: 'fraud', namespaces: ['fraud-serve', 'fraud-train'] }],
      inventory({ namespaces: [namespace('fraud-serve', { cpu: '4' }), namespace('fraud-train', { 'nvidia.com/gpu': '5' })] }),
    );
    assert.deepEqual(changes.teams[0]?.flags, [
      {
        kind: 'zero-share',
        team: 'fraud',
        namespace: 'fraud-serve',
        key: 'requests.nvidia.com/gpu',
        message:
          "fraud-serve: gets 0 of fraud's 8 nvidia.com/gpu (split by current use, and it uses none); pods there asking for it are rejected",
      },
    ]);
  });

  it('splits as the teams file says when it gives weights', () => {
    const changes = build(
      plan([allocation('fraud', 'nvidia.com/gpu', '10')]),
      [{ team: 'fraud', namespaces: ['a', 'b'], split: { a: 1n, b: 4n } }],
      inventory({ namespaces: [namespace('a', { 'nvidia.com/gpu': '9' }), namespace('b')] }),
    );
    assert.deepEqual(
      changes.teams[0]?.namespaces.map((ns) => formatQuantity(ns.keys[0]?.next as Quantity)),
      ['2', '8'],
    );
  });

  it('selects namespaces by labels', () => {
    const changes = build(
      plan([allocation('nlp', 'nvidia.com/gpu', '4')]),
      [{ team: 'nlp', selector: { team: 'nlp' } }],
      inventory({ namespaces: [namespace('nlp-a', {}, { team: 'nlp' }), namespace('other', {}, { team: 'x' })] }),
    );
    assert.deepEqual(changes.teams[0]?.namespaces.map((ns) => ns.namespace), ['nlp-a']);
  });

  it('flags a namespace whose use is above its new quota', () => {
    const changes = build(
      plan([allocation('nlp', 'nvidia.com/gpu', '4')]),
      [{ team: 'nlp', namespaces: ['nlp'] }],
      inventory({ namespaces: [namespace('nlp', { 'nvidia.com/gpu': '6' })], quotas: [quota('nlp', 'gpu-quota', { 'requests.nvidia.com/gpu': '8' })] }),
    );
    assert.deepEqual(changes.teams[0]?.flags, [
      {
        kind: 'use-above-quota',
        team: 'nlp',
        namespace: 'nlp',
        key: 'requests.nvidia.com/gpu',
        message: 'nlp: requests.nvidia.com/gpu in use 6 is above the new quota 4; running pods stay, new ones are rejected until use falls',
      },
    ]);
  });

  it('flags limits.<gpu> and bare GPU keys of the existing quota as unenforced, and keeps them', () => {
    const changes = build(
      plan([allocation('cv', 'nvidia.com/gpu', '4')]),
      [{ team: 'cv', namespaces: ['cv'] }],
      inventory({
        namespaces: [namespace('cv')],
        quotas: [quota('cv', 'quotaplan', { 'limits.nvidia.com/gpu': '4', 'nvidia.com/gpu': '4' })],
      }),
    );
    assert.deepEqual(
      changes.teams[0]?.flags.map((f) => [f.kind, f.key]),
      [
        ['unenforced-key', 'limits.nvidia.com/gpu'],
        ['unenforced-key', 'nvidia.com/gpu'],
      ],
    );
    assert.deepEqual(Object.keys(changes.teams[0]?.namespaces[0]?.preserved ?? {}), ['limits.nvidia.com/gpu', 'nvidia.com/gpu']);
  });

  it('flags a kept bare cpu key lower than the new requests.cpu: both count the same requests', () => {
    const changes = build(
      plan([allocation('cv', 'cpu', '20')]),
      [{ team: 'cv', namespaces: ['cv'] }],
      inventory({ namespaces: [namespace('cv')], quotas: [quota('cv', 'quotaplan', { cpu: '10', 'requests.cpu': '12' })] }),
    );
    assert.deepEqual(changes.teams[0]?.flags.map((f) => f.message), [
      'cv: ResourceQuota quotaplan keeps cpu: 10, which counts the same requests as requests.cpu and is below the new 20; the lower limit is the one enforced',
    ]);
  });

  it('flags another unscoped quota in the namespace that is lower than the new value', () => {
    const changes = build(
      plan([allocation('cv', 'nvidia.com/gpu', '6')]),
      [{ team: 'cv', namespaces: ['cv'] }],
      inventory({
        namespaces: [namespace('cv')],
        quotas: [
          quota('cv', 'a-legacy', { 'requests.nvidia.com/gpu': '2' }),
          quota('cv', 'quotaplan', { 'requests.nvidia.com/gpu': '4' }),
        ],
      }),
    );
    assert.equal(changes.teams[0]?.namespaces[0]?.target.name, 'quotaplan');
    assert.deepEqual(changes.teams[0]?.flags.map((f) => f.message), [
      'cv: ResourceQuota a-legacy also sets requests.nvidia.com/gpu: 2, below the new 6; the lower limit is the one enforced',
    ]);
  });

  it('sums per-model allocations into one key and flags that a ResourceQuota cannot tell the models apart', () => {
    const changes = build(
      plan([
        allocation('cv', 'nvidia.com/gpu', '4', 'NVIDIA-H100-80GB-HBM3'),
        allocation('cv', 'nvidia.com/gpu', '2', 'NVIDIA-A100-SXM4-80GB'),
      ]),
      [{ team: 'cv', namespaces: ['cv'] }],
      inventory({ namespaces: [namespace('cv')] }),
    );
    assert.equal(formatQuantity(changes.teams[0]?.namespaces[0]?.keys[0]?.next as Quantity), '6');
    assert.deepEqual(changes.teams[0]?.flags.map((f) => f.kind), ['flavor-not-enforceable']);
  });

  it('adds a LimitRange with default requests when the quota tracks cpu or memory, and per-pod maxima when set', () => {
    const changes = build(
      plan([allocation('cv', 'cpu', '64'), allocation('cv', 'memory', '256Gi'), allocation('cv', 'nvidia.com/gpu', '4')]),
      [{ team: 'cv', namespaces: ['cv'], limitRange: { maxPerPod: list({ cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' }) } }],
      inventory({ namespaces: [namespace('cv')] }),
    );
    const lr = changes.teams[0]?.namespaces[0]?.limitRange;
    const fmt = (l: Record<string, Quantity> | undefined): Record<string, string> =>
      Object.fromEntries(Object.entries(l ?? {}).map(([k, v]) => [k, formatQuantity(v)]));
    assert.equal(lr?.name, 'quotaplan-defaults');
    assert.deepEqual(fmt(lr?.defaultRequest), { cpu: '100m', memory: '128Mi' });
    assert.deepEqual(fmt(lr?.defaultLimit), { cpu: '8', memory: '32Gi' });
    assert.deepEqual(fmt(lr?.maxPerPod), { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' });
  });

  it('flags an existing LimitRange that already defaults the same resources', () => {
    const changes = build(
      plan([allocation('cv', 'cpu', '64')]),
      [{ team: 'cv', namespaces: ['cv'] }],
      inventory({ namespaces: [namespace('cv')], limitRanges: [limitRange('cv', 'defaults', { cpu: '250m' })] }),
    );
    assert.deepEqual(changes.teams[0]?.flags.map((f) => f.kind), ['existing-limit-range']);
  });

  it('writes limits.cpu beside requests.cpu when the team asks for limits', () => {
    const changes = build(
      plan([allocation('cv', 'cpu', '64')]),
      [{ team: 'cv', namespaces: ['cv'], limits: ['cpu'] }],
      inventory({ namespaces: [namespace('cv')] }),
    );
    assert.deepEqual(keys(changes.teams[0]?.namespaces[0]?.keys ?? []), [
      ['limits.cpu', null, '64', null],
      ['requests.cpu', null, '64', '0'],
    ]);
    assert.deepEqual(Object.keys(changes.teams[0]?.namespaces[0]?.limitRange?.defaultLimit ?? {}), ['cpu']);
  });

  it('rejects a namespace claimed by two teams, naming both', () => {
    assert.throws(
      () =>
        build(
          plan([]),
          [
            { team: 'a', namespaces: ['shared'] },
            { team: 'b', selector: { team: 'b' } },
          ],
          inventory({ namespaces: [namespace('shared', {}, { team: 'b' })] }),
        ),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.message ===
          'namespace shared is claimed by two teams: a (namespaces) and b (selector team=b); a namespace belongs to one team ' +
            '(its use would count twice and its quota be written twice)',
    );
  });

  it('flags a team with quota but no namespace, and a namespace missing from the snapshot', () => {
    const changes = build(
      plan([allocation('ghost', 'nvidia.com/gpu', '1'), allocation('late', 'nvidia.com/gpu', '1')]),
      [{ team: 'ghost', selector: { team: 'ghost' } }, { team: 'late', namespaces: ['late'] }],
      inventory({}),
    );
    assert.deepEqual(changes.teams.flatMap((t) => t.flags.map((f) => f.kind)), ['team-without-namespaces', 'namespace-not-found']);
  });

  it('ignores allocations of parent teams (only leaves own namespaces)', () => {
    const changes = build(
      plan([allocation('platform', 'nvidia.com/gpu', '10'), allocation('platform/fraud', 'nvidia.com/gpu', '10')]),
      [{ team: 'platform/fraud', namespaces: ['fraud'] }],
      inventory({ namespaces: [namespace('fraud')] }),
    );
    assert.deepEqual(changes.teams.map((t) => t.team), ['platform/fraud']);
  });
});

describe('buildQuotaChanges with terminal allocations of a parent team', () => {
  it("splits a parent's terminal quota across all its leaves' namespaces and skips non-terminal ones", () => {
    const changes = build(
      plan([
        { ...allocation('platform', 'cpu', '30'), terminal: true },
        { ...allocation('platform', 'nvidia.com/gpu', '10'), terminal: false },
        { ...allocation('platform/fraud', 'nvidia.com/gpu', '6'), terminal: true },
        { ...allocation('platform/recsys', 'nvidia.com/gpu', '4'), terminal: true },
      ]),
      [
        { team: 'platform/fraud', namespaces: ['fraud'] },
        { team: 'platform/recsys', namespaces: ['recsys'] },
      ],
      inventory({ namespaces: [namespace('fraud', { cpu: '20' }), namespace('recsys', { cpu: '10' })] }),
    );
    assert.deepEqual(
      changes.teams.map((t) => [t.team, t.namespaces.map((ns) => ns.namespace), t.keys.map((k) => `${k.key}=${formatQuantity(k.next)}`)]),
      [
        ['platform', [], ['requests.cpu=30']],
        ['platform/fraud', ['fraud'], ['requests.nvidia.com/gpu=6']],
        ['platform/recsys', ['recsys'], ['requests.nvidia.com/gpu=4']],
      ],
    );
    assert.deepEqual(
      changes.teams.flatMap((t) => t.namespaces.map((ns) => [ns.namespace, keys(ns.keys).map(([k, , next]) => `${k}=${next}`)])),
      [
        ['fraud', ['requests.cpu=20', 'requests.nvidia.com/gpu=6']],
        ['recsys', ['requests.cpu=10', 'requests.nvidia.com/gpu=4']],
      ],
    );
  });
});
