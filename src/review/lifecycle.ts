/**
 * The allocation cycle's lifecycle: draft -> in-review -> approved, forward only. An approved cycle is final: its
 * plan cannot change, it cannot be approved again or moved back. A new cycle starts only when every earlier cycle
 * of the cluster is approved, from the latest approved one (its teams file is the starting point). These checks
 * are pure; src/review/cycle-store.ts runs them and the store writes inside one transaction.
 */
import { ConflictError, ValidationError } from '../errors.js';
import type { Cycle, CycleState } from '../store/store.js';

const ORDER: readonly CycleState[] = ['draft', 'in-review', 'approved'];

function refuseApproved(cycle: Cycle, what: string): void {
  if (cycle.state !== 'approved') return;
  const by = cycle.approvedBy === null ? '' : ` by ${cycle.approvedBy}`;
  const at = cycle.approvedAt === null ? '' : ` on ${cycle.approvedAt.toISOString()}`;
  throw new ConflictError(
    `cycle ${cycle.name} of cluster ${cycle.cluster} was approved${by}${at}: ${what}; an approved cycle and its plan are final, start the next cycle instead`,
  );
}

/** A state change is allowed only one step forward. */
export function checkTransition(cycle: Cycle, to: CycleState): void {
  if (to === 'approved') refuseApproved(cycle, 'it cannot be approved again');
  refuseApproved(cycle, `it cannot go back to ${to}`);
  const from = ORDER.indexOf(cycle.state);
  const target = ORDER.indexOf(to);
  if (target <= from) {
    throw new ConflictError(`cycle ${cycle.name} is ${cycle.state}: it cannot go back to ${to} (a cycle only moves forward: ${ORDER.join(' -> ')})`);
  }
  if (target > from + 1) {
    throw new ConflictError(
      `cycle ${cycle.name} is ${cycle.state}: it cannot skip to ${to}; submit it for review first (quotaplan cycle submit --cycle ${cycle.name})`,
    );
  }
}

/** Submitting needs a plan to review. */
export function checkSubmit(cycle: Cycle): void {
  checkTransition(cycle, 'in-review');
  if (cycle.planId === null) {
    throw new ConflictError(`cycle ${cycle.name} has no plan to review: pass --plan ID (a plan stored by quotaplan plan --save for cycle ${cycle.name})`);
  }
}

/**
 * Approving needs an approver and the plan under review. `expectedPlanId` is the plan the approver read: when it
 * is no longer the cycle's plan the approval is refused rather than applied to a plan nobody reviewed.
 */
export function checkApprove(cycle: Cycle, options: { by: string; expectedPlanId?: number | undefined }): void {
  checkTransition(cycle, 'approved');
  if (options.by.trim() === '') throw new ValidationError('an approval names who approves (--by)', { field: 'by', value: options.by });
  if (cycle.planId === null) throw new ConflictError(`cycle ${cycle.name} has no plan to approve`);
  if (options.expectedPlanId !== undefined && options.expectedPlanId !== cycle.planId) {
    throw new ConflictError(
      `cycle ${cycle.name} is reviewing plan ${cycle.planId}, not plan ${options.expectedPlanId}: approve the plan that was reviewed, or set plan ${options.expectedPlanId} first`,
    );
  }
}

/** The plan of a cycle can change until it is approved, and only to a plan made for that cycle. */
export function checkSetPlan(cycle: Cycle, plan: { id: number; cycle: string; cluster: string }): void {
  refuseApproved(cycle, `its plan ${cycle.planId ?? '(none)'} cannot be replaced by plan ${plan.id}`);
  if (plan.cluster !== cycle.cluster) throw new ConflictError(`plan ${plan.id} is a plan of cluster ${plan.cluster}, not ${cycle.cluster}`);
  if (plan.cycle !== cycle.name) {
    throw new ConflictError(`plan ${plan.id} was made for cycle ${plan.cycle}, not ${cycle.name}: plan with the teams file's cycle set to ${cycle.name}`);
  }
}

/**
 * A new cycle: its name is new and every earlier cycle is approved. Returns the approved cycle it starts from
 * (the latest), or null for a cluster's first cycle.
 */
export function checkStart(existing: readonly Cycle[], name: string): Cycle | null {
  if (existing.some((cycle) => cycle.name === name)) throw new ConflictError(`a cycle ${name} already exists`);
  const open = existing.filter((cycle) => cycle.state !== 'approved');
  if (open.length > 0) {
    throw new ConflictError(
      `cycle ${open.map((c) => `${c.name} (${c.state})`).join(', ')} is not approved yet: approve it before starting ${name}, since each cycle starts from the approved one`,
    );
  }
  return [...existing].sort(byStart).at(-1) ?? null;
}

function byStart(a: Cycle, b: Cycle): number {
  const at = (c: Cycle): number => (c.startsAt ?? c.createdAt).getTime();
  return at(a) - at(b) || a.id - b.id;
}

/** `2026-Q4` -> [2026-10-01, 2027-01-01) UTC; null for a name that is not a calendar quarter. */
export function quarterWindow(name: string): { startsAt: Date; endsAt: Date } | null {
  const match = /^(\d{4})-Q([1-4])$/.exec(name);
  if (match === null) return null;
  const year = Number(match[1]);
  const quarter = Number(match[2]) - 1;
  return { startsAt: new Date(Date.UTC(year, quarter * 3, 1)), endsAt: new Date(Date.UTC(year, quarter * 3 + 3, 1)) };
}

/** Cycles of one cluster ordered by when they start (creation time when no start is recorded). */
export function cyclesInOrder(cycles: readonly Cycle[]): Cycle[] {
  return [...cycles].sort(byStart);
}
