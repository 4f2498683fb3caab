/**
 * The quota change set: what a plan means for every namespace of every leaf team, computed once and printed by
 * every output (GitOps tree, flat files, `-o yaml`, PR body, `quotaplan apply`). Which object carries a
 * namespace's quota, and what it holds today, the emit targets say (targets/registry.ts: QUOTA_HOLDERS); its shape
 * is change-set.ts. Pure: no I/O, no clock.
 */
import type { Quantity } from '../quantity.js';
import { addQuantities, compareQuantities, formatQuantity, ZERO_QUANTITY } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { sortedNames } from '../resources.js';
import type { ClusterInventory, NamespaceFacts } from '../inventory/types.js';
import { InternalError, ValidationError } from '../errors.js';
import { namespaceOwnership, type LeafClaim } from '../plan/namespace-owners.js';
import type {
  KeyChange,
  NamespaceChange,
  PlanAllocationInput,
  PlanInput,
  QuotaChangeSet,
  QuotaHolderInput,
  QuotaHolding,
  TeamChange,
  TeamKeyChange,
  TeamTarget,
} from './change-set.js';
import { limitsKeyOf, requestsKeyOf, resourceOfKey, unenforcedReason } from './quota-keys.js';
import { splitQuota, splitUnitOf } from './split.js';
import type { EmitOptions } from './emit-options.js';
import type { Flag } from './flag.js';
import { limitRangeFor } from './limit-range.js';
import { QUOTA_HOLDERS } from './targets/registry.js';
import { compareText } from '../text-order.js';

export type { KeyChange, NamespaceChange, PlanAllocationInput, PlanInput, QuotaChangeSet, TeamKeyChange, TeamTarget } from './change-set.js';
export { MANAGED_BY_LABEL, MANAGER } from './change-set.js';

export interface BuildQuotaChangesInput {
  plan: PlanInput;
  teams: readonly TeamTarget[];
  inventory: ClusterInventory;
  options: EmitOptions;
}

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
    namespaceChanges.push(namespaceChange({ ns, owner, wanted, inventory, options, namespacesByName, flag }));
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
  flag: (f: Flag) => void;
}

/** One namespace: which object carries its quota (the registry's holders say), before/after per key, what is kept, its LimitRange, its flags. */
function namespaceChange(input: NamespaceChangeInput): NamespaceChange {
  const { ns, owner, wanted, inventory, options, flag } = input;
  const team = owner.team;
  const facts = input.namespacesByName.get(ns);
  const holding = holdingOf({ namespace: ns, owner, wanted, facts, inventory, options, flag });
  const { target, previous } = holding;

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

/** The first quota holder of the registry, by precedence, that carries the namespace's quota. */
function holdingOf(input: QuotaHolderInput): QuotaHolding {
  for (const holder of QUOTA_HOLDERS) {
    const holding = holder.holderOf(input);
    if (holding !== null) return holding;
  }
  throw new InternalError(`no emit target holds the quota of namespace ${input.namespace}`);
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

/** Quota keys that are another name for `requests.<key>` (core/v1 ResourceQuota: `cpu` = `requests.cpu`). */
const bareRequestKeys = new Set(['cpu', 'memory', 'ephemeral-storage']);

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

