/**
 * Copying a history from one store to another (`quotaplan db copy`, e.g. a cluster's SQLite file into the fleet's
 * PostgreSQL database), through the Store interface only: every snapshot's inventory is loaded and saved again in
 * the cluster's time order, every plan saved again pointing at the copied snapshot, every cycle created again and
 * its state changes replayed from its events (so the audit trail, the approval and the plan it points at are those
 * of the source). Ids are the destination's own; seqs, times and every figure are the source's.
 *
 * The whole copy is one write on the destination: all of it is stored, or (an error anywhere) none of it.
 * A cluster the destination already holds is refused before anything is written (ConflictError): merging two
 * histories of one cluster is not a copy.
 */
import { ConflictError } from '../errors.js';
import type { Store, StoreReads, StoreTransaction } from './store.js';

export interface CopyCounts {
  clusters: number;
  snapshots: number;
  plans: number;
  cycles: number;
  cycleEvents: number;
}

export async function copyStore(options: { from: StoreReads; to: Store }): Promise<CopyCounts> {
  const { from, to } = options;
  const clusters = await from.listClusterNames();
  const taken = new Set(await to.listClusterNames());
  const clash = clusters.filter((name) => taken.has(name));
  if (clash.length > 0) {
    throw new ConflictError(`${to.location} already holds cluster ${clash.join(', ')}: copy into a database without ${clash.length === 1 ? 'it' : 'them'}`);
  }
  return to.write((tx) => copyInto(from, tx, clusters));
}

async function copyInto(from: StoreReads, to: StoreTransaction, clusters: readonly string[]): Promise<CopyCounts> {
  const counts: CopyCounts = { clusters: clusters.length, snapshots: 0, plans: 0, cycles: 0, cycleEvents: 0 };
  const snapshotIds = new Map<number, number>();
  for (const cluster of clusters) {
    for (const snapshot of await from.listSnapshots({ cluster })) {
      const copied = await to.saveSnapshot({
        cluster: { name: cluster, server: snapshot.server, context: snapshot.context },
        takenAt: snapshot.takenAt,
        source: snapshot.source,
        inventory: await from.loadInventory(snapshot.id),
      });
      snapshotIds.set(snapshot.id, copied.id);
      counts.snapshots += 1;
    }
  }
  const planIds = new Map<number, number>();
  for (const summary of await from.listPlans()) {
    const plan = await from.getPlan(summary.id);
    const copied = await to.savePlan({
      cluster: plan.cluster,
      cycle: plan.cycle,
      snapshotId: plan.snapshotId === null ? null : (snapshotIds.get(plan.snapshotId) ?? null),
      teamsYaml: plan.teamsYaml,
      plan: plan.plan,
      createdAt: plan.createdAt,
    });
    planIds.set(plan.id, copied.id);
    counts.plans += 1;
  }
  for (const cycle of await from.listCycles()) {
    const [created, ...changes] = await from.listCycleEvents(cycle.id);
    const copied = await to.createCycle({
      cluster: cycle.cluster,
      name: cycle.name,
      createdAt: cycle.createdAt,
      startsAt: cycle.startsAt,
      endsAt: cycle.endsAt,
      planId: cycle.planId === null ? null : (planIds.get(cycle.planId) ?? null),
      actor: created?.actor ?? null,
    });
    for (const change of changes) {
      await to.setCycleState({ cycleId: copied.id, state: change.toState, at: change.at, actor: change.actor, note: change.note });
    }
    counts.cycles += 1;
    counts.cycleEvents += 1 + changes.length;
  }
  return counts;
}
