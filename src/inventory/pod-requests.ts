/**
 * The one reader of a PodSpec's requests. Follows the scheduler and quota evaluator
 * (kubernetes `pkg/api/v1/resource` / `component-helpers/resource` PodRequests, AggregateContainerRequests):
 *
 *   effective = max(sum(app containers) + sum(sidecars),
 *                   max over init containers i of (i's request + sidecars started before i))
 *               + spec.overhead
 *
 * Sidecars are init containers with `restartPolicy: Always`; they keep running, so each one also raises the
 * running total that later init containers are measured against. Pod-level resources (`spec.resources`),
 * when set, replace the container aggregate for cpu and memory.
 */
import { addInto, maxResourceLists, type ResourceList } from '../resources.js';
import type { ContainerSpec, PodSpec } from './objects.js';

/** Resources that pod-level `spec.resources` may set (PodLevelResources, KEP-2837). */
const POD_LEVEL_RESOURCES = ['cpu', 'memory'] as const;

export function effectivePodRequests(spec: PodSpec): ResourceList {
  const requests: ResourceList = {};
  for (const c of spec.containers) addInto(requests, containerRequests(c));

  let sidecars: ResourceList = {};
  let initPeak: ResourceList = {};
  for (const c of spec.initContainers) {
    const own = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      addInto(requests, own);
      sidecars = { ...sidecars };
      addInto(sidecars, own);
      initPeak = maxResourceLists(initPeak, sidecars);
    } else {
      const whileRunning: ResourceList = { ...own };
      addInto(whileRunning, sidecars);
      initPeak = maxResourceLists(initPeak, whileRunning);
    }
  }
  let effective = maxResourceLists(requests, initPeak);

  const podLevel = spec.resources?.requests ?? {};
  for (const name of POD_LEVEL_RESOURCES) {
    const value = podLevel[name];
    if (value !== undefined) effective = { ...effective, [name]: value };
  }

  addInto(effective, spec.overhead);
  return effective;
}

/**
 * A container's requests; a resource with a limit but no request requests its limit, as the API server's
 * defaulting does (`pkg/apis/core/v1/defaults.go` SetDefaults_Pod), so hand-written dumps count like stored pods.
 */
function containerRequests(c: ContainerSpec): ResourceList {
  const out: ResourceList = { ...c.resources.limits };
  Object.assign(out, c.resources.requests);
  return out;
}
