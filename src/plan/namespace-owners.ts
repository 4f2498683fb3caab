/**
 * Which leaf team owns each namespace: the one decision `plan`, the dashboard's what-if and `emit` all read, so
 * a namespace's use is never counted for two teams and its quota never written twice. A leaf claims namespaces by
 * name (`namespaces:`), through Kubeflow Profiles (`profiles:`, the namespace the Profile owns) or by labels
 * (`selector:`, matched against the cluster's namespaces). Two leaves claiming one namespace, in any two of these
 * ways, is refused (ValidationError, exit 2) naming the namespace and both teams with how each claims it.
 */
import { ValidationError } from '../errors.js';
import type { TeamMembers } from './teams-file.js';
import { compareText } from '../text-order.js';

/** A leaf team and how it claims namespaces (a team may have several claims; its namespaces are their union). */
export interface LeafClaim {
  /** Team path: `platform/fraud`. */
  team: string;
  members: TeamMembers;
  /** Where in the teams file (`teams[0].teams[1]`), for the error; absent when unknown. */
  where?: string;
}

/** The cluster facts ownership reads. */
export interface NamespaceFactsForOwnership {
  namespaces: readonly { name: string; labels: Readonly<Record<string, string>> }[];
  /** Kubeflow Profiles and the namespace each owns; a Profile the cluster lacks owns the namespace of its name. */
  profiles?: readonly { name: string; namespace: string }[];
}

export interface NamespaceOwnership {
  /** Namespaces of each leaf (sorted, no duplicates). */
  namespacesOf: ReadonlyMap<string, readonly string[]>;
  /** The leaf that owns each namespace. */
  ownerOf: ReadonlyMap<string, string>;
}

/**
 * Resolves every leaf's namespaces and checks that no namespace has two owners. `file` names the teams file in
 * the error (`teams.yaml: namespace ...`).
 */
export function namespaceOwnership(leaves: readonly LeafClaim[], cluster: NamespaceFactsForOwnership, file?: string): NamespaceOwnership {
  const profileNamespace = new Map((cluster.profiles ?? []).map((p) => [p.name, p.namespace]));
  const namespacesOf = new Map<string, string[]>();
  const ownerOf = new Map<string, LeafClaim>();
  for (const leaf of leaves) {
    // A team may come with several claims (emit's targets can list namespaces and profiles): their union.
    const names = [...new Set([...(namespacesOf.get(leaf.team) ?? []), ...resolve(leaf.members, cluster, profileNamespace)])].sort(compareText);
    namespacesOf.set(leaf.team, names);
    for (const ns of names) {
      const other = ownerOf.get(ns);
      if (other !== undefined && other.team !== leaf.team) {
        const prefix = file === undefined ? '' : `${file}: `;
        throw new ValidationError(
          `${prefix}namespace ${ns} is claimed by two teams: ${describeClaim(other)} and ${describeClaim(leaf)}; ` +
            'a namespace belongs to one team (its use would count twice and its quota be written twice)',
          { ...(file === undefined ? {} : { file }), field: leaf.where ?? `teams.${leaf.team}`, value: ns },
        );
      }
      ownerOf.set(ns, leaf);
    }
  }
  return { namespacesOf, ownerOf: new Map([...ownerOf].map(([ns, leaf]) => [ns, leaf.team])) };
}

function resolve(members: TeamMembers, cluster: NamespaceFactsForOwnership, profileNamespace: Map<string, string>): string[] {
  switch (members.kind) {
    case 'namespaces':
      return members.namespaces;
    case 'profiles':
      return members.profiles.map((profile) => profileNamespace.get(profile) ?? profile);
    case 'selector': {
      const wanted = Object.entries(members.selector);
      return cluster.namespaces.filter((ns) => wanted.every(([label, value]) => ns.labels[label] === value)).map((ns) => ns.name);
    }
  }
}

/** `ml/vision (selector team=vision, teams[1].teams[0])`. */
function describeClaim(leaf: LeafClaim): string {
  const how =
    leaf.members.kind === 'selector'
      ? `selector ${Object.entries(leaf.members.selector).map(([label, value]) => `${label}=${value}`).join(',')}`
      : leaf.members.kind;
  return `${leaf.team} (${how}${leaf.where === undefined ? '' : `, ${leaf.where}`})`;
}

