// History: capacity and per-team use over time from stored snapshots, as line charts with the allocation cycles'
// boundaries drawn as vertical lines. Each chart's numbers are in its table and CSV.
import { getJson } from '../lib/api.js';
import { chartFigure, colour, drawCharts } from '../lib/charts.js';
import { el, replace } from '../lib/dom.js';
import { dateTime, round, scaleFor, shortDate } from '../lib/format.js';

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

const HOUR = 3_600_000;

/** A round tick interval (1 h ... 30 days) giving at most ~10 ticks over the range. */
function tickStep(times) {
  const span = times[times.length - 1] - times[0];
  for (const step of [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 7 * 24 * HOUR, 14 * 24 * HOUR]) {
    if (span / step <= 10) return step;
  }
  return 30 * 24 * HOUR;
}

/** One line per boundary time: a cycle's start is labelled with its name; an end only where nothing starts. */
/** Tick times at a round step, aligned to the step in UTC (days start at midnight), within the range. */
function alignedTicks(times) {
  const first = times[0];
  const last = times[times.length - 1];
  const step = tickStep(times);
  const unit = step >= 24 * HOUR ? 24 * HOUR : HOUR;
  const start = Math.ceil(first / unit) * unit;
  const ticks = [];
  for (let at = start; at <= last; at += step) ticks.push(at);
  return ticks;
}

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

function lineChart({ id, title, description, times, series, unit, factor, boundaries, filename }) {
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
        datasets: series.map((s, i) => ({
          label: s.label,
          data: times.map((t, index) => ({ x: t, y: Number(round(s.values[index] * factor, 3)) })),
          borderColor: s.colour ?? colour(i),
          backgroundColor: s.colour ?? colour(i),
          borderDash: s.dash,
          pointRadius: times.length > 60 ? 0 : 2,
          borderWidth: 2,
          stepped: s.stepped ?? false,
        })),
      },
      options: {
        parsing: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: {
            type: 'linear',
            min: times[0],
            max: times[times.length - 1],
            ticks: { callback: (value) => shortDate(value), autoSkip: false },
            // chart.js aligns a linear step to multiples from 0 (the epoch); align to UTC midnight/hours instead.
            afterBuildTicks: (scale) => {
              scale.ticks = alignedTicks(times).map((value) => ({ value }));
            },
            title: { display: true, text: 'UTC' },
          },
          y: { beginAtZero: true, title: { display: true, text: unit } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: { callbacks: { title: (items) => (items[0] ? new Date(items[0].parsed.x).toISOString().replace('T', ' ').slice(0, 16) : '') } },
          cycleLines: { boundaries },
        },
      },
      plugins: [cycleLines],
    },
  });
}

/** The resource drawn when none is asked for: GPUs when the cluster has them, else the first resource. */
function preferred(resources) {
  return resources.includes('nvidia.com/gpu') ? 'nvidia.com/gpu' : resources[0];
}

const historyOf = (resource) => getJson(`/api/history?resource=${encodeURIComponent(resource)}`);

export async function render(root, { params, navigate }) {
  // One resource per answer (a year of every resource is ~5 MB; one is 1-3 MB, GPUs under 1 MB). The answer lists
  // the resources to choose from; a resource the nodes never had is asked again as the preferred one.
  const asked = params.get('resource') ?? 'nvidia.com/gpu';
  let data = await historyOf(asked);
  const resources = data.resources.filter((r) => r !== 'pods');
  if (!resources.includes(asked) && resources.length > 0) data = await historyOf(preferred(resources));
  if (data.points.length === 0 || data.capacity.length === 0) {
    root.append(el('h1', {}, 'History'), el('p', {}, data.points.length === 0 ? 'No snapshots stored yet.' : 'No resources in the stored snapshots.'));
    return;
  }
  const times = data.points.map((p) => Date.parse(p));
  const boundaries = boundariesOf(data.cycles);
  const resource = data.resource;
  const slot = el('div', { id: 'history-charts' });

  const draw = () => {
    const { factor, unit } = scaleFor(resource);
    const capacity = data.capacity[0];
    const usage = data.usage;
    const safe = resource.replaceAll('/', '_');
    replace(
      slot,
      lineChart({
        id: 'history-capacity',
        title: `Capacity over time: ${resource}`,
        description: 'Capacity and allocatable of all nodes; plannable = allocatable of ready, schedulable, non-transitional nodes; requested = requests of pods bound to nodes.',
        times,
        unit,
        factor,
        boundaries,
        filename: `capacity-${safe}.csv`,
        series: [
          { label: 'Capacity', values: capacity.capacity, colour: '#4b5563', dash: [6, 3] },
          { label: 'Allocatable', values: capacity.allocatable, colour: '#16a34a' },
          { label: 'Plannable', values: capacity.plannable, colour: '#2563eb' },
          { label: 'Requested', values: capacity.requested, colour: '#dc2626' },
        ],
      }),
      usage.length === 0
        ? el('p', { class: 'muted' }, `No ${data.groupedBy} requests ${resource}.`)
        : lineChart({
            id: 'history-usage',
            title: `Use per ${data.groupedBy} over time: ${resource}`,
            description:
              data.groupedBy === 'team'
                ? `Requests of each leaf team's namespaces, teams as in plan ${data.planId}.`
                : 'No plan stored yet: requests per namespace.',
            times,
            unit,
            factor,
            boundaries,
            filename: `use-${safe}.csv`,
            series: usage.map((u, i) => ({ label: u.team, values: u.used, colour: colour(i), stepped: true })),
          }),
    );
    if (slot.isConnected) drawCharts(slot);
  };

  const select = el(
    'select',
    { id: 'history-resource', onchange: () => navigate('history', { resource: select.value }) },
    resources.map((r) => el('option', { value: r, selected: r === resource }, r)),
  );
  root.append(
    el('h1', {}, 'History'),
    el(
      'p',
      { class: 'muted' },
      `${data.points.length} snapshots of ${data.cluster} from ${dateTime(data.points[0])} to ${dateTime(data.points[data.points.length - 1])}.`,
      data.cycles.length > 0 ? ` Cycles: ${data.cycles.map((c) => `${c.name} (${c.state})`).join(', ')}.` : ' No allocation cycles recorded.',
    ),
    el('div', { class: 'toolbar' }, el('div', { class: 'field' }, el('label', { for: 'history-resource' }, 'Resource'), select)),
    slot,
  );
  draw();
}
