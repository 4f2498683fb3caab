/**
 * Test fixtures for the dashboard: a store holding hourly snapshots of the bundled demo cluster, built the way
 * `quotaplan collect --from-file` builds them (dump objects -> InventoryBuilder -> saveSnapshot), plus one node
 * and one namespace whose labels carry HTML, to prove cluster strings never become markup.
 */
import { dumpObjects } from '../../../src/collect/dump.js';
import { demoCluster } from '../../../src/demo/cluster.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import { openStore, type Store } from '../../../src/store/open.js';

export const HOSTILE = '<img src=x onerror=alert(1)>';
export const CLUSTER = 'demo';
/** The first snapshot's time; snapshot n (0-based) is n hours later. */
export const FIRST_SNAPSHOT = new Date('2026-07-01T00:00:00Z');

type Raw = Record<string, unknown>;

/** The demo cluster at `hour` of `hours`, with a CPU node in a pool named like an HTML tag and a labelled namespace. */
export function demoList(hour: number, hours: number): Raw {
  const list = demoCluster({ hour, hours }) as { items: Raw[] };
  const items = [
    ...list.items,
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'cpu-hostile', labels: { 'karpenter.sh/nodepool': HOSTILE } },
      spec: {},
      status: {
        capacity: { cpu: '8', memory: '32Gi', pods: '110' },
        allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sandbox', labels: { team: HOSTILE } } },
  ];
  return { ...list, items };
}

/** A pod that is not on a node: no nodeName, its PodScheduled condition saying why (when `reason` is given). */
export function waitingPod(name: string, reason: string | null, gpus: string): Raw {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'recsys', uid: `uid-${name}` },
    spec: { containers: [{ name: 'main', resources: { requests: { cpu: '1', 'nvidia.com/gpu': gpus }, limits: { 'nvidia.com/gpu': gpus } } }] },
    status: { phase: 'Pending', conditions: reason === null ? [] : [{ type: 'PodScheduled', status: 'False', reason }] },
  };
}

/** Queued demand: four pods Unschedulable and one held by a scheduling gate, 2 GPUs and 1 cpu each, in recsys. */
export const WAITING_PODS: readonly Raw[] = [...[0, 1, 2, 3].map((i) => waitingPod(`train-${i}`, 'Unschedulable', '2')), waitingPod('gated-0', 'SchedulingGated', '2')];

/** demoList with the waiting pods (recsys: 10 GPUs queued). */
export function demoListWithWaiting(hour: number, hours: number): Raw {
  const list = demoList(hour, hours) as { items: Raw[] };
  return { ...list, items: [...list.items, ...WAITING_PODS] };
}

export function demoInventory(hour: number, hours: number): ClusterInventory {
  const builder = new InventoryBuilder();
  for (const object of dumpObjects(JSON.stringify(demoList(hour, hours)))) builder.add(object);
  return builder.build();
}

/** An in-memory store with `hours` hourly snapshots of the demo cluster. */
export async function seededStore(options: { hours?: number } = {}): Promise<Store> {
  const hours = options.hours ?? 1;
  const store = await openStore({ file: ':memory:' });
  for (let hour = 0; hour < hours; hour += 1) {
    await store.saveSnapshot({
      cluster: { name: CLUSTER },
      takenAt: new Date(FIRST_SNAPSHOT.getTime() + hour * 3_600_000),
      source: { kind: 'file', ref: 'demo.json' },
      inventory: demoInventory(hour, hours),
    });
  }
  return store;
}

/** A teams file over the demo namespaces: two levels, guarantees, caps, a Profile-owned team. */
export const DEMO_TEAMS = `# Demo teams: quarterly GPU allocation
cycle: 2026-Q3
reserve:
  nvidia.com/gpu: "2"
teams:
  - name: platform
    weight: 2
    teams:
      - name: fraud
        weight: 3
        namespaces: [fraud-train, fraud-serve]
        resources:
          nvidia.com/gpu: { demand: "24", guarantee: "8", cap: "32" }
          nvidia.com/mig-1g.10gb: { demand: "6" }
          cpu: { demand: "200" }
      - name: recsys
        namespaces: [recsys]
        resources:
          nvidia.com/gpu: { demand: "8", guarantee: "2" }
          cpu: { demand: "64" }
  - name: research
    teams:
      - name: nlp
        namespaces: [nlp-train, nlp-eval]
        resources:
          nvidia.com/gpu: { demand: "40", guarantee: "8" }
          nvidia.com/mig-3g.40gb: { demand: "2" }
          cpu: { demand: "200" }
      - name: vision
        namespaces: [vision]
        resources:
          nvidia.com/gpu.shared: { demand: "40" }
      - name: alice
        profiles: [alice-research]
        resources:
          amd.com/gpu: { demand: "8", guarantee: "4" }
  - name: data
    teams:
      - name: etl
        namespaces: [etl]
        resources:
          cpu: { demand: "300" }
`;
