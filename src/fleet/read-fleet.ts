/** Reading the fleet view from a store: a part per cluster's newest snapshot, one inventory at a time. */
import type { SnapshotSummary, Store } from '../store/store.js';
import { clusterPart, fleetViewOf, type ClusterPart, type FleetView } from './fleet-view.js';

/** One cluster's part, its inventory read from the store. */
export async function readClusterPart(store: Pick<Store, 'loadInventory'>, snapshot: SnapshotSummary): Promise<ClusterPart> {
  return clusterPart({ cluster: snapshot.cluster, snapshotId: snapshot.id, takenAt: snapshot.takenAt, inventory: await store.loadInventory(snapshot.id) });
}

/** The fleet view of `snapshots`, each part from `partOf` (which may keep parts: a stored snapshot never changes). */
export async function readFleetView(snapshots: readonly SnapshotSummary[], partOf: (snapshot: SnapshotSummary) => Promise<ClusterPart>): Promise<FleetView> {
  const parts: ClusterPart[] = [];
  for (const snapshot of snapshots) parts.push(await partOf(snapshot));
  return fleetViewOf(parts);
}
