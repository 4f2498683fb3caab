// Review: the quarterly allocation review of a cycle, the same value `quotaplan review -o json` prints (from
// GET /api/reviews/:cycle): capacity change, use vs quota per team (average, p95, peak from snapshot history),
// GPU-hours, proposed changes and the next draft plan's warnings; and the next cycle's submit / approve actions,
// which need the token. On a cluster with DRA, its devices by DeviceClass and model beside the capacity table, as in
// the downloads. Every chart has its numbers in a table and CSV.
import { ApiError, getCluster, getJson, postJson } from '../lib/api.js';
import { chartFigure, drawCharts } from '../lib/charts.js';
import { el, replace, toast } from '../lib/dom.js';
import { dateTime, hoursText, quantityText } from '../lib/format.js';

const inUnits = (value, row) => quantityText(value, row.resource);
const inHours = (value) => hoursText(value);
import { measuredSection } from '../lib/measured.js';
import { planOptionText, planStatusBanner } from '../lib/plan-status.js';
import { tableBlock } from '../lib/table.js';
import { timeAxis } from '../lib/time-axis.js';

const KIND_BADGE = { 'lower-demand': 'info', 'low-measured-use': 'info', 'needs-more': 'warn', 'over-quota': 'bad', 'use-above-new-quota': 'bad', 'use-above-quota': 'bad', 'alabama-paradox': 'bad' };

/** Drawing value of a canonical quantity string or decimal text (GPU counts: plain numbers or milli-units). */
function drawn(text) {
  if (text === null || text === undefined) return null;
  const match = /^(-?\d+(?:\.\d+)?)(?:e(\d+))?(m|k)?$/.exec(text);
  if (!match) return null;
  const factor = match[3] === 'm' ? 1e-3 : match[3] === 'k' ? 1e3 : 1;
  // Past E (10^18) quantities print with an exponent (`1e21`).
  return Number(match[1]) * 10 ** Number(match[2] ?? 0) * factor;
}

function cycleText(cycle) {
  if (!cycle) return 'none started yet';
  const approval = cycle.state === 'approved' ? `approved by ${cycle.approvedBy ?? '?'} on ${dateTime(cycle.approvedAt)}${cycle.approvalNote ? ` (“${cycle.approvalNote}”)` : ''}` : cycle.state;
  return `${cycle.name} (${(cycle.startsAt ?? '?').slice(0, 10)} to ${(cycle.endsAt ?? '?').slice(0, 10)}), plan ${cycle.planId ?? 'none'}, ${approval}`;
}

function capacitySection(data) {
  const columns = [
    { key: 'resource', label: 'Resource' },
    { key: 'gpuEquivalent', label: 'GPU per unit', numeric: true },
    { key: 'previousPlan', label: `Plan ${data.previous?.cycle ?? '(previous)'}`, numeric: true, format: inUnits },
    { key: 'thisPlan', label: `Plan ${data.cycle.name}`, numeric: true, format: inUnits },
    { key: 'atStart', label: 'At cycle start', numeric: true, format: inUnits },
    { key: 'atEnd', label: 'At end of data', numeric: true, format: inUnits },
    { key: 'nextPlan', label: `Plan ${data.next?.cycle.name ?? '(next)'}`, numeric: true, format: inUnits },
  ];
  const rows = [...data.capacity, { resource: 'GPU-equivalents', gpuEquivalent: '', ...data.capacityGpus }];
  const parts = [el('h2', {}, 'Capacity change since the last cycle')];
  const traces = data.capacityTrace.filter((t) => t.points.length > 1);
  if (traces.length > 0) {
    const perUnit = new Map(data.capacity.map((c) => [c.resource, c.gpuEquivalent === null ? 0 : Number(c.gpuEquivalent)]));
    const times = traces[0].points.map((p) => Date.parse(p.at));
    const total = (key) => times.map((_, i) => traces.reduce((sum, t) => sum + (drawn(t.points[i]?.[key]) ?? 0) * (perUnit.get(t.resource) ?? 0), 0));
    const plannable = total('plannable');
    const requested = total('requested');
    parts.push(
      chartFigure({
        id: 'review-capacity',
        title: `Accelerator capacity over ${data.cycle.name} (GPU-equivalents)`,
        description: 'Plannable = allocatable of ready, schedulable, non-transitional nodes; requested = requests of pods bound to nodes. MIG slices and shared replicas count as their share of a GPU.',
        filename: `review-${data.cycle.name}-capacity.csv`,
        height: 260,
        table: {
          columns: [{ key: 'time', label: 'Time (UTC)' }, { key: 'plannable', label: 'Plannable GPU-eq', numeric: true }, { key: 'requested', label: 'Requested GPU-eq', numeric: true }],
          rows: times.map((t, i) => ({ time: new Date(t).toISOString(), plannable: plannable[i].toFixed(3), requested: requested[i].toFixed(3) })),
        },
        config: {
          type: 'line',
          data: {
            datasets: [
              { label: 'Plannable', data: times.map((x, i) => ({ x, y: plannable[i] })), borderColor: '#2563eb', backgroundColor: '#2563eb', stepped: true, pointRadius: 0, borderWidth: 2 },
              { label: 'Requested', data: times.map((x, i) => ({ x, y: requested[i] })), borderColor: '#dc2626', backgroundColor: '#dc2626', stepped: true, pointRadius: 0, borderWidth: 2 },
            ],
          },
          options: {
            parsing: false,
            scales: { x: timeAxis(times), y: { beginAtZero: true, title: { display: true, text: 'GPU-equivalents' } } },
            plugins: { legend: { position: 'bottom' } },
          },
        },
      }),
    );
  }
  parts.push(tableBlock({ caption: 'Plannable capacity per resource', columns, rows, filename: `review-${data.cycle.name}-capacity-change.csv` }));
  return parts;
}

/** `3`, `3 (at most)` for devices sharing counters, `0 (selectors not evaluated)`: the downloads' Devices cell. */
function draDevicesText(row) {
  if (row.unsupported) return `${row.devices} (selectors not evaluated)`;
  return row.partitionable ? `${row.devices} (at most)` : String(row.devices);
}

/**
 * The DRA section (review JSON `dra`, null without DRA objects): per DeviceClass and model the plannable devices,
 * the physical GPUs behind them, the devices allocated to claims and the quota key, then the physical GPUs of all
 * classes and the transitional pools; the same figures as the Markdown, HTML and CSV reports. Every name is text.
 */
function draSection(data) {
  const dra = data.dra;
  if (!dra) return [];
  const columns = [
    { key: 'deviceClass', label: 'DeviceClass' },
    { key: 'model', label: 'Model', className: 'wrap-anywhere' },
    { key: 'devicesText', csv: 'devices', label: 'DRA devices', numeric: true },
    { key: 'physicalGpus', label: 'Physical GPUs', numeric: true },
    { key: 'allocated', label: 'Allocated (claims)', numeric: true },
    { key: 'quotaKey', label: 'Quota key', className: 'wrap-anywhere' },
  ];
  const rows = dra.classes.map((c) => ({ ...c, devicesText: draDevicesText(c) }));
  const pools = dra.transitionalPools;
  return [
    el('h2', { id: 'review-dra-heading' }, 'DRA devices (ResourceSlices), by DeviceClass'),
    el(
      'p',
      { class: 'muted small-text' },
      'Dynamic Resource Allocation: devices that DRA drivers publish in ResourceSlices, at the cycle\'s last snapshot. ' +
        'The plannable capacity above is device-plugin resources (the nodes\' allocatable) and the DRA devices counted in plannable together, under the class\'s extended resource name or <class>.deviceclass.resource.k8s.io/devices; this is the DRA part. ' +
        'DRA devices: plannable devices the class selects (on a ready, schedulable, not transitional node; no NoSchedule/NoExecute taint). Physical GPUs: the GPUs behind them, a dynamic-MIG GPU once. ' +
        'Allocated: devices allocated to ResourceClaims (admin access left out). Quota key: the ResourceQuota key that limits them.',
    ),
    el(
      'div',
      { id: 'review-dra' },
      tableBlock({ caption: 'DRA devices by DeviceClass and model', columns, rows, filename: `review-${data.cycle.name}-dra.csv` }),
      el('p', { id: 'review-dra-physical' }, `Physical GPUs behind all DeviceClasses, each counted once: ${dra.physicalGpus}.`),
      pools.length === 0
        ? el('p', { id: 'review-dra-pools' }, 'Transitional pools: none.')
        : el(
          'div',
          { id: 'review-dra-pools' },
          el('p', {}, `Transitional pools, not counted until their driver has published every slice (${pools.length}):`),
          el('ul', {}, pools.map((p) => el('li', {}, `${p.driver}/${p.pool} (generation ${p.generation}: ${p.published} of ${p.expected} slices)`))),
        ),
    ),
  ];
}

function useChart(data, resource) {
  const rows = data.teams.filter((t) => t.resource === resource && t.leaf);
  const series = [
    { key: 'quota', label: 'Quota', colour: '#9ca3af' },
    { key: 'average', label: 'Average', colour: '#2563eb' },
    { key: 'p95', label: 'p95', colour: '#f59e0b' },
    { key: 'peak', label: 'Peak', colour: '#dc2626' },
    ...(data.next ? [{ key: 'nextQuota', label: `Quota ${data.next.cycle.name}`, colour: '#7c3aed' }] : []),
  ];
  return chartFigure({
    id: 'review-use',
    title: `Use vs quota over ${data.cycle.name}: ${resource}`,
    description: 'Leaf teams. Average and p95 weigh each snapshot by how long its requests held (until the next snapshot).',
    filename: `review-${data.cycle.name}-use-${resource.replaceAll('/', '_')}.csv`,
    height: Math.max(200, 60 + rows.length * 44),
    table: { columns: [{ key: 'team', label: 'Team' }, ...series.map((s) => ({ key: s.key, label: s.label, numeric: true }))], rows },
    config: {
      type: 'bar',
      data: { labels: rows.map((r) => r.team), datasets: series.map((s) => ({ label: s.label, data: rows.map((r) => drawn(r[s.key])), backgroundColor: s.colour })) },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, title: { display: true, text: `${resource} (units)` } } }, plugins: { legend: { position: 'bottom' } } },
    },
  });
}

function useSection(data) {
  const accelerators = [...new Set(data.teams.filter((t) => t.gpuEquivalent !== null).map((t) => t.resource))];
  let resource = accelerators.includes('nvidia.com/gpu') ? 'nvidia.com/gpu' : accelerators[0];
  const slot = el('div', { id: 'review-use-slot' });
  const draw = () => {
    replace(slot, resource ? useChart(data, resource) : null);
    if (slot.isConnected) drawCharts(slot);
  };
  const select = el(
    'select',
    { id: 'review-resource', onchange: () => { resource = select.value; draw(); } },
    accelerators.map((r) => el('option', { value: r, selected: r === resource }, r)),
  );
  draw();
  const columns = [
    { key: 'team', label: 'Team', format: (v, r) => `${v}${r.leaf ? '' : ' (all sub-teams)'}${r.flavors.length > 0 ? ` [${r.flavors.join(', ')}]` : ''}` },
    { key: 'resource', label: 'Resource' },
    { key: 'quota', label: 'Quota', numeric: true, format: inUnits },
    { key: 'demand', label: 'Demand', numeric: true, format: (v, r) => (v === null || v === undefined ? 'unlimited' : inUnits(v, r)) },
    { key: 'average', label: 'Average', numeric: true, format: inUnits },
    { key: 'p95', label: 'p95', numeric: true, format: inUnits },
    { key: 'peak', label: 'Peak', numeric: true, format: inUnits },
    { key: 'averageOfQuota', label: 'Avg % quota', numeric: true },
    { key: 'peakOfQuota', label: 'Peak % quota', numeric: true },
    { key: 'hoursAboveQuota', label: 'h above quota', numeric: true, format: inHours },
    { key: 'nextQuota', label: 'Next quota', numeric: true, format: inUnits },
  ];
  const gpuColumns = [
    { key: 'team', label: 'Team' },
    { key: 'resource', label: 'Resource' },
    { key: 'gpuEquivalent', label: 'GPU per unit', numeric: true },
    { key: 'usedUnitHours', label: 'Unit-hours used', numeric: true, format: inHours },
    { key: 'grantedUnitHours', label: 'Unit-hours granted', numeric: true, format: inHours },
    { key: 'usedGpuHours', label: 'GPU-hours used', numeric: true, format: inHours },
    { key: 'grantedGpuHours', label: 'GPU-hours granted', numeric: true, format: inHours },
  ];
  return [
    el('h2', {}, 'Use vs quota per team'),
    accelerators.length > 0 ? el('div', { class: 'toolbar' }, el('div', { class: 'field' }, el('label', { for: 'review-resource' }, 'Resource'), select)) : null,
    slot,
    tableBlock({ caption: 'Use vs quota per team and resource', columns, rows: data.teams, filename: `review-${data.cycle.name}-use.csv` }),
    el('h2', {}, 'GPU-hours used vs granted'),
    tableBlock({ caption: 'GPU-hours (granted = quota x hours measured)', columns: gpuColumns, rows: data.teams.filter((t) => t.gpuEquivalent !== null), filename: `review-${data.cycle.name}-gpu-hours.csv` }),
    data.mixedGpuEquivalents.length > 0
      ? el('p', { class: 'muted small-text' }, `${data.mixedGpuEquivalents.join(', ')}: a unit is a different share of a GPU on different nodes; GPU per unit is the capacity-weighted average, so those GPU-hours are estimates (unit-hours are exact).`)
      : null,
  ];
}

function listSection(title, items, render, empty) {
  return [
    el('h2', {}, `${title} (${items.length})`),
    items.length === 0 ? el('p', { class: 'muted' }, empty) : el('ul', { class: 'review-list', [`data-${title.toLowerCase().replaceAll(' ', '-')}`]: String(items.length) }, items.map(render)),
  ];
}

/** Why the buttons are off on this server, or null when changes are possible. */
function readOnlyReason(meta) {
  if (meta.writers.length > 0) return null;
  return 'This server is read-only: it was started without --token or --trusted-auth-header, so it refuses every change. Attaching a plan, submitting and approving are off; run them with quotaplan cycle plan / submit / approve, or restart the server with a token.';
}

/** Makes a saved draft (made for this cycle) the cycle's plan; recorded in the cycle's history. */
function attachForm(cycle, plans, act, readOnly) {
  const candidates = plans.filter((p) => p.cycle === cycle.name && p.id !== cycle.planId && p.status.relation === 'draft');
  if (candidates.length === 0) {
    return el('p', { class: 'muted small-text', id: 'review-attach-none' }, `No other saved plan is made for ${cycle.name}: save one from the What-if page (its teams file's cycle must be ${cycle.name}) to attach it here.`);
  }
  const select = el('select', { id: 'review-attach-plan' }, [...candidates].reverse().map((p) => el('option', { value: String(p.id) }, planOptionText(p))));
  const by = el('input', { id: 'review-attach-by', type: 'text', autocomplete: 'name', placeholder: 'name or e-mail' });
  return el(
    'div',
    { id: 'review-attach' },
    el('h3', {}, `Attach a draft to ${cycle.name}`),
    el('p', { class: 'small-text' }, `The cycle's plan is what is submitted and approved. ${cycle.planId === null ? 'It has none yet.' : `Now: plan ${cycle.planId}.`} The change is recorded in the cycle's history. Needs the token.`),
    el(
      'div',
      { class: 'toolbar' },
      el('div', { class: 'field' }, el('label', { for: 'review-attach-plan' }, 'Draft'), select),
      el('div', { class: 'field' }, el('label', { for: 'review-attach-by' }, 'Attached by'), by),
      el(
        'button',
        {
          type: 'button',
          id: 'review-attach-button',
          disabled: readOnly,
          'aria-describedby': readOnly ? 'review-readonly' : null,
          onclick: () => act('plan', { planId: Number(select.value), by: by.value.trim() || undefined }, (c) => `${c.name} now reviews plan ${c.planId}.`),
        },
        `Make it the plan of ${cycle.name}`,
      ),
    ),
  );
}

function decisionPanel(data, rerender, { meta, plans }) {
  const next = data.next;
  if (!next) return el('div', { class: 'panel' }, el('h2', {}, 'Decision'), el('p', {}, 'No next cycle yet. Start one with `quotaplan cycle start --cycle NAME`.'));
  const cycle = next.cycle;
  const reason = readOnlyReason(meta);
  const readOnly = reason !== null;
  const status = el('p', { id: 'review-action-status', role: 'status' });
  const act = async (path, body, done) => {
    status.className = '';
    status.textContent = 'Sending…';
    try {
      const updated = await postJson(`/api/reviews/${encodeURIComponent(cycle.name)}/${path}`, body, { auth: true });
      toast(done(updated));
      rerender();
    } catch (error) {
      const message = error instanceof ApiError ? `${error.message}${error.field ? ` (field: ${error.field})` : ''}` : String(error);
      status.className = 'error';
      status.textContent = message;
    }
  };
  const history = el('ul', { class: 'muted small-text' }, cycle.events.map((e) => el('li', {}, `${dateTime(e.at)}: ${e.from ?? 'created'} → ${e.to}${e.actor ? ` by ${e.actor}` : ''}${e.note ? ` (${e.note})` : ''}`)));
  const parts = [
    el('h2', {}, `Decision: ${cycle.name}`),
    el('p', {}, `Next cycle ${cycleText(cycle)}.`),
    next.planId === null ? null : planStatusBanner(plans, next.planId, null, 'next-plan-status'),
    history,
    readOnly ? el('p', { class: 'notice', id: 'review-readonly' }, reason) : null,
  ];
  if (cycle.state === 'approved') {
    parts.push(el('p', {}, el('span', { class: 'badge ok' }, 'approved'), ' This cycle and its plan are final.'));
  } else if (cycle.state === 'draft') {
    const by = el('input', { id: 'review-submitter', type: 'text', autocomplete: 'name', placeholder: 'name or e-mail' });
    parts.push(
      el('p', {}, `Submitting freezes nothing yet: the plan can still be replaced until approval. Needs the token.`),
      el('div', { class: 'toolbar' }, el('div', { class: 'field' }, el('label', { for: 'review-submitter' }, 'Submitted by'), by)),
      el(
        'button',
        {
          type: 'button',
          id: 'review-submit',
          disabled: next.planId === null || readOnly,
          'aria-describedby': readOnly ? 'review-readonly' : next.planId === null ? 'review-no-plan' : null,
          onclick: () => act('submit', { by: by.value.trim() || undefined }, (c) => `${c.name} is now ${c.state}.`),
        },
        `Submit ${cycle.name} for review`,
      ),
      next.planId === null ? el('p', { class: 'muted small-text', id: 'review-no-plan' }, `${cycle.name} has no plan yet: attach one below to submit it.`) : null,
      attachForm(cycle, plans.plans, act, readOnly),
    );
  } else {
    const by = el('input', { id: 'review-by', type: 'text', autocomplete: 'name', placeholder: 'name or e-mail' });
    const note = el('textarea', { id: 'review-note', rows: 2, cols: 60, placeholder: 'the decision, for the record' });
    parts.push(
      el('div', { class: 'toolbar' }, el('div', { class: 'field' }, el('label', { for: 'review-by' }, 'Approved by'), by), el('div', { class: 'field' }, el('label', { for: 'review-note' }, 'Note'), note)),
      el(
        'button',
        {
          type: 'button',
          id: 'review-approve',
          disabled: readOnly,
          'aria-describedby': readOnly ? 'review-readonly' : null,
          onclick: () => act('approve', { planId: next.planId, by: by.value.trim() || undefined, note: note.value.trim() || undefined }, (c) => `${c.name} approved by ${c.approvedBy}.`),
        },
        `Approve plan ${next.planId} for ${cycle.name}`,
      ),
      el('p', { class: 'muted small-text' }, 'Approval is final: the plan cannot change afterwards. Needs the token (Token button above).'),
      attachForm(cycle, plans.plans, act, readOnly),
    );
  }
  parts.push(status);
  return el('div', { class: 'panel', id: 'review-decision', 'data-state': cycle.state }, parts);
}

export async function render(root, { params, navigate, meta }) {
  const list = await getJson('/api/reviews');
  const plans = await getJson('/api/plans');
  if (list.cycles.length === 0 || list.latest === null) {
    root.append(el('h1', {}, 'Review'), el('p', {}, 'No cycle with a plan has begun yet: nothing to review. Start one on a stored plan: `quotaplan cycle start --cycle NAME --plan ID`.'));
    // A cycle started without a plan still takes one here, and can then be submitted.
    const open = list.cycles.filter((c) => c.state !== 'approved');
    for (const cycle of open) {
      root.append(decisionPanel({ next: { cycle, planId: cycle.planId } }, () => navigate('review', { t: Date.now() }), { meta, plans }));
    }
    return;
  }
  const name = params.get('cycle') ?? list.latest;
  const data = await getJson(`/api/reviews/${encodeURIComponent(name)}`);
  const cycleSelect = el(
    'select',
    { id: 'review-cycle', onchange: () => navigate('review', { cycle: cycleSelect.value }) },
    list.cycles.filter((c) => c.planId !== null).map((c) => el('option', { value: c.name, selected: c.name === data.cycle.name }, `${c.name} (${c.state})`)),
  );
  const base = `/api/reviews/${encodeURIComponent(data.cycle.name)}`;
  // Plain links (downloads) do not go through getJson, so they carry the picked cluster themselves.
  const query = getCluster() ? `?cluster=${encodeURIComponent(getCluster())}` : '';
  const c = data.coverage;
  root.append(
    el('h1', {}, `Review: ${data.cycle.name}`),
    el('div', { id: 'review-plan-status' }, planStatusBanner(plans, data.cycle.planId)),
    el(
      'div',
      { class: 'toolbar' },
      el('div', { class: 'field' }, el('label', { for: 'review-cycle' }, 'Cycle'), cycleSelect),
      el('a', { href: `${base}/report.md${query}`, download: `review-${data.cycle.name}.md`, class: 'button-link', 'data-download': 'md' }, 'Markdown report'),
      el('a', { href: `${base}/report.html${query}`, download: `review-${data.cycle.name}.html`, class: 'button-link', 'data-download': 'html' }, 'HTML report'),
      el('a', { href: `${base}/report.csv${query}`, download: `review-${data.cycle.name}.csv`, class: 'button-link', 'data-download': 'csv' }, 'CSV'),
    ),
    el(
      'ul',
      { id: 'review-summary' },
      el('li', {}, `Cycle ${cycleText(data.cycle)}.`),
      data.previous ? el('li', {}, `Previous cycle ${data.previous.cycle} (plan ${data.previous.planId}).`) : null,
      el('li', {}, `Next cycle: ${cycleText(data.next?.cycle)}.`),
      c
        ? el('li', {}, `Use measured from ${dateTime(c.from)} to ${dateTime(c.to)}: ${hoursText(c.hours)} h${c.cycleHours ? ` of ${hoursText(c.cycleHours)} h` : ''}, ${c.snapshots} snapshot${c.snapshots === 1 ? '' : 's'}; each snapshot's requests hold until the next one.`)
        : el('li', {}, data.snapshotsInCycle === 0
          ? 'No snapshot taken in this cycle yet: no use to review (run quotaplan collect while it runs).'
          : `Only ${data.snapshotsInCycle} snapshot in this cycle so far: use over time needs a second one (run quotaplan collect again later).`),
      el('li', { class: 'muted' }, `Rules: average below ${data.rules.underUseAverageBelow} of quota → propose demand = ${data.rules.proposeFrom} rounded up; peak above ${data.rules.needsMorePeakAbove} → flag for more; measured busy below ${data.rules.measuredBusyBelow} of GPU-hours granted → propose a cut.`),
    ),
    ...capacitySection(data),
    ...draSection(data),
    ...useSection(data),
    ...measuredSection(data),
    ...listSection(
      'Proposed changes',
      data.proposals,
      (p) =>
        el(
          'li',
          { 'data-team': p.team, 'data-resource': p.resource },
          el('span', { class: `badge ${KIND_BADGE[p.kind] ?? 'info'}` }, p.kind),
          ' ',
          el('strong', {}, p.team),
          ` ${p.resource}`,
          p.proposedDemand ? `: demand ${p.demand === null ? 'unlimited' : quantityText(p.demand, p.resource)} → ${quantityText(p.proposedDemand, p.resource)}` : '',
          (p.kind === 'lower-demand' || p.kind === 'low-measured-use') && data.next ? ` (next draft demand: ${p.nextDemand ?? 'unlimited'})` : '',
          el('br'),
          el('span', { class: 'muted small-text' }, p.reason),
        ),
      'None: every team used its quota within the rules.',
    ),
    ...listSection('Warnings', data.warnings, (w) => el('li', {}, el('span', { class: `badge ${KIND_BADGE[w.kind] ?? 'warn'}` }, w.kind), ' ', w.message), data.next ? 'None.' : 'No next plan to check.'),
    decisionPanel(data, () => navigate('review', { cycle: data.cycle.name, t: Date.now() }), { meta, plans }),
  );
}
