// What-if: edit a team's demand, guarantee, cap or weight, add or remove hypothetical nodes ("+4 nodes like
// h100-0"), and see the plan recomputed at once by POST /api/what-if (the pure planner; nothing is stored).
// "Save as plan" posts the same body to /api/plans, which needs the token.
import { ApiError, getJson, getToken, postJson } from '../lib/api.js';
import { drawCharts } from '../lib/charts.js';
import { el, replace, toast } from '../lib/dom.js';
import { planChart, preferredResource, resourcePicker, resourcesOf, teamLabel, warningsList } from '../lib/plan-rows.js';
import { scrollBox, tableBlock } from '../lib/table.js';

const BOUNDS = [
  { key: 'demand', label: 'Demand', empty: 'unlimited' },
  { key: 'guarantee', label: 'Guarantee', empty: '0' },
  { key: 'cap', label: 'Cap', empty: 'none' },
];

function keyOf(team, resource, flavor) {
  return `${team}|${resource}|${flavor ?? ''}`;
}

export async function render(root, { params, meta, navigate }) {
  const { plans } = await getJson('/api/plans');
  if (plans.length === 0) {
    root.append(el('h1', {}, 'What-if'), el('p', {}, 'A what-if starts from a stored plan; none is stored yet.'));
    return;
  }
  const base = await getJson(`/api/plans/${encodeURIComponent(params.get('plan') ?? 'latest')}`);
  const { shapes } = await getJson(`/api/what-if/shapes?snapshot=${base.snapshot.id}`);
  const specs = base.teamSpecs;
  const edits = new Map(); // key -> { team, resource, flavor, demand?, guarantee?, cap? }
  const weights = new Map(); // team -> number
  const nodes = []; // { like, count }
  let resource = preferredResource(resourcesOf(base.rows));
  let sequence = 0;
  let lastResult = null;

  const status = el('p', { id: 'whatif-status', class: 'muted', role: 'status', 'aria-live': 'polite' }, 'The plan as stored.');
  const result = el('div', { id: 'whatif-result' });
  const nodeList = el('ul', { id: 'node-changes' });

  function requestBody() {
    const changes = [];
    for (const [team, weight] of weights) changes.push({ team, weight });
    for (const edit of edits.values()) {
      const change = { team: edit.team, resource: edit.resource };
      if (edit.flavor) change.flavor = edit.flavor;
      for (const bound of BOUNDS) if (bound.key in edit) change[bound.key] = edit[bound.key];
      changes.push(change);
    }
    return { plan: String(base.id), snapshot: String(base.snapshot.id), changes, nodes: nodes.map((n) => ({ ...n })) };
  }

  function showResult(data) {
    lastResult = data;
    const resources = resourcesOf(data.rows);
    if (!resources.includes(resource)) resource = preferredResource(resources);
    const changed = data.rows.filter((row) => row.baseline !== row.proposed);
    const chartSlot = el('div', {});
    const draw = () => {
      replace(
        chartSlot,
        planChart({
          id: 'whatif-chart',
          title: `Stored plan vs what-if: ${resource}`,
          rows: data.rows,
          resource,
          series: [
            { key: 'baseline', label: `Plan ${base.id}`, colour: '#9ca3af' },
            { key: 'proposed', label: 'What-if', colour: '#2563eb' },
          ],
        }),
      );
      if (chartSlot.isConnected) drawCharts(chartSlot);
    };
    draw();
    replace(
      result,
      el('div', { class: 'toolbar' }, resourcePicker('whatif-resource', resources, resource, (value) => {
        resource = value;
        draw();
      })),
      chartSlot,
      el('h3', {}, `Changed allocations (${changed.length})`),
      changed.length === 0
        ? el('p', { class: 'muted', id: 'whatif-changed' }, 'Nothing changes.')
        : el(
            'ul',
            { id: 'whatif-changed' },
            changed.map((row) => el('li', { 'data-team': row.team, 'data-resource': row.resource }, `${row.team} ${row.resource}${row.flavor ? ` [${row.flavor}]` : ''}: ${row.baseline ?? '—'} → ${row.proposed} (${row.binding})`)),
          ),
      el('h3', {}, `Warnings (${data.plan.warnings.length})`),
      warningsList(data.plan.warnings),
      el('h3', {}, 'All allocations'),
      tableBlock({
        caption: `Plan ${base.id} and the what-if, every team and resource`,
        columns: [
          { key: 'label', label: 'Team', csv: 'team' },
          { key: 'resource', label: 'Resource' },
          { key: 'baseline', label: `Plan ${base.id}`, numeric: true },
          { key: 'proposed', label: 'What-if', numeric: true },
          { key: 'used', label: 'Used', numeric: true },
          { key: 'binding', label: 'Bound by' },
        ],
        rows: data.rows.map((row) => ({ ...row, label: teamLabel(row), baseline: row.baseline ?? '', used: row.used ?? '' })),
        rowClass: (row) => (row.baseline !== row.proposed ? 'changed' : null),
        filename: 'what-if.csv',
      }),
    );
    if (result.isConnected) drawCharts(result);
  }

  async function recompute() {
    const mine = ++sequence;
    root.dataset.whatif = 'running';
    status.className = 'muted';
    status.textContent = 'Recomputing…';
    try {
      const data = await postJson('/api/what-if', requestBody());
      if (mine !== sequence) return;
      const changed = data.rows.filter((row) => row.baseline !== row.proposed).length;
      status.textContent = `Recomputed: ${changed} allocation${changed === 1 ? '' : 's'} differ from plan ${base.id}.`;
      showResult(data);
      root.dataset.whatif = `done-${mine}`;
    } catch (error) {
      if (mine !== sequence) return;
      status.className = 'error';
      status.textContent = error instanceof ApiError ? `${error.message}${error.field ? ` (field: ${error.field})` : ''}` : String(error);
      root.dataset.whatif = `error-${mine}`;
    }
  }

  function boundInput(spec, r, bound) {
    const key = keyOf(spec.team, r.resource, r.flavor);
    const id = `in-${spec.team}-${r.resource}-${r.flavor ?? ''}-${bound.key}`.replace(/[^A-Za-z0-9_-]/g, '_');
    const input = el('input', {
      type: 'text',
      id,
      value: r[bound.key] ?? '',
      placeholder: bound.empty,
      inputmode: 'decimal',
      'aria-label': `${spec.team} ${r.resource}${r.flavor ? ` ${r.flavor}` : ''} ${bound.label.toLowerCase()}`,
      'data-bound': `${spec.team}|${r.resource}|${bound.key}`,
      onchange: () => {
        const value = input.value.trim();
        const original = r[bound.key] ?? '';
        const edit = edits.get(key) ?? { team: spec.team, resource: r.resource, flavor: r.flavor };
        if (value === original) delete edit[bound.key];
        else edit[bound.key] = value === '' ? null : value;
        if (BOUNDS.some((b) => b.key in edit)) edits.set(key, edit);
        else edits.delete(key);
        recompute();
      },
    });
    return el('td', {}, input);
  }

  function teamRows() {
    const rows = [];
    for (const spec of specs) {
      const weight = el('input', {
        type: 'number',
        min: '0.01',
        step: 'any',
        value: spec.weight,
        'aria-label': `${spec.team} weight`,
        'data-weight': spec.team,
        onchange: () => {
          const value = Number(weight.value);
          if (weight.value === spec.weight || !(value > 0)) weights.delete(spec.team);
          else weights.set(spec.team, value);
          recompute();
        },
      });
      rows.push(
        el(
          'tr',
          { class: 'team-head' },
          el('th', { scope: 'row', colspan: '4' }, `${'\u00a0\u00a0'.repeat(spec.depth)}${spec.team}`),
          el('td', {}, el('label', { class: 'inline' }, 'weight ', weight)),
        ),
      );
      for (const r of spec.resources) {
        rows.push(
          el(
            'tr',
            {},
            el('td', {}, ''),
            el('td', {}, `${r.resource}${r.flavor ? ` [${r.flavor}]` : ''}`),
            BOUNDS.map((bound) => boundInput(spec, r, bound)),
          ),
        );
      }
    }
    return rows;
  }

  const saveNote = el('p', { id: 'save-note', class: 'muted small-text' });
  function renderNodes() {
    saveButton.disabled = nodes.length > 0 || !canSave;
    saveNote.textContent =
      nodes.length > 0
        ? 'Hypothetical nodes are for exploring only: a saved plan must fit the snapshot it is planned on. Remove them to save.'
        : '';
    replace(
      nodeList,
      nodes.length === 0
        ? el('li', { class: 'muted' }, 'No hypothetical nodes.')
        : nodes.map((n, index) => {
            const shape = shapes.find((s) => s.node === n.like);
            return el(
              'li',
              { 'data-node-change': String(index) },
              `${n.count > 0 ? '+' : ''}${n.count} node${Math.abs(n.count) === 1 ? '' : 's'} of ${shape?.label ?? n.like} `,
              el('button', { type: 'button', class: 'small', 'aria-label': `Remove change ${index + 1}`, onclick: () => { nodes.splice(index, 1); renderNodes(); recompute(); } }, 'Remove'),
            );
          }),
    );
  }

  const shapeSelect = el('select', { id: 'shape-select' }, shapes.map((s) => el('option', { value: s.node }, s.label)));
  const countInput = el('input', { id: 'shape-count', type: 'number', step: '1', value: '4' });
  const addNodes = el(
    'button',
    {
      type: 'button',
      id: 'add-nodes',
      onclick: () => {
        const count = Number(countInput.value);
        if (!Number.isInteger(count) || count === 0) {
          toast('Enter a whole number of nodes (negative to remove).', 'error');
          return;
        }
        nodes.push({ like: shapeSelect.value, count });
        renderNodes();
        recompute();
      },
    },
    'Add change',
  );
  const saveButton = el(
    'button',
    {
      type: 'button',
      id: 'save-plan',
      class: 'primary',
      onclick: async () => {
        try {
          const saved = await postJson('/api/plans', requestBody(), { auth: true });
          toast(`Saved as plan ${saved.id}.`);
          navigate('plan', { id: saved.id });
        } catch (error) {
          const message = error instanceof ApiError ? error.message : String(error);
          status.className = 'error';
          status.textContent = `Not saved: ${message}`;
          toast(`Not saved: ${message}`, 'error');
        }
      },
    },
    'Save as plan',
  );
  const canSave = meta.writers.length > 0;

  root.append(
    el('h1', {}, 'What-if'),
    el('p', { class: 'muted' }, `Starting from plan ${base.id} (${base.cycle}) on snapshot ${base.snapshot.id}. Changes are planned at once and stored only when saved.`),
    el(
      'div',
      { class: 'whatif' },
      el(
        'div',
        {},
        el(
          'section',
          { class: 'panel' },
          el('h2', {}, 'Teams'),
          el('p', { class: 'muted small-text' }, 'Quantities such as 8, 500m, 32Gi. Empty demand = unlimited, empty cap = none. Changes apply when you leave the field.'),
          scrollBox(
            'Team bounds',
            el(
              'table',
              { class: 'data', id: 'team-edits' },
              el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), el('th', { scope: 'col' }, 'Resource'), BOUNDS.map((b) => el('th', { scope: 'col' }, b.label)))),
              el('tbody', {}, teamRows()),
            ),
          ),
        ),
        el(
          'section',
          { class: 'panel' },
          el('h2', {}, 'Hypothetical nodes'),
          el(
            'div',
            { class: 'node-change' },
            el('div', { class: 'field' }, el('label', { for: 'shape-count' }, 'Nodes (+/-)'), countInput),
            el('div', { class: 'field' }, el('label', { for: 'shape-select' }, 'like'), shapeSelect),
            addNodes,
          ),
          nodeList,
        ),
        el(
          'div',
          { class: 'toolbar' },
          saveButton,
          el('button', { type: 'button', id: 'reset', onclick: () => navigate('what-if', { plan: base.id, reset: Date.now() }) }, 'Reset'),
        ),
        saveNote,
        canSave
          ? el('p', { class: 'muted small-text' }, getToken() ? 'Saving uses the token set in this tab.' : 'Saving needs the server token: set it with the Token button.')
          : el('p', { class: 'muted small-text' }, 'This server is read-only (no token configured): saving will be refused.'),
      ),
      el('section', { class: 'panel', 'aria-label': 'Result' }, el('h2', {}, 'Result'), status, result),
    ),
  );
  renderNodes();
  showResult({ rows: base.rows.map((row) => ({ ...row, baseline: row.proposed, values: { ...row.values, baseline: row.values.proposed } })), plan: base.plan });
  root.dataset.whatif = 'ready';
  return () => {
    sequence += 1; // drop answers that arrive after leaving the page
    lastResult = null;
  };
}
