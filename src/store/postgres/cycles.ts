/** Allocation cycles and their events in PostgreSQL: the queries; the rules and messages are ../cycle-rules.ts. */
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
import type { Db } from './connection.js';
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

export async function createCycle(db: Db, input: CreateCycleInput): Promise<Cycle> {
  checkCycleName(input.name);
  const cluster = await ensureCluster(db, input.cluster, input.createdAt);
  const [existing] = await db
    .select({ id: cycles.id })
    .from(cycles)
    .where(and(eq(cycles.clusterId, cluster.id), eq(cycles.name, input.name)));
  if (existing !== undefined) throw cycleNameTaken(input.cluster, input.name);
  if (input.planId != null) await requirePlanOf(db, input.planId, cluster.id, input.cluster);
  const [row] = await db
    .insert(cycles)
    .values({ clusterId: cluster.id, name: input.name, state: 'draft', planId: input.planId ?? null, startsAt: input.startsAt ?? null, endsAt: input.endsAt ?? null, createdAt: input.createdAt })
    .returning({ id: cycles.id });
  const id = (row as { id: number }).id;
  await db.insert(cycleEvents).values(cycleEventOf({ cycleId: id, state: 'draft', at: input.createdAt, actor: input.actor ?? null }, null));
  return getCycleById(db, id);
}

async function requirePlanOf(db: Db, planId: number, clusterId: number, clusterName: string): Promise<void> {
  const [plan] = Number.isSafeInteger(planId) ? await db.select({ clusterId: plans.clusterId }).from(plans).where(eq(plans.id, planId)) : [];
  if (plan === undefined || plan.clusterId !== clusterId) throw planNotOfCluster(planId, clusterName);
}

async function getCycleById(db: Db, id: number): Promise<Cycle> {
  const [row] = Number.isSafeInteger(id) ? await db.select(cycleColumns).from(cycles).innerJoin(clusters, eq(clusters.id, cycles.clusterId)).where(eq(cycles.id, id)) : [];
  if (row === undefined) throw cycleNotFound(id);
  return row;
}

export async function getCycle(db: Db, options: { cluster?: string; name: string | 'latest' }): Promise<Cycle> {
  const cluster = await lookupCluster(db, options.cluster);
  const select = () => db.select(cycleColumns).from(cycles).innerJoin(clusters, eq(clusters.id, cycles.clusterId));
  const [row] =
    options.name === 'latest'
      ? await select().where(eq(cycles.clusterId, cluster.id)).orderBy(desc(cycles.createdAt), desc(cycles.id)).limit(1)
      : await select().where(and(eq(cycles.clusterId, cluster.id), eq(cycles.name, options.name)));
  if (row === undefined) throw noCycleNamed(cluster.name, options.name);
  return row;
}

export async function listCycles(db: Db, options: { cluster?: string } = {}): Promise<Cycle[]> {
  const filter = options.cluster === undefined ? undefined : eq(cycles.clusterId, (await lookupCluster(db, options.cluster)).id);
  return db
    .select(cycleColumns)
    .from(cycles)
    .innerJoin(clusters, eq(clusters.id, cycles.clusterId))
    .where(filter)
    .orderBy(asc(clusters.name), asc(cycles.createdAt), asc(cycles.id));
}

export async function setCycleState(db: Db, input: SetCycleStateInput): Promise<Cycle> {
  const current = await getCycleById(db, input.cycleId);
  await db.update(cycles).set(cycleStateColumns(input)).where(eq(cycles.id, input.cycleId));
  await db.insert(cycleEvents).values(cycleEventOf(input, current.state));
  return getCycleById(db, input.cycleId);
}

export async function setCyclePlan(db: Db, options: { cycleId: number; planId: number | null }): Promise<Cycle> {
  const current = await getCycleById(db, options.cycleId);
  if (options.planId !== null) await requirePlanOf(db, options.planId, (await lookupCluster(db, current.cluster)).id, current.cluster);
  await db.update(cycles).set({ planId: options.planId }).where(eq(cycles.id, options.cycleId));
  return getCycleById(db, options.cycleId);
}

export async function listCycleEvents(db: Db, cycleId: number): Promise<CycleEvent[]> {
  await getCycleById(db, cycleId);
  return db
    .select({ fromState: cycleEvents.fromState, toState: cycleEvents.toState, actor: cycleEvents.actor, at: cycleEvents.at, note: cycleEvents.note })
    .from(cycleEvents)
    .where(eq(cycleEvents.cycleId, cycleId))
    .orderBy(asc(cycleEvents.at), asc(cycleEvents.id));
}
