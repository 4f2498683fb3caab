/**
 * Pod (v1): only its effective request is kept (inventory/pod-requests.ts), summed into its namespace (what quota
 * charges) and, when bound, its node (what the scheduler counts); a pod not bound to a node yet is also summed as
 * its namespace's queued demand, with why it waits (its PodScheduled condition's reason). Terminal pods count for
 * neither, and are not listed (the field selector) or kept.
 */
import { podSchema, readPod, type PodObject } from '../inventory/objects.js';
import { readPodProtobuf } from '../inventory/pod-protobuf.js';
import { effectivePodRequests, TERMINAL_PHASES } from '../inventory/pod-requests.js';
import type { ResourceList } from '../resources.js';
import { compareText } from '../text-order.js';
import { objectKind } from './kind.js';

/** Pods in phases Succeeded and Failed count for neither quota nor the scheduler (domain.md section 2). */
export const nonTerminalPods = 'status.phase!=Succeeded,status.phase!=Failed';

export interface PodEntry {
  namespace: string;
  /** The node it is bound to; undefined while pending. */
  nodeName: string | undefined;
  /** What quota charges its namespace. */
  quota: ResourceList;
  /** What the scheduler counts on its node. */
  scheduler: ResourceList;
  /** While not bound to a node: why (`Unschedulable`, `SchedulingGated`, or `Pending` when no reason is recorded). */
  queuedReason: string | undefined;
  /**
   * DRA: the ResourceClaims (of its namespace) it uses, from its status, sorted; the extended-resource claim too.
   * Absent when none (most pods: a watched inventory keeps one entry per pod).
   */
  claims?: string[];
  /** KEP-5004: the claim the scheduler made for its extended-resource requests; absent when none. */
  extendedResourceClaim?: string;
  /**
   * KEP-5004: its uid ('' when the object has none), kept only when it requests an extended resource (a name with a
   * domain): only such a pod's own charge can cover a claim the scheduler made for it, and the quota evaluator
   * checks the claim's owner uid against it (dra/claim-use.ts verifiedPodUsage). Absent for other pods, so a
   * watched inventory's CPU pods stay as small as before.
   */
  uid?: string;
}

/** Whether a pod's requests name an extended resource (`nvidia.com/gpu`, `deviceclass.resource.kubernetes.io/<class>`): any name with a domain. */
function requestsExtendedResource(requests: ResourceList): boolean {
  for (const name in requests) if (name.includes('/')) return true;
  return false;
}

/** A condition reason is a CamelCase word (metav1.Condition); anything else from a dump is not shown as one. */
const REASON = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** Why a pod is not on a node: the reason of its PodScheduled condition (the scheduler's), else `Pending`. */
export function queuedReasonOf(pod: PodObject): string {
  const reason = pod.status.conditions.find((c) => c.type === 'PodScheduled')?.reason;
  if (reason === undefined) return 'Pending';
  return REASON.test(reason) ? reason : 'Other';
}

/** The facts of a pod; null for a terminal one. */
export function podEntry(pod: PodObject): PodEntry | null {
  if (pod.status.phase !== undefined && TERMINAL_PHASES.has(pod.status.phase)) return null;
  const requests = effectivePodRequests(pod);
  const nodeName = pod.spec.nodeName === '' ? undefined : pod.spec.nodeName;
  const entry: PodEntry = {
    namespace: pod.metadata.namespace,
    nodeName,
    quota: requests.quota,
    scheduler: requests.scheduler,
    queuedReason: nodeName === undefined ? queuedReasonOf(pod) : undefined,
  };
  const extended = pod.status.extendedResourceClaim;
  const claims = [...new Set([...(pod.status.resourceClaims ?? []), ...(extended === undefined ? [] : [extended])])].sort(compareText);
  if (claims.length > 0) entry.claims = claims;
  if (extended !== undefined) entry.extendedResourceClaim = extended;
  if (requestsExtendedResource(requests.quota)) entry.uid = pod.metadata.uid ?? '';
  return entry;
}

export const podKind = objectKind<PodObject, PodEntry>({
  kind: 'Pod',
  list: { apiVersion: 'v1', group: '', resource: 'pods', namespaced: true, fieldSelector: nonTerminalPods },
  protobuf: { file: 'core', package: 'k8s.io.api.core.v1', read: readPodProtobuf },
  schema: podSchema,
  read: readPod,
  streamed: true,
  // The API server lists in this order (the etcd key, and the watch cache's): a namespace's sum then takes the
  // format of its first pod as a LIST gives them (Go's Quantity.Add keeps the left operand's format).
  inventory: { key: (pod) => `${pod.metadata.namespace}/${pod.metadata.name}`, facts: podEntry },
});
