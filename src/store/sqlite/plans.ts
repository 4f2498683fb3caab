/**
 * Stored plans in SQLite: the teams file verbatim and the plan value in the store's codec (a value holding
 * Quantities or bigints comes back equal). The queries; the rules and messages are ../cycle-rules.ts.
 */
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import { decodeValue, encodeValue } from '../codec.js';
import { checkPlanInput, noPlanFor, planNotFound, savedPlan, snapshotNotOfCluster } from '../cycle-rules.js';
import type { PlanQuery, PlanSummary, SavePlanInput, StoredPlan } from '../store.js';
import { ensureCluster, lookupCluster } from './clusters.js';
import type { Connection } from './connection.js';
import { clusters, plans, snapshots } from './schema.js';

/** Call inside a write transaction. */
export function savePlan(connection: Connection, input: SavePlanInput): StoredPlan {
  checkPlanInput(input);
  const cluster = ensureCluster(connection.db, input.cluster, input.createdAt);
  if (input.snapshotId !== null) {
    const snapshot = connection.db.select({ clusterId: snapshots.clusterId }).from(snapshots).where(eq(snapshots.id, input.snapshotId)).get();
    if (snapshot === undefined || snapshot.clusterId !== cluster.id) throw snapshotNotOfCluster(input.snapshotId, input.cluster);
  }
  const row = connection.db
    .insert(plans)
    .values({
      clusterId: cluster.id,
      cycle: input.cycle,
      snapshotId: input.snapshotId,
      teamsYaml: input.teamsYaml,
      planJson: encodeValue(input.plan),
      createdAt: input.createdAt,
    })
    .returning({ id: plans.id })
    .get();
  return savedPlan(row.id, input);
}

function planFilter(connection: Connection, query: PlanQuery): SQL | undefined {
  const conditions: SQL[] = [];
  if (query.cluster !== undefined) conditions.push(eq(plans.clusterId, lookupCluster(connection.db, query.cluster).id));
  if (query.cycle !== undefined) conditions.push(eq(plans.cycle, query.cycle));
  return conditions.length === 0 ? undefined : and(...conditions);
}

export function listPlans(connection: Connection, query: PlanQuery = {}): PlanSummary[] {
  return connection.db
    .select({ id: plans.id, cluster: clusters.name, cycle: plans.cycle, snapshotId: plans.snapshotId, createdAt: plans.createdAt })
    .from(plans)
    .innerJoin(clusters, eq(clusters.id, plans.clusterId))
    .where(planFilter(connection, query))
    .orderBy(asc(plans.createdAt), asc(plans.id))
    .all();
}

export function getPlan(connection: Connection, ref: number | 'latest', query: PlanQuery = {}): StoredPlan {
  const select = connection.db
    .select({
      id: plans.id,
      cluster: clusters.name,
      cycle: plans.cycle,
      snapshotId: plans.snapshotId,
      createdAt: plans.createdAt,
      teamsYaml: plans.teamsYaml,
      planJson: plans.planJson,
    })
    .from(plans)
    .innerJoin(clusters, eq(clusters.id, plans.clusterId));
  let row;
  if (ref === 'latest') {
    const scoped = { ...query, cluster: query.cluster ?? lookupCluster(connection.db).name };
    row = select.where(planFilter(connection, scoped)).orderBy(desc(plans.createdAt), desc(plans.id)).limit(1).get();
    if (row === undefined) throw noPlanFor(scoped);
  } else {
    row = select.where(eq(plans.id, ref)).get();
    if (row === undefined) throw planNotFound(ref);
  }
  const { planJson, ...summary } = row;
  return { ...summary, plan: decodeValue(planJson) };
}
