/**
 * A synthetic GPU cluster of any size for the collector benchmark: nodes cloned from the demo cluster's shapes
 * (H100, MIG A100/H200, time-sliced T4, MI300X, CPU nodes: `src/demo/cluster.ts`), namespaces with a quota each, and
 * pods bound by `spec.nodeName` that look like a Deployment's pods (labels, annotations, two containers, env,
 * volume mounts, tolerations), so a LIST page weighs what it weighs in a real cluster (about 2.5 KB a pod before
 * the server adds managedFields).
 *
 * Deterministic: object `i` is the same on every run, so a cluster can be grown in steps (1,000 nodes, then 5,000)
 * by generating the next range.
 */
import { demoCluster } from '../src/demo/cluster.js';

type KubeObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: unknown } };

interface NodeTemplate {
  labels: Record<string, string>;
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  taints?: unknown[];
  /** The accelerator resource pods on it request, and how many units it has. */
  accelerator?: { resource: string; units: number };
}

const ACCELERATORS = ['nvidia.com/gpu', 'nvidia.com/gpu.shared', 'amd.com/gpu', 'nvidia.com/mig-1g.10gb'];

function templates(): NodeTemplate[] {
  const items = (demoCluster() as { items: Record<string, any>[] }).items.filter((item) => item.kind === 'Node');
  return items.map((node): NodeTemplate => {
    const allocatable = node.status.allocatable as Record<string, string>;
    const resource = ACCELERATORS.find((r) => Number(allocatable[r] ?? '0') > 0);
    const { 'kubernetes.io/hostname': _hostname, ...labels } = node.metadata.labels as Record<string, string>;
    return {
      labels,
      capacity: node.status.capacity,
      allocatable,
      ...(node.spec?.taints ? { taints: node.spec.taints } : {}),
      ...(resource ? { accelerator: { resource, units: Number(allocatable[resource]) } } : {}),
    };
  });
}

const TEMPLATES = templates();

export function nodeName(i: number): string {
  return `node-${String(i).padStart(5, '0')}`;
}

export function syntheticNode(i: number): KubeObject {
  const template = TEMPLATES[i % TEMPLATES.length]!;
  const name = nodeName(i);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        ...template.labels,
        'kubernetes.io/hostname': name,
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `eu-west-1${'abc'[i % 3]}`,
        'node.kubernetes.io/instance-type': 'p5.48xlarge',
      },
    },
    spec: { ...(template.taints ? { taints: template.taints } : {}), providerID: `aws:///eu-west-1a/i-${(1e12 + i).toString(16)}` },
    status: {
      capacity: template.capacity,
      allocatable: template.allocatable,
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure' },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      nodeInfo: {
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://1.7.27',
        kernelVersion: '6.1.0-18-amd64',
        kubeProxyVersion: '',
        kubeletVersion: 'v1.36.3',
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.5 LTS',
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
      addresses: [
        { type: 'InternalIP', address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
        { type: 'Hostname', address: name },
      ],
    },
  };
}

export function namespaceName(i: number): string {
  return `team-${String(i).padStart(4, '0')}`;
}

export function syntheticNamespace(i: number): KubeObject {
  const name = namespaceName(i);
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { team: `team-${i % 200}`, department: `dept-${i % 12}`, 'cost-centre': `cc-${100 + (i % 40)}` } },
  };
}

export function syntheticQuota(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'compute', namespace: namespaceName(i) },
    spec: { hard: { 'requests.cpu': '4000', 'requests.memory': '32Ti', 'requests.nvidia.com/gpu': '512', 'requests.amd.com/gpu': '64' } },
  };
}

/** One ResourceQuota per namespace, LimitRanges in the first 50 and Profiles for the first 100 namespaces. */
export function syntheticPolicyObjects(namespaces: number): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let i = 0; i < namespaces; i++) objects.push(syntheticQuota(i));
  for (let i = 0; i < Math.min(50, namespaces); i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'defaults', namespace: namespaceName(i) },
      spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '250m', memory: '512Mi' } }] },
    });
  }
  for (let i = 0; i < Math.min(100, namespaces); i++) {
    objects.push({
      apiVersion: 'kubeflow.org/v1',
      kind: 'Profile',
      metadata: { name: namespaceName(i), labels: { team: `team-${i % 200}` } },
      spec: { owner: { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `${namespaceName(i)}@example.com` } },
    });
  }
  return objects;
}

/**
 * Pod `i` of a cluster with `podsPerNode` pods on every node: pod i sits on node floor(i / podsPerNode), in
 * namespace i mod `namespaces`. The first pods on an accelerator node each request one unit (as many as the node
 * has); the rest are CPU-only (sidecar jobs, daemons).
 */
export function syntheticPod(i: number, options: { podsPerNode: number; namespaces: number }): KubeObject {
  const nodeIndex = Math.floor(i / options.podsPerNode);
  const slot = i % options.podsPerNode;
  const template = TEMPLATES[nodeIndex % TEMPLATES.length]!;
  const namespace = namespaceName(i % options.namespaces);
  const app = `svc-${i % 97}`;
  const hash = ((i * 2654435761) >>> 0).toString(36).slice(0, 9);
  const name = `${app}-${hash}-${String(i).padStart(6, '0')}`;
  const requests: Record<string, string> = { cpu: `${250 * (1 + (i % 8))}m`, memory: `${512 * (1 + (i % 6))}Mi` };
  const limits: Record<string, string> = { memory: requests.memory! };
  if (template.accelerator && slot < template.accelerator.units) {
    requests[template.accelerator.resource] = '1';
    limits[template.accelerator.resource] = '1';
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': namespace, 'pod-template-hash': hash },
      annotations: {
        'kubectl.kubernetes.io/restartedAt': '2026-11-01T09:00:00Z',
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
      },
    },
    spec: {
      nodeName: nodeName(nodeIndex),
      schedulerName: 'default-scheduler',
      priority: 0,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      containers: [
        {
          name: 'main',
          image: `registry.example.com/${namespace}/${app}:v1.${i % 40}.0`,
          imagePullPolicy: 'IfNotPresent',
          args: ['--config=/etc/app/config.yaml', '--port=8080'],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
          ],
          env: [
            { name: 'APP_NAME', value: app },
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
          ],
          resources: { requests, limits },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/app', readOnly: true },
            { name: 'scratch', mountPath: '/scratch' },
          ],
          readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
        {
          name: 'log-shipper',
          image: 'registry.example.com/platform/fluent-bit:3.1.9',
          imagePullPolicy: 'IfNotPresent',
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          volumeMounts: [{ name: 'scratch', mountPath: '/scratch', readOnly: true }],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: `${app}-config`, defaultMode: 420 } },
        { name: 'scratch', emptyDir: {} },
      ],
    },
  };
}
