// Which plan a page shows and what it is: a draft (saved, no cycle has taken it), the plan of a cycle (what Review
// submits and approves), or approved. The relation comes from GET /api/plans (`status` of each plan, `approved` and
// `current` of the cluster's cycles); whether an approved plan is in force is per team on the Teams page.
import { el } from './dom.js';
import { dateTime } from './format.js';

const STATE_TEXT = { draft: 'draft', 'in-review': 'in review', approved: 'approved' };

/** The plan a page shows when the address names none: the current cycle's plan, else the approved one, else the newest draft. */
export function defaultPlanId(list) {
  return list.current?.planId ?? list.approved?.planId ?? list.plans.at(-1)?.id ?? null;
}

/** One short label for a plan select: `Plan 4 · 2026-Q4 · draft`. */
export function planOptionText(plan) {
  const s = plan.status;
  const relation = s.relation === 'approved' ? `approved for ${s.cycle}` : s.relation === 'cycle-plan' ? `plan of ${s.cycle} (${STATE_TEXT[s.cycleState]})` : 'draft';
  return `Plan ${plan.id} · ${plan.cycle} · ${relation} · ${dateTime(plan.createdAt)}`;
}

/** What plan `id` is, in a sentence or two, naming the cycle's plan and the approved plan beside it. */
export function planStatusText(list, id) {
  const plan = list.plans.find((p) => p.id === id);
  if (!plan) return `Plan ${id}.`;
  const s = plan.status;
  const parts = [];
  if (s.relation === 'approved') {
    parts.push(`Plan ${id} is approved: the plan of cycle ${s.cycle}, approved by ${s.approvedBy ?? '?'} on ${dateTime(s.approvedAt)}.`);
  } else if (s.relation === 'cycle-plan') {
    parts.push(
      `Plan ${id} is the plan of cycle ${s.cycle} (${STATE_TEXT[s.cycleState]}): what Review ${s.cycleState === 'draft' ? 'submits, then approves' : 'approves'}. Not approved yet.`,
    );
  } else {
    parts.push(`Plan ${id} is a draft (made for cycle ${plan.cycle}): saved, but no cycle has taken it, so Review does not approve it and nothing applies it.`);
    if (list.current) parts.push(`The plan of cycle ${list.current.cycle} is plan ${list.current.planId} (${STATE_TEXT[list.current.state]}).`);
  }
  if (s.relation !== 'approved') {
    parts.push(list.approved ? `Approved: plan ${list.approved.planId} (cycle ${list.approved.cycle}).` : 'No plan is approved yet.');
  }
  return parts.join(' ');
}

/** The banner a page puts under its heading (`data-plan-relation` says draft / cycle-plan / approved). */
export function planStatusBanner(list, id, extra = null, elementId = 'plan-status') {
  const plan = list.plans.find((p) => p.id === id);
  const relation = plan?.status.relation ?? 'draft';
  return el(
    'p',
    { class: `plan-status ${relation}`, id: elementId, 'data-plan-relation': relation },
    el('span', { class: `badge ${relation === 'approved' ? 'ok' : relation === 'cycle-plan' ? 'info' : 'warn'}` }, relation === 'cycle-plan' ? 'cycle\u2019s plan' : relation),
    ' ',
    planStatusText(list, id),
    extra ? [' ', extra] : null,
  );
}
