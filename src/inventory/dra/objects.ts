/**
 * The parts of DRA objects (resource.k8s.io/v1) quotaplan reads, validated at the edge with zod: names as the API
 * server validates them (k8s.io/kubernetes pkg/apis/resource/validation), quantities parsed once. Everything else
 * (device configs, claim status devices, reservedFor) is dropped on parse.
 */
import { z } from 'zod';
import { OBJECT_NAME_RULES } from '../../kube-names.js';
import { kubeName, metadata, quantity } from '../objects.js';
import type {
  DeviceAttribute,
  DeviceClassFacts,
  DeviceFacts,
  DeviceRequestFacts,
  ExactDeviceRequestFacts,
  NodeSelector,
  ResourceClaimFacts,
  ResourceSliceFacts,
} from './types.js';

const dnsLabelPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label (at most 63): device, counter set, counter and request names, namespaces. */
export const dnsLabel = z.string().max(63).regex(dnsLabelPattern, 'must be a DNS-1123 label (lower-case letters, digits and "-")');
/** A DNS-1123 subdomain (at most 253): object and driver names. */
export const dnsSubdomain = z
  .string()
  .max(253)
  .regex(dnsSubdomainPattern, 'must be a DNS-1123 subdomain (lower-case letters, digits, "-" and ".")');
/** A pool name: DNS subdomains joined by `/` (ValidatePoolName), at most 253. */
const poolName = z
  .string()
  .max(253)
  .refine((name) => name.split('/').every((part) => dnsSubdomainPattern.test(part)), 'must be DNS-1123 subdomains separated by "/"');
/** An attribute or capacity name: a C identifier (at most 32), optionally after `<domain>/`. */
const qualifiedName = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z_][A-Za-z0-9_]{0,31}$/, 'must be a C identifier, optionally qualified by a domain');
/** The owning metadata of a DRA object: its name a DNS-1123 subdomain. */
const draMetadata = metadata.extend({ name: dnsSubdomain });

/**
 * A slice's or device's `nodeName`: a Node's name, as the API validates it (resource validation validateNodeName),
 * so a name from a dump reaches no warning or table unchecked.
 */
const nodeName = kubeName(OBJECT_NAME_RULES.Node);

const values = z.array(z.string()).nullish().transform((v) => v ?? []);
const requirement = z.object({ key: z.string(), operator: z.string(), values });
const requirements = z.array(requirement).nullish().transform((v) => v ?? []);
const nodeSelector = z
  .object({ nodeSelectorTerms: z.array(z.object({ matchExpressions: requirements, matchFields: requirements })) })
  .transform((s): NodeSelector => s);

/** `{value: "80Gi"}`: the wrapper the API puts around a counter or capacity quantity. */
const wrappedQuantity = z.object({ value: quantity }).transform((v) => v.value);
/** A device's capacity: qualified names (`memory`, `memorySlice0`). */
const capacities = z.record(qualifiedName, wrappedQuantity);
/** Counters of a counter set or consumed by a device: DNS-1123 labels (`memory-slice-0`), as the API validates them. */
const counters = z.record(dnsLabel, wrappedQuantity);

const attribute = z
  .object({ string: z.string().optional(), int: z.number().int().optional(), bool: z.boolean().optional(), version: z.string().optional() })
  .refine((a) => Object.values(a).filter((v) => v !== undefined).length === 1, 'must set exactly one of string, int, bool, version')
  .transform((a): DeviceAttribute => {
    if (a.string !== undefined) return { string: a.string };
    if (a.int !== undefined) return { int: a.int };
    if (a.bool !== undefined) return { bool: a.bool };
    return { version: a.version as string };
  });

const taint = z.object({ key: z.string(), value: z.string().optional(), effect: z.string() });

const device = z
  .object({
    name: dnsLabel,
    attributes: z.record(qualifiedName, attribute).nullish(),
    capacity: capacities.nullish(),
    consumesCounters: z.array(z.object({ counterSet: dnsLabel, counters })).nullish(),
    nodeName: nodeName.nullish(),
    nodeSelector: nodeSelector.nullish(),
    allNodes: z.boolean().nullish(),
    taints: z.array(taint).nullish(),
    allowMultipleAllocations: z.boolean().nullish(),
  })
  .transform(
    (d): DeviceFacts => ({
      name: d.name,
      attributes: d.attributes ?? {},
      capacity: d.capacity ?? {},
      consumesCounters: d.consumesCounters ?? [],
      allowMultipleAllocations: d.allowMultipleAllocations ?? false,
      nodeName: d.nodeName ?? null,
      nodeSelector: d.nodeSelector ?? null,
      allNodes: d.allNodes ?? false,
      taints: d.taints ?? [],
    }),
  );

export const resourceSliceSchema = z
  .object({
    kind: z.literal('ResourceSlice'),
    metadata: draMetadata,
    spec: z.object({
      driver: dnsSubdomain,
      pool: z.object({ name: poolName, generation: z.number().int().nonnegative(), resourceSliceCount: z.number().int().positive() }),
      nodeName: nodeName.nullish(),
      nodeSelector: nodeSelector.nullish(),
      allNodes: z.boolean().nullish(),
      perDeviceNodeSelection: z.boolean().nullish(),
      sharedCounters: z.array(z.object({ name: dnsLabel, counters })).nullish(),
      devices: z.array(device).nullish(),
    }),
  })
  .transform((s) => ({
    kind: s.kind,
    metadata: s.metadata,
    spec: {
      driver: s.spec.driver,
      pool: s.spec.pool,
      nodeName: s.spec.nodeName ?? null,
      nodeSelector: s.spec.nodeSelector ?? null,
      allNodes: s.spec.allNodes ?? false,
      perDeviceNodeSelection: s.spec.perDeviceNodeSelection ?? false,
      sharedCounters: s.spec.sharedCounters ?? [],
      devices: s.spec.devices ?? [],
    } satisfies Omit<ResourceSliceFacts, 'name'>,
  }));

export const deviceClassSchema = z
  .object({
    kind: z.literal('DeviceClass'),
    metadata: draMetadata,
    spec: z
      .object({
        selectors: z.array(z.object({ cel: z.object({ expression: z.string() }).nullish() })).nullish(),
        extendedResourceName: z.string().min(1).nullish(),
      })
      .nullish(),
  })
  .transform((c) => ({
    kind: c.kind,
    metadata: c.metadata,
    spec: {
      // A selector without `cel` is one a newer API may add: kept out here, the class still read.
      selectors: (c.spec?.selectors ?? []).flatMap((s) => (s.cel === undefined || s.cel === null ? [] : [s.cel.expression])),
      extendedResourceName: c.spec?.extendedResourceName ?? null,
    } satisfies Omit<DeviceClassFacts, 'name'>,
  }));

const exactFields = {
  deviceClassName: dnsSubdomain,
  allocationMode: z.enum(['ExactCount', 'All']).nullish(),
  count: z.number().int().nonnegative().nullish(),
  adminAccess: z.boolean().nullish(),
};

/** The API defaults: mode ExactCount, count 1 (in ExactCount mode), no admin access. */
function exactRequest(r: { deviceClassName: string; allocationMode?: 'ExactCount' | 'All' | null; count?: number | null; adminAccess?: boolean | null }): ExactDeviceRequestFacts {
  const allocationMode = r.allocationMode ?? 'ExactCount';
  return {
    deviceClassName: r.deviceClassName,
    allocationMode,
    count: allocationMode === 'All' ? 0 : (r.count ?? 1),
    adminAccess: r.adminAccess ?? false,
  };
}

const deviceRequest = z
  .object({
    name: dnsLabel,
    exactly: z.object(exactFields).nullish(),
    firstAvailable: z.array(z.object({ name: dnsLabel, ...exactFields })).nullish(),
  })
  .transform(
    (r): DeviceRequestFacts => ({
      name: r.name,
      exactly: r.exactly === undefined || r.exactly === null ? null : exactRequest(r.exactly),
      firstAvailable: (r.firstAvailable ?? []).map((s) => ({ name: s.name, ...exactRequest(s) })),
    }),
  );

const allocationResult = z
  .object({ request: z.string().min(1), driver: dnsSubdomain, pool: poolName, device: dnsLabel, adminAccess: z.boolean().nullish() })
  .transform((r) => ({ request: r.request, driver: r.driver, pool: r.pool, device: r.device, adminAccess: r.adminAccess ?? false }));

const ownerReference = z.object({ apiVersion: z.string(), kind: z.string(), name: z.string(), uid: z.string().nullish(), controller: z.boolean().nullish() });

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The annotation the scheduler puts on a claim it made for a pod's extended-resource request (k8s.io/api resource/v1). */
export const EXTENDED_RESOURCE_CLAIM_ANNOTATION = 'resource.kubernetes.io/extended-resource-claim';

export const resourceClaimSchema = z
  .object({
    kind: z.literal('ResourceClaim'),
    metadata: draMetadata.extend({
      namespace: dnsLabel,
      annotations: z.record(z.string(), z.string()).nullish(),
      ownerReferences: z.array(ownerReference).nullish(),
      // metav1.Time reads RFC 3339 (fractional seconds allowed); anything else is refused as the API client would.
      creationTimestamp: z.string().regex(RFC3339, 'must be an RFC 3339 time').nullish(),
    }),
    spec: z.object({ devices: z.object({ requests: z.array(deviceRequest).nullish() }).nullish() }),
    status: z
      .object({ allocation: z.object({ devices: z.object({ results: z.array(allocationResult).nullish() }).nullish() }).nullish() })
      .nullish(),
  })
  .transform((c) => {
    const allocation = c.status?.allocation;
    // resource_claims.go getVerifiedPodUsage: the annotation and a controller reference to a v1 Pod; the pod's uid
    // and the claim's creation time are checked against the pods and the pod's other claims (claim-use.ts).
    const controller = (c.metadata.ownerReferences ?? []).find((o) => o.controller === true);
    const ownerPod =
      c.metadata.annotations?.[EXTENDED_RESOURCE_CLAIM_ANNOTATION] === 'true' && controller !== undefined && controller.kind === 'Pod' && controller.apiVersion === 'v1'
        ? controller
        : null;
    const facts: Omit<ResourceClaimFacts, 'name' | 'namespace'> = {
      extendedResourceClaimOf: ownerPod?.name ?? null,
      extendedResourceClaimOwner: ownerPod === null ? null : { uid: ownerPod.uid ?? '', createdAt: c.metadata.creationTimestamp ?? null },
      requests: c.spec.devices?.requests ?? [],
      allocation: allocation === undefined || allocation === null ? null : { devices: allocation.devices?.results ?? [] },
    };
    return { kind: c.kind, metadata: { name: c.metadata.name, namespace: c.metadata.namespace, labels: c.metadata.labels }, ...facts };
  });

export type ResourceSliceObject = z.output<typeof resourceSliceSchema>;
export type DeviceClassObject = z.output<typeof deviceClassSchema>;
export type ResourceClaimObject = z.output<typeof resourceClaimSchema>;
