/**
 * Stored plans: the teams file verbatim and the plan value. The plan is stored with the store's codec, so a
 * value holding Quantities or bigints comes back equal; a plain JSON value comes back as it was.
 */
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import { ValidationError } from '../errors.js';
import { decodeValue, encodeValue } from './codec.js';
import { ensureCluster, requireCluster, soleCluster } from './clusters.js';
import type { Store } from './open.js';
import { inWriteTransaction } from './transaction.js';
import { clusters, plans, snapshots } from './schema.js';

export interface SavePlanInput {
  cluster: string;
  cycle: string;
  /** The snapshot planned from; null for a plan made from a dump that was not stored. */
  snapshotId: number | null;
  teamsYaml: string;
  plan: unknown;
  createdAt: Date;
}

export interface PlanSummary {
  id: number;
  cluster: string;
  cycle: string;
  snapshotId: number | null;
  createdAt: Date;
}

export interface StoredPlan extends PlanSummary {
  teamsYaml: string;
  plan: unknown;
}

export function savePlan(store: Store, input: SavePlanInput): StoredPlan {
  if (input.cycle.trim() === '') throw new ValidationError('the plan has an empty cycle name', { field: 'cycle', value: input.cycle });
  return inWriteTransaction(store, (): StoredPlan => {
    const cluster = ensureCluster(store.db, input.cluster, input.createdAt);
    if (input.snapshotId !== null) {
      const snapshot = store.db.select({ clusterId: snapshots.clusterId }).from(snapshots).where(eq(snapshots.id, input.snapshotId)).get();
      if (snapshot === undefined || snapshot.clusterId !== cluster.id) {
        throw new ValidationError(`snapshot ${input.snapshotId} is not a snapshot of cluster ${input.cluster}`, {
          field: 'snapshotId',
          value: input.snapshotId,
        });
      }
    }
    const row = store.db
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
  });
}

export interface PlanQuery {
  cluster?: string;
  cycle?: string;
}

function planFilter(store: Store, query: PlanQuery): SQL | undefined {
  const conditions: SQL[] = [];
  if (query.cluster !== undefined) conditions.push(eq(plans.clusterId, requireCluster(store.db, query.cluster).id));
  if (query.cycle !== undefined) conditions.push(eq(plans.cycle, query.cycle));
  return conditions.length === 0 ? undefined : and(...conditions);
}

/** Plans oldest first (by creation time, then id). */
export function listPlans(store: Store, query: PlanQuery = {}): PlanSummary[] {
  return store.db
    .select({ id: plans.id, cluster: clusters.name, cycle: plans.cycle, snapshotId: plans.snapshotId, createdAt: plans.createdAt })
    .from(plans)
    .innerJoin(clusters, eq(clusters.id, plans.clusterId))
    .where(planFilter(store, query))
    .orderBy(asc(plans.createdAt), asc(plans.id))
    .all();
}

/**
 * A plan by id, or the most recent one (`latest`) of a cluster (and cycle, when given). Without a cluster,
 * `latest` needs a database holding one cluster.
 */
export function getPlan(store: Store, ref: number | 'latest', query: PlanQuery = {}): StoredPlan {
  const select = store.db
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
    const scoped = { ...query, cluster: query.cluster ?? soleCluster(store.db).name };
    row = select.where(planFilter(store, scoped)).orderBy(desc(plans.createdAt), desc(plans.id)).limit(1).get();
    if (row === undefined) {
      const what = scoped.cycle === undefined ? `cluster ${scoped.cluster}` : `cluster ${scoped.cluster}, cycle ${scoped.cycle}`;
      throw new ValidationError(`no plan stored for ${what}`, { field: 'plan', value: 'latest' });
    }
  } else {
    row = select.where(eq(plans.id, ref)).get();
    if (row === undefined) throw new ValidationError(`no plan ${ref} in the database`, { field: 'plan', value: ref });
  }
  const { planJson, ...summary } = row;
  return { ...summary, plan: decodeValue(planJson) };
}
