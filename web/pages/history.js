// History: capacity and per-team use over time from stored snapshots, as line charts with the allocation cycles'
// boundaries drawn as vertical lines, over a chosen range (from/to, or the last 7/30/90 days of the stored ones).
// Each team's line has its own colour and dash and can be hidden (checkboxes, or the legend); each team's quota
// in force today is a dotted line of its colour. Each chart's numbers are in its table and CSV.
import { getJson } from '../lib/api.js';
import { chartFigure, colour } from '../lib/charts.js';
import { el } from '../lib/dom.js';
import { countText, dateTime, round, scaleFor } from '../lib/format.js';
import { DAY, HOUR, timeAxis } from '../lib/time-axis.js';

/** chart.js plugin: dashed vertical lines at the cycles' start and end times (x is a linear time axis in ms). */
const cycleLines = {
  id: 'cycleLines',
  afterDatasetsDraw(chart, _args, options) {
    const { ctx, chartArea, scales } = chart;
    for (const boundary of options.boundaries ?? []) {
      const x = scales.x.getPixelForValue(boundary.at);
      if (x < chartArea.left || x > chartArea.right) continue;
      ctx.save();
      ctx.strokeStyle = '#7c3aed';
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#5b21b6';
      ctx.font = '11px sans-serif';
      ctx.fillText(boundary.label, x + 4, chartArea.top + 12);
      ctx.restore();
    }
  },
};

/** One line per boundary time: a cycle's start is labelled with its name; an end only where nothing starts. */
function boundariesOf(cycles) {
  const starts = new Map();
  for (const cycle of cycles) if (cycle.startsAt) starts.set(Date.parse(cycle.startsAt), cycle.name);
  const out = [...starts].map(([at, name]) => ({ at, label: name }));
  for (const cycle of cycles) {
    if (!cycle.endsAt) continue;
    const at = Date.parse(cycle.endsAt);
    // A cycle ending within an hour of the next one's start shares its line.
    if (![...starts.keys()].some((start) => Math.abs(start - at) <= HOUR)) out.push({ at, label: `${cycle.name} ends` });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Dash patterns cycled with the colours, so two teams never differ by colour alone and a line under another shows. */
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4]];

/** Minutes in the page address (`2026-07-01T06:00`, UTC) for a range dragged on a chart: the start floored, the end raised. */
const MINUTE = 60_000;
const minuteOf = (ms) => new Date(ms).toISOString().slice(0, 16);

/**
 * chartjs-plugin-zoom's drag mode on the time axis: the dragged range becomes the page's from/to (so it is fetched,
 * drawn with its own thinning, and is a page address). No wheel or pinch zoom: the page scrolls as usual.
 */
function dragToRange(onRange) {
  return {
    zoom: {
      mode: 'x',
      drag: { enabled: true, threshold: 8, backgroundColor: 'rgba(29, 78, 216, 0.15)', borderColor: '#1d4ed8', borderWidth: 1 },
      onZoomComplete: ({ chart }) => onRange(Math.floor(chart.scales.x.min / MINUTE) * MINUTE, Math.ceil(chart.scales.x.max / MINUTE) * MINUTE),
    },
  };
}

function lineChart({ id, title, description, times, series, unit, factor, boundaries, filename, extra = [], onRange }) {
  const columns = [{ key: 'time', label: 'Time (UTC)' }, ...series.map((s, i) => ({ key: `s${i}`, label: s.label, numeric: true }))];
  const rows = times.map((t, index) => {
    const row = { time: new Date(t).toISOString() };
    series.forEach((s, i) => {
      row[`s${i}`] = round(s.values[index] * factor, 3);
    });
    return row;
  });
  return chartFigure({
    id,
    title,
    description,
    filename,
    height: 300,
    table: { columns, rows },
    config: {
      type: 'line',
      data: {
        datasets: [
          ...series.map((s, i) => ({
            label: s.label,
            data: times.map((t, index) => ({ x: t, y: Number(round(s.values[index] * factor, 3)) })),
            borderColor: s.colour ?? colour(i),
            backgroundColor: s.colour ?? colour(i),
            borderDash: s.dash,
            pointRadius: times.length > 60 ? 0 : 2,
            pointStyle: s.pointStyle ?? 'circle',
            borderWidth: 2,
            stepped: s.stepped ?? false,
            // chart.js draws a higher `order` first: the larger series go underneath, the small ones stay visible.
            order: s.order ?? 0,
          })),
          ...extra,
        ],
      },
      options: {
        parsing: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: timeAxis(times),
          y: { beginAtZero: true, title: { display: true, text: unit } },
        },
        plugins: {
          // Quota lines are toggled with their team (the checkboxes under the chart), not listed on their own.
          legend: { position: 'bottom', labels: { filter: (item, data) => !data.datasets[item.datasetIndex]?.quotaOf, usePointStyle: false } },
          tooltip: { callbacks: { title: (items) => (items[0] ? new Date(items[0].parsed.x).toISOString().replace('T', ' ').slice(0, 16) : '') } },
          cycleLines: { boundaries },
          zoom: dragToRange(onRange),
        },
      },
      plugins: [cycleLines],
    },
  });
}

/** Leaf team -> resource -> quota in force today (drawing number), from the Teams view of the plan History groups by. */
async function quotasOf(planId, resource) {
  const quotas = new Map();
  if (planId === null) return quotas;
  const teams = await getJson(`/api/teams?plan=${encodeURIComponent(planId)}`);
  const walk = (list) => {
    for (const team of list) {
      const r = team.resources.find((candidate) => candidate.resource === resource);
      if (team.leaf && r && r.values.current !== null) quotas.set(team.team, r.values.current);
      walk(team.teams);
    }
  };
  walk(teams.teams);
  return quotas;
}

/** Checkboxes showing and hiding each team's line (and its quota line): the legend, usable from the keyboard. */
function teamToggles(figure, usage, groupedBy) {
  const boxes = usage.map((u, i) =>
    el(
      'label',
      { class: 'inline team-toggle' },
      el('input', {
        type: 'checkbox',
        checked: true,
        'data-team-toggle': u.team,
        onchange: (event) => {
          const chart = window.Chart.getChart(figure.querySelector('canvas'));
          if (!chart) return;
          chart.data.datasets.forEach((dataset, index) => {
            if (index === i || dataset.quotaOf === u.team) chart.setDatasetVisibility(index, event.target.checked);
          });
          chart.update();
        },
      }),
      ` ${u.team}`,
    ),
  );
  return el('fieldset', { class: 'team-toggles' }, el('legend', {}, groupedBy === 'team' ? 'Teams shown' : 'Namespaces shown'), boxes);
}

const dateOf = (iso) => iso.slice(0, 10);

/** From/to (UTC dates) and the last 7/30/90 days of the stored snapshots; every choice is a page address. */
function rangeControls({ data, resource, from, to, navigate }) {
  const stored = data.stored;
  // A dragged range (minutes) shows its days here; "Show range" then shows those whole days.
  const fromInput = el('input', { type: 'date', id: 'history-from', value: dateOf(from ?? stored.from), min: dateOf(stored.from), max: dateOf(stored.to) });
  const toInput = el('input', { type: 'date', id: 'history-to', value: dateOf(to ?? stored.to), min: dateOf(stored.from), max: dateOf(stored.to) });
  const go = (range) => navigate('history', { resource, ...range });
  const lastDays = (days) => {
    const end = Date.parse(stored.to);
    return { from: dateOf(new Date(Math.max(Date.parse(stored.from), end - (days - 1) * DAY)).toISOString()), to: dateOf(stored.to) };
  };
  return [
    el('div', { class: 'field' }, el('label', { for: 'history-from' }, 'From (UTC)'), fromInput),
    el('div', { class: 'field' }, el('label', { for: 'history-to' }, 'To (UTC)'), toInput),
    el('button', { type: 'button', id: 'history-apply', onclick: () => go({ from: fromInput.value, to: toInput.value }) }, 'Show range'),
    el(
      'div',
      { class: 'range-presets', role: 'group', 'aria-label': 'Quick ranges' },
      [7, 30, 90].map((days) => el('button', { type: 'button', class: 'small', 'data-range': String(days), onclick: () => go(lastDays(days)) }, `Last ${days} days`)),
      el('button', { type: 'button', class: 'small', 'data-range': 'all', onclick: () => go({}) }, 'All'),
    ),
  ];
}

/** The resource drawn when none is asked for: GPUs when the cluster has them, else the first resource. */
function preferred(resources) {
  return resources.includes('nvidia.com/gpu') ? 'nvidia.com/gpu' : resources[0];
}

/**
 * A range bound in the page address: a UTC day (`2026-07-01`, from the inputs and quick ranges) or a UTC minute
 * (`2026-07-01T06:00`, from a range dragged on a chart). As the API's from, its first instant; as its to, a day's
 * last instant or the minute itself.
 */
const validBound = (text) => (text && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/.test(text) ? text : null);
const boundStart = (bound) => (bound.length === 10 ? `${bound}T00:00:00Z` : `${bound}:00Z`);
const boundEnd = (bound) => (bound.length === 10 ? `${bound}T23:59:59.999Z` : `${bound}:00Z`);

/** The range shown before the first of a series of drags (what "Reset zoom" goes back to), or null. */
let beforeDrags = null;

function historyOf(resource, from, to) {
  const query = new URLSearchParams({ resource });
  if (from) query.set('from', boundStart(from));
  if (to) query.set('to', boundEnd(to));
  return getJson(`/api/history?${query}`);
}

export async function render(root, { params, navigate }) {
  // One resource per answer (a year of every resource is ~5 MB; one is 1-3 MB, GPUs under 1 MB). The answer lists
  // the resources to choose from; a resource the nodes never had is asked again as the preferred one.
  const asked = params.get('resource') ?? 'nvidia.com/gpu';
  const from = validBound(params.get('from'));
  const to = validBound(params.get('to'));
  const dragged = (at) => at !== null && at.length > 10;
  if (!dragged(from) && !dragged(to)) beforeDrags = null;
  let data = await historyOf(asked, from, to);
  const resources = data.resources.filter((r) => r !== 'pods');
  if (!resources.includes(asked) && resources.length > 0) data = await historyOf(preferred(resources), from, to);
  if (data.stored === null || data.capacity.length === 0) {
    root.append(el('h1', {}, 'History'), el('p', {}, data.stored === null ? 'No snapshots stored yet.' : 'No resources in the stored snapshots.'));
    return;
  }
  const resource = data.resource;
  const range = (bounds) => ({ resource, ...(bounds.from ? { from: bounds.from } : {}), ...(bounds.to ? { to: bounds.to } : {}) });
  const onRange = (min, max) => {
    beforeDrags ??= { from, to };
    navigate('history', range({ from: minuteOf(min), to: minuteOf(max) }));
  };
  const resetZoom = () => {
    const back = beforeDrags ?? {};
    beforeDrags = null;
    navigate('history', range(back));
  };
  const select = el(
    'select',
    { id: 'history-resource', onchange: () => navigate('history', { resource: select.value, ...(from ? { from } : {}), ...(to ? { to } : {}) }) },
    resources.map((r) => el('option', { value: r, selected: r === resource }, r)),
  );
  const toolbar = el(
    'div',
    { class: 'toolbar' },
    el('div', { class: 'field' }, el('label', { for: 'history-resource' }, 'Resource'), select),
    rangeControls({ data, resource, from, to, navigate }),
    dragged(from) || dragged(to) ? el('button', { type: 'button', class: 'small', id: 'history-reset-zoom', onclick: resetZoom }, 'Reset zoom') : null,
  );
  if (data.points.length === 0) {
    root.append(el('h1', {}, 'History'), toolbar, el('p', { id: 'history-summary' }, `No snapshots between ${from ?? 'the first'} and ${to ?? 'the last'}.`));
    return;
  }
  const times = data.points.map((p) => Date.parse(p));
  const boundaries = boundariesOf(data.cycles);
  const quotas = data.groupedBy === 'team' ? await quotasOf(data.planId, resource) : new Map();
  const { factor, unit } = scaleFor(resource);
  const capacity = data.capacity[0];
  const usage = data.usage;
  const safe = resource.replaceAll('/', '_');
  // Larger teams are drawn first (underneath); ties keep the API's order.
  const peakOf = (u) => u.used.reduce((max, v) => Math.max(max, v), 0);
  const byPeak = [...usage].sort((a, b) => peakOf(b) - peakOf(a));
  const usageFigure =
    usage.length === 0
      ? null
      : lineChart({
          id: 'history-usage',
          title: `Use per ${data.groupedBy} over time: ${resource}`,
          description:
            data.groupedBy === 'team'
              ? `Requests of each leaf team's namespaces, teams as in plan ${data.planId}. Dotted: each team's quota in force at the latest snapshot (as on the Teams page), in the team's colour.`
              : 'No plan stored yet: requests per namespace.',
          times,
          unit,
          factor,
          boundaries,
          onRange,
          filename: `use-${safe}.csv`,
          series: usage.map((u, i) => ({ label: u.team, values: u.used, colour: colour(i), dash: DASHES[i % DASHES.length], stepped: true, order: byPeak.indexOf(u) })),
          extra: usage.flatMap((u, i) =>
            quotas.has(u.team)
              ? [
                  {
                    label: `${u.team} quota`,
                    quotaOf: u.team,
                    data: [times[0], times[times.length - 1]].map((x) => ({ x, y: Number(round(quotas.get(u.team) * factor, 3)) })),
                    borderColor: colour(i),
                    backgroundColor: colour(i),
                    borderDash: [1, 3],
                    borderWidth: 2,
                    pointRadius: 0,
                    order: -1,
                  },
                ]
              : [],
          ),
        });
  const slot = el(
    'div',
    { id: 'history-charts' },
    lineChart({
      id: 'history-capacity',
      title: `Capacity over time: ${resource}`,
      description: 'Capacity and allocatable of all nodes; plannable = allocatable of ready, schedulable, non-transitional nodes; requested = requests of pods bound to nodes.',
      times,
      unit,
      factor,
      boundaries,
      onRange,
      filename: `capacity-${safe}.csv`,
      series: [
        { label: 'Capacity', values: capacity.capacity, colour: '#4b5563', dash: [6, 3] },
        { label: 'Allocatable', values: capacity.allocatable, colour: '#16a34a' },
        { label: 'Plannable', values: capacity.plannable, colour: '#2563eb', dash: [2, 2] },
        { label: 'Requested', values: capacity.requested, colour: '#dc2626' },
      ],
    }),
    usageFigure === null ? el('p', { class: 'muted' }, `No ${data.groupedBy} requests ${resource}.`) : [usageFigure, teamToggles(usageFigure, usage, data.groupedBy)],
  );
  const drawn = data.points.length;
  root.append(
    el('h1', {}, 'History'),
    el(
      'p',
      { class: 'muted', id: 'history-summary' },
      `${countText(data.snapshots)} snapshot${data.snapshots === 1 ? '' : 's'}${drawn < data.snapshots ? `, ${countText(drawn)} drawn (each group of snapshots by its lowest and highest value)` : ''} of ${data.cluster} from ${dateTime(data.points[0])} to ${dateTime(data.points[drawn - 1])}.`,
      data.cycles.length > 0 ? ` Cycles: ${data.cycles.map((c) => `${c.name} (${c.state})`).join(', ')}.` : ' No allocation cycles recorded.',
    ),
    toolbar,
    el('p', { class: 'muted small-text', id: 'history-drag-hint' }, 'Drag across a chart to show that time range (From/To and the quick ranges do the same from the keyboard).'),
    slot,
  );
}
