/**
 * The one reader of a pod's requests: exactly k8s.io/component-helpers v0.36.3 `resource.PodRequests` on the pod
 * as the API server stores it, with the options Kubernetes v1.36.3 passes (feature gates at their defaults):
 *
 * - the ResourceQuota evaluator (pkg/quota/v1/evaluator/core/pods.go PodUsageFunc): UseStatusResources
 *   (InPlacePodVerticalScaling, GA) and pod-level resources (PodLevelResources, beta, on);
 * - the scheduler (pkg/scheduler/framework/types.go CalculateResource): the same, plus
 *   InPlacePodLevelResourcesVerticalScalingEnabled (beta, on in 1.36), so a pod-level resize counts on the node.
 *
 *   effective = max(sum(app containers) + sum(sidecars),
 *                   max over init containers i of (i's request + sidecars started before i))
 *               with pod-level requests (cpu, memory, hugepages-*) replacing that aggregate, + spec.overhead
 *
 * Sidecars are init containers with `restartPolicy: Always`. With in-place resize an app container or sidecar
 * the kubelet reports on (`status.containerStatuses[].resources` set) counts max(spec, actuated, allocated) per
 * resource, or max(actuated, allocated) while its resize is Infeasible (the first `PodResizePending` condition
 * has reason `Infeasible`); regular init containers always count their spec.
 *
 * The API server's defaulting (pkg/apis/core/v1 SetDefaults_Pod) is applied first, so a hand-written dump counts
 * like a stored pod: a container's limit without a request becomes its request, and when pod-level limits are
 * set, pod-level requests default from the containers' aggregate (cpu, memory) or from those limits.
 * test/pod-requests-oracle checks all of this against Kubernetes' own code on 12,000 generated pods.
 */
import { addQuantities, compareQuantities, ZERO_QUANTITY, type Quantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import type { ContainerSpec, ContainerStatus, PodSpec, PodStatus } from './objects.js';

export interface PodRequests {
  /** What ResourceQuota charges the pod's namespace (`requests.<name>`). */
  quota: ResourceList;
  /** What the scheduler counts on the pod's node. The same object as `quota` unless a pod-level resize differs. */
  scheduler: ResourceList;
}

/** Pod phases whose pods hold nothing: quota (QuotaV1Pod) and the scheduler ignore them. */
export const TERMINAL_PHASES: ReadonlySet<string> = new Set(['Succeeded', 'Failed']);

/** The effective requests of a pod; the caller skips terminal pods (TERMINAL_PHASES). */
export function effectivePodRequests(pod: { spec: PodSpec; status: PodStatus }): PodRequests {
  const defaulted = withApiDefaults(pod.spec);
  const aggregate = aggregateRequests(defaulted, pod.status);
  const podLevel = defaulted.podRequests;
  if (podLevel === null || !Object.keys(podLevel).some(isPodLevelResource)) {
    const requests = withOverhead(aggregate, pod.spec.overhead);
    return { quota: requests, scheduler: requests };
  }
  const quota: ResourceList = { ...aggregate };
  for (const name of Object.keys(podLevel)) if (isPodLevelResource(name)) quota[name] = podLevel[name] as Quantity;
  const actuated = pod.status.resources;
  if (actuated === undefined) {
    const requests = withOverhead(quota, pod.spec.overhead);
    return { quota: requests, scheduler: requests };
  }
  const effective = effectiveOfResize(pod.status, { spec: podLevel, actuated: actuated.requests, allocated: pod.status.allocatedResources });
  const scheduler: ResourceList = { ...aggregate };
  // A resource the resize state lacks counts as Go's zero Quantity (only possible while Infeasible).
  for (const name of Object.keys(podLevel)) if (isPodLevelResource(name)) scheduler[name] = effective[name] ?? ZERO_QUANTITY;
  return { quota: withOverhead(quota, pod.spec.overhead), scheduler: withOverhead(scheduler, pod.spec.overhead) };
}

/** Resources pod-level `spec.resources` sets for the pod (component-helpers IsSupportedPodLevelResource). */
export function isPodLevelResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');
}

interface DefaultedPod {
  containers: { name: string; requests: ResourceList }[];
  initContainers: { name: string; requests: ResourceList; sidecar: boolean }[];
  /** Pod-level requests after defaulting; null when the pod sets no `spec.resources`. */
  podRequests: ResourceList | null;
}

/** The requests of SetDefaults_Pod (pkg/apis/core/v1/defaults.go), with PodLevelResources on. */
function withApiDefaults(spec: PodSpec): DefaultedPod {
  const containers = spec.containers.map((c) => ({ name: c.name, requests: requestsOf(c) }));
  const initContainers = spec.initContainers.map((c) => ({ name: c.name, requests: requestsOf(c), sidecar: c.restartPolicy === 'Always' }));
  const podResources = spec.resources;
  if (podResources === undefined) return { containers, initContainers, podRequests: null };
  const requests: ResourceList = { ...podResources.requests };
  const limits: ResourceList = { ...podResources.limits };
  // defaultHugePagePodLimits: containers' aggregate hugepages limits become pod limits, unless the pod requests them.
  if (Object.keys(limits).length > 0 || Object.keys(requests).length > 0) {
    const containerLimits = aggregate(
      spec.containers.map((c) => c.resources.limits),
      spec.initContainers.map((c) => ({ list: c.resources.limits, sidecar: c.restartPolicy === 'Always' })),
    );
    for (const [name, value] of Object.entries(containerLimits)) {
      if (name.startsWith('hugepages-') && !(name in requests) && !(name in limits)) limits[name] = value;
    }
  }
  // defaultPodRequests: only when pod-level limits are set; cpu and memory (overcommittable) from the containers'
  // aggregate requests, then anything still missing from the pod limits.
  if (Object.keys(limits).length > 0) {
    const containerRequests = aggregate(
      containers.map((c) => c.requests),
      initContainers.map((c) => ({ list: c.requests, sidecar: c.sidecar })),
    );
    for (const [name, value] of Object.entries(containerRequests)) {
      if (!(name in requests) && (name === 'cpu' || name === 'memory')) requests[name] = value;
    }
    for (const [name, value] of Object.entries(limits)) {
      if (!(name in requests) && isPodLevelResource(name)) requests[name] = value;
    }
  }
  return { containers, initContainers, podRequests: requests };
}

/** A container's requests; a resource with a limit and no request requests its limit. */
function requestsOf(c: ContainerSpec): ResourceList {
  const out: ResourceList = { ...c.resources.limits };
  Object.assign(out, c.resources.requests);
  return out;
}

/** AggregateContainerRequests with UseStatusResources: app containers and sidecars count their resize state. */
function aggregateRequests(pod: DefaultedPod, status: PodStatus): ResourceList {
  const reportedOf = statusReader(status);
  const current = (c: { name: string; requests: ResourceList }): ResourceList => {
    const reported = reportedOf(c.name);
    if (reported?.resources === undefined) return c.requests;
    return effectiveOfResize(status, { spec: c.requests, actuated: reported.resources.requests, allocated: reported.allocatedResources });
  };
  return aggregate(
    pod.containers.map(current),
    pod.initContainers.map((c) => ({ list: c.sidecar ? current(c) : c.requests, sidecar: c.sidecar })),
  );
}

/** What the kubelet reports per container name (init containers' statuses win a name clash, as Go's map fill). */
function statusReader(status: PodStatus): (name: string) => ContainerStatus | undefined {
  if (status.containerStatuses.length === 0 && status.initContainerStatuses.length === 0) return () => undefined;
  const byName = new Map<string, ContainerStatus>();
  for (const s of status.containerStatuses) byName.set(s.name, s);
  for (const s of status.initContainerStatuses) byName.set(s.name, s);
  return (name) => byName.get(name);
}

/**
 * The sidecar formula (KEP-753) over any per-container lists: app containers and sidecars add up; each regular
 * init container runs beside the sidecars started before it; the larger of the two, per resource.
 */
function aggregate(app: readonly ResourceList[], init: readonly { list: ResourceList; sidecar: boolean }[]): ResourceList {
  const total: ResourceList = {};
  for (const list of app) addInto(total, list);
  const sidecars: ResourceList = {};
  const initPeak: ResourceList = {};
  for (const { list, sidecar } of init) {
    if (sidecar) {
      addInto(total, list);
      addInto(sidecars, list);
      maxInto(initPeak, sidecars);
    } else {
      const whileRunning: ResourceList = {};
      addInto(whileRunning, list);
      addInto(whileRunning, sidecars);
      maxInto(initPeak, whileRunning);
    }
  }
  maxInto(total, initPeak);
  return total;
}

/** component-helpers determineEffectiveRequests: max(actuated, allocated) while Infeasible, else max(spec, actuated, allocated). */
function effectiveOfResize(
  status: Pick<PodStatus, 'conditions'>,
  state: { spec: ResourceList; actuated: ResourceList; allocated: ResourceList | undefined },
): ResourceList {
  const out: ResourceList = {};
  if (!resizeInfeasible(status)) maxInto(out, state.spec);
  maxInto(out, state.actuated);
  if (state.allocated !== undefined) maxInto(out, state.allocated);
  return out;
}

/** IsPodResizeInfeasible: the first PodResizePending condition decides. */
function resizeInfeasible(status: Pick<PodStatus, 'conditions'>): boolean {
  const pending = status.conditions.find((c) => c.type === 'PodResizePending');
  return pending?.reason === 'Infeasible';
}

function withOverhead(requests: ResourceList, overhead: ResourceList): ResourceList {
  if (Object.keys(overhead).length === 0) return requests;
  const out: ResourceList = { ...requests };
  addInto(out, overhead);
  return out;
}

/** Go's addResourceList: a new name takes the value, an existing one adds (Go's Add keeps the left format). */
function addInto(target: ResourceList, list: ResourceList): void {
  for (const [name, value] of Object.entries(list)) {
    const existing = target[name];
    target[name] = existing === undefined ? value : addQuantities(existing, value);
  }
}

/** Go's maxResourceList: a new name takes the value; an existing one only a strictly larger value. */
function maxInto(target: ResourceList, list: ResourceList): void {
  for (const [name, value] of Object.entries(list)) {
    const existing = target[name];
    if (existing === undefined || compareQuantities(value, existing) > 0) target[name] = value;
  }
}
