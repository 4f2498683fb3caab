/**
 * Which ResourceQuota key a planned resource becomes, and which existing keys admission never enforces.
 *
 * Extended resources are enforced ONLY as `requests.<name>`; `limits.<name>` and a bare `<name>` are accepted by
 * the API server but never counted (kubernetes `pkg/quota/v1/evaluator/core/pods.go`, NVIDIA/k8s-device-plugin#211).
 */

/** Resources whose bare name is itself a quota key counting requests (`cpu` means `requests.cpu`). */
const computeResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** Object-count and storage keys of core quota: never turned into `requests.<name>`. */
const objectCountKeys = new Set([
  'pods',
  'services',
  'services.loadbalancers',
  'services.nodeports',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'replicationcontrollers',
  'resourcequotas',
  'requests.storage',
]);

/** DRA quota keys (`<deviceclass>.deviceclass.resource.k8s.io/devices`) are quota keys as they stand. */
const deviceClassKey = /\.deviceclass\.resource\.k8s\.io\/devices$/;

/**
 * True for an extended resource name: one with a domain prefix outside `kubernetes.io` (`nvidia.com/gpu`,
 * `amd.com/gpu`), as k8s `IsExtendedResourceName` decides, and not one of the quota key forms.
 */
export function isExtendedResource(name: string): boolean {
  if (!name.includes('/')) return false;
  if (name.startsWith('requests.') || name.startsWith('limits.') || name.startsWith('count/')) return false;
  if (deviceClassKey.test(name) || name.includes('.storageclass.storage.k8s.io/')) return false;
  const domain = name.slice(0, name.indexOf('/'));
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}

/** The quota key enforcing requests of `resource`: `requests.cpu`, `requests.nvidia.com/gpu`, `pods`. */
export function requestsKeyOf(resource: string): string {
  if (objectCountKeys.has(resource) || deviceClassKey.test(resource)) return resource;
  return `requests.${resource}`;
}

/** The quota key enforcing limits of `resource`, or null when limits of it cannot be quota'd (extended resources). */
export function limitsKeyOf(resource: string): string | null {
  return computeResources.has(resource) || resource.startsWith('hugepages-') ? `limits.${resource}` : null;
}

/** The resource a `requests.X`, `limits.X` or bare compute key counts, or null for object counts. */
export function resourceOfKey(key: string): string | null {
  if (key.startsWith('requests.') && key !== 'requests.storage') return key.slice('requests.'.length);
  if (key.startsWith('limits.')) return key.slice('limits.'.length);
  if (computeResources.has(key)) return key;
  if (isExtendedResource(key)) return key;
  return null;
}

/** Why an existing quota key will not be enforced, with the key that would be; null when it is enforced. */
export function unenforcedReason(key: string): { reason: string; use: string } | null {
  if (key.startsWith('limits.')) {
    const resource = key.slice('limits.'.length);
    if (isExtendedResource(resource)) {
      return { reason: `${key} is accepted by the API server but never enforced for an extended resource`, use: `requests.${resource}` };
    }
    return null;
  }
  if (isExtendedResource(key)) {
    return { reason: `bare ${key} is accepted by the API server but never enforced`, use: `requests.${key}` };
  }
  return null;
}

/** True when a quota with these keys tracks cpu or memory, so pods without those requests are rejected. */
export function tracksComputeKeys(keys: Iterable<string>): { requests: Set<'cpu' | 'memory'>; limits: Set<'cpu' | 'memory'> } {
  const requests = new Set<'cpu' | 'memory'>();
  const limits = new Set<'cpu' | 'memory'>();
  for (const key of keys) {
    for (const resource of ['cpu', 'memory'] as const) {
      if (key === resource || key === `requests.${resource}`) requests.add(resource);
      if (key === `limits.${resource}`) limits.add(resource);
    }
  }
  return { requests, limits };
}
