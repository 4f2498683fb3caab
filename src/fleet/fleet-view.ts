/**
 * The fleet view: accelerator capacity and use of every cluster's newest snapshot, per cluster, per accelerator
 * model across clusters, and in total for the fleet. Pure: the caller reads the snapshots and adds them one at a
 * time (a fleet of large clusters need not be held in memory at once): `clusterPart` per snapshot, `fleetViewOf` the parts.
 *
 * Per resource: `allocatable` sums the accelerators' allocatable over every node, `requested` the nodes' requests
 * of that resource (what pods use), `free` = allocatable - requested, and `plannable` is what a plan divides (the
 * inventory's `plannable`, or per model `plannableByFlavor`: ready, schedulable, non-transitional nodes only).
 */
import { addQuantities, subtractQuantities, ZERO_QUANTITY, type Quantity } from '../quantity.js';
import type { ClusterInventory } from '../inventory/types.js';
import { UNKNOWN_MODEL } from '../inventory/types.js';
import { compareText } from '../text-order.js';

export interface ResourceFigures {
  resource: string;
  allocatable: Quantity;
  requested: Quantity;
  free: Quantity;
  plannable: Quantity;
}

export interface FleetCluster {
  cluster: string;
  snapshotId: number;
  takenAt: Date;
  nodes: number;
  /** Accelerator resources, sorted. */
  resources: ResourceFigures[];
}

export interface FleetModel extends ResourceFigures {
  model: string;
  /** Clusters with nodes of this model and resource, sorted. */
  clusters: string[];
  nodes: number;
}

export interface FleetTotal extends ResourceFigures {
  /** How many clusters have the resource. */
  clusters: number;
}

export interface FleetView {
  /** By cluster name. */
  clusters: FleetCluster[];
  /** By model, then resource. */
  models: FleetModel[];
  /** By resource. */
  totals: FleetTotal[];
}

export interface ClusterSnapshot {
  cluster: string;
  snapshotId: number;
  takenAt: Date;
  inventory: ClusterInventory;
}

interface Sums {
  allocatable: Quantity;
  requested: Quantity;
  plannable: Quantity;
}

const zeroSums = (): Sums => ({ allocatable: ZERO_QUANTITY, requested: ZERO_QUANTITY, plannable: ZERO_QUANTITY });

function figures(resource: string, sums: Sums): ResourceFigures {
  return { resource, allocatable: sums.allocatable, requested: sums.requested, free: subtractQuantities(sums.allocatable, sums.requested), plannable: sums.plannable };
}

/** One cluster's share of the fleet view: its row, and its figures per model (kept per snapshot: they never change). */
export interface ClusterPart {
  cluster: FleetCluster;
  /** This cluster's figures per model and resource (`clusters` is this cluster). */
  models: FleetModel[];
}

const addSums = (sums: Sums, row: { allocatable: Quantity; requested: Quantity; plannable: Quantity }): void => {
  sums.allocatable = addQuantities(sums.allocatable, row.allocatable);
  sums.requested = addQuantities(sums.requested, row.requested);
  sums.plannable = addQuantities(sums.plannable, row.plannable);
};

/**
 * What the fleet view needs of one snapshot, without the snapshot's identity: its node count, figures per resource
 * and per model. Small (a few rows), so the store keeps it with each snapshot when it is saved
 * (`Store.clusterFigures`) and the fleet view never reads a whole inventory of a snapshot stored since.
 */
export interface ClusterFigures {
  nodes: number;
  /** Accelerator resources, sorted. */
  resources: ResourceFigures[];
  models: Array<ResourceFigures & { model: string; nodes: number }>;
}

/** A cluster's row and per-model figures from its snapshot. */
export function clusterPart(snapshot: ClusterSnapshot): ClusterPart {
  return partOf(snapshot, clusterFigures(snapshot.inventory));
}

/** The part of a snapshot (its cluster, id and time) whose figures are known. */
export function partOf(snapshot: Omit<ClusterSnapshot, 'inventory'>, figures: ClusterFigures): ClusterPart {
  return {
    cluster: { cluster: snapshot.cluster, snapshotId: snapshot.snapshotId, takenAt: snapshot.takenAt, nodes: figures.nodes, resources: figures.resources },
    models: figures.models.map((row) => ({ ...row, clusters: [snapshot.cluster] })),
  };
}

/** The figures of one inventory (see ClusterFigures). */
export function clusterFigures(inventory: ClusterInventory): ClusterFigures {
  const byResource = new Map<string, Sums>();
  const byModel = new Map<string, { model: string; resource: string; sums: Sums; nodes: number }>();
  for (const node of inventory.nodes) {
    const models = new Set<string>();
    const requests = new Set<string>();
    for (const accelerator of node.accelerators) {
      const { resource } = accelerator;
      const model = accelerator.model ?? UNKNOWN_MODEL;
      const key = `${model}\u0000${resource}`;
      let entry = byModel.get(key);
      if (entry === undefined) {
        entry = { model, resource, sums: zeroSums(), nodes: 0 };
        byModel.set(key, entry);
      }
      let sums = byResource.get(resource);
      if (sums === undefined) {
        sums = zeroSums();
        byResource.set(resource, sums);
      }
      sums.allocatable = addQuantities(sums.allocatable, accelerator.allocatable);
      entry.sums.allocatable = addQuantities(entry.sums.allocatable, accelerator.allocatable);
      if (!models.has(key)) {
        models.add(key);
        entry.nodes += 1;
      }
      // A node's requests of a resource count once, for the first model it shows the resource with.
      if (!requests.has(resource)) {
        requests.add(resource);
        const requested = node.requested[resource] ?? ZERO_QUANTITY;
        sums.requested = addQuantities(sums.requested, requested);
        entry.sums.requested = addQuantities(entry.sums.requested, requested);
      }
    }
  }
  for (const [resource, flavors] of Object.entries(inventory.plannableByFlavor)) {
    for (const [model, quantity] of Object.entries(flavors)) {
      const entry = byModel.get(`${model}\u0000${resource}`);
      if (entry !== undefined) entry.sums.plannable = addQuantities(entry.sums.plannable, quantity);
    }
  }
  for (const [resource, sums] of byResource) sums.plannable = inventory.plannable[resource] ?? ZERO_QUANTITY;
  return {
    nodes: inventory.nodes.length,
    resources: [...byResource.entries()].sort(([a], [b]) => compareText(a, b)).map(([resource, sums]) => figures(resource, sums)),
    models: [...byModel.values()].map((entry) => ({ model: entry.model, ...figures(entry.resource, entry.sums), nodes: entry.nodes })),
  };
}

/** The fleet view of the clusters' parts: the rows by cluster name, models and totals summed across clusters. */
export function fleetViewOf(parts: readonly ClusterPart[]): FleetView {
  const clusters = parts.map((part) => part.cluster).sort((a, b) => compareText(a.cluster, b.cluster));
  const models = new Map<string, { model: string; resource: string; sums: Sums; clusters: string[]; nodes: number }>();
  for (const part of parts) {
    for (const row of part.models) {
      const key = `${row.model}\u0000${row.resource}`;
      let entry = models.get(key);
      if (entry === undefined) {
        entry = { model: row.model, resource: row.resource, sums: zeroSums(), clusters: [], nodes: 0 };
        models.set(key, entry);
      }
      addSums(entry.sums, row);
      entry.clusters.push(...row.clusters);
      entry.nodes += row.nodes;
    }
  }
  const totals = new Map<string, { sums: Sums; clusters: number }>();
  for (const cluster of clusters) {
    for (const row of cluster.resources) {
      const total = totals.get(row.resource) ?? { sums: zeroSums(), clusters: 0 };
      totals.set(row.resource, total);
      total.clusters += 1;
      addSums(total.sums, row);
    }
  }
  return {
    clusters,
    models: [...models.values()]
      .sort((a, b) => compareText(a.model, b.model) || compareText(a.resource, b.resource))
      .map((entry) => ({ model: entry.model, ...figures(entry.resource, entry.sums), clusters: entry.clusters.sort(compareText), nodes: entry.nodes })),
    totals: [...totals.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([resource, total]) => ({ ...figures(resource, total.sums), clusters: total.clusters })),
  };
}
