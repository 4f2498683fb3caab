/** Reading the fleet view from a store: a part per cluster's newest snapshot, from the figures kept with it. */
import type { SnapshotSummary, Store } from '../store/store.js';
import { clusterFigures, fleetViewOf, partOf, type ClusterPart, type FleetView } from './fleet-view.js';

/**
 * One cluster's part: the figures the store kept when the snapshot was saved, else (a snapshot saved before they
 * were kept) computed from its inventory.
 */
export async function readClusterPart(store: Pick<Store, 'loadInventory' | 'clusterFigures'>, snapshot: SnapshotSummary): Promise<ClusterPart> {
  const identity = { cluster: snapshot.cluster, snapshotId: snapshot.id, takenAt: snapshot.takenAt };
  return partOf(identity, (await store.clusterFigures(snapshot.id)) ?? clusterFigures(await store.loadInventory(snapshot.id)));
}

/** The fleet view of `snapshots`, each part from `partOf` (which may keep parts: a stored snapshot never changes). */
export async function readFleetView(snapshots: readonly SnapshotSummary[], partOf: (snapshot: SnapshotSummary) => Promise<ClusterPart>): Promise<FleetView> {
  const parts: ClusterPart[] = [];
  for (const snapshot of snapshots) parts.push(await partOf(snapshot));
  return fleetViewOf(parts);
}
