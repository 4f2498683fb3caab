/**
 * Finding a stored plan without decoding it (a plan of hundreds of teams is most of a megabyte): what a cached view
 * of the plan is keyed by. An id or cluster that names nothing is the store's NotFoundError (a 404).
 */
import type { PlanQuery, PlanSummary, Store } from '../store/store.js';

export async function findPlanSummary(store: Store, ref: string, query: PlanQuery = {}): Promise<PlanSummary> {
  const found =
    ref === 'latest'
      ? (await store.listPlans({ ...query, cluster: await store.resolveCluster(query.cluster) })).at(-1)
      : (await store.listPlans()).find((plan) => plan.id === Number(ref));
  if (found !== undefined) return found;
  // Nothing there: the store's error says why (no plan of that id, none stored for the cluster yet).
  const { teamsYaml: _teamsYaml, plan: _plan, ...summary } = await store.getPlan(planRefOf(ref), query);
  return summary;
}

/** A validated plan reference (`latest` or digits) as the store takes it. */
export function planRefOf(ref: string): number | 'latest' {
  return ref === 'latest' ? 'latest' : Number(ref);
}

/** A validated snapshot reference (`latest` or an id), and the cluster it must belong to when given. */
export function snapshotOf(store: Store, ref: string, cluster: string | undefined): ReturnType<Store['resolveSnapshot']> {
  return store.resolveSnapshot(cluster === undefined ? { ref } : { ref, cluster });
}
