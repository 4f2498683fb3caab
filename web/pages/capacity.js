// Capacity: accelerators by pool and model: physical devices, allocatable, requested, free; MIG slices and shared
// GPUs in their own units and as GPU-equivalents; the nodes that need attention.
import { getJson } from '../lib/api.js';
import { chartFigure, colour } from '../lib/charts.js';
import { el } from '../lib/dom.js';
import { dateTime, quantityText, round } from '../lib/format.js';
import { tableBlock } from '../lib/table.js';

function card(label, value, id) {
  return el('div', { class: 'card', 'data-card': id }, el('div', { class: 'value' }, value), el('div', { class: 'label' }, label));
}

const ENFORCERS = { resourcequota: 'ResourceQuota', kueue: 'Kueue', kai: 'KAI Scheduler', volcano: 'Volcano' };

function sharingText(group) {
  if (group.sharing === 'mig') return `MIG ${group.migProfile ?? ''}`.trim();
  if (group.sharing === 'time-slicing' || group.sharing === 'mps') return `${group.sharing} ×${group.replicas}`;
  if (group.sharing === 'partition') return 'partition';
  return 'whole device';
}

export async function render(root) {
  const data = await getJson('/api/capacity?snapshot=latest');
  const totals = data.totals;
  const groups = data.groups;
  // With DRA, the pool/model/resource groups are the device plugins' (the nodes' allocatable) while the cards, the
  // node pools and plannable capacity count DRA devices too: each says which it shows.
  const hasDra = data.dra.length > 0;
  const pluginOnly = hasDra ? 'Device-plugin accelerators' : 'Accelerators';
  const drawn = groups.filter((g) => g.gpuEquivalent.capacity > 0);
  const label = (g) => `${g.pool} · ${g.model} · ${g.resource}`;
  // On a phone one line per bar does not fit beside the bars (chart.js cut it at the left): pool, model and
  // resource on lines of their own.
  const narrow = window.matchMedia('(max-width: 640px)').matches;
  // The cards add up as shown: each figure in tenths, and what is neither requested nor free (allocatable left over
  // on nodes that take no new pods) is the difference of the shown figures, so the sum on the page is exact.
  const tenths = (value) => Math.round(value * 10);
  const shown = (t) => (t / 10).toFixed(1);
  const eq = totals.gpuEquivalent;
  const terms = { allocatable: tenths(eq.allocatable), requested: tenths(eq.requested), free: tenths(eq.free) };
  terms.unavailable = terms.allocatable - terms.requested - terms.free;

  const chartRows = drawn.map((g) => ({
    group: label(g),
    allocatable: g.gpuEquivalent.allocatable,
    requested: g.gpuEquivalent.requested,
    free: g.gpuEquivalent.free,
    unplannable: round(g.gpuEquivalent.allocatable - g.gpuEquivalent.plannable, 6),
  }));
  const chartColumns = [
    { key: 'group', label: 'Pool · model · resource' },
    { key: 'allocatable', label: 'Allocatable (GPU-eq.)', numeric: true },
    { key: 'requested', label: 'Requested (GPU-eq.)', numeric: true },
    { key: 'free', label: 'Free (GPU-eq.)', numeric: true },
    { key: 'unplannable', label: 'Not plannable (GPU-eq.)', numeric: true },
  ];
  const figure = chartFigure({
    id: 'capacity-chart',
    title: `${pluginOnly} by pool and model, in GPU-equivalents`,
    description:
      'Requested and free on each pool; free counts only ready, schedulable, non-transitional nodes. A MIG slice counts as its share of a GPU (3g = 3/7), a time-sliced replica as 1/replicas.' +
      (hasDra ? ' Device plugins only (the nodes\' allocatable): DRA devices are under "DRA devices (ResourceSlices), by DeviceClass" below.' : ''),
    filename: 'capacity-by-pool.csv',
    height: Math.max(240, drawn.length * (narrow ? 64 : 34) + 60),
    table: { columns: chartColumns, rows: chartRows },
    config: {
      type: 'bar',
      data: {
        labels: narrow ? drawn.map((g) => [g.pool, g.model, g.resource]) : chartRows.map((r) => r.group),
        datasets: [
          { label: 'Requested', data: chartRows.map((r) => r.requested), backgroundColor: colour(0) },
          { label: 'Free', data: chartRows.map((r) => r.free), backgroundColor: colour(2) },
          { label: 'Not plannable', data: chartRows.map((r) => r.unplannable), backgroundColor: '#9ca3af' },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { stacked: true, title: { display: true, text: 'GPU-equivalents' } }, y: { stacked: true, ticks: { autoSkip: false } } },
        plugins: { legend: { position: 'bottom' } },
      },
    },
  });

  const groupColumns = [
    { key: 'pool', label: 'Pool', className: 'names' },
    { key: 'model', label: 'Model' },
    { key: 'resource', label: 'Resource' },
    { key: 'sharingText', label: 'Unit' },
    { key: 'nodes', label: 'Nodes', numeric: true },
    { key: 'physical', label: 'Physical GPUs', numeric: true },
    { key: 'capacity', label: 'Capacity', numeric: true },
    { key: 'allocatable', label: 'Allocatable', numeric: true },
    { key: 'requested', label: 'Requested', numeric: true },
    { key: 'free', label: 'Free', numeric: true },
    { key: 'plannable', label: 'Plannable', numeric: true },
    { key: 'unhealthy', label: 'Unhealthy', numeric: true },
    { key: 'perUnit', label: 'GPU-eq. per unit', numeric: true },
    { key: 'eqAllocatable', label: 'Allocatable (GPU-eq.)', numeric: true },
    { key: 'eqRequested', label: 'Requested (GPU-eq.)', numeric: true },
    { key: 'eqFree', label: 'Free (GPU-eq.)', numeric: true },
  ];
  const groupRows = groups.map((g) => ({
    ...g,
    physical: round(g.physical, 3),
    sharingText: sharingText(g),
    perUnit: round(g.gpuEquivalentPerUnit, 4),
    eqAllocatable: round(g.gpuEquivalent.allocatable, 3),
    eqRequested: round(g.gpuEquivalent.requested, 3),
    eqFree: round(g.gpuEquivalent.free, 3),
  }));

  const attentionColumns = [
    { key: 'name', label: 'Node' },
    { key: 'pool', label: 'Pool', className: 'names' },
    { key: 'model', label: 'Model' },
    { key: 'physicalAccelerators', label: 'Physical accelerators', numeric: true },
    { key: 'why', label: 'Why' },
  ];
  const attentionRows = data.attention.map((n) => ({ ...n, model: n.model ?? '', why: n.reasons.join('; ') }));

  const resourceColumns = [
    { key: 'resource', label: 'Resource' },
    { key: 'capacity', label: 'Capacity', numeric: true },
    { key: 'allocatable', label: 'Allocatable', numeric: true },
    { key: 'requested', label: 'Requested', numeric: true },
    { key: 'plannable', label: 'Plannable', numeric: true },
  ];

  root.append(
    el('h1', {}, 'Capacity'),
    el('p', { class: 'muted' }, `Snapshot ${data.snapshot.id} of ${data.snapshot.cluster}, taken ${dateTime(data.snapshot.takenAt)}.`),
    el(
      'div',
      { class: 'cards' },
      card('Nodes (plannable)', `${totals.nodes} (${totals.plannableNodes})`, 'nodes'),
      card('Physical accelerators', String(totals.physicalAccelerators), 'physical'),
      card('Allocatable, GPU-equivalents', shown(terms.allocatable), 'allocatable'),
      card('− requested', shown(terms.requested), 'requested'),
      card('− left on nodes taking no new pods', shown(terms.unavailable), 'unavailable'),
      card('= free, GPU-equivalents', shown(terms.free), 'free'),
      card('Plannable, GPU-equivalents', shown(tenths(eq.plannable)), 'plannable'),
    ),
    el(
      'p',
      { class: 'muted small-text', id: 'capacity-terms' },
      `Free = allocatable − requested − what is left on nodes that take no new pods: ${shown(terms.allocatable)} − ${shown(terms.requested)} − ${shown(terms.unavailable)} = ${shown(terms.free)}. ` +
        `Nodes taking no new pods are not ready, cordoned (unschedulable) or transitional (a MIG or partition change in progress, a paused device plugin): ${totals.nodes - totals.plannableNodes} of ${totals.nodes} here, listed under "Nodes needing attention". ` +
        'Plannable is what the planner divides: the allocatable of the other nodes, requested or not. Devices the plugin reports but does not offer (failed GPUs) are not allocatable: they are in the Capacity and Unhealthy columns below.' +
        (hasDra ? ' The cards count device-plugin accelerators and DRA GPUs (ResourceSlices) together, each physical GPU once.' : ''),
    ),
    figure,
    el('h2', {}, `${pluginOnly} by pool, model and resource`),
    el(
      'p',
      { class: 'muted small-text' },
      'Each resource in its own unit (whole GPUs, MIG slices, time-sliced replicas) and as GPU-equivalents.' +
        (hasDra ? ' Device plugins only (the nodes\' allocatable): DRA devices are in their own table, "DRA devices (ResourceSlices), by DeviceClass", below.' : ''),
    ),
    tableBlock({ caption: `${pluginOnly} by pool, model and resource`, columns: groupColumns, rows: groupRows, filename: 'accelerators.csv' }),
    el('h2', {}, 'Node pools'),
    tableBlock({
      caption: 'Node pools: nodes, plannable nodes, accelerator models, allocatable cpu and memory',
      columns: [
        { key: 'pool', label: 'Pool', className: 'names' },
        { key: 'nodes', label: 'Nodes', numeric: true },
        { key: 'plannableNodes', label: 'Plannable nodes', numeric: true },
        { key: 'modelList', label: 'Accelerator models' },
        { key: 'physicalAccelerators', label: 'Physical accelerators', numeric: true },
        { key: 'cpu', label: 'Allocatable cpu (cores)', numeric: true, format: (v) => quantityText(v, 'cpu') },
        { key: 'memory', label: 'Allocatable memory', numeric: true, format: (v) => quantityText(v, 'memory') },
      ],
      rows: data.pools.map((p) => ({ ...p, modelList: p.models.join(', ') })),
      filename: 'pools.csv',
    }),
    ...(data.dra.length === 0
      ? []
      : [
          el('h2', {}, 'DRA devices (ResourceSlices), by DeviceClass'),
          el(
            'p',
            { class: 'muted small-text' },
            'Devices DRA drivers publish, beside the device-plugin figures above. In plannable: devices counted in plannable capacity under the class\'s extended resource name (on nodes without a device plugin for it) or as <class>.deviceclass.resource.k8s.io/devices.',
          ),
          tableBlock({
            caption: 'DRA devices by DeviceClass: plannable devices, physical devices behind them, not plannable, counted in plannable',
            columns: [
              { key: 'deviceClass', label: 'DeviceClass' },
              { key: 'plannableAs', label: 'Planned as' },
              { key: 'modelList', label: 'Models' },
              { key: 'devices', label: 'Devices', numeric: true },
              { key: 'physical', label: 'Physical', numeric: true },
              { key: 'unplannable', label: 'Not plannable', numeric: true },
              { key: 'inPlannable', label: 'In plannable', numeric: true },
              { key: 'note', label: 'Note' },
            ],
            rows: data.dra.map((c) => ({
              ...c,
              modelList: Object.entries(c.devicesByModel).map(([model, n]) => `${model}: ${n}`).join(', '),
              note: c.unsupported ? 'selectors not evaluated (see warnings)' : c.partitionable ? 'at most: devices share counters' : '',
            })),
            filename: 'dra-device-classes.csv',
          }),
        ]),
    el('h2', {}, 'Plannable capacity'),
    el(
      'p',
      { class: 'muted small-text' },
      'What a plan divides among teams, per resource: the allocatable of ready, schedulable, non-transitional nodes (the same figures the Plan and Review pages use).' +
        (hasDra ? ' Device-plugin resources and the DRA devices counted in plannable together: a DRA class under its extended resource name or as <class>.deviceclass.resource.k8s.io/devices.' : ''),
    ),
    tableBlock({
      caption: 'Plannable capacity per resource',
      columns: [
        { key: 'resource', label: 'Resource' },
        { key: 'plannable', label: 'Plannable', numeric: true, format: (v, row) => quantityText(v, row.resource) },
      ],
      rows: Object.entries(data.plannable).map(([resource, plannable]) => ({ resource, plannable })),
      filename: 'plannable.csv',
    }),
    el('h2', {}, 'Nodes needing attention'),
    attentionRows.length === 0
      ? el('p', {}, 'None: every node is ready, schedulable and healthy.')
      : tableBlock({ caption: 'Unhealthy, cordoned and transitional nodes', columns: attentionColumns, rows: attentionRows, filename: 'nodes-attention.csv' }),
    el('h2', {}, 'Other resources'),
    tableBlock({
      caption: 'Cluster totals of non-accelerator resources',
      columns: resourceColumns.map((c) => (c.numeric ? { ...c, format: (v, row) => quantityText(v, row.resource) } : c)),
      rows: data.resources,
      filename: 'resources.csv',
    }),
    el('h2', {}, 'Quotas in force'),
    el(
      'p',
      { class: 'muted small-text' },
      data.quotasInForce.length === 0
        ? 'No ResourceQuota and no Kueue, KAI Scheduler or Volcano quota object in this snapshot.'
        : 'What enforces team quotas in this snapshot: ResourceQuotas (hard as admission enforces it, and used) beside the batch schedulers\u2019 quota objects. ' +
            'Kueue: guarantee = nominal quota \u2212 lending limit, limit = nominal quota + borrowing limit, in use and pending workloads from the ClusterQueue\u2019s status; ' +
            'KAI Scheduler: quota, limit and overQuotaWeight; Volcano: guarantee, deserved, capability, weight and allocated.',
    ),
    data.quotasInForce.length === 0
      ? ''
      : tableBlock({
          caption: 'Quotas in force: ResourceQuotas, Kueue, KAI Scheduler and Volcano',
          columns: [
            { key: 'enforcedBy', label: 'Enforced by' },
            { key: 'object', label: 'Object' },
            { key: 'parent', label: 'Namespace / parent' },
            { key: 'flavor', label: 'Flavor' },
            { key: 'resource', label: 'Resource' },
            { key: 'guarantee', label: 'Guarantee', numeric: true },
            { key: 'quota', label: 'Quota', numeric: true },
            { key: 'limit', label: 'Limit', numeric: true },
            { key: 'weight', label: 'Weight', numeric: true },
            { key: 'inUse', label: 'In use', numeric: true },
            { key: 'pending', label: 'Pending', numeric: true },
          ].map((c) => ({ ...c, format: (v) => v ?? '\u2013' })),
          rows: data.quotasInForce.map((q) => ({ ...q, enforcedBy: ENFORCERS[q.enforcer] })),
          filename: 'quotas-in-force.csv',
        }),
    data.warnings.length > 0
      ? el('section', {}, el('h2', {}, `Inventory warnings (${data.warnings.length})`), el('ul', { class: 'warnings' }, data.warnings.map((w) => el('li', {}, w))))
      : '',
  );
}
