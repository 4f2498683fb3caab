// Plan: proposed vs current quota per team, what bound each number, the plan's warnings; the manifests and the PR
// body as downloads (the same files `quotaplan emit` writes).
import { getJson } from '../lib/api.js';
import { drawCharts } from '../lib/charts.js';
import { el, replace } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { planChart, planTable, preferredResource, resourcePicker, resourcesOf, warningsList } from '../lib/plan-rows.js';
import { defaultPlanId, planOptionText, planStatusBanner } from '../lib/plan-status.js';

export async function render(root, { params, navigate }) {
  const list = await getJson('/api/plans');
  const { plans } = list;
  if (plans.length === 0) {
    root.append(el('h1', {}, 'Plan'), el('p', {}, 'No plan stored yet. Run `quotaplan plan --teams FILE --save`, or save one from the What-if page.'));
    return;
  }
  // Without an id: the current cycle's plan (what Review decides), not merely the newest saved draft.
  const ref = params.get('id') ?? String(defaultPlanId(list));
  const data = await getJson(`/api/plans/${encodeURIComponent(ref)}`);
  const resources = resourcesOf(data.rows);
  let resource = params.get('resource') ?? preferredResource(resources);
  const chartSlot = el('div', { id: 'plan-chart-slot' });
  const drawChart = () => {
    replace(
      chartSlot,
      planChart({
        id: 'plan-chart',
        title: `Quota today vs proposed: ${resource}`,
        description: 'Per team (parents include their sub-teams). Quota today is the effective ResourceQuota or Profile limit of the team\u2019s namespaces.',
        rows: data.rows,
        resource,
        series: [
          { key: 'current', label: 'Quota today', colour: '#9ca3af' },
          { key: 'proposed', label: 'Proposed', colour: '#2563eb' },
          { key: 'used', label: 'Used', colour: '#f59e0b' },
        ],
      }),
    );
    // On first render the shell draws once the page is attached; later changes redraw here.
    if (chartSlot.isConnected) drawCharts(chartSlot);
  };
  const planSelect = el(
    'select',
    { id: 'plan-select', onchange: () => navigate('plan', { id: planSelect.value }) },
    [...plans].reverse().map((p) => el('option', { value: String(p.id), selected: p.id === data.id }, planOptionText(p))),
  );
  const status = plans.find((p) => p.id === data.id)?.status;
  // A draft made for a cycle not approved yet: say where to attach it (an approved cycle's plan is final).
  const cycleApproved = plans.some((p) => p.status.relation === 'approved' && p.status.cycle === data.cycle);
  const attachable =
    status?.relation === 'draft' && !cycleApproved ? el('a', { href: '#/review', id: 'attach-on-review' }, `Attach it to cycle ${data.cycle} on the Review page.`) : null;
  root.append(
    el('h1', {}, `Plan ${data.id}: ${data.cycle}`),
    planStatusBanner(list, data.id, attachable),
    el('p', { class: 'muted' }, `Cluster ${data.cluster}; planned on snapshot ${data.snapshot.id} (${dateTime(data.snapshot.takenAt)}); saved ${dateTime(data.createdAt)}. Policy ${data.plan.policy}, surplus ${data.plan.surplus}.`),
    el(
      'div',
      { class: 'toolbar' },
      el('div', { class: 'field' }, el('label', { for: 'plan-select' }, 'Plan'), planSelect),
      resourcePicker('plan-resource', resources, resource, (value) => {
        resource = value;
        drawChart();
      }),
      el('a', { href: `/api/plans/${data.id}/manifests.yaml`, download: `plan-${data.id}.yaml`, class: 'button-link', 'data-download': 'yaml' }, 'Download YAML manifests'),
      el('a', { href: `/api/plans/${data.id}/pr-body.md`, download: `plan-${data.id}-pr-body.md`, class: 'button-link', 'data-download': 'pr-body' }, 'Download PR body'),
      el('a', { href: `#/what-if?plan=${data.id}`, class: 'button-link' }, 'Open in What-if'),
    ),
    chartSlot,
    el('h2', {}, `Warnings (${data.plan.warnings.length})`),
    warningsList(data.plan.warnings),
    el('h2', {}, 'Allocations'),
    planTable(data.rows, `plan-${data.id}.csv`, `Plan ${data.id}: every team and resource`),
  );
  drawChart();
}
