/**
 * Fluent builders for the Kubernetes objects the inventory reads. They produce raw objects shaped like
 * `kubectl get -o json` output; `.parsed()` runs them through the real edge validator (parseObject).
 *
 *   aNode('h100-0').withCapacity({ 'nvidia.com/gpu': '8' }).withLabels({ ... }).cordoned().parsed()
 *   aPod('team-a', 'train').onNode('h100-0').container({ cpu: '4', 'nvidia.com/gpu': '1' }).parsed()
 */
import { type NamespaceObject, type NodeObject, type PodObject } from '../../src/inventory/objects.js';
import { parseObject } from '../../src/kinds/parse.js';

type Resources = Record<string, string>;
type Raw = Record<string, unknown>;

export class NodeBuilder {
  private labels: Record<string, string> = {};
  private capacity: Resources = { cpu: '8', memory: '32Gi', pods: '110' };
  private allocatable: Resources | undefined;
  private unschedulable = false;
  private ready = true;
  private taints: { key: string; value?: string; effect: string }[] = [];

  constructor(private readonly name: string) {}

  withLabels(labels: Record<string, string>): this {
    this.labels = { ...this.labels, ...labels };
    return this;
  }

  /** Replaces capacity; allocatable follows it unless set with withAllocatable. */
  withCapacity(capacity: Resources): this {
    this.capacity = capacity;
    return this;
  }

  withAllocatable(allocatable: Resources): this {
    this.allocatable = allocatable;
    return this;
  }

  withTaint(key: string, effect: string, value?: string): this {
    this.taints.push(value === undefined ? { key, effect } : { key, value, effect });
    return this;
  }

  cordoned(): this {
    this.unschedulable = true;
    return this;
  }

  notReady(): this {
    this.ready = false;
    return this;
  }

  build(): Raw {
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: this.name, labels: { 'kubernetes.io/hostname': this.name, ...this.labels } },
      spec: { ...(this.unschedulable ? { unschedulable: true } : {}), ...(this.taints.length > 0 ? { taints: this.taints } : {}) },
      status: {
        capacity: this.capacity,
        allocatable: this.allocatable ?? this.capacity,
        conditions: [{ type: 'Ready', status: this.ready ? 'True' : 'False' }],
      },
    };
  }

  parsed(): NodeObject {
    return parseObject(this.build()) as NodeObject;
  }
}

/** The labels GPU Feature Discovery puts on a node with `count` unshared GPUs of `product`. */
export function gfd(product: string, count: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'nvidia.com/gpu.present': 'true',
    'nvidia.com/gpu.product': product,
    'nvidia.com/gpu.count': String(count),
    'nvidia.com/gpu.replicas': '1',
    'nvidia.com/gpu.sharing-strategy': 'none',
    ...extra,
  };
}

export function aNode(name: string): NodeBuilder {
  return new NodeBuilder(name);
}

interface ContainerShape {
  name: string;
  resources: { requests?: Resources; limits?: Resources };
  restartPolicy?: string;
}

export class PodBuilder {
  private nodeName: string | undefined;
  private containers: ContainerShape[] = [];
  private initContainers: ContainerShape[] = [];
  private overhead: Resources | undefined;
  private podRequests: Resources | undefined;
  private podLimits: Resources | undefined;
  private phase = 'Running';
  private conditions: { type: string; status: string; reason?: string }[] = [];
  private containerStatuses: Raw[] = [];
  private podStatus: { allocatedResources?: Resources; resources?: { requests: Resources } } = {};
  private uid: string | undefined;

  constructor(
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  onNode(nodeName: string): this {
    this.nodeName = nodeName;
    return this;
  }

  container(requests: Resources, limits?: Resources): this {
    this.containers.push({ name: `c${this.containers.length}`, resources: { requests, ...(limits ? { limits } : {}) } });
    return this;
  }

  initContainer(requests: Resources): this {
    this.initContainers.push({ name: `init${this.initContainers.length}`, resources: { requests } });
    return this;
  }

  /** An init container with `restartPolicy: Always`: a sidecar that keeps running beside the app containers. */
  sidecar(requests: Resources): this {
    this.initContainers.push({ name: `sidecar${this.initContainers.length}`, resources: { requests }, restartPolicy: 'Always' });
    return this;
  }

  withOverhead(overhead: Resources): this {
    this.overhead = overhead;
    return this;
  }

  withPodLevelRequests(requests: Resources): this {
    this.podRequests = requests;
    return this;
  }

  withPodLevelLimits(limits: Resources): this {
    this.podLimits = limits;
    return this;
  }

  /** What the kubelet reports for container `name` (in-place resize): what it allocated and actuated. */
  withContainerStatus(name: string, status: { allocated?: Resources; actuated?: Resources }): this {
    this.containerStatuses.push({
      name,
      ...(status.allocated === undefined ? {} : { allocatedResources: status.allocated }),
      ...(status.actuated === undefined ? {} : { resources: { requests: status.actuated } }),
    });
    return this;
  }

  /** What the kubelet reports for the pod-level resources (in-place pod-level resize). */
  withPodLevelStatus(status: { allocated?: Resources; actuated?: Resources }): this {
    this.podStatus = {
      ...(status.allocated === undefined ? {} : { allocatedResources: status.allocated }),
      ...(status.actuated === undefined ? {} : { resources: { requests: status.actuated } }),
    };
    return this;
  }

  /** A `PodResizePending` condition: `Infeasible` or `Deferred`. */
  resizePending(reason: 'Infeasible' | 'Deferred'): this {
    this.conditions.push({ type: 'PodResizePending', status: 'True', reason });
    return this;
  }

  /** metadata.uid, as the API server sets it. */
  withUid(uid: string): this {
    this.uid = uid;
    return this;
  }

  inPhase(phase: string): this {
    this.phase = phase;
    return this;
  }

  build(): Raw {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: this.name, namespace: this.namespace, ...(this.uid === undefined ? {} : { uid: this.uid }) },
      spec: {
        ...(this.nodeName === undefined ? {} : { nodeName: this.nodeName }),
        containers: this.containers.map((c) => ({ image: 'img', ...c })),
        ...(this.initContainers.length > 0 ? { initContainers: this.initContainers.map((c) => ({ image: 'img', ...c })) } : {}),
        ...(this.overhead === undefined ? {} : { overhead: this.overhead }),
        ...(this.podRequests === undefined && this.podLimits === undefined
          ? {}
          : { resources: { ...(this.podRequests === undefined ? {} : { requests: this.podRequests }), ...(this.podLimits === undefined ? {} : { limits: this.podLimits }) } }),
      },
      status: {
        phase: this.phase,
        ...(this.conditions.length > 0 ? { conditions: this.conditions } : {}),
        ...(this.containerStatuses.length > 0 ? { containerStatuses: this.containerStatuses } : {}),
        ...this.podStatus,
      },
    };
  }

  parsed(): PodObject {
    return parseObject(this.build()) as PodObject;
  }
}

export function aPod(namespace: string, name: string): PodBuilder {
  return new PodBuilder(namespace, name);
}

export function aNamespace(name: string, labels: Record<string, string> = {}): Raw {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

export function aNamespaceObject(name: string, labels: Record<string, string> = {}): NamespaceObject {
  return parseObject(aNamespace(name, labels)) as NamespaceObject;
}

export function aResourceQuota(namespace: string, name: string, hard: Resources, used: Resources = {}, statusHard: Resources = hard): Raw {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace },
    spec: { hard },
    status: { hard: statusHard, used },
  };
}

export function aLimitRange(namespace: string, name: string, defaultRequest: Resources): Raw {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name, namespace },
    spec: { limits: [{ type: 'Container', defaultRequest }] },
  };
}

export function aProfile(name: string, owner: string, hard: Resources, labels: Record<string, string> = {}): Raw {
  return {
    apiVersion: 'kubeflow.org/v1',
    kind: 'Profile',
    metadata: { name, labels },
    spec: { owner: { kind: 'User', name: owner }, resourceQuotaSpec: { hard } },
  };
}

/** `kubectl get ... -o json` shape. */
export function aList(...items: Raw[]): Raw {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}
