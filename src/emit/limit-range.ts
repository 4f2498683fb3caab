/**
 * The LimitRange written beside a quota: container default requests where the quota tracks cpu or memory, so a
 * pod without requests is defaulted instead of rejected (403 `must specify requests.cpu`; LimitRanger admission
 * runs before ResourceQuota admission), and the per-pod / per-container maxima a team sets. Pure.
 */
import { compareQuantities, parseQuantity, type Quantity } from '../quantity.js';
import type { LimitRangeFacts } from '../inventory/types.js';
import type { ResourceList } from '../resources.js';
import { sortedNames } from '../resources.js';
import type { EmitOptions } from './emit-options.js';
import type { Flag } from './flag.js';
import { tracksComputeKeys } from './quota-keys.js';

export const DEFAULT_LIMIT_RANGE_NAME = 'quotaplan-defaults';

/** Per-namespace LimitRange settings of a team (teams file), all optional. */
export interface LimitRangeSettings {
  /** Container `defaultRequest`, per resource; cpu/memory default to `defaultRequests` of the options. */
  defaultRequest?: ResourceList;
  /** Container `default` (limit), per resource. */
  defaultLimit?: ResourceList;
  /** Pod `max` (sum over the pod's containers), e.g. `{ cpu: 8, memory: 32Gi, nvidia.com/gpu: 1 }`. */
  maxPerPod?: ResourceList;
  /** Container `max`. */
  maxPerContainer?: ResourceList;
}

export interface LimitRangeChange {
  name: string;
  /** Container item: defaultRequest / default. */
  defaultRequest: ResourceList;
  defaultLimit: ResourceList;
  /** Pod item: max. Empty when the team sets no per-pod maxima. */
  maxPerPod: ResourceList;
  /** Container item: max. */
  maxPerContainer: ResourceList;
}

/** Container defaultRequest when neither the team nor the options set one: small, so it rarely blocks a pod. */
export const DEFAULT_CPU_REQUEST = '100m';
export const DEFAULT_MEMORY_REQUEST = '128Mi';

export interface LimitRangeInput {
  namespace: string;
  team: string;
  hardKeys: string[];
  settings: LimitRangeSettings | undefined;
  existing: LimitRangeFacts[];
  options: Pick<EmitOptions, 'limitRangeName' | 'defaultRequests'>;
  flag: (f: Flag) => void;
}

/**
 * A LimitRange where the quota tracks cpu or memory, so pods without those requests get defaults instead of a
 * 403 (LimitRanger admission runs before ResourceQuota). Per-pod maxima when the team sets them.
 */
export function limitRangeFor(input: LimitRangeInput): LimitRangeChange | null {
  const { settings, options } = input;
  const tracked = tracksComputeKeys(input.hardKeys);
  const maxPerPod = settings?.maxPerPod ?? {};
  const maxPerContainer = settings?.maxPerContainer ?? {};
  const hasMaxima = Object.keys(maxPerPod).length > 0 || Object.keys(maxPerContainer).length > 0;
  if (tracked.requests.size === 0 && tracked.limits.size === 0 && !hasMaxima) return null;
  const name = options.limitRangeName ?? DEFAULT_LIMIT_RANGE_NAME;

  const defaults = {
    cpu: options.defaultRequests?.cpu ?? parseQuantity(DEFAULT_CPU_REQUEST),
    memory: options.defaultRequests?.memory ?? parseQuantity(DEFAULT_MEMORY_REQUEST),
  };
  const defaultRequest: ResourceList = {};
  const defaultLimit: ResourceList = {};
  const needsLimit = new Set<string>([...tracked.limits]);
  // A max on cpu/memory rejects containers without limits ("No limit is specified", LimitRanger
  // plugin/pkg/admission/limitranger maxConstraint): give them a default limit.
  for (const resource of ['cpu', 'memory'] as const) {
    if (maxPerPod[resource] !== undefined || maxPerContainer[resource] !== undefined) needsLimit.add(resource);
  }
  // A container with a limit and no request gets request = limit (core/v1 defaults), so every resource with a
  // default limit gets a default request too.
  for (const resource of ['cpu', 'memory'] as const) {
    if (tracked.requests.has(resource) || needsLimit.has(resource)) {
      defaultRequest[resource] = settings?.defaultRequest?.[resource] ?? defaults[resource];
    }
  }
  for (const [resource, quantity] of Object.entries(settings?.defaultRequest ?? {})) defaultRequest[resource] = quantity;
  for (const resource of needsLimit) {
    defaultLimit[resource] =
      settings?.defaultLimit?.[resource] ??
      minOf(maxPerContainer[resource], maxPerPod[resource]) ??
      (defaultRequest[resource] as Quantity);
  }
  for (const [resource, quantity] of Object.entries(settings?.defaultLimit ?? {})) defaultLimit[resource] = quantity;

  const others = input.existing.filter((lr) => lr.name !== name);
  for (const other of others) {
    const item = other.limits.find((l) => l.type === 'Container');
    const covered = Object.keys(defaultRequest).filter((r) => item?.defaultRequest[r] !== undefined || item?.default[r] !== undefined);
    if (covered.length > 0) {
      input.flag({
        kind: 'existing-limit-range',
        team: input.team,
        namespace: input.namespace,
        message:
          `${input.namespace}: LimitRange ${other.name} already sets container defaults for ${covered.sort().join(', ')}; ` +
          `with ${name} beside it, whichever LimitRange admission reads first sets the value`,
      });
    }
  }
  return {
    name,
    defaultRequest: sortList(defaultRequest),
    defaultLimit: sortList(defaultLimit),
    maxPerPod: sortList(maxPerPod),
    maxPerContainer: sortList(maxPerContainer),
  };
}

function minOf(a: Quantity | undefined, b: Quantity | undefined): Quantity | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareQuantities(a, b) <= 0 ? a : b;
}

function sortList(list: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const name of sortedNames(list)) out[name] = list[name] as Quantity;
  return out;
}

