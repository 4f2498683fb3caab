// Teams: per team and resource, the quota in force today, current use and the planned quota, as bars on one scale
// per resource (so teams compare), accelerators grouped apart from cpu and memory, a planned cut below current use
// flagged; nested teams expand and collapse. The same numbers are in the table below (and as CSV).
import { getJson } from '../lib/api.js';
import { MEASURED_COLUMNS, measuredSummary } from '../lib/measured.js';
import { el } from '../lib/dom.js';
import { dateTime, quantityNanos, quantityText } from '../lib/format.js';
import { defaultPlanId, planOptionText, planStatusBanner } from '../lib/plan-status.js';
import { tableBlock } from '../lib/table.js';

const inUnits = (value, row) => quantityText(value, row.resource);

const APPLIED_TEXT = { applied: 'in force', 'not-applied': 'approved, not yet applied', differs: 'in force differs from approved' };

function queuedText(team) {
  if (team.queuedPods === 0) return null;
  const reasons = Object.entries(team.queuedReasons).map(([reason, pods]) => `${pods} ${reason}`).join(', ');
  return `${team.queuedPods} pod${team.queuedPods === 1 ? '' : 's'} not scheduled yet (${reasons})`;
}

function percent(value, max) {
  return max <= 0 ? '0%' : `${Math.min(100, (value / max) * 100)}%`;
}

/** Accelerators (GPUs, MIG slices, other devices) are drawn apart from cpu, memory and the rest. */
function isAccelerator(resource) {
  return resource.includes('/') && !resource.startsWith('hugepages-');
}

/**
 * Per resource, the largest figure any team has (quota, planned or used): every team's bar of that resource is drawn
 * on this one scale, so bars of different teams compare.
 */
function scales(teams, out = new Map()) {
  for (const team of teams) {
    for (const r of team.resources) {
      const { current, used, planned } = r.values;
      out.set(r.resource, Math.max(out.get(r.resource) ?? 0, current ?? 0, planned ?? 0, used));
    }
    scales(team.teams, out);
  }
  return out;
}

/** Whether the plan sets the quota below what the team uses now (exact, from the quantity strings). */
function plannedBelowUse(resource) {
  if (resource.planned === null) return false;
  const planned = quantityNanos(resource.planned);
  const used = quantityNanos(resource.used);
  return planned !== null && used !== null && planned < used;
}

function barLine(team, resource, max) {
  const { current, used, planned } = resource.values;
  const over = resource.overQuota;
  const cut = plannedBelowUse(resource);
  const partial = resource.current !== null && resource.limitedNamespaces < resource.namespaces;
  const name = resource.resource;
  const text = (value) => (value === null ? '—' : quantityText(value, name));
  const bar = el('div', { class: 'bar', role: 'img', 'aria-label': `${name}: used ${text(resource.used)}, quota ${resource.current === null ? 'none' : text(resource.current)}, planned ${resource.planned === null ? 'none' : text(resource.planned)}${cut ? ', planned below use' : ''}` });
  if (current !== null) {
    const quota = el('div', { class: 'quota-area' });
    quota.style.width = percent(current, max);
    bar.append(quota);
  }
  const usedBar = el('div', { class: over ? 'used over' : 'used' });
  usedBar.style.width = percent(used, max);
  bar.append(usedBar);
  if (planned !== null) {
    const mark = el('div', { class: cut ? 'planned cut' : 'planned' });
    mark.style.left = `calc(${percent(planned, max)} - 2px)`;
    bar.append(mark);
  }
  return el(
    'div',
    { class: cut ? 'bar-line cut' : 'bar-line', 'data-team': team.team, 'data-resource': name },
    el('span', { class: 'resource-name' }, name),
    bar,
    el(
      'span',
      { class: 'muted' },
      `used ${text(resource.used)}${resource.queued !== '0' ? ` (${text(resource.queued)} queued)` : ''} / quota ${text(resource.current)}${partial ? ` (${resource.limitedNamespaces} of ${resource.namespaces} namespaces)` : ''} → planned ${text(resource.planned)}`,
      cut ? el('span', { class: 'badge bad' }, 'planned below use') : null,
    ),
  );
}

/** A team's bars: accelerators first, then cpu, memory and the rest, each group under its own small heading. */
function teamBars(team, scale) {
  if (team.resources.length === 0) return el('div', { class: 'bars' }, el('span', { class: 'muted' }, 'no resources'));
  const groups = [
    ['Accelerators', team.resources.filter((r) => isAccelerator(r.resource))],
    ['cpu, memory and other', team.resources.filter((r) => !isAccelerator(r.resource))],
  ].filter(([, resources]) => resources.length > 0);
  return el(
    'div',
    { class: 'bars' },
    groups.map(([title, resources]) =>
      el('div', { class: 'bar-group', 'data-group': title }, el('div', { class: 'bar-group-title' }, title), resources.map((r) => barLine(team, r, scale.get(r.resource) || 1e-9))),
    ),
  );
}

function teamItem(team, depth, scale) {
  const children = team.teams.length > 0 ? el('ul', { class: 'team-tree', id: `children-${team.team.replaceAll('/', '--')}` }) : null;
  let toggle = null;
  if (children) {
    toggle = el('button', {
      type: 'button',
      class: 'small toggle',
      'aria-expanded': 'true',
      'aria-controls': children.id,
      'aria-label': `Collapse ${team.team}`,
      onclick: () => {
        const open = toggle.getAttribute('aria-expanded') === 'true';
        toggle.setAttribute('aria-expanded', String(!open));
        toggle.setAttribute('aria-label', `${open ? 'Expand' : 'Collapse'} ${team.team}`);
        toggle.textContent = open ? '▸' : '▾';
        children.hidden = open;
      },
    }, '▾');
    for (const child of team.teams) children.append(teamItem(child, depth + 1, scale));
  }
  return el(
    'li',
    { 'data-team-item': team.team },
    el(
      'div',
      { class: 'team-row' },
      el(
        'div',
        {},
        el('div', { class: 'team-name' }, toggle, el('span', {}, team.name)),
        el('div', { class: 'muted small-text' }, team.namespaces.join(', ')),
        queuedText(team) ? el('div', { class: 'small-text queued', 'data-queued': team.team }, queuedText(team)) : null,
      ),
      teamBars(team, scale),
    ),
    children,
  );
}

function flatten(teams, out = []) {
  for (const team of teams) {
    for (const r of team.resources) {
      out.push({
        team: team.team,
        resource: r.resource,
        current: r.current ?? '',
        limited: r.current === null ? '' : `${r.limitedNamespaces} of ${r.namespaces}`,
        used: r.used,
        queued: r.queued,
        planned: r.planned ?? '',
        overQuota: r.overQuota ? 'yes' : '',
        approved: r.approved ?? '',
        applied: r.applied === null ? '' : APPLIED_TEXT[r.applied],
      });
    }
    flatten(team.teams, out);
  }
  return out;
}

/** Leaf rows whose quota in force is not the approved plan's, and a one-line count of all. */
function reconciliation(data) {
  if (data.approved === null) {
    return [el('h2', {}, 'Approved plan vs quotas in force'), el('p', { class: 'muted', id: 'reconciliation' }, 'No cycle is approved yet: there is no approved quota to compare with the quotas in force.')];
  }
  const rows = flatten(data.teams).filter((r) => r.applied !== '');
  const count = (state) => rows.filter((r) => r.applied === APPLIED_TEXT[state]).length;
  const open = rows.filter((r) => r.applied !== APPLIED_TEXT.applied);
  const a = data.approved;
  return [
    el('h2', {}, `Approved plan ${a.planId} (${a.cycle}) vs quotas in force`),
    el(
      'p',
      { id: 'reconciliation', class: open.length === 0 ? 'muted' : 'notice', 'data-open': String(open.length) },
      `Per leaf team and resource, the quota of the approved plan ${a.planId} against the ResourceQuotas in snapshot ${data.snapshot.id}: ` +
        `${count('applied')} in force, ${count('not-applied')} approved but not yet applied, ${count('differs')} in force differ from the approved quota.` +
        (open.length > 0 ? ' Apply the approved plan (quotaplan emit / apply --plan ' + a.planId + ') to bring them in line.' : ''),
    ),
    open.length === 0
      ? null
      : tableBlock({
          caption: `Approved quotas of plan ${a.planId} not in force`,
          columns: [
            { key: 'team', label: 'Team' },
            { key: 'resource', label: 'Resource' },
            { key: 'approved', label: `Approved (plan ${a.planId})`, numeric: true },
            { key: 'current', label: 'In force', numeric: true },
            { key: 'limited', label: 'Namespaces limited' },
            { key: 'applied', label: 'State' },
          ],
          rows: open,
          filename: 'teams-not-applied.csv',
        }),
  ];
}

export async function render(root, { params, navigate }) {
  const list = await getJson('/api/plans');
  if (list.plans.length === 0) {
    root.append(el('h1', {}, 'Teams'), el('p', {}, 'No plan stored yet: the team tree comes from a plan. Run `quotaplan plan --teams FILE --save`.'));
    return;
  }
  // Without a plan named: the current cycle's plan (what Review decides), not merely the newest saved draft.
  const plan = params.get('plan') ?? String(defaultPlanId(list));
  const data = await getJson(`/api/teams?plan=${encodeURIComponent(plan)}`);
  const columns = [
    { key: 'team', label: 'Team' },
    { key: 'resource', label: 'Resource' },
    { key: 'current', label: 'Quota in force', numeric: true, format: inUnits },
    { key: 'limited', label: 'Namespaces limited' },
    { key: 'used', label: 'Used', numeric: true, format: inUnits },
    { key: 'overQuota', label: 'Use above quota' },
    { key: 'planned', label: `Planned (plan ${data.plan.id})`, numeric: true, format: inUnits },
    { key: 'queued', label: 'Of which queued', numeric: true, format: inUnits },
    { key: 'approved', label: data.approved ? `Approved (plan ${data.approved.planId})` : 'Approved', numeric: true, format: inUnits },
    { key: 'applied', label: 'Approved in force?' },
  ];
  const planSelect = el(
    'select',
    { id: 'teams-plan', onchange: () => navigate('teams', { plan: planSelect.value }) },
    [...list.plans].reverse().map((p) => el('option', { value: String(p.id), selected: p.id === data.plan.id }, planOptionText(p))),
  );
  const scale = scales(data.teams);
  const tree = el('ul', { class: 'team-tree', id: 'team-tree' }, data.teams.map((team) => teamItem(team, 0, scale)));
  root.append(
    el('h1', {}, 'Teams'),
    planStatusBanner(list, data.plan.id),
    el(
      'p',
      { class: 'muted' },
      `Use and quota in force: the ResourceQuotas and pods in snapshot ${data.snapshot.id} (${dateTime(data.snapshot.takenAt)}); planned quotas: plan ${data.plan.id} (${data.plan.cycle}). ` +
        'Used counts every pod that is not finished, scheduled or not; "queued" is the part of it not on a node yet.',
    ),
    el('div', { class: 'toolbar' }, el('div', { class: 'field' }, el('label', { for: 'teams-plan' }, 'Planned quotas from'), planSelect)),
    el(
      'div',
      { class: 'legend', 'aria-hidden': 'true' },
      el('span', {}, el('span', { class: 'swatch quota' }), 'quota in force'),
      el('span', {}, el('span', { class: 'swatch track' }), 'no quota'),
      el('span', {}, el('span', { class: 'swatch used' }), 'used'),
      el('span', {}, el('span', { class: 'swatch over' }), 'used above quota'),
      el('span', {}, el('span', { class: 'swatch planned' }), 'planned quota'),
      el('span', {}, el('span', { class: 'swatch planned cut' }), 'planned below use'),
    ),
    el('p', { class: 'muted small-text' }, 'Each resource\u2019s bars share one scale across all teams (the largest quota, plan or use of any team), so teams compare.'),
    el('div', { class: 'panel' }, tree),
    el('h2', {}, 'Numbers'),
    tableBlock({ caption: 'Quota and use per team and resource', columns, rows: flatten(data.teams), filename: 'teams.csv' }),
    ...reconciliation(data),
    ...(await measuredUse()),
  );
}

/** Measured GPU use over the reviewed cycle (the Review page's figures, per team); nothing when no cycle has begun. */
async function measuredUse() {
  let review;
  try {
    // The cycles list names the latest reviewable cycle, or null before one has begun (asking for it would be a 400).
    const { latest } = await getJson('/api/reviews');
    if (latest === null) return [];
    review = await getJson(`/api/reviews/${encodeURIComponent(latest)}`);
  } catch (error) {
    // Prometheus down or slow: the quotas above still stand; say what failed.
    return [el('h2', {}, 'Measured GPU use'), el('p', { class: 'notice', id: 'measured-note' }, `Measured use could not be read: ${error.message}`)];
  }
  const m = review.measured;
  return [
    el('h2', {}, `Measured GPU use over ${review.cycle.name}`),
    ...measuredSummary(m),
    // (root.append would print a null as the text "null")
    ...(m.available ? [tableBlock({ caption: `GPU-hours per team over ${review.cycle.name}`, columns: MEASURED_COLUMNS, rows: m.teams, filename: `teams-measured-${review.cycle.name}.csv` })] : []),
  ];
}
