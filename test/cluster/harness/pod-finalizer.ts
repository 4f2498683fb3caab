/**
 * The one part of a kubelet the test control plane needs: finishing the deletion of pods.
 *
 * Deleting a pod bound to a node (spec.nodeName set, phase not Succeeded/Failed) only marks it: the API server
 * sets deletionTimestamp and waits for the node's kubelet to stop the containers and delete it with grace period 0
 * (pkg/registry/core/pod/strategy.go CheckGracefulTermination). There is no kubelet here, so without this stand-in
 * such pods stay Terminating for ever, and a namespace holding one never finishes deleting, nor does the garbage
 * collector's deletion of a pod whose owner is gone.
 *
 * It watches all pods and deletes, with grace period 0 and a uid precondition, every one that has a
 * deletionTimestamp and no finalizers left (finalizers are honoured as in any cluster).
 */
import { Agent, request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClients } from './clients.js';

interface PodEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: {
    metadata?: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: string; finalizers?: string[]; resourceVersion?: string };
    code?: number;
  };
}

export interface PodFinalizer {
  /** Pods this stand-in has deleted so far. */
  finalized(): number;
  stop(): void;
}

export function startPodFinalizer(clients: KubeClients, options: { onError?: (error: Error) => void } = {}): PodFinalizer {
  const agent = new Agent({ keepAlive: false, ca: clients.ca });
  const inFlight = new Set<string>();
  let finalized = 0;
  let stopped = false;
  let current: ReturnType<typeof request> | undefined;

  const finalize = async (pod: PodEvent['object']): Promise<void> => {
    const { name, namespace, uid, deletionTimestamp, finalizers } = pod.metadata ?? {};
    if (!deletionTimestamp || (finalizers?.length ?? 0) > 0 || !name || !namespace || !uid || inFlight.has(uid)) return;
    inFlight.add(uid);
    try {
      const response = await clients.request(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`, {
        method: 'DELETE',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid } }),
      });
      // 404: gone already; 409: a different pod of the same name (uid precondition failed).
      if (response.status < 300) finalized += 1;
      else if (response.status !== 404 && response.status !== 409) {
        options.onError?.(new Error(`finalizing pod ${namespace}/${name}: HTTP ${response.status} ${response.body}`));
      }
    } finally {
      inFlight.delete(uid);
    }
  };

  /** One watch connection; resolves with the last resourceVersion seen when the server closes it. */
  const watchOnce = async (resourceVersion: string | undefined): Promise<string | undefined> => {
    const query = `watch=1&allowWatchBookmarks=true${resourceVersion ? `&resourceVersion=${resourceVersion}` : ''}`;
    const headers = await clients.authHeaders();
    return new Promise((resolve, reject) => {
      let last = resourceVersion;
      const req = request(`${clients.server}/api/v1/pods?${query}`, { agent, headers: { ...headers, Accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`watch pods: HTTP ${res.statusCode}`));
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            if (!line.trim()) continue;
            const event = JSON.parse(line) as PodEvent;
            if (event.type === 'ERROR') {
              // 410 Gone: our resourceVersion is too old; start over from a fresh list.
              last = event.object.code === 410 ? undefined : last;
              continue;
            }
            last = event.object.metadata?.resourceVersion ?? last;
            if (event.type === 'ADDED' || event.type === 'MODIFIED') void finalize(event.object);
          }
        });
        res.on('end', () => resolve(last));
        res.on('error', () => resolve(last));
      });
      req.on('socket', (socket) => socket.unref()); // never the reason a test process stays alive
      req.on('error', (error) => (stopped ? resolve(last) : reject(error)));
      req.end();
      current = req;
    });
  };

  void (async () => {
    let resourceVersion: string | undefined;
    while (!stopped) {
      try {
        resourceVersion = await watchOnce(resourceVersion);
      } catch (error) {
        if (stopped) break;
        options.onError?.(error as Error);
        resourceVersion = undefined;
        await sleep(500, undefined, { ref: false });
      }
    }
  })();

  return {
    finalized: () => finalized,
    stop: () => {
      stopped = true;
      current?.destroy();
      agent.destroy();
    },
  };
}
