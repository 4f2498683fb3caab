/**
 * The parts of Kubernetes objects quotaplan reads, validated at the edge with zod. Everything else in an
 * object is dropped on parse, so a streamed 150,000-pod LIST does not keep what the inventory never reads.
 * Quantities are parsed here, once, into exact Quantity values.
 */
import { z } from 'zod';
import { isAcceleratorResource } from './accelerators.js';
import { followsRule, isDns1123Label, isDns1123Subdomain, isQualifiedName, nameProblem, OBJECT_NAME_RULES, type NameRule } from '../kube-names.js';
import { formatQuantity, parseQuantity, QuantityError, type Quantity } from '../quantity.js';
import { quoted } from '../terminal-text.js';

/** A quantity as the API serializes it (a string), or as a hand-written YAML file may (a number), parsed once. */
export const quantity = z.union([z.string(), z.number()]).transform((raw, ctx): Quantity => {
  const text = String(raw);
  try {
    const parsed = parseQuantity(text);
    // The API refuses negative requests, limits, capacity and quota (ValidateNonnegativeQuantity): one here
    // could only subtract from what the cluster really has.
    if (parsed.nanos < 0n) {
      ctx.issues.push({ code: 'custom', message: `must not be negative (got ${quoted(raw)})`, input: raw });
      return z.NEVER;
    }
    return parsed;
  } catch (error) {
    if (!(error instanceof QuantityError)) throw error;
    ctx.issues.push({ code: 'custom', message: error.message, input: raw });
    return z.NEVER;
  }
});

/** A string that follows one of Kubernetes' name rules; the error quotes the value, escaped. */
export function kubeName(rule: NameRule): z.ZodString {
  return z.string().refine((value) => followsRule(rule, value), {
    error: (issue) => `${nameProblem(rule, String(issue.input))} (got ${quoted(issue.input)})`,
  });
}

/** Resource names (`cpu`, `nvidia.com/gpu`) are qualified names (apimachinery IsQualifiedName). */
const resourceName = kubeName('qualified-name');
const resourceList = z.record(resourceName, quantity);
const stringMap = z.record(z.string(), z.string());

/**
 * Name, namespace and labels: what quotaplan reads of every object's metadata (a new kind's schema starts here).
 * The name follows the kind's rule (src/kube-names.ts; a DNS-1123 subdomain unless the kind says otherwise).
 */
export function metadataOf(rule: NameRule = 'dns1123-subdomain') {
  return z.object({
    name: kubeName(rule),
    namespace: z.string().optional(),
    labels: stringMap.nullish().transform((v) => v ?? {}),
  });
}

/** A pod's metadata: its uid too, so a pod listed twice under two names still counts once. */
const podMetadata = namespacedMetadataOf(OBJECT_NAME_RULES.Pod)
  .extend({ uid: z.string().optional() })
  .transform(({ uid, ...rest }): { name: string; namespace: string; labels: Record<string, string>; uid?: string } =>
    uid === undefined || uid === '' ? rest : { ...rest, uid },
  );

/** The metadata of a kind whose names are DNS-1123 subdomains, as most kinds' are. */
export const metadata = metadataOf();

/** A namespaced object's metadata: its namespace is a DNS-1123 label. */
export function namespacedMetadataOf(rule: NameRule = 'dns1123-subdomain') {
  return metadataOf(rule).extend({ namespace: kubeName('dns1123-label') });
}


const taint = z.object({ key: z.string(), value: z.string().optional(), effect: z.string() });

const condition = z.object({ type: z.string(), status: z.string() });

/** Devices are counted in JavaScript numbers past the edge (GPU-equivalents, replicas per GPU). */
const MAX_DEVICES = BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000_000n;

/** Node capacity or allocatable: an accelerator count of more than 2^53-1 devices (`1e999`) is refused here. */
const nodeResourceList = resourceList.superRefine((list, ctx) => {
  for (const [resource, amount] of Object.entries(list)) {
    if (isAcceleratorResource(resource) && amount.nanos > MAX_DEVICES) {
      ctx.addIssue({ code: 'custom', path: [resource], message: `more devices than quotaplan can count (at most ${Number.MAX_SAFE_INTEGER}) (got ${quoted(formatQuantity(amount))})` });
    }
  }
});

export const nodeSchema = z.object({
  kind: z.literal('Node'),
  metadata: metadataOf(OBJECT_NAME_RULES.Node),
  spec: z
    .object({
      unschedulable: z.boolean().optional(),
      taints: z.array(taint).nullish().transform((v) => v ?? []),
    })
    .optional()
    .transform((v) => v ?? { taints: [] }),
  status: z
    .object({
      capacity: nodeResourceList.nullish().transform((v) => v ?? {}),
      allocatable: nodeResourceList.nullish().transform((v) => v ?? {}),
      conditions: z.array(condition).nullish().transform((v) => v ?? []),
    })
    .optional()
    .transform((v) => v ?? { capacity: {}, allocatable: {}, conditions: [] }),
});

export const namespaceSchema = z.object({ kind: z.literal('Namespace'), metadata: metadataOf(OBJECT_NAME_RULES.Namespace) });

const resourceRequirements = z
  .object({
    requests: resourceList.nullish().transform((v) => v ?? {}),
    limits: resourceList.nullish().transform((v) => v ?? {}),
  })
  .nullish()
  .transform((v) => v ?? { requests: {}, limits: {} });

const container = z.object({
  name: z.string(),
  resources: resourceRequirements,
  restartPolicy: z.string().optional(),
});

export const podSpecSchema = z.object({
  /** Empty while the pod is not scheduled; else a node's name. */
  nodeName: z
    .string()
    .refine((value) => value === '' || isDns1123Subdomain(value), {
      error: (issue) => `${nameProblem('dns1123-subdomain', String(issue.input))} (got ${quoted(issue.input)})`,
    })
    .optional(),
  containers: z.array(container),
  initContainers: z.array(container).nullish().transform((v) => v ?? []),
  overhead: resourceList.nullish().transform((v) => v ?? {}),
  /** Pod-level resources (PodLevelResources, beta in 1.34): when set they bound cpu and memory for the pod. */
  resources: resourceRequirements.optional(),
});

/** Requests and limits the kubelet reports in a status (what it actuated). */
export interface ReportedRequirements {
  requests: Record<string, Quantity>;
  limits: Record<string, Quantity>;
}

export interface ContainerStatus {
  name: string;
  /** What the kubelet allocated to the container (in-place resize). */
  allocatedResources?: Record<string, Quantity>;
  /**
   * What it actuated. Absent (or null) and empty differ, unlike in a spec: an empty `resources: {}` still means
   * "reported" to k8s.io/component-helpers resource.PodRequests (`cs.Resources != nil`).
   */
  resources?: ReportedRequirements;
}

export interface PodCondition {
  type: string;
  reason?: string;
}

/** What effective requests read of a pod's status: its phase, and for in-place resize what the kubelet reports. */
export interface PodStatus {
  phase?: string;
  conditions: PodCondition[];
  containerStatuses: ContainerStatus[];
  initContainerStatuses: ContainerStatus[];
  /** Pod-level resources the kubelet allocated (InPlacePodLevelResourcesVerticalScaling). */
  allocatedResources?: Record<string, Quantity>;
  /** Pod-level resources the kubelet actuated. */
  resources?: ReportedRequirements;
  /**
   * DRA: the ResourceClaims the pod uses, from `resourceClaimStatuses[].resourceClaimName` (its claims, those
   * generated from ResourceClaimTemplates included), in order; absent when none.
   */
  resourceClaims?: string[];
  /** KEP-5004: the ResourceClaim the scheduler made for its extended-resource requests (`extendedResourceClaimStatus`). */
  extendedResourceClaim?: string;
}

const reportedRequirements = z.object({
  requests: resourceList.nullish().transform((v) => v ?? {}),
  limits: resourceList.nullish().transform((v) => v ?? {}),
});

const containerStatus = z
  .object({ name: z.string(), allocatedResources: resourceList.nullish(), resources: reportedRequirements.nullish() })
  .transform(({ name, allocatedResources, resources }): ContainerStatus => {
    // Absent and null alike leave the key out, as the fast path does.
    const status: ContainerStatus = { name };
    if (allocatedResources !== undefined && allocatedResources !== null) status.allocatedResources = allocatedResources;
    if (resources !== undefined && resources !== null) status.resources = resources;
    return status;
  });

const podCondition = z
  .object({ type: z.string(), reason: z.string().optional() })
  .transform(({ type, reason }): PodCondition => (reason === undefined ? { type } : { type, reason }));

export const podStatusSchema = z
  .object({
    phase: z.string().optional(),
    conditions: z.array(podCondition).nullish(),
    containerStatuses: z.array(containerStatus).nullish(),
    initContainerStatuses: z.array(containerStatus).nullish(),
    allocatedResources: resourceList.nullish(),
    resources: reportedRequirements.nullish(),
    resourceClaimStatuses: z.array(z.object({ name: z.string(), resourceClaimName: z.string().nullish() })).nullish(),
    extendedResourceClaimStatus: z.object({ resourceClaimName: z.string() }).nullish(),
  })
  .transform((raw): PodStatus => {
    const status: PodStatus = {
      conditions: raw.conditions ?? [],
      containerStatuses: raw.containerStatuses ?? [],
      initContainerStatuses: raw.initContainerStatuses ?? [],
    };
    if (raw.phase !== undefined) status.phase = raw.phase;
    if (raw.allocatedResources !== undefined && raw.allocatedResources !== null) status.allocatedResources = raw.allocatedResources;
    if (raw.resources !== undefined && raw.resources !== null) status.resources = raw.resources;
    const claims = (raw.resourceClaimStatuses ?? []).flatMap((c) => (typeof c.resourceClaimName === 'string' && c.resourceClaimName !== '' ? [c.resourceClaimName] : []));
    if (claims.length > 0) status.resourceClaims = claims;
    const extended = raw.extendedResourceClaimStatus?.resourceClaimName;
    if (extended !== undefined && extended !== '') status.extendedResourceClaim = extended;
    return status;
  });

export const podSchema = z.object({
  kind: z.literal('Pod'),
  metadata: podMetadata,
  spec: podSpecSchema,
  status: podStatusSchema.nullish().transform((v): PodStatus => v ?? { conditions: [], containerStatuses: [], initContainerStatuses: [] }),
});

const scopeSelector = z
  .object({
    matchExpressions: z
      .array(z.object({ scopeName: z.string(), operator: z.string(), values: z.array(z.string()).optional() }))
      .nullish()
      .transform((v) => v ?? []),
  })
  .nullish()
  .transform((v) => v ?? { matchExpressions: [] });

const resourceQuotaSpec = z
  .object({
    hard: resourceList.nullish().transform((v) => v ?? {}),
    scopes: z.array(z.string()).nullish().transform((v) => v ?? []),
    scopeSelector,
  })
  .nullish()
  .transform((v) => v ?? { hard: {}, scopes: [], scopeSelector: { matchExpressions: [] } });

export const resourceQuotaSchema = z.object({
  kind: z.literal('ResourceQuota'),
  metadata: namespacedMetadataOf(OBJECT_NAME_RULES.ResourceQuota),
  spec: resourceQuotaSpec,
  status: z
    .object({
      hard: resourceList.nullish().transform((v) => v ?? {}),
      used: resourceList.nullish().transform((v) => v ?? {}),
    })
    .nullish()
    .transform((v) => v ?? { hard: {}, used: {} }),
});

const limitRangeItem = z.object({
  type: z.string(),
  max: resourceList.nullish().transform((v) => v ?? {}),
  min: resourceList.nullish().transform((v) => v ?? {}),
  default: resourceList.nullish().transform((v) => v ?? {}),
  defaultRequest: resourceList.nullish().transform((v) => v ?? {}),
  maxLimitRequestRatio: resourceList.nullish().transform((v) => v ?? {}),
});

export const limitRangeSchema = z.object({
  kind: z.literal('LimitRange'),
  metadata: namespacedMetadataOf(OBJECT_NAME_RULES.LimitRange),
  spec: z.object({ limits: z.array(limitRangeItem).nullish().transform((v) => v ?? []) }),
});

/** Kubeflow Profile (kubeflow.org/v1, cluster-scoped); it owns the namespace of the same name. */
export const profileSchema = z.object({
  // Optional: items of a raw ProfileList response carry no apiVersion of their own.
  apiVersion: z.string().regex(/^kubeflow\.org\//, 'a Profile must be kubeflow.org/*').optional(),
  kind: z.literal('Profile'),
  metadata: metadataOf(OBJECT_NAME_RULES.Profile),
  spec: z
    .object({
      owner: z.object({ kind: z.string(), name: z.string() }).nullish().transform((v) => v ?? null),
      resourceQuotaSpec: resourceQuotaSpec,
    })
    .nullish()
    .transform((v) => v ?? { owner: null, resourceQuotaSpec: { hard: {}, scopes: [], scopeSelector: { matchExpressions: [] } } }),
});

export type NodeObject = z.output<typeof nodeSchema>;
export type NamespaceObject = z.output<typeof namespaceSchema>;
export type PodObject = z.output<typeof podSchema>;
export type PodSpec = z.output<typeof podSpecSchema>;
export type ContainerSpec = z.output<typeof container>;
export type ResourceQuotaObject = z.output<typeof resourceQuotaSchema>;
export type LimitRangeObject = z.output<typeof limitRangeSchema>;
export type ProfileObject = z.output<typeof profileSchema>;
/**
 * `spec.containers[0].resources.requests.cpu`; a key that is not plain printable ASCII (a hostile resource name)
 * is shown quoted and escaped: `status.capacity["gpu\u001b[2J"]`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (!/^[\x21-\x7e]+$/.test(String(key)) || /["\[\]]/.test(String(key))) out += `[${quoted(String(key))}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

// ------------------------------------------------------------------------------------------- Pod fast path

/**
 * Pods are nearly all of a large cluster's objects (the collector streams 150,000), and zod spends ~100us on
 * each. This hand-written reader accepts exactly what podSchema accepts, returns the same value, and gives up
 * (undefined) at the first thing it does not expect, so zod then produces the error with its field path.
 * test/unit/inventory/objects.test.ts checks that both agree.
 */
export function readPod(raw: Record<string, unknown>): PodObject | undefined {
  const metadata = raw.metadata;
  if (!isRecord(metadata)) return undefined;
  const { name, namespace } = metadata;
  if (typeof name !== 'string' || !isDns1123Subdomain(name) || typeof namespace !== 'string' || !isDns1123Label(namespace)) return undefined;
  const labels = stringRecord(metadata.labels);
  if (labels === undefined) return undefined;
  const uid = metadata.uid;
  if (uid !== undefined && typeof uid !== 'string') return undefined;

  const spec = raw.spec;
  if (!isRecord(spec) || !Array.isArray(spec.containers)) return undefined;
  if (spec.nodeName !== undefined && (typeof spec.nodeName !== 'string' || (spec.nodeName !== '' && !isDns1123Subdomain(spec.nodeName)))) return undefined;
  const containers = containerList(spec.containers);
  const initContainers = spec.initContainers === undefined || spec.initContainers === null ? [] : Array.isArray(spec.initContainers) ? containerList(spec.initContainers) : undefined;
  const overhead = quantityRecord(spec.overhead);
  if (containers === undefined || initContainers === undefined || overhead === undefined) return undefined;
  let resources: PodSpec['resources'];
  if (spec.resources !== undefined) {
    resources = requirements(spec.resources);
    if (resources === undefined) return undefined;
  }

  const status = podStatus(raw.status);
  if (status === undefined) return undefined;

  const meta: PodObject['metadata'] = uid === undefined || uid === '' ? { name, namespace, labels } : { name, namespace, labels, uid };
  const podSpec: PodSpec = { containers, initContainers, overhead };
  if (spec.nodeName !== undefined) podSpec.nodeName = spec.nodeName;
  if (resources !== undefined) podSpec.resources = resources;
  return { kind: 'Pod', metadata: meta, spec: podSpec, status };
}

function podStatus(value: unknown): PodStatus | undefined {
  if (value === undefined || value === null) return { conditions: [], containerStatuses: [], initContainerStatuses: [] };
  if (!isRecord(value)) return undefined;
  if (value.phase !== undefined && typeof value.phase !== 'string') return undefined;
  const conditions = listOf(value.conditions, (item): PodCondition | undefined => {
    if (!isRecord(item) || typeof item.type !== 'string') return undefined;
    if (item.reason !== undefined && typeof item.reason !== 'string') return undefined;
    return item.reason === undefined ? { type: item.type } : { type: item.type, reason: item.reason };
  });
  const containerStatuses = listOf(value.containerStatuses, containerStatusOf);
  const initContainerStatuses = listOf(value.initContainerStatuses, containerStatusOf);
  if (conditions === undefined || containerStatuses === undefined || initContainerStatuses === undefined) return undefined;
  const status: PodStatus = { conditions, containerStatuses, initContainerStatuses };
  if (value.phase !== undefined) status.phase = value.phase;
  if (value.allocatedResources !== undefined && value.allocatedResources !== null) {
    const allocated = quantityRecord(value.allocatedResources);
    if (allocated === undefined) return undefined;
    status.allocatedResources = allocated;
  }
  if (value.resources !== undefined && value.resources !== null) {
    const reported = requirements(value.resources);
    if (reported === undefined) return undefined;
    status.resources = reported;
  }
  const claimStatuses = listOf(value.resourceClaimStatuses, (item): string | null | undefined => {
    if (!isRecord(item) || typeof item.name !== 'string') return undefined;
    const name = item.resourceClaimName;
    if (name === undefined || name === null) return null;
    return typeof name === 'string' ? name : undefined;
  });
  if (claimStatuses === undefined) return undefined;
  const claims = claimStatuses.filter((name): name is string => name !== null && name !== '');
  if (claims.length > 0) status.resourceClaims = claims;
  const extended = value.extendedResourceClaimStatus;
  if (extended !== undefined && extended !== null) {
    if (!isRecord(extended) || typeof extended.resourceClaimName !== 'string') return undefined;
    if (extended.resourceClaimName !== '') status.extendedResourceClaim = extended.resourceClaimName;
  }
  return status;
}

function containerStatusOf(item: unknown): ContainerStatus | undefined {
  if (!isRecord(item) || typeof item.name !== 'string') return undefined;
  const status: ContainerStatus = { name: item.name };
  if (item.allocatedResources !== undefined && item.allocatedResources !== null) {
    const allocated = quantityRecord(item.allocatedResources);
    if (allocated === undefined) return undefined;
    status.allocatedResources = allocated;
  }
  if (item.resources !== undefined && item.resources !== null) {
    const reported = requirements(item.resources);
    if (reported === undefined) return undefined;
    status.resources = reported;
  }
  return status;
}

/** A list read item by item; [] when absent or null, undefined at the first item `read` refuses. */
function listOf<T>(value: unknown, read: (item: unknown) => T | undefined): T[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  const out: T[] = [];
  for (const item of value) {
    const parsed = read(item);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return undefined;
    out[k] = v;
  }
  return out;
}

export function quantityRecord(value: unknown): Record<string, Quantity> | undefined {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return undefined;
  const out: Record<string, Quantity> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!isResourceName(k)) return undefined;
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) return undefined;
    const parsed = nonNegativeQuantity(String(v));
    if (parsed === undefined) return undefined;
    out[k] = parsed;
  }
  return out;
}

/**
 * A streamed LIST of 150,000 pods names a handful of resources (`cpu`, `memory`, `nvidia.com/gpu`) and a few dozen
 * distinct quantities (`250m`, `512Mi`): each text is checked or parsed once and remembered (a Quantity is frozen,
 * so one value can be shared). A memo is emptied when it reaches this many entries: a list of all-different values
 * costs what it did without it, and the memory stays bounded.
 */
const MEMO_LIMIT = 4096;
/** null: not a non-negative quantity (the reader then gives up, and zod names the problem). */
const quantityMemo = new Map<string, Quantity | null>();
const resourceNameMemo = new Map<string, boolean>();

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** Whether `name` is a resource name (a qualified name), remembered. */
export function isResourceName(name: string): boolean {
  return resourceNameMemo.get(name) ?? remember(resourceNameMemo, name, isQualifiedName(name));
}

/** `text` as a non-negative Quantity, remembered; undefined when it is not one. */
export function nonNegativeQuantity(text: string): Quantity | undefined {
  let parsed = quantityMemo.get(text);
  if (parsed === undefined) {
    try {
      const quantity = parseQuantity(text);
      parsed = remember(quantityMemo, text, quantity.nanos < 0n ? null : quantity);
    } catch {
      parsed = remember(quantityMemo, text, null);
    }
  }
  return parsed ?? undefined;
}

function requirements(value: unknown): ContainerSpec['resources'] | undefined {
  if (value === undefined || value === null) return { requests: {}, limits: {} };
  if (!isRecord(value)) return undefined;
  const requests = quantityRecord(value.requests);
  const limits = quantityRecord(value.limits);
  return requests === undefined || limits === undefined ? undefined : { requests, limits };
}

function containerList(values: unknown[]): ContainerSpec[] | undefined {
  const out: ContainerSpec[] = [];
  for (const value of values) {
    if (!isRecord(value) || typeof value.name !== 'string') return undefined;
    if (value.restartPolicy !== undefined && typeof value.restartPolicy !== 'string') return undefined;
    const resources = requirements(value.resources);
    if (resources === undefined) return undefined;
    const c: ContainerSpec = { name: value.name, resources };
    if (value.restartPolicy !== undefined) c.restartPolicy = value.restartPolicy;
    out.push(c);
  }
  return out;
}
