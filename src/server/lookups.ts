/**
 * Finding what a request names. The store reports an unknown id as bad input (right for a CLI flag); over HTTP an
 * id that names nothing is a 404, so these turn that one case into NotFoundError and let everything else through.
 */
import { ValidationError } from '../errors.js';
import { soleCluster } from '../store/clusters.js';
import { getPlan, listPlans, type PlanQuery, type PlanSummary, type StoredPlan } from '../store/plans.js';
import { resolveSnapshot, type SnapshotSummary } from '../store/snapshots.js';
import type { Store } from '../store/open.js';
import { NotFoundError } from './http-errors.js';

function notFoundWhenIdUnknown<T>(ref: string, field: string, find: () => T): T {
  try {
    return find();
  } catch (error) {
    if (error instanceof ValidationError && ref !== 'latest' && error.where.value === Number(ref)) {
      throw new NotFoundError(error.message, field);
    }
    throw error;
  }
}

export function findSnapshot(store: Store, ref: string, cluster: string | undefined): SnapshotSummary {
  return notFoundWhenIdUnknown(ref, 'snapshot', () => resolveSnapshot(store, cluster === undefined ? { ref } : { ref, cluster }));
}

/**
 * The plan findPlan finds, without decoding it (a plan of hundreds of teams is most of a megabyte): what a cached
 * view of the plan is keyed by. Errors are findPlan's.
 */
export function findPlanSummary(store: Store, ref: string, query: PlanQuery = {}, field = 'plan'): PlanSummary {
  const found =
    ref === 'latest'
      ? listPlans(store, { ...query, cluster: query.cluster ?? soleCluster(store.db).name }).at(-1)
      : listPlans(store).find((plan) => plan.id === Number(ref));
  if (found !== undefined) return found;
  const { teamsYaml: _teamsYaml, plan: _plan, ...summary } = findPlan(store, ref, query, field);
  return summary;
}

export function findPlan(store: Store, ref: string, query: PlanQuery = {}, field = 'plan'): StoredPlan {
  return notFoundWhenIdUnknown(ref, field, () => getPlan(store, ref === 'latest' ? 'latest' : Number(ref), query));
}
