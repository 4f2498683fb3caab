/**
 * What the Plan and Teams pages show about teams: for each team and resource, the quota in force today, the
 * current use and the planned quota. Pure: the routes pass the plan and the inventory in.
 *
 * "In force today" for a set of namespaces is the sum over the namespaces of each namespace's effective limit:
 * the minimum over its ResourceQuotas (each one is enforced; domain.md section 2), or, with no ResourceQuota, the
 * hard of the Kubeflow Profile owning it. Only request keys count: `requests.<name>`, and bare `cpu` / `memory`
 * (which mean requests); `limits.*` and bare extended names are not what the planner divides.
 */
import type { ClusterInventory, NamespaceFacts } from '../inventory/types.js';
import type { Allocation, Plan } from '../plan/plan.js';
import { addQuantities, formatQuantity, minQuantity, subtractQuantities, ZERO_QUANTITY, type Quantity } from '../quantity.js';
import { compareKeys } from '../text-order.js';

const BARE_REQUEST_KEYS = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** The resource a quota key limits requests of, or null (limits, object counts, unenforced bare extended names). */
export function requestedResourceOfKey(key: string): string | null {
  if (key.startsWith('requests.')) return key.slice('requests.'.length);
  return BARE_REQUEST_KEYS.has(key) ? key : null;
}

/** Per namespace: resource -> the effective request limit in force. */
export function effectiveHardByNamespace(inventory: ClusterInventory): Map<string, Map<string, Quantity>> {
  const out = new Map<string, Map<string, Quantity>>();
  for (const quota of inventory.resourceQuotas) {
    // A scoped quota (PriorityClass, Terminating, ...) limits only some pods: it is not the namespace's limit.
    if (quota.scopes.length > 0 || quota.scopeSelector.length > 0) continue;
    const limits = out.get(quota.namespace) ?? new Map<string, Quantity>();
    for (const [key, amount] of Object.entries(quota.hard)) {
      const resource = requestedResourceOfKey(key);
      if (resource === null) continue;
      const existing = limits.get(resource);
      limits.set(resource, existing === undefined ? amount : minQuantity(existing, amount));
    }
    out.set(quota.namespace, limits);
  }
  for (const profile of inventory.profiles) {
    if (out.has(profile.namespace)) continue; // the profile controller's kf-resource-quota is already counted
    const limits = new Map<string, Quantity>();
    for (const [key, amount] of Object.entries(profile.hard)) {
      const resource = requestedResourceOfKey(key);
      if (resource !== null) limits.set(resource, amount);
    }
    out.set(profile.namespace, limits);
  }
  return out;
}

export interface TeamFigures {
  /** Effective quota in force today, summed over the team's namespaces that limit it; null when none does. */
  current: Quantity | null;
  /** Requests of the team's namespaces in the inventory. */
  used: Quantity;
  /** How many of the team's namespaces `current` covers (the others are not limited at all). */
  limitedNamespaces: number;
  /** Requests of the namespaces `current` covers: what is compared with it. */
  usedInLimited: Quantity;
  /** The part of `used` of pods not bound to a node yet (queued demand). */
  queued: Quantity;
}

export class TeamFigureReader {
  private readonly hard: Map<string, Map<string, Quantity>>;
  private readonly namespaces: Map<string, NamespaceFacts>;

  constructor(inventory: ClusterInventory) {
    this.hard = effectiveHardByNamespace(inventory);
    this.namespaces = new Map(inventory.namespaces.map((ns) => [ns.name, ns]));
  }

  figures(namespaces: readonly string[], resource: string): TeamFigures {
    let current: Quantity | null = null;
    let used: Quantity = ZERO_QUANTITY;
    let usedInLimited: Quantity = ZERO_QUANTITY;
    let queued: Quantity = ZERO_QUANTITY;
    let limitedNamespaces = 0;
    for (const namespace of namespaces) {
      const limit = this.hard.get(namespace)?.get(resource);
      const facts = this.namespaces.get(namespace);
      const request = facts?.requests[resource];
      if (limit !== undefined) {
        current = current === null ? limit : addQuantities(current, limit);
        limitedNamespaces += 1;
        if (request !== undefined) usedInLimited = addQuantities(usedInLimited, request);
      }
      if (request !== undefined) used = addQuantities(used, request);
      const waiting = facts?.queued?.requests[resource];
      if (waiting !== undefined) queued = addQuantities(queued, waiting);
    }
    return { current, used, limitedNamespaces, usedInLimited, queued };
  }

  /** Pods of these namespaces not bound to a node yet, by reason (sorted), and how many in all. */
  queuedPods(namespaces: readonly string[]): { pods: number; reasons: Record<string, number> } {
    let pods = 0;
    const reasons: Record<string, number> = {};
    for (const namespace of namespaces) {
      const queued = this.namespaces.get(namespace)?.queued;
      if (queued === undefined) continue;
      pods += queued.pods;
      for (const [reason, count] of Object.entries(queued.reasons)) reasons[reason] = (reasons[reason] ?? 0) + count;
    }
    return { pods, reasons: Object.fromEntries(Object.entries(reasons).sort(compareKeys)) };
  }
}

export interface PlanRowJson {
  team: string;
  /** Depth in the team tree (0 = top level). */
  depth: number;
  leaf: boolean;
  resource: string;
  flavor: string | null;
  /** In force today over the team's namespaces that limit it (null: none does, or per flavor, which a ResourceQuota cannot express). */
  current: string | null;
  /** The team's namespaces and how many of them `current` covers. */
  namespaces: number;
  limitedNamespaces: number;
  proposed: string;
  /** proposed - current; null when current is null or covers only some of the team's namespaces. */
  change: string | null;
  used: string | null;
  guarantee: string;
  demand: string | null;
  cap: string | null;
  binding: Allocation['binding'];
  explanation: string;
  terminal: boolean;
  /** Current use above the proposed quota. */
  overQuota: boolean;
  /** Numbers for drawing only (never fed back into quota arithmetic). */
  values: { current: number | null; proposed: number; used: number | null };
}

function namespacesByTeam(plan: Plan): Map<string, { namespaces: string[]; leaf: boolean }> {
  return new Map(plan.teams.map((team) => [team.team, { namespaces: team.namespaces, leaf: team.leaf }]));
}

/** One row per allocation of the plan, in the plan's order (team path, resource, flavor). */
export function planRows(plan: Plan, inventory: ClusterInventory): PlanRowJson[] {
  const reader = new TeamFigureReader(inventory);
  const teams = namespacesByTeam(plan);
  return plan.allocations.map((allocation): PlanRowJson => {
    const team = teams.get(allocation.team) ?? { namespaces: [], leaf: true };
    const figures = allocation.flavor === null ? reader.figures(team.namespaces, allocation.resource) : null;
    const current = figures?.current ?? null;
    const complete = figures !== null && figures.limitedNamespaces === team.namespaces.length;
    const used = allocation.used;
    return {
      team: allocation.team,
      depth: allocation.team.split('/').length - 1,
      leaf: team.leaf,
      resource: allocation.resource,
      flavor: allocation.flavor,
      current: current === null ? null : formatQuantity(current),
      namespaces: team.namespaces.length,
      limitedNamespaces: figures?.limitedNamespaces ?? 0,
      proposed: formatQuantity(allocation.quota),
      change: current === null || !complete ? null : formatQuantity(subtractQuantities(allocation.quota, current)),
      used: used === null ? null : formatQuantity(used),
      guarantee: formatQuantity(allocation.guarantee),
      demand: allocation.demand === null ? null : formatQuantity(allocation.demand),
      cap: allocation.cap === null ? null : formatQuantity(allocation.cap),
      binding: allocation.binding,
      explanation: allocation.explanation,
      terminal: allocation.terminal,
      overQuota: used !== null && used.nanos > allocation.quota.nanos,
      values: {
        current: current === null ? null : drawingNumber(current),
        proposed: drawingNumber(allocation.quota),
        used: used === null ? null : drawingNumber(used),
      },
    };
  });
}

export interface TeamResourceJson {
  resource: string;
  /** In force today over the team's namespaces that limit it; null when nothing limits it. */
  current: string | null;
  /** Namespaces of the team, and how many of them `current` covers. */
  namespaces: number;
  limitedNamespaces: number;
  /** Use in the covered namespaces above `current`. */
  overQuota: boolean;
  used: string;
  /** The part of `used` of pods not bound to a node yet (queued demand); `used - queued` runs on nodes. */
  queued: string;
  /** The plan's quota (summed over flavors); null when the plan gives this team none of it. */
  planned: string | null;
  /**
   * The approved plan's quota (the newest approved cycle's, summed over flavors; null without one or when it gives
   * the team none of this resource) and how the quota in force compares with it: `applied` (equal, on every
   * namespace of the team), `not-applied` (nothing in force), `differs` (another quota in force, or only on some of
   * the team's namespaces). Null when no cycle is approved, for parent teams (quotas are emitted for the leaves'
   * namespaces), and when neither the approved plan nor the cluster limits the resource.
   */
  approved: string | null;
  applied: 'applied' | 'not-applied' | 'differs' | null;
  /** Numbers for drawing bars only (never fed back into quota arithmetic). */
  values: { current: number | null; used: number; queued: number; planned: number | null };
}

export interface TeamNodeJson {
  team: string;
  name: string;
  leaf: boolean;
  namespaces: string[];
  /** Pods of the team's namespaces not bound to a node yet, and why they wait (reason -> pods). */
  queuedPods: number;
  queuedReasons: Record<string, number>;
  resources: TeamResourceJson[];
  teams: TeamNodeJson[];
}

/** A quantity as a plain number for drawing (bar lengths, chart points). */
export function drawingNumber(q: Quantity): number {
  return Number(q.nanos) / 1e9;
}

/** team -> resource -> the plan's quota summed over flavors. */
function quotasByTeam(plan: Plan): Map<string, Map<string, Quantity>> {
  const planned = new Map<string, Map<string, Quantity>>();
  for (const allocation of plan.allocations) {
    const byResource = planned.get(allocation.team) ?? new Map<string, Quantity>();
    const existing = byResource.get(allocation.resource);
    byResource.set(allocation.resource, existing === undefined ? allocation.quota : addQuantities(existing, allocation.quota));
    planned.set(allocation.team, byResource);
  }
  return planned;
}

/** How the quota in force compares with the approved plan's (see TeamResourceJson.applied). */
function appliedState(approved: Quantity | null, figures: TeamFigures, namespaces: number): TeamResourceJson['applied'] {
  // No ResourceQuota is no limit at all, which no approved quota (not even 0) is.
  if (figures.current === null) return approved === null ? null : 'not-applied';
  if (approved === null) return 'differs';
  return figures.limitedNamespaces === namespaces && figures.current.nanos === approved.nanos ? 'applied' : 'differs';
}

/**
 * The team tree of a plan with, per resource the team shares in, today's quota, use (and the queued part of it)
 * and the planned quota; with `approved` (the newest approved cycle's plan), its quota and whether it is in force.
 */
export function teamTree(plan: Plan, inventory: ClusterInventory, approvedPlan: Plan | null = null): TeamNodeJson[] {
  const reader = new TeamFigureReader(inventory);
  const planned = quotasByTeam(plan);
  const approved = approvedPlan === null ? null : quotasByTeam(approvedPlan);
  const nodes = new Map<string, TeamNodeJson>();
  const roots: TeamNodeJson[] = [];
  for (const team of plan.teams) {
    const resources = [...(planned.get(team.team) ?? new Map<string, Quantity>()).entries()]
      .sort(compareKeys)
      .map(([resource, quota]): TeamResourceJson => {
        const figures = reader.figures(team.namespaces, resource);
        const { current, used, limitedNamespaces, usedInLimited, queued } = figures;
        const approvedQuota = approved === null ? null : (approved.get(team.team)?.get(resource) ?? null);
        return {
          resource,
          current: current === null ? null : formatQuantity(current),
          namespaces: team.namespaces.length,
          limitedNamespaces,
          overQuota: current !== null && usedInLimited.nanos > current.nanos,
          used: formatQuantity(used),
          queued: formatQuantity(queued),
          planned: formatQuantity(quota),
          approved: approvedQuota === null ? null : formatQuantity(approvedQuota),
          applied: approved === null || !team.leaf ? null : appliedState(approvedQuota, figures, team.namespaces.length),
          values: {
            current: current === null ? null : drawingNumber(current),
            used: drawingNumber(used),
            queued: drawingNumber(queued),
            planned: drawingNumber(quota),
          },
        };
      });
    const name = team.team.split('/').pop() ?? team.team;
    const waiting = reader.queuedPods(team.namespaces);
    const node: TeamNodeJson = {
      team: team.team,
      name,
      leaf: team.leaf,
      namespaces: [...team.namespaces],
      queuedPods: waiting.pods,
      queuedReasons: waiting.reasons,
      resources,
      teams: [],
    };
    nodes.set(team.team, node);
    const parentPath = team.team.includes('/') ? team.team.slice(0, team.team.lastIndexOf('/')) : null;
    const parent = parentPath === null ? undefined : nodes.get(parentPath);
    if (parent === undefined) roots.push(node);
    else parent.teams.push(node);
  }
  return roots;
}
