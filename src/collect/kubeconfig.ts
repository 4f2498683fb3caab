/**
 * Choosing the cluster to read: an explicit kubeconfig file, $KUBECONFIG, ~/.kube/config, or the pod's service
 * account (in-cluster), in the order kubectl uses. Every failure names the file, the context and what is known.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ValidationError } from '../errors.js';

/** Where client-node's loadFromCluster reads the service account token (the kubelet mounts it there). */
export const serviceAccountTokenPath = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * A folder that stands in for `/` when reading the service account's token and CA (client-node's path prefix).
 * Unset in a pod; set where the files are mounted elsewhere, as the tests do.
 */
export const inClusterRootVariable = 'QUOTAPLAN_IN_CLUSTER_ROOT';

export interface KubeconfigOptions {
  /** `--kubeconfig F`; wins over $KUBECONFIG and ~/.kube/config. */
  kubeconfig?: string | undefined;
  /** `--context C`; the kubeconfig's current-context when absent. */
  context?: string | undefined;
  /** Environment to read KUBECONFIG / KUBERNETES_SERVICE_HOST from (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** Home folder holding `.kube/config` (os.homedir() by default). */
  home?: string;
  /** Prefix of the service account folder (tests mount one elsewhere); default $QUOTAPLAN_IN_CLUSTER_ROOT, or '' (a pod). */
  serviceAccountPrefix?: string;
  /** `--in-cluster`: the pod's service account only, even where a kubeconfig exists; its absence is an error. */
  inCluster?: boolean;
}

export interface ClusterTarget {
  config: KubeConfig;
  /** The context in use: the default cluster name in the store. */
  context: string;
  /** The API server URL, for error messages and the snapshot's identity. */
  server: string;
  /** Where the configuration came from: file paths, or `in-cluster service account`. */
  source: string;
}

/** Loads a kubeconfig and selects the context; throws ValidationError naming the file or the unknown context. */
export function loadClusterTarget(options: KubeconfigOptions = {}): ClusterTarget {
  const env = options.env ?? process.env;
  const config = new KubeConfig();
  const prefix = options.serviceAccountPrefix ?? env[inClusterRootVariable] ?? '';
  const files = options.inCluster ? [] : kubeconfigFiles(options, env);
  let source: string;
  if (options.inCluster) {
    requireServiceAccount(prefix, env);
    config.loadFromCluster(prefix);
    source = 'in-cluster service account';
  } else if (files.length > 0) {
    for (const [index, file] of files.entries()) {
      if (!existsSync(file)) {
        const field = options.kubeconfig !== undefined ? '--kubeconfig' : 'KUBECONFIG';
        throw new ValidationError(`kubeconfig file ${file} does not exist (from ${field})`, { file, field, value: file });
      }
      const part = index === 0 ? config : new KubeConfig();
      try {
        part.loadFromFile(file);
      } catch (error) {
        throw new ValidationError(`kubeconfig file ${file} cannot be read: ${messageOf(error)}`, { file }, { cause: error });
      }
      // kubectl's merge rule: the first file to set a value wins (client-node keeps the first current-context).
      if (part !== config) mergeInto(config, part, file);
    }
    source = files.join(delimiter);
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(`${prefix}${serviceAccountTokenPath}`)) {
    // client-node reads KUBERNETES_SERVICE_HOST/PORT from process.env itself.
    config.loadFromCluster(prefix);
    source = 'in-cluster service account';
  } else {
    throw new ValidationError(
      'no kubeconfig found: pass --kubeconfig FILE, set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account',
      { field: '--kubeconfig' },
    );
  }

  const known = config.getContexts().map((context) => context.name).sort();
  if (options.context !== undefined) {
    if (!known.includes(options.context)) {
      throw new ValidationError(
        `unknown context "${options.context}" in ${source}; known contexts: ${known.length > 0 ? known.join(', ') : '(none)'}`,
        { file: source, field: '--context', value: options.context },
      );
    }
    config.setCurrentContext(options.context);
  }
  const context = config.getCurrentContext();
  if (!context || config.getContextObject(context) === null) {
    throw new ValidationError(
      `${source} has no current context${context ? ` ("${context}" is not defined)` : ''}; pass --context, one of: ${known.length > 0 ? known.join(', ') : '(none)'}`,
      { file: source, field: 'current-context', value: context },
    );
  }
  const cluster = config.getCurrentCluster();
  if (cluster === null) {
    const clusterName = config.getContextObject(context)?.cluster;
    throw new ValidationError(`context "${context}" in ${source} names cluster "${clusterName}", which is not defined`, {
      file: source,
      field: `contexts[${context}].cluster`,
      value: clusterName,
    });
  }
  return { config, context, server: cluster.server.replace(/\/+$/, ''), source };
}

/** `--in-cluster` outside a pod (or with the token not mounted) says which part is missing. */
function requireServiceAccount(prefix: string, env: NodeJS.ProcessEnv): void {
  const token = `${prefix}${serviceAccountTokenPath}`;
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) {
    throw new ValidationError('--in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod?)', {
      field: '--in-cluster',
    });
  }
  if (!existsSync(token)) {
    throw new ValidationError(`--in-cluster: no service account token at ${token} (is automountServiceAccountToken off?)`, {
      file: token,
      field: '--in-cluster',
    });
  }
}

function kubeconfigFiles(options: KubeconfigOptions, env: NodeJS.ProcessEnv): string[] {
  if (options.kubeconfig !== undefined) return [options.kubeconfig];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter((file) => file.length > 0);
  const home = join(options.home ?? homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

function mergeInto(config: KubeConfig, part: KubeConfig, file: string): void {
  const names = {
    clusters: new Set(config.getClusters().map((c) => c.name)),
    users: new Set(config.getUsers().map((u) => u.name)),
    contexts: new Set(config.getContexts().map((c) => c.name)),
  };
  try {
    for (const cluster of part.getClusters()) if (!names.clusters.has(cluster.name)) config.addCluster(cluster);
    for (const user of part.getUsers()) if (!names.users.has(user.name)) config.addUser(user);
    for (const context of part.getContexts()) if (!names.contexts.has(context.name)) config.addContext(context);
  } catch (error) {
    throw new ValidationError(`kubeconfig file ${file} cannot be merged: ${messageOf(error)}`, { file }, { cause: error });
  }
  if (!config.getCurrentContext() && part.getCurrentContext()) config.setCurrentContext(part.getCurrentContext());
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
