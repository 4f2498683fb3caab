/**
 * Allocation cycles and their lifecycle records. These functions store what they are told; which transitions are
 * allowed (approving twice, editing an approved plan) is decided by the review feature before it calls them.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { CreateCycleInput, Cycle, CycleEvent, SetCycleStateInput } from '../store.js';
import { ensureCluster, lookupCluster } from './clusters.js';
import type { Connection } from './connection.js';
import { clusters, cycleEvents, cycles, plans } from './schema.js';

const cycleColumns = {
  id: cycles.id,
  cluster: clusters.name,
  name: cycles.name,
  state: cycles.state,
  planId: cycles.planId,
  startsAt: cycles.startsAt,
  endsAt: cycles.endsAt,
  createdAt: cycles.createdAt,
  approvedBy: cycles.approvedBy,
  approvedAt: cycles.approvedAt,
  approvalNote: cycles.approvalNote,
};

/** Call inside a write transaction. A new cycle in state `draft`; a ConflictError when the cluster already has a cycle of that name. */
export function createCycle(connection: Connection, input: CreateCycleInput): Cycle {
  if (input.name.trim() === '') throw new ValidationError('the cycle name is empty', { field: 'cycle', value: input.name });
  {
    const cluster = ensureCluster(connection.db, input.cluster, input.createdAt);
    const existing = connection.db
      .select({ id: cycles.id })
      .from(cycles)
      .where(and(eq(cycles.clusterId, cluster.id), eq(cycles.name, input.name)))
      .get();
    if (existing !== undefined) throw new ConflictError(`cluster ${input.cluster} already has a cycle ${input.name}`);
    if (input.planId != null) requirePlanOf(connection, input.planId, cluster.id, input.cluster);
    const row = connection.db
      .insert(cycles)
      .values({
        clusterId: cluster.id,
        name: input.name,
        state: 'draft',
        planId: input.planId ?? null,
        startsAt: input.startsAt ?? null,
        endsAt: input.endsAt ?? null,
        createdAt: input.createdAt,
      })
      .returning({ id: cycles.id })
      .get();
    connection.db
      .insert(cycleEvents)
      .values({ cycleId: row.id, fromState: null, toState: 'draft', actor: input.actor ?? null, at: input.createdAt, note: null })
      .run();
    return getCycleById(connection, row.id);
  }
}

function requirePlanOf(connection: Connection, planId: number, clusterId: number, clusterName: string): void {
  const plan = connection.db.select({ clusterId: plans.clusterId }).from(plans).where(eq(plans.id, planId)).get();
  if (plan === undefined || plan.clusterId !== clusterId) {
    throw new ValidationError(`plan ${planId} is not a plan of cluster ${clusterName}`, { field: 'planId', value: planId });
  }
}

function getCycleById(connection: Connection, id: number): Cycle {
  const row = connection.db.select(cycleColumns).from(cycles).innerJoin(clusters, eq(clusters.id, cycles.clusterId)).where(eq(cycles.id, id)).get();
  if (row === undefined) throw new NotFoundError(`no cycle ${id} in the database`, { field: 'cycle', value: id });
  return row;
}

/**
 * A cycle by name, or the most recently created one (`latest`). Without a cluster the database must hold one.
 */
export function getCycle(connection: Connection, options: { cluster?: string; name: string | 'latest' }): Cycle {
  const cluster = lookupCluster(connection.db, options.cluster);
  const select = connection.db.select(cycleColumns).from(cycles).innerJoin(clusters, eq(clusters.id, cycles.clusterId));
  const row =
    options.name === 'latest'
      ? select.where(eq(cycles.clusterId, cluster.id)).orderBy(desc(cycles.createdAt), desc(cycles.id)).limit(1).get()
      : select.where(and(eq(cycles.clusterId, cluster.id), eq(cycles.name, options.name))).get();
  if (row === undefined) {
    if (options.name === 'latest') throw new ValidationError(`cluster ${cluster.name} has no cycles`, { field: 'cycle', value: options.name });
    throw new NotFoundError(`cluster ${cluster.name} has no cycle ${options.name}`, { field: 'cycle', value: options.name });
  }
  return row;
}

/** Cycles oldest first; one cluster's with `cluster`. */
export function listCycles(connection: Connection, options: { cluster?: string } = {}): Cycle[] {
  const filter = options.cluster === undefined ? undefined : eq(cycles.clusterId, lookupCluster(connection.db, options.cluster).id);
  return connection.db
    .select(cycleColumns)
    .from(cycles)
    .innerJoin(clusters, eq(clusters.id, cycles.clusterId))
    .where(filter)
    .orderBy(asc(clusters.name), asc(cycles.createdAt), asc(cycles.id))
    .all();
}

/**
 * Records a state change and its event. Moving to `approved` stores actor, time and note as the approval;
 * moving anywhere else clears a previous approval.
 */
export function setCycleState(connection: Connection, input: SetCycleStateInput): Cycle {
  {
    const current = getCycleById(connection, input.cycleId);
    const approved = input.state === 'approved';
    connection.db
      .update(cycles)
      .set({
        state: input.state,
        approvedBy: approved ? (input.actor ?? null) : null,
        approvedAt: approved ? input.at : null,
        approvalNote: approved ? (input.note ?? null) : null,
      })
      .where(eq(cycles.id, input.cycleId))
      .run();
    connection.db
      .insert(cycleEvents)
      .values({ cycleId: input.cycleId, fromState: current.state, toState: input.state, actor: input.actor ?? null, at: input.at, note: input.note ?? null })
      .run();
    return getCycleById(connection, input.cycleId);
  }
}

/** Points a cycle at the plan under review. */
export function setCyclePlan(connection: Connection, options: { cycleId: number; planId: number | null }): Cycle {
  {
    const current = getCycleById(connection, options.cycleId);
    if (options.planId !== null) {
      requirePlanOf(connection, options.planId, lookupCluster(connection.db, current.cluster).id, current.cluster);
    }
    connection.db.update(cycles).set({ planId: options.planId }).where(eq(cycles.id, options.cycleId)).run();
    return getCycleById(connection, options.cycleId);
  }
}

/** The cycle's state changes, oldest first. */
export function listCycleEvents(connection: Connection, cycleId: number): CycleEvent[] {
  getCycleById(connection, cycleId);
  return connection.db
    .select({ fromState: cycleEvents.fromState, toState: cycleEvents.toState, actor: cycleEvents.actor, at: cycleEvents.at, note: cycleEvents.note })
    .from(cycleEvents)
    .where(eq(cycleEvents.cycleId, cycleId))
    .orderBy(asc(cycleEvents.at), asc(cycleEvents.id))
    .all();
}
