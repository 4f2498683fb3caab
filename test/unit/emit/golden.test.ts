/**
 * Golden files for the GitOps tree, the flat layout, `-o yaml` and the PR body of the scenario in scenario.ts.
 * The goldens under test/golden/emit/ were written once and reviewed by hand; any byte of difference fails.
 * After an intended change: QUOTAPLAN_UPDATE_GOLDEN=1 node --import tsx --test test/unit/emit/golden.test.ts,
 * then review the diff in git before committing it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildQuotaChanges, type QuotaChangeSet } from '../../../src/emit/changes.js';
import { buildKueueObjects } from '../../../src/emit/targets/kueue.js';
import { buildManifests } from '../../../src/emit/manifests.js';
import { renderPrBody } from '../../../src/emit/pr-body.js';
import { buildTree, toMultiDocument, type EmittedFile } from '../../../src/emit/tree.js';
import { parseResourceList } from '../../../src/resources.js';
import { scenarioInventory, scenarioOptions, scenarioPlan, scenarioTeams } from './scenario.js';

const goldenRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'golden', 'emit');
const update = process.env.QUOTAPLAN_UPDATE_GOLDEN === '1';

function changes(): ReturnType<typeof buildQuotaChanges> {
  return buildQuotaChanges({ plan: scenarioPlan, teams: scenarioTeams, inventory: scenarioInventory, options: scenarioOptions });
}

/** Every ResourceQuota, Profile and LimitRange of a change set of the scenario, as files hold them. */
function fullManifests(changeSet: QuotaChangeSet): ReturnType<typeof buildManifests> {
  return buildManifests({ changes: changeSet, plan: scenarioPlan, inventory: scenarioInventory, mode: 'full' });
}

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(root);
  return out.sort();
}

function compareTree(name: string, files: EmittedFile[]): void {
  const root = join(goldenRoot, name);
  if (update) {
    rmSync(root, { recursive: true, force: true });
    for (const file of files) {
      mkdirSync(dirname(join(root, file.path)), { recursive: true });
      writeFileSync(join(root, file.path), file.content);
    }
  }
  assert.deepEqual(files.map((f) => f.path), filesUnder(root));
  for (const file of files) assert.equal(file.content, readFileSync(join(root, file.path), 'utf8'), file.path);
}

function compareFile(name: string, content: string): void {
  const path = join(goldenRoot, name);
  if (update) writeFileSync(path, content);
  assert.equal(content, readFileSync(path, 'utf8'));
}

describe('emit goldens', () => {
  it('writes the GitOps tree byte for byte as reviewed', () => {
    compareTree('gitops', buildTree(changes(), 'gitops', fullManifests(changes())));
  });

  it('writes the flat layout byte for byte as reviewed', () => {
    compareTree('flat', buildTree(changes(), 'flat', fullManifests(changes())));
  });

  it('writes the -o yaml stream byte for byte as reviewed', () => {
    compareFile('stream.yaml', toMultiDocument(fullManifests(changes())));
  });

  it('writes the PR body byte for byte as reviewed', () => {
    compareFile('pr-body.md', renderPrBody(changes()));
  });

  it('writes the --target kueue objects byte for byte as reviewed', () => {
    const kueue = buildKueueObjects({ plan: scenarioPlan, changes: changes(), inventory: scenarioInventory });
    compareFile('kueue.yaml', toMultiDocument(kueue.manifests));
  });
});

describe('re-emitting', () => {
  it('gives identical bytes for the same plan and snapshot', () => {
    assert.deepEqual(buildTree(changes(), 'gitops', fullManifests(changes())), buildTree(changes(), 'gitops', fullManifests(changes())));
    assert.equal(renderPrBody(changes()), renderPrBody(changes()));
  });

  it('gives identical manifests from a snapshot taken after the plan was applied, and no change in the PR body', () => {
    const before = changes();
    // The cluster after apply: every quota and Profile holds what the full manifests say.
    const applied = fullManifests(before);
    const hardOf = (kind: string, name: string, ns: string): Record<string, string> | undefined => {
      const m = applied.find((x) => x.kind === kind && x.name === name && x.namespace === ns);
      if (m === undefined) return undefined;
      const spec = m.object.spec as { hard?: Record<string, string>; resourceQuotaSpec?: { hard: Record<string, string> } };
      return spec.hard ?? spec.resourceQuotaSpec?.hard;
    };
    const after = {
      ...scenarioInventory,
      resourceQuotas: [
        ...scenarioInventory.resourceQuotas.filter((q) => q.name === 'kf-resource-quota'),
        ...applied
          .filter((m) => m.kind === 'ResourceQuota')
          .map((m) => {
            const hard = parseResourceList(hardOf('ResourceQuota', m.name, m.namespace) ?? {});
            return { namespace: m.namespace, name: m.name, hard, statusHard: hard, used: {}, scopes: [], scopeSelector: [] };
          }),
      ],
      profiles: scenarioInventory.profiles.map((p) => ({ ...p, hard: parseResourceList(hardOf('Profile', p.name, p.namespace) ?? {}) })),
    };
    const again = buildQuotaChanges({ plan: scenarioPlan, teams: scenarioTeams, inventory: after, options: scenarioOptions });
    assert.deepEqual(buildTree(again, 'gitops', fullManifests(again)), buildTree(before, 'gitops', fullManifests(before)));
    const changedKeys = again.teams.flatMap((t) =>
      t.namespaces.flatMap((ns) => ns.keys.filter((k) => k.previous === null || k.previous.nanos !== k.next.nanos)),
    );
    assert.deepEqual(changedKeys, []);
    assert.match(renderPrBody(again), /0 raised, 0 lowered, 0 new, 11 unchanged keys\./);
  });
});
