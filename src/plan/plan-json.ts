/**
 * The plan's JSON form (docs/planning.md): canonical quantity strings, sorted keys and lists, nothing that
 * depends on when or where it was computed, so the same plan always gives the same bytes. planFromJson reads
 * it back (a stored plan is the previous plan of the next one).
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { addQuantities, formatQuantity, parseQuantity, type Quantity } from '../quantity.js';
import type { Allocation, Plan, PlanWarning, Pool, WarningKind } from './plan.js';
import { compareKeys } from '../text-order.js';

export interface AllocationJson {
  team: string;
  resource: string;
  flavor?: string;
  quota: string;
  guarantee: string;
  demand: string | null;
  cap: string | null;
  binding: Allocation['binding'];
  used: string | null;
  terminal: boolean;
  explanation: string;
}

export interface FlavorPoolJson {
  capacity: string;
  reserve: string;
  granularity: string;
  unallocated: string;
}

export interface PlanJson {
  cycle: string;
  policy: Plan['policy'];
  surplus: Plan['surplus'];
  capacity: Record<string, string>;
  reserve: Record<string, string>;
  granularity: Record<string, string>;
  unallocated: Record<string, string>;
  flavors: Record<string, Record<string, FlavorPoolJson>>;
  teams: { team: string; leaf: boolean; namespaces: string[] }[];
  allocations: AllocationJson[];
  warnings: { kind: WarningKind; team: string | null; resource: string | null; flavor: string | null; message: string }[];
}

export function planToJson(plan: Plan): PlanJson {
  const totals = (pick: (pool: Pool) => Quantity): Record<string, string> => {
    const sums = new Map<string, Quantity>();
    for (const pool of plan.pools) {
      const current = sums.get(pool.resource);
      sums.set(pool.resource, current === undefined ? pick(pool) : addQuantities(current, pick(pool)));
    }
    return Object.fromEntries([...sums].sort(compareKeys).map(([resource, q]) => [resource, formatQuantity(q)]));
  };
  const granularity: Record<string, string> = {};
  const flavors: Record<string, Record<string, FlavorPoolJson>> = {};
  for (const pool of plan.pools) {
    granularity[pool.resource] = formatQuantity(pool.granularity);
    if (pool.flavor === null) continue;
    (flavors[pool.resource] ??= {})[pool.flavor] = {
      capacity: formatQuantity(pool.capacity),
      reserve: formatQuantity(pool.reserve),
      granularity: formatQuantity(pool.granularity),
      unallocated: formatQuantity(pool.unallocated),
    };
  }
  return {
    cycle: plan.cycle,
    policy: plan.policy,
    surplus: plan.surplus,
    capacity: totals((pool) => pool.capacity),
    reserve: totals((pool) => pool.reserve),
    granularity: sortRecord(granularity),
    unallocated: totals((pool) => pool.unallocated),
    flavors: sortRecord(Object.fromEntries(Object.entries(flavors).map(([r, f]) => [r, sortRecord(f)]))),
    teams: plan.teams.map((team) => ({ team: team.team, leaf: team.leaf, namespaces: [...team.namespaces] })),
    allocations: plan.allocations.map((a) => ({
      team: a.team,
      resource: a.resource,
      ...(a.flavor === null ? {} : { flavor: a.flavor }),
      quota: formatQuantity(a.quota),
      guarantee: formatQuantity(a.guarantee),
      demand: a.demand === null ? null : formatQuantity(a.demand),
      cap: a.cap === null ? null : formatQuantity(a.cap),
      binding: a.binding,
      used: a.used === null ? null : formatQuantity(a.used),
      terminal: a.terminal,
      explanation: a.explanation,
    })),
    warnings: plan.warnings.map((w: PlanWarning) => ({
      kind: w.kind,
      team: w.team,
      resource: w.resource,
      flavor: w.flavor,
      message: w.message,
    })),
  };
}

/** The JSON text quotaplan prints and stores: two-space indented, trailing newline. */
export function planToJsonText(plan: Plan): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}

const quantity = z.string().refine((text) => {
  try {
    parseQuantity(text);
    return true;
  } catch {
    return false;
  }
}, 'not a quantity');
const flavorPool = z.object({ capacity: quantity, reserve: quantity, granularity: quantity, unallocated: quantity });
const planJsonShape = z.object({
  cycle: z.string(),
  policy: z.enum(['max-min', 'drf']),
  surplus: z.enum(['distribute', 'hold']),
  capacity: z.record(z.string(), quantity),
  reserve: z.record(z.string(), quantity),
  granularity: z.record(z.string(), quantity),
  unallocated: z.record(z.string(), quantity),
  flavors: z.record(z.string(), z.record(z.string(), flavorPool)),
  teams: z.array(z.object({ team: z.string(), leaf: z.boolean(), namespaces: z.array(z.string()) })),
  allocations: z.array(
    z.object({
      team: z.string(),
      resource: z.string(),
      flavor: z.string().optional(),
      quota: quantity,
      guarantee: quantity,
      demand: quantity.nullable(),
      cap: quantity.nullable(),
      binding: z.enum(['guarantee', 'demand', 'cap', 'share']),
      used: quantity.nullable(),
      terminal: z.boolean(),
      explanation: z.string(),
    }),
  ),
  warnings: z.array(
    z.object({
      kind: z.enum(['use-above-quota', 'flavor-split-unenforceable', 'alabama-paradox', 'unknown-flavor', 'unknown-resource', 'unused-reserve', 'team-without-namespaces', 'namespace-not-found']),
      team: z.string().nullable(),
      resource: z.string().nullable(),
      flavor: z.string().nullable(),
      message: z.string(),
    }),
  ),
});

/** Reads planToJson's output back into a Plan; `source` names where it came from in errors (`plan 12`). */
export function planFromJson(value: unknown, source: string): Plan {
  const parsed = planJsonShape.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = (issue?.path ?? []).map(String).join('.');
    throw new ValidationError(`${source}: not a quotaplan plan: ${field}: ${issue?.message ?? 'invalid'}`, {
      file: source,
      field,
    });
  }
  const json = parsed.data;
  const q = (text: string): Quantity => parseQuantity(text);
  const pools: Pool[] = [];
  for (const resource of Object.keys(json.granularity).sort()) {
    const flavors = json.flavors[resource];
    if (flavors === undefined) {
      pools.push({
        resource,
        flavor: null,
        capacity: q(json.capacity[resource] ?? '0'),
        reserve: q(json.reserve[resource] ?? '0'),
        granularity: q(json.granularity[resource] as string),
        unallocated: q(json.unallocated[resource] ?? '0'),
      });
      continue;
    }
    for (const flavor of Object.keys(flavors).sort()) {
      const pool = flavors[flavor] as z.infer<typeof flavorPool>;
      pools.push({
        resource,
        flavor,
        capacity: q(pool.capacity),
        reserve: q(pool.reserve),
        granularity: q(pool.granularity),
        unallocated: q(pool.unallocated),
      });
    }
  }
  return {
    cycle: json.cycle,
    policy: json.policy,
    surplus: json.surplus,
    pools,
    teams: json.teams,
    allocations: json.allocations.map((a) => ({
      team: a.team,
      resource: a.resource,
      flavor: a.flavor ?? null,
      quota: q(a.quota),
      guarantee: q(a.guarantee),
      demand: a.demand === null ? null : q(a.demand),
      cap: a.cap === null ? null : q(a.cap),
      binding: a.binding,
      explanation: a.explanation,
      used: a.used === null ? null : q(a.used),
      terminal: a.terminal,
    })),
    warnings: json.warnings,
  };
}

function sortRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(compareKeys));
}
