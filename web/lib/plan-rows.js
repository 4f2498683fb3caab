// The plan's rows as a table and as a chart (current vs proposed per team for one resource), shared by the Plan and
// What-if pages.
import { chartFigure, colour } from './charts.js';
import { el } from './dom.js';
import { changeText, quantityText, round, scaleFor } from './format.js';
import { tableBlock } from './table.js';

const BINDING_TEXT = { guarantee: 'guarantee', demand: 'demand', cap: 'cap', share: 'fair share' };

export function resourcesOf(rows) {
  return [...new Set(rows.map((r) => r.resource))].sort();
}


/** Rows for one resource: per team (and flavor), in plan order. */
function rowsFor(rows, resource) {
  return rows.filter((r) => r.resource === resource);
}

export function teamLabel(row) {
  return row.flavor ? `${row.team} [${row.flavor}]` : row.team;
}

/**
 * A bar chart of one resource: `series` is [{ key, label }] over the rows (e.g. current and proposed). Bars use the
 * rows' drawing `values` (memory in GiB); the table under the chart has the exact quantities.
 */
export function planChart({ id, title, rows, resource, series, description }) {
  const picked = rowsFor(rows, resource);
  const { factor, unit } = scaleFor(resource);
  const drawn = (row, key) => {
    const value = row.values?.[key];
    return value === null || value === undefined ? null : Number(round(value * factor, 3));
  };
  const tableRows = picked.map((row) => {
    const out = { team: teamLabel(row) };
    for (const s of series) out[s.key] = row[s.key] ?? '';
    return out;
  });
  return chartFigure({
    id,
    title,
    description,
    filename: `${id}-${resource.replaceAll('/', '_')}.csv`,
    height: Math.max(220, picked.length * 30 + 70),
    table: { columns: [{ key: 'team', label: 'Team' }, ...series.map((s) => ({ key: s.key, label: s.label, numeric: true }))], rows: tableRows },
    config: {
      type: 'bar',
      data: {
        labels: tableRows.map((r) => r.team),
        datasets: series.map((s, index) => ({
          label: s.label,
          data: picked.map((row) => drawn(row, s.key)),
          backgroundColor: s.colour ?? colour(index),
        })),
      },
      options: {
        indexAxis: 'y',
        plugins: { legend: { position: 'bottom' } },
        scales: { x: { beginAtZero: true, title: { display: true, text: unit === 'units' ? resource : `${resource} (${unit})` } } },
      },
    },
  });
}

/** A quantity column shown in the row's resource's units (exact text on hover and in the CSV). */
const inUnits = (value, row) => quantityText(value, row.resource);

export const PLAN_COLUMNS = [
  { key: 'teamIndented', label: 'Team', csv: 'team' },
  { key: 'resource', label: 'Resource' },
  { key: 'flavor', label: 'Flavor' },
  {
    key: 'current',
    label: 'Quota today',
    numeric: true,
    // A quota on only some of the team's namespaces says so; the CSV keeps the bare quantity.
    format: (value, row) => (value !== '' && row.limitedNamespaces < row.namespaces ? `${inUnits(value, row)} (${row.limitedNamespaces} of ${row.namespaces} ns)` : inUnits(value, row)),
  },
  { key: 'proposed', label: 'Proposed', numeric: true, format: inUnits },
  { key: 'change', label: 'Change', numeric: true, format: (value, row) => changeText(value, row.resource) },
  { key: 'used', label: 'Used', numeric: true, format: inUnits },
  { key: 'guarantee', label: 'Guarantee', numeric: true, format: inUnits },
  { key: 'demand', label: 'Demand', numeric: true, format: inUnits },
  { key: 'cap', label: 'Cap', numeric: true, format: inUnits },
  { key: 'bindingText', label: 'Bound by' },
  { key: 'explanation', label: 'Why', className: 'why' },
];

export function tableRowsOf(rows) {
  return rows.map((row) => ({
    ...row,
    teamIndented: `${'\u00a0\u00a0'.repeat(row.depth)}${row.team}`,
    flavor: row.flavor ?? '',
    current: row.current ?? '',
    change: row.change === null ? '' : row.change.startsWith('-') || row.change === '0' ? row.change : `+${row.change}`,
    used: row.used ?? '',
    demand: row.demand ?? 'unlimited',
    cap: row.cap ?? 'none',
    bindingText: `${BINDING_TEXT[row.binding] ?? row.binding}${row.overQuota ? ' · use above quota' : ''}`,
  }));
}

/** The plan's table; the Flavor column only when some row is planned per flavor (GPU model). */
export function planTable(rows, filename, caption = 'Allocations') {
  const columns = rows.some((row) => row.flavor) ? PLAN_COLUMNS : PLAN_COLUMNS.filter((column) => column.key !== 'flavor');
  return tableBlock({ caption, columns, rows: tableRowsOf(rows), filename });
}

export function warningsList(warnings) {
  if (warnings.length === 0) return el('p', { class: 'muted', 'data-warnings': '0' }, 'No warnings.');
  return el('ul', { class: 'warnings', 'data-warnings': String(warnings.length) }, warnings.map((w) => el('li', {}, w.message)));
}

/** A select of resources; calls onChange(resource). */
export function resourcePicker(id, resources, selected, onChange) {
  const select = el('select', { id, onchange: () => onChange(select.value) }, resources.map((r) => el('option', { value: r, selected: r === selected }, r)));
  return el('div', { class: 'field' }, el('label', { for: id }, 'Resource'), select);
}

export function preferredResource(resources) {
  return resources.find((r) => r === 'nvidia.com/gpu') ?? resources.find((r) => r.includes('/')) ?? resources[0];
}
