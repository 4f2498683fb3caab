/** Stored plans in PostgreSQL: the queries; the rules and messages are ../cycle-rules.ts. */
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import { decodeValue, encodeValue } from '../codec.js';
import { checkPlanInput, noPlanFor, planNotFound, savedPlan, snapshotNotOfCluster } from '../cycle-rules.js';
import type { PlanQuery, PlanSummary, SavePlanInput, StoredPlan } from '../store.js';
import { ensureCluster, lookupCluster } from './clusters.js';
import type { Db } from './connection.js';
import { clusters, plans, snapshots } from './schema.js';

export async function savePlan(db: Db, input: SavePlanInput): Promise<StoredPlan> {
  checkPlanInput(input);
  const cluster = await ensureCluster(db, input.cluster, input.createdAt);
  if (input.snapshotId !== null) {
    const [snapshot] = await db.select({ clusterId: snapshots.clusterId }).from(snapshots).where(eq(snapshots.id, input.snapshotId));
    if (snapshot === undefined || snapshot.clusterId !== cluster.id) throw snapshotNotOfCluster(input.snapshotId, input.cluster);
  }
  const [row] = await db
    .insert(plans)
    .values({ clusterId: cluster.id, cycle: input.cycle, snapshotId: input.snapshotId, teamsYaml: input.teamsYaml, planJson: encodeValue(input.plan), createdAt: input.createdAt })
    .returning({ id: plans.id });
  return savedPlan((row as { id: number }).id, input);
}

async function planFilter(db: Db, query: PlanQuery): Promise<SQL | undefined> {
  const conditions: SQL[] = [];
  if (query.cluster !== undefined) conditions.push(eq(plans.clusterId, (await lookupCluster(db, query.cluster)).id));
  if (query.cycle !== undefined) conditions.push(eq(plans.cycle, query.cycle));
  return conditions.length === 0 ? undefined : and(...conditions);
}

export async function listPlans(db: Db, query: PlanQuery = {}): Promise<PlanSummary[]> {
  return db
    .select({ id: plans.id, cluster: clusters.name, cycle: plans.cycle, snapshotId: plans.snapshotId, createdAt: plans.createdAt })
    .from(plans)
    .innerJoin(clusters, eq(clusters.id, plans.clusterId))
    .where(await planFilter(db, query))
    .orderBy(asc(plans.createdAt), asc(plans.id));
}

export async function getPlan(db: Db, ref: number | 'latest', query: PlanQuery = {}): Promise<StoredPlan> {
  const select = () =>
    db
      .select({ id: plans.id, cluster: clusters.name, cycle: plans.cycle, snapshotId: plans.snapshotId, createdAt: plans.createdAt, teamsYaml: plans.teamsYaml, planJson: plans.planJson })
      .from(plans)
      .innerJoin(clusters, eq(clusters.id, plans.clusterId));
  let row;
  if (ref === 'latest') {
    const scoped = { ...query, cluster: query.cluster ?? (await lookupCluster(db)).name };
    [row] = await select()
      .where(await planFilter(db, scoped))
      .orderBy(desc(plans.createdAt), desc(plans.id))
      .limit(1);
    if (row === undefined) throw noPlanFor(scoped);
  } else {
    [row] = Number.isSafeInteger(ref) ? await select().where(eq(plans.id, ref)) : [];
    if (row === undefined) throw planNotFound(ref);
  }
  const { planJson, ...summary } = row;
  return { ...summary, plan: decodeValue(planJson) };
}
