/**
 * The rules and messages of stored plans and cycles, for both stores: what a save checks, what a state change
 * writes, and the error for each thing that is not there. Each store runs its own queries around these.
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { CycleState, PlanQuery, SavePlanInput, SetCycleStateInput, StoredPlan } from './store.js';

export function checkPlanInput(input: SavePlanInput): void {
  if (input.cycle.trim() === '') throw new ValidationError('the plan has an empty cycle name', { field: 'cycle', value: input.cycle });
}

export function snapshotNotOfCluster(snapshotId: number, cluster: string): ValidationError {
  return new ValidationError(`snapshot ${snapshotId} is not a snapshot of cluster ${cluster}`, { field: 'snapshotId', value: snapshotId });
}

/** The plan as stored under `id`: what `savePlan` answers. */
export function savedPlan(id: number, input: SavePlanInput): StoredPlan {
  return { id, cluster: input.cluster, cycle: input.cycle, snapshotId: input.snapshotId, teamsYaml: input.teamsYaml, plan: input.plan, createdAt: input.createdAt };
}

/** `latest` found no plan of the cluster (and cycle). */
export function noPlanFor(scoped: PlanQuery & { cluster: string }): ValidationError {
  const what = scoped.cycle === undefined ? `cluster ${scoped.cluster}` : `cluster ${scoped.cluster}, cycle ${scoped.cycle}`;
  return new ValidationError(`no plan stored for ${what}`, { field: 'plan', value: 'latest' });
}

export function planNotFound(ref: number): NotFoundError {
  return new NotFoundError(`no plan ${ref} in the database`, { field: 'plan', value: ref });
}

export function checkCycleName(name: string): void {
  if (name.trim() === '') throw new ValidationError('the cycle name is empty', { field: 'cycle', value: name });
}

export function cycleNameTaken(cluster: string, name: string): ConflictError {
  return new ConflictError(`cluster ${cluster} already has a cycle ${name}`);
}

export function planNotOfCluster(planId: number, cluster: string): ValidationError {
  return new ValidationError(`plan ${planId} is not a plan of cluster ${cluster}`, { field: 'planId', value: planId });
}

export function cycleNotFound(id: number): NotFoundError {
  return new NotFoundError(`no cycle ${id} in the database`, { field: 'cycle', value: id });
}

/** `getCycle` found no cycle of that name (or, for `latest`, none at all). */
export function noCycleNamed(cluster: string, name: string): ValidationError | NotFoundError {
  if (name === 'latest') return new ValidationError(`cluster ${cluster} has no cycles`, { field: 'cycle', value: name });
  return new NotFoundError(`cluster ${cluster} has no cycle ${name}`, { field: 'cycle', value: name });
}

/** What a state change writes to the cycle: moving to `approved` records the approval, anywhere else clears it. */
export function cycleStateColumns(input: SetCycleStateInput): {
  state: CycleState;
  approvedBy: string | null;
  approvedAt: Date | null;
  approvalNote: string | null;
} {
  const approved = input.state === 'approved';
  return {
    state: input.state,
    approvedBy: approved ? (input.actor ?? null) : null,
    approvedAt: approved ? input.at : null,
    approvalNote: approved ? (input.note ?? null) : null,
  };
}

/** The event row a state change from `fromState` records. */
export function cycleEventOf(
  input: SetCycleStateInput,
  fromState: CycleState | null,
): { cycleId: number; fromState: CycleState | null; toState: CycleState; actor: string | null; at: Date; note: string | null } {
  return { cycleId: input.cycleId, fromState, toState: input.state, actor: input.actor ?? null, at: input.at, note: input.note ?? null };
}
