/**
 * Small builders for the objects a synthetic cluster is made of. Quantities stay strings here: they go to the
 * API server as written, and tests compare what comes back by value.
 */
import type {
  V1LimitRange,
  V1LimitRangeItem,
  V1Namespace,
  V1Node,
  V1NodeCondition,
  V1Pod,
  V1ResourceQuota,
  V1Taint,
} from '@kubernetes/client-node';

export type ResourceList = Record<string, string>;

export interface NodeOptions {
  capacity?: ResourceList;
  /** Defaults to `capacity`. */
  allocatable?: ResourceList;
  labels?: Record<string, string>;
  taints?: V1Taint[];
  unschedulable?: boolean;
  /** Defaults to Ready=True. */
  conditions?: V1NodeCondition[];
}

export function nodeObject(name: string, options: NodeOptions = {}): V1Node {
  const capacity = options.capacity ?? { cpu: '8', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...options.labels } },
    spec: {
      ...(options.taints ? { taints: options.taints } : {}),
      ...(options.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      capacity,
      allocatable: options.allocatable ?? capacity,
      conditions: options.conditions ?? [{ type: 'Ready', status: 'True' }],
    },
  };
}

export function namespaceObject(name: string, labels: Record<string, string> = {}): V1Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface BoundPodOptions {
  namespace: string;
  name: string;
  /** Set at create time: the pod is bound without a scheduler, and counts for quota all the same. */
  nodeName: string;
  requests?: ResourceList;
  /** Defaults to the non-overcommitable part of `requests` (extended resources, hugepages): the API requires those limits. */
  limits?: ResourceList;
  /** Pending by default (what the API server sets on create); anything else is written via the status subresource. */
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  labels?: Record<string, string>;
}

const overcommitable = new Set(['cpu', 'memory', 'ephemeral-storage']);

export function boundPodObject(options: BoundPodOptions): V1Pod {
  const requests = options.requests ?? {};
  const limits =
    options.limits ??
    Object.fromEntries(Object.entries(requests).filter(([resource]) => !overcommitable.has(resource)));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: options.name, namespace: options.namespace, ...(options.labels ? { labels: options.labels } : {}) },
    spec: {
      nodeName: options.nodeName,
      containers: [{ name: 'main', image: 'registry.invalid/workload:1', resources: { requests, limits } }],
    },
    ...(options.phase ? { status: { phase: options.phase } } : {}),
  };
}

export function resourceQuotaObject(options: {
  namespace: string;
  name: string;
  hard: ResourceList;
  scopes?: string[];
}): V1ResourceQuota {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: options.name, namespace: options.namespace },
    spec: { hard: options.hard, ...(options.scopes ? { scopes: options.scopes } : {}) },
  };
}

export function limitRangeObject(options: { namespace: string; name: string; limits: V1LimitRangeItem[] }): V1LimitRange {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: options.name, namespace: options.namespace },
    spec: { limits: options.limits },
  };
}

/** A Kubeflow Profile (kubeflow.org/v1, cluster-scoped). */
export interface ProfileObject {
  apiVersion: 'kubeflow.org/v1';
  kind: 'Profile';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    owner: { kind: string; name: string; apiGroup?: string };
    plugins?: Array<{ apiVersion?: string; kind?: string; spec?: Record<string, unknown> }>;
    resourceQuotaSpec?: { hard?: ResourceList; scopes?: string[] };
  };
}

export function profileObject(options: {
  name: string;
  owner: string;
  hard?: ResourceList;
  labels?: Record<string, string>;
}): ProfileObject {
  return {
    apiVersion: 'kubeflow.org/v1',
    kind: 'Profile',
    metadata: { name: options.name, ...(options.labels ? { labels: options.labels } : {}) },
    spec: {
      owner: { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: options.owner },
      ...(options.hard ? { resourceQuotaSpec: { hard: options.hard } } : {}),
    },
  };
}
