/**
 * Kubernetes' own rules for the names quotaplan reads from a cluster, a dump, a teams file or a request, so a
 * name that the API server would never have accepted is refused where it enters (it would otherwise reach file
 * paths, manifests and terminals). The rules are apimachinery's (k8s.io/apimachinery/pkg/api/validate/content:
 * dns.go IsDNS1123Label / IsDNS1123Subdomain, kube.go IsLabelKey, alias IsQualifiedName, and IsLabelValue);
 * test/unit/kube-names.test.ts runs apimachinery's own test cases against them.
 */

/** Which rule a name follows. */
export type NameRule = 'dns1123-label' | 'dns1123-subdomain' | 'qualified-name' | 'label-value';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A lowercase RFC 1123 label: namespaces (and so Kubeflow Profiles, each of which owns the namespace of its name). */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/** A lowercase RFC 1123 subdomain: nodes, pods, ResourceQuotas, LimitRanges. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/**
 * What Kubernetes calls a qualified name (a label key): an optional DNS subdomain prefix and `/`, then a name of
 * at most 63 alphanumerics, `-`, `_` and `.` that starts and ends alphanumeric. Resource names are qualified names:
 * `cpu`, `nvidia.com/gpu`, `hugepages-2Mi`, and quota keys such as `requests.nvidia.com/gpu` (the `requests.` /
 * `limits.` prefix makes the prefix part `requests.nvidia.com`, still a subdomain).
 */
export function isQualifiedName(value: string): boolean {
  const parts = value.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1] as string;
  if (parts.length === 2 && !isDns1123Subdomain(parts[0] as string)) return false;
  return name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

/** A label value: empty, or at most 63 alphanumerics, `-`, `_` and `.` that starts and ends alphanumeric. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME_PART.test(value));
}

const CHECKS: Record<NameRule, (value: string) => boolean> = {
  'dns1123-label': isDns1123Label,
  'dns1123-subdomain': isDns1123Subdomain,
  'qualified-name': isQualifiedName,
  'label-value': isLabelValue,
};

const EXPLAINED: Record<NameRule, string> = {
  'dns1123-label':
    'must be a lowercase RFC 1123 label: at most 63 characters, lower case letters, digits and "-", starting and ending with a letter or digit',
  'dns1123-subdomain':
    'must be a lowercase RFC 1123 subdomain: at most 253 characters, lower case letters, digits, "-" and ".", each part starting and ending with a letter or digit',
  'qualified-name':
    'must be a Kubernetes qualified name: an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  'label-value': 'must be a label value: empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
};

export function followsRule(rule: NameRule, value: string): boolean {
  return CHECKS[rule](value);
}

/** What is wrong with `value` under `rule`, or undefined when it follows it. */
export function nameProblem(rule: NameRule, value: string): string | undefined {
  return CHECKS[rule](value) ? undefined : EXPLAINED[rule];
}

/** The rule for `metadata.name` of each kind quotaplan reads (the API server's, see each kind's ValidateObjectMeta). */
export const OBJECT_NAME_RULES = {
  Node: 'dns1123-subdomain',
  Namespace: 'dns1123-label',
  Pod: 'dns1123-subdomain',
  ResourceQuota: 'dns1123-subdomain',
  LimitRange: 'dns1123-subdomain',
  // The API server would take any subdomain for this cluster-scoped custom resource, but Kubeflow's profile
  // controller creates the namespace of the same name, so a Profile that owns a namespace is a label.
  Profile: 'dns1123-label',
} as const satisfies Record<string, NameRule>;
