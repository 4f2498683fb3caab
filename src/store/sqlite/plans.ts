/**
 * Stored plans: the teams file verbatim and the plan value. The plan is stored with the store's codec, so a
 * value holding Quantities or bigints comes back equal; a plain JSON value comes back as it was.
 */
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import { NotFoundError, ValidationError } from '../../errors.js';
import { decodeValue, encodeValue } from '../codec.js';
import type { PlanQuery, PlanSummary, SavePlanInput, StoredPlan } from '../store.js';
import { ensureCluster, lookupCluster } from './clusters.js';
import type { Connection } from './connection.js';
import { clusters, plans, snapshots } from './schema.js';

/** Call inside a write transaction. */
export function savePlan(connection: Connection, input: SavePlanInput): StoredPlan {
  if (input.cycle.trim() === '') throw new ValidationError('the plan has an empty cycle name', { field: 'cycle', value: input.cycle });
  {
    const cluster = ensureCluster(connection.db, input.cluster, input.createdAt);
    if (input.snapshotId !== null) {
      const snapshot = connection.db.select({ clusterId: snapshots.clusterId }).from(snapshots).where(eq(snapshots.id, input.snapshotId)).get();
      if (snapshot === undefined || snapshot.clusterId !== cluster.id) {
        throw new ValidationError(`snapshot ${input.snapshotId} is not a snapshot of cluster ${input.cluster}`, {
          field: 'snapshotId',
          value: input.snapshotId,
        });
      }
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
    return { id: row.id, cluster: input.cluster, cycle: input.cycle, snapshotId: input.snapshotId, teamsYaml: input.teamsYaml, plan: input.plan, createdAt: input.createdAt };
  }
}

function planFilter(connection: Connection, query: PlanQuery): SQL | undefined {
  const conditions: SQL[] = [];
  if (query.cluster !== undefined) conditions.push(eq(plans.clusterId, lookupCluster(connection.db, query.cluster).id));
  if (query.cycle !== undefined) conditions.push(eq(plans.cycle, query.cycle));
  return conditions.length === 0 ? undefined : and(...conditions);
}

/** Plans oldest first (by creation time, then id). */
export function listPlans(connection: Connection, query: PlanQuery = {}): PlanSummary[] {
  return connection.db
    .select({ id: plans.id, cluster: clusters.name, cycle: plans.cycle, snapshotId: plans.snapshotId, createdAt: plans.createdAt })
    .from(plans)
    .innerJoin(clusters, eq(clusters.id, plans.clusterId))
    .where(planFilter(connection, query))
    .orderBy(asc(plans.createdAt), asc(plans.id))
    .all();
}

/**
 * A plan by id, or the most recent one (`latest`) of a cluster (and cycle, when given). Without a cluster,
 * `latest` needs a database holding one cluster.
 */
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
    if (row === undefined) {
      const what = scoped.cycle === undefined ? `cluster ${scoped.cluster}` : `cluster ${scoped.cluster}, cycle ${scoped.cycle}`;
      throw new ValidationError(`no plan stored for ${what}`, { field: 'plan', value: 'latest' });
    }
  } else {
    row = select.where(eq(plans.id, ref)).get();
    if (row === undefined) throw new NotFoundError(`no plan ${ref} in the database`, { field: 'plan', value: ref });
  }
  const { planJson, ...summary } = row;
  return { ...summary, plan: decodeValue(planJson) };
}
