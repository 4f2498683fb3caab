/**
 * The teams file: who shares the cluster, with what weight, asking for what. Parsed from YAML text (the caller
 * reads the file), checked for shape with zod, then for meaning here. Every error names the file, the path in
 * it (`teams[1].teams[0].resources.nvidia.com/gpu.cap`) and the value. Format: docs/planning.md.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { aliasProblem, MAX_ALIAS_COUNT } from '../yaml-limits.js';
import { quoted } from '../terminal-text.js';
import { followsRule, nameProblem, type NameRule } from '../kube-names.js';
import { formatPath } from '../inventory/objects.js';
import { compareQuantities, formatQuantity, parseQuantity, QuantityError, type Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { parseDecimal, type Rational } from '../rational.js';
import type { SurplusPolicy } from './divide-level.js';
import { compareKeys } from '../text-order.js';

export type FairnessPolicy = 'max-min' | 'drf';

/** demand absent = unlimited, guarantee absent = 0, cap absent = none. */
export interface ResourceRequest {
  resource: string;
  /** GPU model (inventory `plannableByFlavor` key) when the resource is planned per flavor; else null. */
  flavor: string | null;
  demand: Quantity | null;
  guarantee: Quantity | null;
  cap: Quantity | null;
  /** Path in the file, e.g. `teams[0].resources.nvidia.com/gpu.flavors.H100`. */
  where: string;
  /**
   * A fleet teams file's bounds per cluster (`clusters:`, read only by `quotaplan fleet plan`, docs/fleet.md); the
   * request's own demand, guarantee and cap are then absent. Sorted by cluster.
   */
  clusters?: ClusterBounds[];
}

/** One cluster's demand, guarantee and cap of a resource in a fleet teams file. */
export interface ClusterBounds {
  cluster: string;
  demand: Quantity | null;
  guarantee: Quantity | null;
  cap: Quantity | null;
  where: string;
}

export type TeamMembers =
  | { kind: 'namespaces'; namespaces: string[] }
  | { kind: 'profiles'; profiles: string[] }
  | { kind: 'selector'; selector: Record<string, string> };

/** Carried for the emitter (LimitRange and quota limits); the planner does not read them. */
export interface TeamLimits {
  /** Resources whose quota is also set as `limits.<resource>` (cpu, memory). */
  quota: string[];
  /** LimitRange `type: Pod` max. */
  perPod: ResourceList;
  /** LimitRange `type: Container` max, default and defaultRequest. */
  perContainer: { max: ResourceList; default: ResourceList; defaultRequest: ResourceList };
}

export interface TeamSpec {
  name: string;
  /** Names from the top joined with `/`: `platform/fraud`. */
  path: string;
  /** Where in the file: `teams[0].teams[1]`. */
  where: string;
  weight: Rational;
  /** Leaves only; null for parents. */
  members: TeamMembers | null;
  /** Sorted by resource, then flavor. */
  resources: ResourceRequest[];
  limits: TeamLimits | null;
  /** How a leaf's quota is split across its namespaces (for the emitter); null = by current use. */
  namespaceWeights: Record<string, number> | null;
  teams: TeamSpec[];
}

export interface Reserve {
  resource: string;
  flavor: string | null;
  amount: Quantity;
}

export interface TeamsFile {
  /** The file name errors name. */
  file: string;
  cycle: string;
  policy: FairnessPolicy;
  surplus: SurplusPolicy;
  /** Sorted by resource, then flavor. */
  reserve: Reserve[];
  /** Only what the file sets; granularityOf() supplies the default. */
  granularity: ResourceList;
  teams: TeamSpec[];
}

const QUANTITY_HINT = 'expected a quantity such as "8", "500m" or "32Gi"';
const quantityText = z.union([z.string(), z.number()], { error: QUANTITY_HINT });

/** A Kubernetes name the file gives (docs/planning.md "What quotaplan refuses"); the message is the rule broken. */
function kubeName(rule: NameRule): z.ZodString {
  return z.string().refine((value) => followsRule(rule, value), { error: (issue) => nameProblem(rule, String(issue.input)) ?? '' });
}
/** Namespaces and Profiles (a Profile owns the namespace of its name). */
const namespaceName = kubeName('dns1123-label');
/** `cpu`, `nvidia.com/gpu`: qualified names, as the API validates resource names. */
const resourceName = kubeName('qualified-name');
const quantityMap = z.record(resourceName, quantityText);
const bounds = {
  demand: quantityText.optional(),
  guarantee: quantityText.optional(),
  cap: quantityText.optional(),
};
/** A cluster as the store names it (`--cluster`): non-empty, no surrounding spaces or control characters. */
// eslint-disable-next-line no-control-regex
const clusterKey = z.string().refine((name) => name !== '' && name.trim() === name && !/[\u0000-\u001f\u007f]/.test(name), {
  error: 'expected a cluster name: non-empty, without surrounding spaces or control characters',
});
const resourceEntry = z.strictObject({
  ...bounds,
  flavors: z.record(z.string(), z.strictObject(bounds)).optional(),
  clusters: z.record(clusterKey, z.strictObject(bounds)).optional(),
});
const limitsEntry = z.strictObject({
  quota: z.array(resourceName).optional(),
  perPod: z.strictObject({ max: quantityMap.optional() }).optional(),
  perContainer: z
    .strictObject({ max: quantityMap.optional(), default: quantityMap.optional(), defaultRequest: quantityMap.optional() })
    .optional(),
});

interface RawTeam {
  name: string;
  weight?: number | string | undefined;
  namespaces?: string[] | undefined;
  profiles?: string[] | undefined;
  selector?: Record<string, string> | undefined;
  resources?: Record<string, z.infer<typeof resourceEntry>> | undefined;
  limits?: z.infer<typeof limitsEntry> | undefined;
  namespaceWeights?: Record<string, number> | undefined;
  teams?: RawTeam[] | undefined;
}

const teamEntry: z.ZodType<RawTeam> = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
    error: 'expected a name of letters, digits, "-", "_" and "." (no "/")',
  }),
  weight: z.union([z.number().positive(), z.string()], { error: 'expected a positive number' }).optional(),
  namespaces: z.array(namespaceName).min(1).optional(),
  profiles: z.array(namespaceName).min(1).optional(),
  selector: z.record(kubeName('qualified-name'), kubeName('label-value')).optional(),
  resources: z.record(resourceName, resourceEntry).optional(),
  limits: limitsEntry.optional(),
  namespaceWeights: z.record(namespaceName, z.number().int().positive()).optional(),
  get teams() {
    return z.array(teamEntry).min(1).optional();
  },
});

const teamsFileShape = z.strictObject({
  cycle: z.union([z.string().min(1), z.number()], { error: 'expected a cycle name such as 2026-Q4' }),
  policy: z.enum(['max-min', 'drf']).optional(),
  surplus: z.enum(['distribute', 'hold']).optional(),
  reserve: z.record(resourceName, z.union([quantityText, quantityMap], { error: QUANTITY_HINT })).optional(),
  granularity: quantityMap.optional(),
  teams: z.array(teamEntry).min(1),
});

export interface TeamsFileOptions {
  /** A fleet teams file (`quotaplan fleet plan`): resources may give bounds per cluster (`clusters:`). */
  fleet?: boolean;
}

/** Parses and checks a teams file's text. `file` is only used in error messages. */
export function parseTeamsFile(text: string, file: string, options: TeamsFileOptions = {}): TeamsFile {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const line = first?.linePos?.[0];
    const at = line === undefined ? '' : `:${line.line}:${line.col}`;
    throw new ValidationError(`${file}${at}: not valid YAML: ${(first?.message ?? 'unknown error').split('\n')[0]}`, { file });
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml's ReferenceError for an alias that expands past maxAliasCount (a "billion laughs" file).
    throw new ValidationError(`${file}: ${aliasProblem(error)}`, { file }, { cause: error });
  }
  return teamsFileFromValue(value, file, options);
}

/**
 * How deep teams may nest: a team and 15 levels of sub-teams below it. Deeper trees are refused (the planner and
 * the emitter recurse per level), and so is a file whose `teams` contain themselves through a YAML alias.
 */
export const MAX_TEAM_DEPTH = 16;

/** Refuses a `teams` tree that contains itself or nests deeper than MAX_TEAM_DEPTH, before anything recurses into it. */
function checkTeamNesting(value: unknown, file: string): void {
  const ancestors = new Set<unknown>();
  const walk = (teams: unknown, where: string, depth: number): void => {
    if (!Array.isArray(teams)) return;
    if (ancestors.has(teams)) {
      throw new ValidationError(`${file}: ${where}: the list contains itself (a YAML alias to an enclosing team list); teams must form a tree`, { file, field: where });
    }
    if (depth > MAX_TEAM_DEPTH) {
      throw new ValidationError(`${file}: ${where}: teams nest deeper than ${MAX_TEAM_DEPTH} levels`, { file, field: where });
    }
    ancestors.add(teams);
    teams.forEach((team: unknown, index) => {
      if (typeof team === 'object' && team !== null) walk((team as { teams?: unknown }).teams, `${where}[${index}].teams`, depth + 1);
    });
    ancestors.delete(teams);
  };
  if (typeof value === 'object' && value !== null) walk((value as { teams?: unknown }).teams, 'teams', 1);
}

/** The same checks over an already-parsed value (the dashboard's what-if sends JSON). */
export function teamsFileFromValue(value: unknown, file: string, options: TeamsFileOptions = {}): TeamsFile {
  checkTeamNesting(value, file);
  const parsed = teamsFileShape.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const path = formatPath(issue.path);
    // A bad key (a resource or namespace name) is itself what is wrong, not the value under it.
    const badKey = issue.code === 'invalid_key';
    const got = badKey ? issue.path[issue.path.length - 1] : valueAt(value, issue.path);
    const message = badKey ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    const shown = got === undefined ? '' : ` (got ${quoted(got)})`;
    throw new ValidationError(`${file}: ${path === '' ? 'top level' : path}: ${message}${shown}`, {
      file,
      field: path,
      value: got,
    });
  }
  return new TeamsFileReader(file, options.fleet === true).read(parsed.data);
}

/** The unit quotas of a resource are whole multiples of: the file's `granularity`, else 1. */
export function granularityOf(teams: TeamsFile, resource: string): Quantity {
  return teams.granularity[resource] ?? ONE;
}

const ONE = parseQuantity('1');

/** Extended resources (`vendor.com/name`) are counted in whole devices; quotas for them must be whole numbers. */
export function isExtendedResource(resource: string): boolean {
  return resource.includes('/');
}

class TeamsFileReader {
  private readonly namespaceOwners = new Map<string, string>();
  private readonly flavoredAt = new Map<string, string>();
  private readonly plainAt = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly fleet: boolean,
  ) {}

  read(raw: z.infer<typeof teamsFileShape>): TeamsFile {
    const granularity: ResourceList = {};
    for (const [resource, text] of sortedEntries(raw.granularity ?? {})) {
      const where = `granularity.${resource}`;
      const amount = this.quantity(text, where);
      if (amount.nanos <= 0n) this.fail(where, 'granularity must be above zero', text);
      if (isExtendedResource(resource) && amount.nanos % 1_000_000_000n !== 0n) {
        this.fail(where, 'an extended resource is counted in whole units; its granularity must be a whole number', text);
      }
      granularity[resource] = amount;
    }
    const teams = this.teamList(raw.teams, 'teams', '');
    for (const [resource, where] of this.flavoredAt) {
      const plain = this.plainAt.get(resource);
      if (plain !== undefined) {
        this.fail(plain, `${resource} is planned per flavor (see ${where}); give this team's share per flavor too`, undefined);
      }
    }
    const reserve: Reserve[] = [];
    for (const [resource, value] of sortedEntries(raw.reserve ?? {})) {
      const where = `reserve.${resource}`;
      if (typeof value === 'object') {
        if (this.plainAt.has(resource) || !this.flavoredAt.has(resource)) {
          this.fail(where, `${resource} is not planned per flavor; reserve a single quantity`, value);
        }
        for (const [flavor, text] of sortedEntries(value)) {
          reserve.push({ resource, flavor, amount: this.amount(text, `${where}.${flavor}`) });
        }
      } else {
        if (this.flavoredAt.has(resource)) {
          this.fail(where, `${resource} is planned per flavor; reserve per flavor ({ <flavor>: <quantity> })`, value);
        }
        reserve.push({ resource, flavor: null, amount: this.amount(value, where) });
      }
    }
    return {
      file: this.file,
      cycle: String(raw.cycle),
      policy: raw.policy ?? 'max-min',
      surplus: raw.surplus ?? 'distribute',
      reserve,
      granularity,
      teams,
    };
  }

  private teamList(raw: RawTeam[], where: string, parentPath: string): TeamSpec[] {
    const seen = new Map<string, number>();
    return raw.map((team, index) => {
      const at = `${where}[${index}]`;
      const first = seen.get(team.name);
      if (first !== undefined) this.fail(`${at}.name`, `a sibling team has the same name (${where}[${first}])`, team.name);
      seen.set(team.name, index);
      return this.team(team, at, parentPath === '' ? team.name : `${parentPath}/${team.name}`);
    });
  }

  private team(raw: RawTeam, where: string, path: string): TeamSpec {
    const children = raw.teams === undefined ? [] : this.teamList(raw.teams, `${where}.teams`, path);
    const memberKinds = (['namespaces', 'profiles', 'selector'] as const).filter((kind) => raw[kind] !== undefined);
    if (children.length > 0 && memberKinds.length > 0) {
      this.fail(`${where}.${memberKinds[0]}`, 'a team with sub-teams owns no namespaces itself; its leaves do', raw[memberKinds[0] as 'namespaces']);
    }
    if (children.length === 0 && memberKinds.length !== 1) {
      this.fail(where, 'a team without sub-teams needs exactly one of namespaces, profiles or selector', memberKinds.length === 0 ? undefined : memberKinds);
    }
    let members: TeamMembers | null = null;
    if (raw.namespaces !== undefined) {
      this.claimNamespaces(raw.namespaces, `${where}.namespaces`, path);
      members = { kind: 'namespaces', namespaces: [...raw.namespaces].sort() };
    } else if (raw.profiles !== undefined) {
      // A Kubeflow Profile owns the namespace of the same name (domain.md section 4).
      this.claimNamespaces(raw.profiles, `${where}.profiles`, path);
      members = { kind: 'profiles', profiles: [...raw.profiles].sort() };
    } else if (raw.selector !== undefined) {
      members = { kind: 'selector', selector: Object.fromEntries(sortedEntries(raw.selector)) };
    }
    let weight: Rational | null = parseDecimal(String(raw.weight ?? 1));
    if (weight === null || weight.numerator <= 0n) this.fail(`${where}.weight`, 'expected a positive number', raw.weight);
    return {
      name: raw.name,
      path,
      where,
      weight: weight as Rational,
      members,
      resources: this.resources(raw.resources ?? {}, `${where}.resources`),
      limits: raw.limits === undefined ? null : this.limits(raw.limits, `${where}.limits`),
      namespaceWeights: raw.namespaceWeights === undefined ? null : Object.fromEntries(sortedEntries(raw.namespaceWeights)),
      teams: children,
    };
  }

  private claimNamespaces(names: string[], where: string, path: string): void {
    for (const [index, name] of names.entries()) {
      const owner = this.namespaceOwners.get(name);
      if (owner !== undefined) this.fail(`${where}[${index}]`, `namespace already belongs to team ${owner}`, name);
      this.namespaceOwners.set(name, path);
    }
  }

  private resources(raw: NonNullable<RawTeam['resources']>, where: string): ResourceRequest[] {
    const out: ResourceRequest[] = [];
    for (const [resource, entry] of sortedEntries(raw)) {
      const at = `${where}.${resource}`;
      if (/^(requests|limits)\./.test(resource)) {
        this.fail(at, `name the resource itself (e.g. ${resource.replace(/^(requests|limits)\./, '')}), not a quota key`, resource);
      }
      if (entry.clusters !== undefined) {
        if (!this.fleet) this.fail(`${at}.clusters`, 'bounds per cluster plan a fleet: use `quotaplan fleet plan`', Object.keys(entry.clusters));
        const own = (['demand', 'guarantee', 'cap', 'flavors'] as const).find((field) => entry[field] !== undefined);
        if (own !== undefined) this.fail(`${at}.${own}`, 'with clusters, give demand, guarantee and cap per cluster', entry[own]);
        if (!this.plainAt.has(resource)) this.plainAt.set(resource, at);
        const clusters = sortedEntries(entry.clusters).map(([cluster, raw]): ClusterBounds => {
          const { demand, guarantee, cap, where } = this.request(resource, null, raw, `${at}.clusters.${cluster}`);
          return { cluster, demand, guarantee, cap, where };
        });
        out.push({ resource, flavor: null, demand: null, guarantee: null, cap: null, where: at, clusters });
      } else if (entry.flavors !== undefined) {
        const own = (['demand', 'guarantee', 'cap'] as const).find((field) => entry[field] !== undefined);
        if (own !== undefined) this.fail(`${at}.${own}`, 'with flavors, give demand, guarantee and cap per flavor', entry[own]);
        if (!this.flavoredAt.has(resource)) this.flavoredAt.set(resource, `${at}.flavors`);
        for (const [flavor, bounds] of sortedEntries(entry.flavors)) {
          out.push(this.request(resource, flavor, bounds, `${at}.flavors.${flavor}`));
        }
      } else {
        if (!this.plainAt.has(resource)) this.plainAt.set(resource, at);
        out.push(this.request(resource, null, entry, at));
      }
    }
    return out;
  }

  private request(
    resource: string,
    flavor: string | null,
    raw: { demand?: string | number | undefined; guarantee?: string | number | undefined; cap?: string | number | undefined },
    where: string,
  ): ResourceRequest {
    const demand = raw.demand === undefined ? null : this.amount(raw.demand, `${where}.demand`);
    const guarantee = raw.guarantee === undefined ? null : this.amount(raw.guarantee, `${where}.guarantee`);
    const cap = raw.cap === undefined ? null : this.amount(raw.cap, `${where}.cap`);
    if (guarantee !== null && cap !== null && compareQuantities(guarantee, cap) > 0) {
      this.fail(`${where}.guarantee`, `guarantee is above cap ${formatQuantity(cap)}`, raw.guarantee);
    }
    return { resource, flavor, demand, guarantee, cap, where };
  }

  private limits(raw: z.infer<typeof limitsEntry>, where: string): TeamLimits {
    const list = (map: Record<string, string | number> | undefined, at: string): ResourceList => {
      const out: ResourceList = {};
      for (const [resource, text] of sortedEntries(map ?? {})) out[resource] = this.amount(text, `${at}.${resource}`);
      return out;
    };
    return {
      quota: [...(raw.quota ?? [])].sort(),
      perPod: list(raw.perPod?.max, `${where}.perPod.max`),
      perContainer: {
        max: list(raw.perContainer?.max, `${where}.perContainer.max`),
        default: list(raw.perContainer?.default, `${where}.perContainer.default`),
        defaultRequest: list(raw.perContainer?.defaultRequest, `${where}.perContainer.defaultRequest`),
      },
    };
  }

  /** A quantity that must not be negative. */
  private amount(text: string | number, where: string): Quantity {
    const amount = this.quantity(text, where);
    if (amount.nanos < 0n) this.fail(where, 'must not be negative', text);
    return amount;
  }

  private quantity(text: string | number, where: string): Quantity {
    try {
      return parseQuantity(String(text));
    } catch (error) {
      if (error instanceof QuantityError) this.fail(where, `invalid quantity: ${QUANTITY_HINT}`, text);
      throw error;
    }
  }

  private fail(where: string, message: string, value: unknown): never {
    const shown = value === undefined ? '' : ` (got ${quoted(value)})`;
    throw new ValidationError(`${this.file}: ${where}: ${message}${shown}`, { file: this.file, field: where, value });
  }
}


function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(compareKeys);
}
