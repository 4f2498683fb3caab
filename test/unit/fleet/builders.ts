/** Small fleets for fleet tests: nodes with one accelerator resource each; every number is visible in the test. */
import type { AcceleratorFacts, ClusterInventory, NodeFacts } from '../../../src/inventory/types.js';
import { parseQuantity } from '../../../src/quantity.js';
import { ONE } from '../../../src/rational.js';
import { parseResourceList } from '../../../src/resources.js';
import { openStore, type Store } from '../../../src/store/open.js';

export interface GpuNode {
  name: string;
  model: string;
  /** Allocatable `nvidia.com/gpu` (or `resource`). */
  gpus: string;
  requested: string;
  resource?: string;
  /** Cordoned: not plannable. */
  cordoned?: boolean;
}

export function gpuNode(spec: GpuNode): NodeFacts {
  const resource = spec.resource ?? 'nvidia.com/gpu';
  const allocatable = parseResourceList({ cpu: '64', [resource]: spec.gpus });
  const accelerator: AcceleratorFacts = {
    resource,
    vendor: 'nvidia',
    model: spec.model,
    sharing: 'none',
    migProfile: null,
    replicas: 1,
    unit: 'device',
    capacity: parseQuantity(spec.gpus),
    allocatable: parseQuantity(spec.gpus),
    gpuEquivalent: ONE,
    physical: { numerator: BigInt(spec.gpus), denominator: 1n },
  };
  return {
    name: spec.name,
    labels: {},
    pool: 'gpu',
    model: spec.model,
    ready: true,
    schedulable: spec.cordoned !== true,
    taints: [],
    transitional: false,
    transitionalReasons: [],
    physicalAccelerators: Number(spec.gpus),
    accelerators: [accelerator],
    capacity: allocatable,
    allocatable,
    requested: parseResourceList({ [resource]: spec.requested }),
    unhealthy: {},
    staleZeroResources: [],
    pods: 0,
  };
}

/** The inventory of `nodes` with plannable figures as the inventory builder computes them (plannable nodes only). */
export function fleetInventory(nodes: NodeFacts[], namespaces: ClusterInventory['namespaces'] = []): ClusterInventory {
  const plannable: Record<string, bigint> = {};
  const byFlavor: Record<string, Record<string, bigint>> = {};
  for (const node of nodes.filter((n) => n.schedulable)) {
    for (const a of node.accelerators) {
      plannable[a.resource] = (plannable[a.resource] ?? 0n) + a.allocatable.nanos / 1_000_000_000n;
      const models = (byFlavor[a.resource] ??= {});
      models[a.model as string] = (models[a.model as string] ?? 0n) + a.allocatable.nanos / 1_000_000_000n;
    }
  }
  const text = (units: Record<string, bigint>): Record<string, string> => Object.fromEntries(Object.entries(units).map(([k, v]) => [k, String(v)]));
  return {
    nodes,
    namespaces,
    resourceQuotas: [],
    limitRanges: [],
    profiles: [],
    plannable: parseResourceList(text(plannable)),
    plannableByFlavor: Object.fromEntries(Object.entries(byFlavor).map(([resource, models]) => [resource, parseResourceList(text(models))])),
    warnings: [],
  };
}

/**
 * The fleet of the tests: east has two H100 nodes (8 GPUs each, 6 and 2 requested; the second cordoned), west an
 * A100 node (4 GPUs, all requested) and an H100 node (8, none requested).
 */
export const EAST = (): ClusterInventory =>
  fleetInventory([
    gpuNode({ name: 'e1', model: 'H100', gpus: '8', requested: '6' }),
    gpuNode({ name: 'e2', model: 'H100', gpus: '8', requested: '2', cordoned: true }),
  ]);
export const WEST = (): ClusterInventory =>
  fleetInventory([gpuNode({ name: 'w1', model: 'A100', gpus: '4', requested: '4' }), gpuNode({ name: 'w2', model: 'H100', gpus: '8', requested: '0' })]);

/** A fleet teams file for fleet-plan.test.ts and fleet-emit.test.ts (the figures are worked there). */
export const FLEET_TEAMS = `cycle: 2026-Q4
teams:
  - name: fraud
    namespaces: [fraud-train, fraud-serve]
    resources:
      nvidia.com/gpu: { demand: "10", guarantee: "5" }
  - name: vision
    namespaces: [vision]
    resources:
      nvidia.com/gpu:
        clusters:
          east: { demand: "3" }
          west: { demand: "20", guarantee: "4" }
  - name: research
    namespaces: [research]
    resources:
      nvidia.com/gpu: {}
`;

const ns = (name: string) => ({ name, labels: {}, requests: {}, pods: 0 });

/** east: 8 plannable GPUs (e2 is cordoned); fraud-train, vision and research live there. west: 12; fraud-serve and vision. */
export const fleetMembers = () => [
  {
    cluster: 'west',
    snapshotId: 2,
    previous: null,
    inventory: fleetInventory(
      [gpuNode({ name: 'w1', model: 'A100', gpus: '4', requested: '0' }), gpuNode({ name: 'w2', model: 'H100', gpus: '8', requested: '0' })],
      [ns('fraud-serve'), ns('vision')],
    ),
  },
  {
    cluster: 'east',
    snapshotId: 3,
    previous: null,
    inventory: fleetInventory(
      [gpuNode({ name: 'e1', model: 'H100', gpus: '8', requested: '0' }), gpuNode({ name: 'e2', model: 'H100', gpus: '8', requested: '0', cordoned: true })],
      [ns('fraud-train'), ns('research'), ns('vision')],
    ),
  },
];


/**
 * The fleet view of EAST and WEST, worked by hand: east allocatable 8 + 8 = 16, requested 6 + 2 = 8, plannable 8 (e2
 * is cordoned); west allocatable 4 + 8 = 12, requested 4 + 0 = 4, plannable 12. A100: west's 4, all requested. H100:
 * 8 + 8 + 8 = 24 allocatable, 6 + 2 + 0 = 8 requested, plannable 8 + 8 = 16.
 */
export function eastWestFleetJson(snapshots: { east: number; west: number }, times: { east: string; west: string }) {
  return {
    clusters: [
      {
        cluster: 'east',
        snapshotId: snapshots.east,
        takenAt: times.east,
        nodes: 2,
        resources: [{ resource: 'nvidia.com/gpu', allocatable: '16', requested: '8', free: '8', plannable: '8' }],
      },
      {
        cluster: 'west',
        snapshotId: snapshots.west,
        takenAt: times.west,
        nodes: 2,
        resources: [{ resource: 'nvidia.com/gpu', allocatable: '12', requested: '4', free: '8', plannable: '12' }],
      },
    ],
    models: [
      { model: 'A100', resource: 'nvidia.com/gpu', allocatable: '4', requested: '4', free: '0', plannable: '4', clusters: ['west'], nodes: 1 },
      { model: 'H100', resource: 'nvidia.com/gpu', allocatable: '24', requested: '8', free: '16', plannable: '16', clusters: ['east', 'west'], nodes: 3 },
    ],
    totals: [{ resource: 'nvidia.com/gpu', allocatable: '28', requested: '12', free: '16', plannable: '20', clusters: 2 }],
  };
}

/** east collected twice (the first time with one node of 2 GPUs), west once, and a cluster known only from a plan. */
export async function fleetStore(file: string): Promise<Store> {
  const store = await openStore({ file });
  const save = (cluster: string, iso: string, inventory: ReturnType<typeof EAST>) =>
    store.saveSnapshot({ cluster: { name: cluster }, takenAt: new Date(iso), source: { kind: 'file', ref: `${cluster}.json` }, inventory });
  await save('east', '2026-07-01T09:00:00Z', fleetInventory([gpuNode({ name: 'e0', model: 'H100', gpus: '2', requested: '1' })]));
  await save('west', '2026-07-01T11:00:00Z', WEST());
  await save('east', '2026-07-01T10:00:00Z', EAST());
  await store.savePlan({ cluster: 'planned-only', cycle: '2026-Q3', snapshotId: null, teamsYaml: 'teams: []\n', plan: {}, createdAt: new Date('2026-07-01T12:00:00Z') });
  return store;
}

