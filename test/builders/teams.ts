/**
 * Small builders for planner tests: a teams file as the YAML would hold it (checked by the real parser) and
 * the few inventory facts the planner reads.
 *
 *   const file = teamsFile({ cycle: 'q' }, team('a').gpu({ demand: '4' }), team('b').weight(3));
 *   const plan = buildPlan({ teams: file, inventory: inventory({ 'nvidia.com/gpu': '10' }) });
 */
import type { PlanInventory } from '../../src/plan/plan.js';
import { teamsFileFromValue, type TeamsFile } from '../../src/plan/teams-file.js';
import { parseQuantity } from '../../src/quantity.js';
import type { ResourceList } from '../../src/resources.js';

export const GPU = 'nvidia.com/gpu';

export interface Bounds {
  demand?: string;
  guarantee?: string;
  cap?: string;
}

export interface RawTeamValue {
  name: string;
  weight?: number | string;
  namespaces?: string[];
  profiles?: string[];
  selector?: Record<string, string>;
  resources?: Record<string, Bounds | { flavors: Record<string, Bounds> }>;
  teams?: RawTeamValue[];
  limits?: unknown;
}

export class TeamBuilder {
  private readonly value: RawTeamValue;
  private readonly children: TeamBuilder[] = [];
  private members: Pick<RawTeamValue, 'namespaces' | 'profiles' | 'selector'> | null = null;

  constructor(name: string) {
    this.value = { name };
  }

  weight(weight: number | string): this {
    this.value.weight = weight;
    return this;
  }

  namespaces(...names: string[]): this {
    this.members = { namespaces: names };
    return this;
  }

  profiles(...names: string[]): this {
    this.members = { profiles: names };
    return this;
  }

  selector(labels: Record<string, string>): this {
    this.members = { selector: labels };
    return this;
  }

  resource(resource: string, bounds: Bounds = {}): this {
    this.value.resources = { ...this.value.resources, [resource]: bounds };
    return this;
  }

  gpu(bounds: Bounds = {}): this {
    return this.resource(GPU, bounds);
  }

  flavor(resource: string, flavor: string, bounds: Bounds = {}): this {
    const existing = this.value.resources?.[resource];
    const flavors = existing !== undefined && 'flavors' in existing ? existing.flavors : {};
    this.value.resources = { ...this.value.resources, [resource]: { flavors: { ...flavors, [flavor]: bounds } } };
    return this;
  }

  limits(limits: unknown): this {
    this.value.limits = limits;
    return this;
  }

  teams(...children: TeamBuilder[]): this {
    this.children.push(...children);
    return this;
  }

  /** The raw value; a leaf without members owns the namespace named after it. */
  build(): RawTeamValue {
    const out: RawTeamValue = { ...this.value };
    if (this.children.length > 0) out.teams = this.children.map((child) => child.build());
    else Object.assign(out, this.members ?? { namespaces: [this.value.name] });
    if (this.children.length > 0 && this.members !== null) Object.assign(out, this.members);
    return out;
  }
}

export function team(name: string): TeamBuilder {
  return new TeamBuilder(name);
}

export interface FileOptions {
  cycle?: string;
  policy?: 'max-min' | 'drf';
  surplus?: 'distribute' | 'hold';
  reserve?: Record<string, string | Record<string, string>>;
  granularity?: Record<string, string>;
}

export function teamsFileValue(options: FileOptions, ...teams: TeamBuilder[]): Record<string, unknown> {
  return { cycle: 'test', ...options, teams: teams.map((t) => t.build()) };
}

export function teamsFile(options: FileOptions, ...teams: TeamBuilder[]): TeamsFile {
  return teamsFileFromValue(teamsFileValue(options, ...teams), 'teams.yaml');
}

export interface InventoryOptions {
  byFlavor?: Record<string, Record<string, string>>;
  namespaces?: { name: string; labels?: Record<string, string>; requests?: Record<string, string> }[];
}

export function inventory(plannable: Record<string, string>, options: InventoryOptions = {}): PlanInventory {
  const byFlavor: Record<string, ResourceList> = {};
  for (const [resource, flavors] of Object.entries(options.byFlavor ?? {})) byFlavor[resource] = list(flavors);
  return {
    plannable: list(plannable),
    plannableByFlavor: byFlavor,
    namespaces: (options.namespaces ?? []).map((ns) => ({
      name: ns.name,
      labels: ns.labels ?? {},
      requests: list(ns.requests ?? {}),
    })),
  };
}

function list(raw: Record<string, string>): ResourceList {
  const out: ResourceList = {};
  for (const [name, text] of Object.entries(raw)) out[name] = parseQuantity(text);
  return out;
}
