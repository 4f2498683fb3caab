/**
 * Allocation cycles and their lifecycle records. These functions store what they are told; which transitions are
 * allowed (approving twice, editing an approved plan) is decided by the review feature before it calls them.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import { ConflictError, ValidationError } from '../errors.js';
import { ensureCluster, requireCluster, soleCluster } from './clusters.js';
import type { Store } from './open.js';
import { inWriteTransaction } from './transaction.js';
import { clusters, cycleEvents, cycles, plans, type CycleState } from './schema.js';

export type { CycleState } from './schema.js';

export interface Cycle {
  id: number;
  cluster: string;
  name: string;
  state: CycleState;
  planId: number | null;
  startsAt: Date | null;
  endsAt: Date | null;
  createdAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  approvalNote: string | null;
}

export interface CycleEvent {
  fromState: CycleState | null;
  toState: CycleState;
  actor: string | null;
  at: Date;
  note: string | null;
}

export interface CreateCycleInput {
  cluster: string;
  name: string;
  createdAt: Date;
  startsAt?: Date | null;
  endsAt?: Date | null;
  planId?: number | null;
  actor?: string | null;
}

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

/** A new cycle in state `draft`; a ConflictError when the cluster already has a cycle of that name. */
export function createCycle(store: Store, input: CreateCycleInput): Cycle {
  if (input.name.trim() === '') throw new ValidationError('the cycle name is empty', { field: 'cycle', value: input.name });
  return inWriteTransaction(store, (): Cycle => {
    const cluster = ensureCluster(store.db, input.cluster, input.createdAt);
    const existing = store.db
      .select({ id: cycles.id })
      .from(cycles)
      .where(and(eq(cycles.clusterId, cluster.id), eq(cycles.name, input.name)))
      .get();
    if (existing !== undefined) throw new ConflictError(`cluster ${input.cluster} already has a cycle ${input.name}`);
    if (input.planId != null) requirePlanOf(store, input.planId, cluster.id, input.cluster);
    const row = store.db
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
    store.db
      .insert(cycleEvents)
      .values({ cycleId: row.id, fromState: null, toState: 'draft', actor: input.actor ?? null, at: input.createdAt, note: null })
      .run();
    return getCycleById(store, row.id);
  });
}

function requirePlanOf(store: Store, planId: number, clusterId: number, clusterName: string): void {
  const plan = store.db.select({ clusterId: plans.clusterId }).from(plans).where(eq(plans.id, planId)).get();
  if (plan === undefined || plan.clusterId !== clusterId) {
    throw new ValidationError(`plan ${planId} is not a plan of cluster ${clusterName}`, { field: 'planId', value: planId });
  }
}

function getCycleById(store: Store, id: number): Cycle {
  const row = store.db.select(cycleColumns).from(cycles).innerJoin(clusters, eq(clusters.id, cycles.clusterId)).where(eq(cycles.id, id)).get();
  if (row === undefined) throw new ValidationError(`no cycle ${id} in the database`, { field: 'cycle', value: id });
  return row;
}

/**
 * A cycle by name, or the most recently created one (`latest`). Without a cluster the database must hold one.
 */
export function getCycle(store: Store, options: { cluster?: string; name: string | 'latest' }): Cycle {
  const cluster = options.cluster === undefined ? soleCluster(store.db) : requireCluster(store.db, options.cluster);
  const select = store.db.select(cycleColumns).from(cycles).innerJoin(clusters, eq(clusters.id, cycles.clusterId));
  const row =
    options.name === 'latest'
      ? select.where(eq(cycles.clusterId, cluster.id)).orderBy(desc(cycles.createdAt), desc(cycles.id)).limit(1).get()
      : select.where(and(eq(cycles.clusterId, cluster.id), eq(cycles.name, options.name))).get();
  if (row === undefined) {
    const what = options.name === 'latest' ? 'no cycles' : `no cycle ${options.name}`;
    throw new ValidationError(`cluster ${cluster.name} has ${what}`, { field: 'cycle', value: options.name });
  }
  return row;
}

/** Cycles oldest first; one cluster's with `cluster`. */
export function listCycles(store: Store, options: { cluster?: string } = {}): Cycle[] {
  const filter = options.cluster === undefined ? undefined : eq(cycles.clusterId, requireCluster(store.db, options.cluster).id);
  return store.db
    .select(cycleColumns)
    .from(cycles)
    .innerJoin(clusters, eq(clusters.id, cycles.clusterId))
    .where(filter)
    .orderBy(asc(clusters.name), asc(cycles.createdAt), asc(cycles.id))
    .all();
}

export interface SetCycleStateInput {
  cycleId: number;
  state: CycleState;
  at: Date;
  actor?: string | null;
  note?: string | null;
}

/**
 * Records a state change and its event. Moving to `approved` stores actor, time and note as the approval;
 * moving anywhere else clears a previous approval.
 */
export function setCycleState(store: Store, input: SetCycleStateInput): Cycle {
  return inWriteTransaction(store, (): Cycle => {
    const current = getCycleById(store, input.cycleId);
    const approved = input.state === 'approved';
    store.db
      .update(cycles)
      .set({
        state: input.state,
        approvedBy: approved ? (input.actor ?? null) : null,
        approvedAt: approved ? input.at : null,
        approvalNote: approved ? (input.note ?? null) : null,
      })
      .where(eq(cycles.id, input.cycleId))
      .run();
    store.db
      .insert(cycleEvents)
      .values({ cycleId: input.cycleId, fromState: current.state, toState: input.state, actor: input.actor ?? null, at: input.at, note: input.note ?? null })
      .run();
    return getCycleById(store, input.cycleId);
  });
}

/** Points a cycle at the plan under review. */
export function setCyclePlan(store: Store, options: { cycleId: number; planId: number | null }): Cycle {
  return inWriteTransaction(store, (): Cycle => {
    const current = getCycleById(store, options.cycleId);
    if (options.planId !== null) {
      requirePlanOf(store, options.planId, requireCluster(store.db, current.cluster).id, current.cluster);
    }
    store.db.update(cycles).set({ planId: options.planId }).where(eq(cycles.id, options.cycleId)).run();
    return getCycleById(store, options.cycleId);
  });
}

/** The cycle's state changes, oldest first. */
export function listCycleEvents(store: Store, cycleId: number): CycleEvent[] {
  getCycleById(store, cycleId);
  return store.db
    .select({ fromState: cycleEvents.fromState, toState: cycleEvents.toState, actor: cycleEvents.actor, at: cycleEvents.at, note: cycleEvents.note })
    .from(cycleEvents)
    .where(eq(cycleEvents.cycleId, cycleId))
    .orderBy(asc(cycleEvents.at), asc(cycleEvents.id))
    .all();
}
