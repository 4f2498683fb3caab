/**
 * The quota change set: what a plan means for every namespace of every leaf team, computed once and printed by
 * every output (GitOps tree, flat files, `-o yaml`, PR body, `quotaplan apply`). Pure: no I/O, no clock.
 */
import type { Quantity } from '../quantity.js';
import { addQuantities, compareQuantities, formatQuantity, ZERO_QUANTITY } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { sortedNames } from '../resources.js';
import type { ClusterInventory, NamespaceFacts, ResourceQuotaFacts } from '../inventory/types.js';
import { ValidationError } from '../errors.js';
import { namespaceOwnership, type LeafClaim } from '../plan/namespace-owners.js';
import { limitsKeyOf, requestsKeyOf, resourceOfKey, unenforcedReason } from './quota-keys.js';
import { splitQuota, splitUnitOf } from './split.js';
import type { EmitOptions } from './emit-options.js';
import type { Flag } from './flag.js';
import { limitRangeFor, type LimitRangeChange, type LimitRangeSettings } from './limit-range.js';
import { compareKeys, compareText } from '../text-order.js';

export type { LimitRangeChange, LimitRangeSettings } from './limit-range.js';

/** One allocation of the plan, as `src/plan` produces it. */
export interface PlanAllocationInput {
  team: string;
  resource: string;
  flavor?: string | null | undefined;
  quota: Quantity;
  /** True when this quota is the one enforced on namespaces (no sub-team shares in the resource). */
  terminal?: boolean | undefined;
  /** The effective guarantee and cap (src/plan); read by the scheduler targets' lending and borrowing limits. */
  guarantee?: Quantity | undefined;
  cap?: Quantity | null | undefined;
}

export type PlanWarningInput = string | { message: string };

/** The parts of a plan that emitting reads. */
export interface PlanInput {
  cycle: string;
  allocations: readonly PlanAllocationInput[];
  warnings: readonly PlanWarningInput[];
}

/** A leaf team and where its quota goes. Built from the teams file by `targetsFromTeams`. */
export interface TeamTarget {
  /** Team path as the plan names it: `platform/fraud`. */
  team: string;
  namespaces?: readonly string[];
  profiles?: readonly string[];
  /** Namespaces whose labels include all of these. */
  selector?: Readonly<Record<string, string>>;
  /** Name of the ResourceQuota to write in plain namespaces (default: see `quotaNameFor`). */
  quotaName?: string;
  /** How to split the team's quota across its namespaces: weight per namespace (default: current use). */
  split?: Readonly<Record<string, bigint>>;
  /** Resources whose limits are quota'd too (`limits.cpu` = the requests quota). Only cpu, memory, storage. */
  limits?: readonly string[];
  limitRange?: LimitRangeSettings;
}

export interface BuildQuotaChangesInput {
  plan: PlanInput;
  teams: readonly TeamTarget[];
  inventory: ClusterInventory;
  options: EmitOptions;
}

/** One quota key of one namespace: before, after, and what is in use now. */
export interface KeyChange {
  key: string;
  /** spec.hard before (null when the key is not set today). */
  previous: Quantity | null;
  next: Quantity;
  /** Current requests in the namespace (null when the inventory cannot tell, e.g. limits). */
  used: Quantity | null;
}

export type QuotaTarget =
  | { kind: 'ResourceQuota'; name: string; exists: boolean }
  /** A Kubeflow Profile: its `spec.resourceQuotaSpec.hard`, never `kf-resource-quota` (the controller reverts it). */
  | { kind: 'Profile'; name: string; exists: boolean };

export interface NamespaceChange {
  namespace: string;
  team: string;
  target: QuotaTarget;
  /** Keys quotaplan sets, sorted. */
  keys: KeyChange[];
  /** Keys of the existing quota quotaplan does not manage, kept as they are (sorted). */
  preserved: ResourceList;
  limitRange: LimitRangeChange | null;
}

/** Per team and key: the sums over the team's namespaces. */
export interface TeamKeyChange {
  key: string;
  previous: Quantity | null;
  next: Quantity;
  used: Quantity | null;
}

export interface TeamChange {
  team: string;
  namespaces: NamespaceChange[];
  keys: TeamKeyChange[];
  flags: Flag[];
}

export interface QuotaChangeSet {
  cluster: string;
  cycle: string;
  planId: string;
  /** Sorted by team path. */
  teams: TeamChange[];
  planWarnings: string[];
}

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGER = 'quotaplan';
export const DEFAULT_QUOTA_NAME = 'quotaplan';

/**
 * Builds the change set. A quota is written where the plan says it is enforced: allocations marked `terminal`
 * (no sub-team shares in that resource), or, when the plan does not say, those of leaf teams. A leaf's quota is
 * split across its namespaces; a parent's terminal quota across all its leaves' namespaces, by current use.
 * Throws ValidationError when a namespace belongs to two teams.
 */
export function buildQuotaChanges(input: BuildQuotaChangesInput): QuotaChangeSet {
  const { plan, inventory, options } = input;
  const targets = [...input.teams].sort((a, b) => compareText(a.team, b.team));
  const targetsByTeam = new Map(targets.map((t) => [t.team, t]));
  const namespacesByName = new Map(inventory.namespaces.map((ns) => [ns.name, ns]));
  const profilesByNamespace = new Map(inventory.profiles.map((p) => [p.namespace, p]));
  const owners = namespaceOwners(targets, inventory);

  const flagsOf = new Map<string, Flag[]>();
  const flag = (f: Flag): void => {
    const list = flagsOf.get(f.team) ?? [];
    list.push(f);
    flagsOf.set(f.team, list);
  };
  const written = writtenAllocations(plan.allocations, targetsByTeam);
  const desired = desiredQuotas({ written, targetsByTeam, namespacesOf: owners.namespacesOf, namespacesByName, flag });

  const namespaceChanges: NamespaceChange[] = [];
  for (const ns of [...desired.keys()].sort(compareText)) {
    const owner = owners.ownerOf.get(ns) as TeamTarget;
    const wanted = new Map([...(desired.get(ns) as DesiredKeys)].map(([key, value]) => [key, value.quota]));
    namespaceChanges.push(namespaceChange({ ns, owner, wanted, inventory, options, namespacesByName, profilesByNamespace, flag }));
  }

  const teams: TeamChange[] = [];
  for (const team of [...new Set([...targetsByTeam.keys(), ...written.keys()])].sort(compareText)) {
    const isLeaf = targetsByTeam.has(team);
    // The parts of this team's own allocations, wherever they landed (a parent's land in its leaves' namespaces).
    const parts = namespaceChanges.flatMap((ns) => ns.keys.filter((k) => desired.get(ns.namespace)?.get(k.key)?.team === team));
    if (!isLeaf && parts.length === 0 && !flagsOf.has(team)) continue;
    const owned = isLeaf ? namespaceChanges.filter((ns) => ns.team === team) : [];
    teams.push({ team, namespaces: owned, keys: sumKeys(parts), flags: flagsOf.get(team) ?? [] });
  }

  return {
    cluster: options.cluster,
    cycle: plan.cycle,
    planId: options.planId,
    teams,
    planWarnings: plan.warnings.map((w) => (typeof w === 'string' ? w : w.message)),
  };
}

/**
 * Which leaf owns each namespace (src/plan/namespace-owners.ts, the rule `plan` applied), and the namespaces of
 * any team (a parent's: all its leaves'). Throws ValidationError when a namespace belongs to two leaves.
 */
function namespaceOwners(
  targets: readonly TeamTarget[],
  inventory: ClusterInventory,
): { ownerOf: Map<string, TeamTarget>; namespacesOf: (team: string) => string[] } {
  const claims: LeafClaim[] = [];
  for (const target of targets) {
    if (target.namespaces !== undefined) claims.push({ team: target.team, members: { kind: 'namespaces', namespaces: [...target.namespaces] } });
    if (target.profiles !== undefined) claims.push({ team: target.team, members: { kind: 'profiles', profiles: [...target.profiles] } });
    if (target.selector !== undefined) claims.push({ team: target.team, members: { kind: 'selector', selector: { ...target.selector } } });
  }
  const ownership = namespaceOwnership(claims, inventory);
  const targetByTeam = new Map(targets.map((t) => [t.team, t]));
  const ownerOf = new Map([...ownership.ownerOf].map(([ns, team]) => [ns, targetByTeam.get(team) as TeamTarget]));
  const ofLeaf = (team: string): string[] => [...(ownership.namespacesOf.get(team) ?? [])];
  const namespacesOf = (team: string): string[] =>
    targetByTeam.has(team) ? ofLeaf(team) : targets.filter((t) => t.team.startsWith(`${team}/`)).flatMap((t) => ofLeaf(t.team)).sort(compareText);
  return { ownerOf, namespacesOf };
}

/** The allocations enforced on namespaces, per team: `terminal` ones, or (when the plan does not say) leaves'. */
function writtenAllocations(
  allocations: readonly PlanAllocationInput[],
  targetsByTeam: Map<string, TeamTarget>,
): Map<string, PlanAllocationInput[]> {
  const out = new Map<string, PlanAllocationInput[]>();
  for (const allocation of allocations) {
    if (!(allocation.terminal ?? targetsByTeam.has(allocation.team))) continue;
    const list = out.get(allocation.team) ?? [];
    list.push(allocation);
    out.set(allocation.team, list);
  }
  return out;
}

/** Per quota key of one namespace: the quota and the team whose allocation it is. */
type DesiredKeys = Map<string, { quota: Quantity; team: string }>;

interface DesiredQuotasInput {
  written: Map<string, PlanAllocationInput[]>;
  targetsByTeam: Map<string, TeamTarget>;
  namespacesOf: (team: string) => string[];
  namespacesByName: Map<string, NamespaceFacts>;
  flag: (f: Flag) => void;
}

/** Each written team's quota per resource, split across its namespaces: namespace -> key -> quota. */
function desiredQuotas(input: DesiredQuotasInput): Map<string, DesiredKeys> {
  const { flag } = input;
  const desired = new Map<string, DesiredKeys>();
  for (const team of [...input.written.keys()].sort(compareText)) {
    const target = input.targetsByTeam.get(team);
    const totals = teamTotals(input.written.get(team) as PlanAllocationInput[]);
    for (const [resource, flavors] of totals.flavors) {
      if (flavors.size < 2) continue;
      flag({
        kind: 'flavor-not-enforceable',
        team,
        key: requestsKeyOf(resource),
        message:
          `${team}: ${resource} is planned per model (${[...flavors].sort(compareText).join(', ')}) but a ResourceQuota ` +
          `counts only ${requestsKeyOf(resource)}; the sum is written, per-model limits need --target kueue`,
      });
    }
    const namespaces = input.namespacesOf(team);
    if (namespaces.length === 0) {
      flag({ kind: 'team-without-namespaces', team, message: `${team} has quota in the plan but no namespace: nothing is written for it` });
      continue;
    }
    for (const resource of [...totals.quota.keys()].sort(compareText)) {
      const total = totals.quota.get(resource) as Quantity;
      const parts = namespaces.map((ns) => ({
        namespace: ns,
        weight: target?.split !== undefined ? (target.split[ns] ?? 0n) : useOf(input.namespacesByName.get(ns), resource),
      }));
      const keys = [requestsKeyOf(resource)];
      const limitsKey = target?.limits?.includes(resource) ? limitsKeyOf(resource) : null;
      if (limitsKey !== null) keys.push(limitsKey);
      const split = splitQuota({ total, parts, unitNanos: splitUnitOf(resource, total) });
      for (const [ns, quota] of split) {
        if (quota.nanos !== 0n || total.nanos === 0n) continue;
        flag({
          kind: 'zero-share',
          team,
          namespace: ns,
          key: requestsKeyOf(resource),
          message:
            `${ns}: gets 0 of ${team}'s ${formatQuantity(total)} ${resource} ` +
            `(${target?.split !== undefined ? 'its namespaceWeights' : 'split by current use, and it uses none'}); ` +
            'pods there asking for it are rejected',
        });
      }
      for (const [ns, quota] of split) {
        const wanted = desired.get(ns) ?? new Map();
        desired.set(ns, wanted);
        for (const key of keys) {
          const taken = wanted.get(key);
          if (taken !== undefined) {
            throw new ValidationError(`namespace ${ns}: ${key} is planned for both ${taken.team} and ${team}`, { field: `teams.${team}`, value: key });
          }
          wanted.set(key, { quota, team });
        }
      }
    }
  }
  return desired;
}

interface NamespaceChangeInput {
  ns: string;
  owner: TeamTarget;
  wanted: Map<string, Quantity>;
  inventory: ClusterInventory;
  options: EmitOptions;
  namespacesByName: Map<string, NamespaceFacts>;
  profilesByNamespace: Map<string, ClusterInventory['profiles'][number]>;
  flag: (f: Flag) => void;
}

/** One namespace: which object carries its quota, before/after per key, what is kept, its LimitRange, its flags. */
function namespaceChange(input: NamespaceChangeInput): NamespaceChange {
  const { ns, owner, wanted, inventory, options, flag } = input;
  const team = owner.team;
  const facts = input.namespacesByName.get(ns);
  const profile = input.profilesByNamespace.get(ns);
  const isProfile = profile !== undefined || (owner.profiles ?? []).includes(ns);
  if (isProfile && profile === undefined) {
    flag({ kind: 'profile-not-found', team, namespace: ns, message: `${ns}: Profile ${ns} is not in the snapshot; the patch fails until it exists` });
  } else if (!isProfile && facts === undefined) {
    flag({ kind: 'namespace-not-found', team, namespace: ns, message: `${ns}: namespace is not in the snapshot; applying fails until it exists` });
  }
  const quotas = inventory.resourceQuotas.filter((q) => q.namespace === ns);
  let target: QuotaTarget;
  let previous: ResourceList;
  if (isProfile) {
    target = { kind: 'Profile', name: profile?.name ?? ns, exists: profile !== undefined };
    previous = profile?.hard ?? {};
  } else {
    const managed = managedQuotaOf(quotas, [...wanted.keys()], owner.quotaName ?? options.quotaName ?? null, options.defaultQuotaName);
    target = { kind: 'ResourceQuota', name: managed.name, exists: managed.existing !== undefined };
    previous = managed.existing?.hard ?? {};
    for (const other of quotas) {
      if (other.name === managed.name || isScoped(other)) continue;
      for (const [key, next] of [...wanted].sort(compareKeys)) {
        const hard = other.hard[key];
        if (hard !== undefined && compareQuantities(hard, next) < 0) {
          flag({
            kind: 'other-quota-limits',
            team,
            namespace: ns,
            key,
            message:
              `${ns}: ResourceQuota ${other.name} also sets ${key}: ${formatQuantity(hard)}, below the new ` +
              `${formatQuantity(next)}; the lower limit is the one enforced`,
          });
        }
      }
    }
  }

  const keys: KeyChange[] = [...wanted.keys()].sort(compareText).map((key) => ({
    key,
    previous: previous[key] ?? null,
    next: wanted.get(key) as Quantity,
    used: usedOfKey(facts, key),
  }));
  const preserved: ResourceList = {};
  for (const key of sortedNames(previous)) {
    if (!wanted.has(key)) preserved[key] = previous[key] as Quantity;
  }
  for (const key of sortedNames(previous)) {
    const unenforced = unenforcedReason(key);
    if (unenforced === null) continue;
    flag({
      kind: 'unenforced-key',
      team,
      namespace: ns,
      key,
      message: `${ns}: ${unenforced.reason} (${target.kind} ${target.name}); ${unenforced.use} is the key that is`,
    });
  }
  // A bare `cpu` / `memory` / `ephemeral-storage` key counts the same requests as `requests.<name>`: both bind.
  for (const change of keys) {
    const bare = change.key.startsWith('requests.') ? change.key.slice('requests.'.length) : null;
    const kept = bare !== null && bareRequestKeys.has(bare) ? preserved[bare] : undefined;
    if (kept === undefined || compareQuantities(kept, change.next) >= 0) continue;
    flag({
      kind: 'synonym-key',
      team,
      namespace: ns,
      key: bare as string,
      message:
        `${ns}: ${target.kind} ${target.name} keeps ${bare}: ${formatQuantity(kept)}, which counts the same requests as ` +
        `${change.key} and is below the new ${formatQuantity(change.next)}; the lower limit is the one enforced`,
    });
  }
  for (const change of keys) {
    if (change.used !== null && compareQuantities(change.used, change.next) > 0) {
      flag({
        kind: 'use-above-quota',
        team,
        namespace: ns,
        key: change.key,
        message:
          `${ns}: ${change.key} in use ${formatQuantity(change.used)} is above the new quota ` +
          `${formatQuantity(change.next)}; running pods stay, new ones are rejected until use falls`,
      });
    }
  }

  const limitRange = limitRangeFor({
    namespace: ns,
    team,
    hardKeys: [...wanted.keys(), ...Object.keys(preserved)],
    settings: owner.limitRange,
    existing: inventory.limitRanges.filter((lr) => lr.namespace === ns),
    options,
    flag,
  });
  return { namespace: ns, team, target, keys, preserved, limitRange };
}

/** The team's quota per resource (flavors summed) and which flavors each resource had. */
function teamTotals(allocations: readonly PlanAllocationInput[]): { quota: Map<string, Quantity>; flavors: Map<string, Set<string>> } {
  const quota = new Map<string, Quantity>();
  const flavors = new Map<string, Set<string>>();
  for (const allocation of allocations) {
    const existing = quota.get(allocation.resource);
    quota.set(allocation.resource, existing === undefined ? allocation.quota : addQuantities(existing, allocation.quota));
    if (allocation.flavor !== undefined && allocation.flavor !== null) {
      const set = flavors.get(allocation.resource) ?? new Set<string>();
      set.add(allocation.flavor);
      flavors.set(allocation.resource, set);
    }
  }
  return { quota, flavors };
}

/** Current requests of `resource` in the namespace, in nanos (0 when absent). */
function useOf(facts: NamespaceFacts | undefined, resource: string): bigint {
  return facts?.requests[resource]?.nanos ?? 0n;
}

function usedOfKey(facts: NamespaceFacts | undefined, key: string): Quantity | null {
  if (facts === undefined || key.startsWith('limits.')) return null;
  const resource = resourceOfKey(key);
  if (resource === null) return null;
  // A namespace in the snapshot with no requests of the resource uses none of it.
  return facts.requests[resource] ?? ZERO_QUANTITY;
}

/**
 * The ResourceQuota quotaplan writes in a plain namespace: the team's configured name; else the quota already
 * labelled managed-by quotaplan; else the one unscoped quota already holding a key quotaplan sets (so the old limit
 * does not keep binding beside the new one; first by name when several); else the default name.
 */
export function managedQuotaOf(
  quotas: readonly ResourceQuotaFacts[],
  keys: readonly string[],
  configured: string | null,
  fallback: string | undefined,
): { name: string; existing: ResourceQuotaFacts | undefined } {
  const byName = [...quotas].sort((a, b) => compareText(a.name, b.name));
  const pick = (name: string): { name: string; existing: ResourceQuotaFacts | undefined } => ({
    name,
    existing: byName.find((q) => q.name === name),
  });
  if (configured !== null) return pick(configured);
  const fallbackName = fallback ?? DEFAULT_QUOTA_NAME;
  const own = byName.find((q) => q.name === fallbackName);
  if (own !== undefined) return { name: own.name, existing: own };
  const holding = byName.find((q) => !isScoped(q) && keys.some((key) => q.hard[key] !== undefined));
  if (holding !== undefined) return { name: holding.name, existing: holding };
  return pick(fallbackName);
}

/** Quota keys that are another name for `requests.<key>` (core/v1 ResourceQuota: `cpu` = `requests.cpu`). */
const bareRequestKeys = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isScoped(quota: ResourceQuotaFacts): boolean {
  return quota.scopes.length > 0 || quota.scopeSelector.length > 0;
}

/** Sums per key; previous/used stay null only when no part had a value. */
function sumKeys(parts: readonly KeyChange[]): TeamKeyChange[] {
  const byKey = new Map<string, TeamKeyChange>();
  for (const change of parts) {
    const current = byKey.get(change.key);
    if (current === undefined) {
      byKey.set(change.key, { ...change });
      continue;
    }
    current.next = addQuantities(current.next, change.next);
    current.previous = addNullable(current.previous, change.previous);
    current.used = addNullable(current.used, change.used);
  }
  return [...byKey.values()].sort((a, b) => compareText(a.key, b.key));
}

function addNullable(a: Quantity | null, b: Quantity | null): Quantity | null {
  if (a === null) return b;
  if (b === null) return a;
  return addQuantities(a, b);
}

