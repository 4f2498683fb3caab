/**
 * Stored snapshots never change, so the inventory of a snapshot id can be kept: the What-if page re-plans on every
 * edit, and loading a large snapshot's inventory is the slow part. A few recent ids per app (not per module).
 * Callers must not mutate what they get (the planner and views are pure; what-if changes build new objects).
 */
import type { ClusterInventory } from '../inventory/types.js';
import type { Store } from '../store/store.js';

export type InventoryOf = (snapshotId: number) => Promise<ClusterInventory>;

export function inventoryCache(store: Store, size = 4): InventoryOf {
  const recent = new Map<number, ClusterInventory>();
  return async (snapshotId) => {
    const hit = recent.get(snapshotId);
    if (hit !== undefined) {
      recent.delete(snapshotId);
      recent.set(snapshotId, hit);
      return hit;
    }
    const inventory = await store.loadInventory(snapshotId);
    recent.set(snapshotId, inventory);
    if (recent.size > size) recent.delete(recent.keys().next().value as number);
    return inventory;
  };
}
