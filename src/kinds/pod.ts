/**
 * Pod (v1): only its effective request is kept (inventory/pod-requests.ts), summed into its namespace (what quota
 * charges) and, when bound, its node (what the scheduler counts). Terminal pods count for neither, and are not
 * listed (the field selector) or kept.
 */
import { podSchema, readPod, type PodObject } from '../inventory/objects.js';
import { effectivePodRequests, TERMINAL_PHASES } from '../inventory/pod-requests.js';
import type { ResourceList } from '../resources.js';
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
}

/** The facts of a pod; null for a terminal one. */
export function podEntry(pod: PodObject): PodEntry | null {
  if (pod.status.phase !== undefined && TERMINAL_PHASES.has(pod.status.phase)) return null;
  const requests = effectivePodRequests(pod);
  const nodeName = pod.spec.nodeName;
  return {
    namespace: pod.metadata.namespace,
    nodeName: nodeName === undefined || nodeName === '' ? undefined : nodeName,
    quota: requests.quota,
    scheduler: requests.scheduler,
  };
}

export const podKind = objectKind<PodObject, PodEntry>({
  kind: 'Pod',
  list: { apiVersion: 'v1', group: '', resource: 'pods', namespaced: true, fieldSelector: nonTerminalPods },
  protobuf: { file: 'core', package: 'k8s.io.api.core.v1' },
  schema: podSchema,
  read: readPod,
  streamed: true,
  // The API server lists in this order (the etcd key, and the watch cache's): a namespace's sum then takes the
  // format of its first pod as a LIST gives them (Go's Quantity.Add keeps the left operand's format).
  inventory: { key: (pod) => `${pod.metadata.namespace}/${pod.metadata.name}`, facts: podEntry },
});
