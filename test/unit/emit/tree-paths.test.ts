import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildQuotaChanges } from '../../../src/emit/changes.js';
import { buildManifests } from '../../../src/emit/manifests.js';
import type { Manifest } from '../../../src/emit/targets/target.js';
import { buildTree } from '../../../src/emit/tree.js';
import { ConflictError, ValidationError } from '../../../src/errors.js';
import { scenarioInventory, scenarioOptions, scenarioPlan, scenarioTeams } from './scenario.js';

const changes = buildQuotaChanges({ plan: scenarioPlan, teams: scenarioTeams, inventory: scenarioInventory, options: scenarioOptions });
const manifests = buildManifests({ changes, plan: scenarioPlan, inventory: scenarioInventory, mode: 'full' });

/** The scenario's first ResourceQuota, with another name or namespace. */
function renamed(kind: Manifest['kind'], patch: { name?: string; namespace?: string }): Manifest {
  const m = manifests.find((x) => x.kind === kind)!;
  return { ...m, ...patch, object: { ...m.object, metadata: { ...m.object.metadata, ...patch } } };
}

describe('buildTree paths', () => {
  it('refuses a namespace holding "/" instead of making folders of it, in both layouts', () => {
    for (const layout of ['gitops', 'flat'] as const) {
      assert.throws(() => buildTree(changes, layout, [renamed('ResourceQuota', { namespace: 'team/../../x' })]), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.deepEqual(error.where, { field: 'namespace', value: 'team/../../x' });
        return true;
      });
    }
  });

  it('refuses a Profile name that is not one file name', () => {
    assert.throws(() => buildTree(changes, 'gitops', [renamed('Profile', { name: 'a/b' })]), {
      message:
        'Profile name "a/b" cannot be part of a file name (letters, digits, ".", "_" and "-" only, not starting with "." or "-", at most 255 bytes): nothing written',
    });
  });

  it('refuses two objects that the flat layout would write to one file, naming both', () => {
    // Namespace `profile`'s LimitRange and a Profile named `limitrange`: both profile.limitrange.yaml.
    const limitRange = renamed('LimitRange', { namespace: 'profile' });
    const profile = renamed('Profile', { name: 'limitrange' });
    assert.throws(() => buildTree(changes, 'flat', [profile, limitRange]), (error: unknown) => {
      assert.ok(error instanceof ConflictError);
      assert.equal(
        error.message,
        'Profile "limitrange" and LimitRange "profile/quotaplan-defaults" would both be written to "profile.limitrange.yaml": use --layout gitops, or rename one',
      );
      return true;
    });
    assert.deepEqual(
      buildTree(changes, 'gitops', [profile, limitRange]).map((f) => f.path),
      [
        'clusters/prod-eu/kustomization.yaml',
        'clusters/prod-eu/namespaces/profile/limitrange.yaml',
        'clusters/prod-eu/profiles/limitrange.yaml',
        'clusters/prod-eu/quotaplan-tree.txt',
      ],
    );
  });
});
