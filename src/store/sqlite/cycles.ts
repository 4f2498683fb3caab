/**
 * Allocation cycles and their lifecycle records in SQLite: the queries; the rules and messages are
 * ../cycle-rules.ts. These functions store what they are told; which transitions are allowed (approving twice,
 * editing an approved plan) is decided by the review feature before it calls them.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import {
  checkCycleName,
  cycleEventOf,
  cycleNameTaken,
  cycleNotFound,
  cycleStateColumns,
  noCycleNamed,
  planNotOfCluster,
} from '../cycle-rules.js';
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

/** Call inside a write transaction. */
export function createCycle(connection: Connection, input: CreateCycleInput): Cycle {
  checkCycleName(input.name);
  const db = connection.db;
  const cluster = ensureCluster(db, input.cluster, input.createdAt);
  const existing = db
    .select({ id: cycles.id })
    .from(cycles)
    .where(and(eq(cycles.clusterId, cluster.id), eq(cycles.name, input.name)))
    .get();
  if (existing !== undefined) throw cycleNameTaken(input.cluster, input.name);
  if (input.planId != null) requirePlanOf(connection, input.planId, cluster.id, input.cluster);
  const row = db
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
  db.insert(cycleEvents)
    .values(cycleEventOf({ cycleId: row.id, state: 'draft', at: input.createdAt, actor: input.actor ?? null }, null))
    .run();
  return getCycleById(connection, row.id);
}

function requirePlanOf(connection: Connection, planId: number, clusterId: number, clusterName: string): void {
  const plan = connection.db.select({ clusterId: plans.clusterId }).from(plans).where(eq(plans.id, planId)).get();
  if (plan === undefined || plan.clusterId !== clusterId) throw planNotOfCluster(planId, clusterName);
}

function getCycleById(connection: Connection, id: number): Cycle {
  const row = connection.db.select(cycleColumns).from(cycles).innerJoin(clusters, eq(clusters.id, cycles.clusterId)).where(eq(cycles.id, id)).get();
  if (row === undefined) throw cycleNotFound(id);
  return row;
}

export function getCycle(connection: Connection, options: { cluster?: string; name: string | 'latest' }): Cycle {
  const cluster = lookupCluster(connection.db, options.cluster);
  const select = connection.db.select(cycleColumns).from(cycles).innerJoin(clusters, eq(clusters.id, cycles.clusterId));
  const row =
    options.name === 'latest'
      ? select.where(eq(cycles.clusterId, cluster.id)).orderBy(desc(cycles.createdAt), desc(cycles.id)).limit(1).get()
      : select.where(and(eq(cycles.clusterId, cluster.id), eq(cycles.name, options.name))).get();
  if (row === undefined) throw noCycleNamed(cluster.name, options.name);
  return row;
}

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

export function setCycleState(connection: Connection, input: SetCycleStateInput): Cycle {
  const current = getCycleById(connection, input.cycleId);
  connection.db.update(cycles).set(cycleStateColumns(input)).where(eq(cycles.id, input.cycleId)).run();
  connection.db.insert(cycleEvents).values(cycleEventOf(input, current.state)).run();
  return getCycleById(connection, input.cycleId);
}

export function setCyclePlan(connection: Connection, options: { cycleId: number; planId: number | null }): Cycle {
  const current = getCycleById(connection, options.cycleId);
  if (options.planId !== null) requirePlanOf(connection, options.planId, lookupCluster(connection.db, current.cluster).id, current.cluster);
  connection.db.update(cycles).set({ planId: options.planId }).where(eq(cycles.id, options.cycleId)).run();
  return getCycleById(connection, options.cycleId);
}

export function listCycleEvents(connection: Connection, cycleId: number): CycleEvent[] {
  getCycleById(connection, cycleId);
  return connection.db
    .select({ fromState: cycleEvents.fromState, toState: cycleEvents.toState, actor: cycleEvents.actor, at: cycleEvents.at, note: cycleEvents.note })
    .from(cycleEvents)
    .where(eq(cycleEvents.cycleId, cycleId))
    .orderBy(asc(cycleEvents.at), asc(cycleEvents.id))
    .all();
}
