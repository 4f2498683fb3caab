/**
 * Target Profile patch: a Kubeflow Profile's namespace gets its quota through the Profile, so quotaplan writes a
 * partial Profile, only `spec.resourceQuotaSpec.hard`, applied server-side so the rest of the Profile stays as it is.
 * It holds the quota of a namespace a Profile owns in the snapshot, or that the team names among its `profiles`
 * (never `kf-resource-quota`: the Profile controller reverts edits of it).
 */
import type { ClusterInventory } from '../../inventory/types.js';
import type { QuotaHolder } from '../change-set.js';
import { quotaManifests } from './resource-quota.js';
import type { EmitTarget, EmittedKind } from './target.js';

const kind: EmittedKind = { kind: 'Profile', apiVersion: 'kubeflow.org/v1', resource: 'profiles', namespaced: false, folder: 'profiles', order: 2 };

/** Profiles by the namespace they own, once per inventory (the last one listed, as a Map built from the list keeps). */
const profilesOf = new WeakMap<ClusterInventory, Map<string, ClusterInventory['profiles'][number]>>();

const holder: QuotaHolder = {
  precedence: 10,
  holderOf: ({ namespace: ns, owner, inventory, flag }) => {
    let byNamespace = profilesOf.get(inventory);
    if (byNamespace === undefined) profilesOf.set(inventory, (byNamespace = new Map(inventory.profiles.map((p) => [p.namespace, p]))));
    const profile = byNamespace.get(ns);
    if (profile === undefined && !(owner.profiles ?? []).includes(ns)) return null;
    if (profile === undefined) {
      flag({ kind: 'profile-not-found', team: owner.team, namespace: ns, message: `${ns}: Profile ${ns} is not in the snapshot; the patch fails until it exists` });
    }
    return { target: { kind: 'Profile', name: profile?.name ?? ns, exists: profile !== undefined }, previous: profile?.hard ?? {} };
  },
};

export const profileTarget: EmitTarget = {
  name: 'Profile patch',
  choice: 'resourcequota',
  kinds: [kind],
  quotaHolder: holder,
  emit: ({ changes, mode }) => ({ manifests: quotaManifests(changes, mode, kind, (hard) => ({ resourceQuotaSpec: { hard } })), flags: [] }),
};
