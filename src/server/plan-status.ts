/**
 * Which plan is which: a saved plan is only a **draft** until a cycle points at it; the plan a draft or in-review
 * cycle points at is **the cycle's plan** (what Review submits and approves); the plan of an approved cycle is
 * **approved**. Whether an approved plan is also **applied** is a question about the cluster (the ResourceQuotas
 * in force in a snapshot), answered per team and resource by team-view.ts. Pure: the routes pass the cycles in.
 *
 * "Latest" (the newest saved plan) is none of these: saving a what-if makes a newer draft, nothing more.
 */
import type { Cycle, PlanSummary } from '../store/store.js';
import { cyclesInOrder } from '../review/lifecycle.js';

export type PlanRelation = 'draft' | 'cycle-plan' | 'approved';

export interface PlanStatusJson {
  relation: PlanRelation;
  /** The cycle pointing at the plan (null for a draft). */
  cycle: string | null;
  cycleState: Cycle['state'] | null;
  approvedBy: string | null;
  approvedAt: string | null;
}

export interface CyclePlansJson {
  /** The newest approved cycle with a plan: the quotas that should be in force (or about to be). */
  approved: { cycle: string; planId: number; approvedBy: string | null; approvedAt: string | null } | null;
  /** The newest cycle (any state) with a plan: what the planning meeting decides next, or has decided. */
  current: { cycle: string; planId: number; state: Cycle['state'] } | null;
}

/** The relation of each plan to the cluster's cycles, by plan id. A plan only one cycle can point at (its own). */
export function planStatuses(plans: readonly PlanSummary[], cycles: readonly Cycle[]): Map<number, PlanStatusJson> {
  const byPlan = new Map<number, Cycle>();
  for (const cycle of cycles) if (cycle.planId !== null) byPlan.set(cycle.planId, cycle);
  return new Map(
    plans.map((plan): [number, PlanStatusJson] => {
      const cycle = byPlan.get(plan.id);
      if (cycle === undefined) return [plan.id, { relation: 'draft', cycle: null, cycleState: null, approvedBy: null, approvedAt: null }];
      return [
        plan.id,
        {
          relation: cycle.state === 'approved' ? 'approved' : 'cycle-plan',
          cycle: cycle.name,
          cycleState: cycle.state,
          approvedBy: cycle.approvedBy,
          approvedAt: cycle.approvedAt?.toISOString() ?? null,
        },
      ];
    }),
  );
}

/** The approved plan and the current cycle's plan of a cluster's cycles. */
export function cyclePlans(cycles: readonly Cycle[]): CyclePlansJson {
  const withPlan = cyclesInOrder(cycles).filter((cycle) => cycle.planId !== null);
  const approved = withPlan.filter((cycle) => cycle.state === 'approved').at(-1);
  const current = withPlan.at(-1);
  return {
    approved:
      approved === undefined
        ? null
        : { cycle: approved.name, planId: approved.planId as number, approvedBy: approved.approvedBy, approvedAt: approved.approvedAt?.toISOString() ?? null },
    current: current === undefined ? null : { cycle: current.name, planId: current.planId as number, state: current.state },
  };
}
