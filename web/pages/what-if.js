// What-if: edit a team's demand, guarantee, cap or weight, add or remove hypothetical nodes ("+4 nodes like
// h100-0"), and see the plan recomputed at once by POST /api/what-if (the pure planner; nothing is stored).
// "Save as plan" posts the same body to /api/plans, which needs the token.
import { ApiError, getJson, getToken, postJson } from '../lib/api.js';
import { drawCharts } from '../lib/charts.js';
import { el, replace, toast } from '../lib/dom.js';
import { planChart, preferredResource, resourcePicker, resourcesOf, teamLabel, warningsList } from '../lib/plan-rows.js';
import { defaultPlanId, planStatusBanner } from '../lib/plan-status.js';
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
  const list = await getJson('/api/plans');
  if (list.plans.length === 0) {
    root.append(el('h1', {}, 'What-if'), el('p', {}, 'A what-if starts from a stored plan; none is stored yet.'));
    return;
  }
  // Without a plan named: the current cycle's plan (what Review decides), not merely the newest saved draft.
  const base = await getJson(`/api/plans/${encodeURIComponent(params.get('plan') ?? String(defaultPlanId(list)))}`);
  const { shapes } = await getJson(`/api/what-if/shapes?snapshot=${base.snapshot.id}`);
  const specs = base.teamSpecs;
  const edits = new Map(); // key -> { team, resource, flavor, demand?, guarantee?, cap? }
  const weights = new Map(); // team -> { value, input }
  const nodes = []; // { like, count }
  let resource = preferredResource(resourcesOf(base.rows));
  let sequence = 0;
  let lastResult = null;
  let lastEdited = null; // the input whose change was sent last: where an error that names no field belongs
  let fromQueued = false;

  const status = el('p', { id: 'whatif-status', class: 'muted', role: 'status', 'aria-live': 'polite' }, 'The plan as stored.');
  const result = el('div', { id: 'whatif-result' });
  const staleNote = el('p', { id: 'whatif-stale', class: 'notice', hidden: true }, 'Out of date: the last change could not be planned, so the chart and tables below still show the last plan that worked, not the inputs as they are now.');
  const queuedNote = el('div', { id: 'whatif-queued' });
  // Change i of the request body came from inputs[i]: an error naming `changes[i]` is shown beside it.
  let inputsOfChanges = [];

  /** The error beside the input that caused it, announced and scrolled to; the results marked stale. */
  function showInputError(input, message) {
    clearInputError();
    const note = el('p', { id: 'whatif-input-error', class: 'error field-error', role: 'alert', 'aria-live': 'assertive' }, message);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'whatif-input-error');
      // Inside a table cell the note goes in the cell (nothing may sit between cells); else right after the field.
      const cell = input.closest('td');
      const field = input.closest('.field');
      if (cell) cell.append(note);
      else if (field) field.after(note);
      else input.after(note);
    } else {
      status.after(note);
    }
    note.scrollIntoView({ block: 'center' });
    staleNote.hidden = false;
    result.classList.add('stale');
    result.dataset.stale = 'true';
  }

  function clearInputError() {
    document.getElementById('whatif-input-error')?.remove();
    for (const invalid of root.querySelectorAll('[aria-invalid="true"]')) {
      invalid.removeAttribute('aria-invalid');
      invalid.removeAttribute('aria-describedby');
    }
  }

  function markCurrent() {
    clearInputError();
    staleNote.hidden = true;
    result.classList.remove('stale');
    result.dataset.stale = 'false';
  }

  const nodeList = el('ul', { id: 'node-changes' });

  function requestBody() {
    const changes = [];
    inputsOfChanges = [];
    for (const [team, { value, input }] of weights) {
      changes.push({ team, weight: value });
      inputsOfChanges.push(input);
    }
    for (const edit of edits.values()) {
      const change = { team: edit.team, resource: edit.resource };
      if (edit.flavor) change.flavor = edit.flavor;
      for (const bound of BOUNDS) if (bound.key in edit) change[bound.key] = edit[bound.key];
      changes.push(change);
      inputsOfChanges.push(edit.input);
    }
    const body = { plan: String(base.id), snapshot: String(base.snapshot.id), changes, nodes: nodes.map((n) => ({ ...n })) };
    if (fromQueued) body.demandFrom = 'queued';
    return body;
  }

  /** The input an error belongs to: the change its field names (`changes[2].weight`), else the last one edited. */
  function inputOf(error) {
    const match = /^changes\[(\d+)\]/.exec(error.field ?? '');
    return (match && inputsOfChanges[Number(match[1])]) || lastEdited;
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
      markCurrent();
      showQueued(data.queuedDemand);
      showResult(data);
      root.dataset.whatif = `done-${mine}`;
    } catch (error) {
      if (mine !== sequence) return;
      const message = error instanceof ApiError ? `${error.message}${error.field ? ` (field: ${error.field})` : ''}` : String(error);
      status.className = 'error';
      status.textContent = `Not recomputed: ${message}`;
      showInputError(error instanceof ApiError ? inputOf(error) : lastEdited, message);
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
        const edit = edits.get(key) ?? { team: spec.team, resource: r.resource, flavor: r.flavor, input };
        edit.input = input;
        lastEdited = input;
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
          // Empty goes back to the file's weight. Anything else is sent as typed, 0 included: the server refuses a
          // weight that is not above 0 and the page says so beside this input (never dropped while it shows 0).
          const text = weight.value.trim();
          lastEdited = weight;
          if (text === '' || text === spec.weight) weights.delete(spec.team);
          else if (!Number.isFinite(Number(text))) {
            showInputError(weight, `${spec.team} weight: "${text}" is not a number`);
            return;
          } else weights.set(spec.team, { value: Number(text), input: weight });
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
        lastEdited = countInput;
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
          toast(`Saved as plan ${saved.id}: a draft until a cycle takes it (Review).`);
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

  /** The demands queued pods raised (demandFrom: queued), or why there are none. */
  function showQueued(raised) {
    if (!fromQueued) {
      replace(queuedNote);
      return;
    }
    replace(
      queuedNote,
      raised.length === 0
        ? el('p', { class: 'muted small-text' }, 'No team has pods waiting beyond its demand: no demand raised.')
        : el(
            'ul',
            { class: 'small-text', 'data-raised': String(raised.length) },
            raised.map((r) => el('li', { 'data-team': r.team, 'data-resource': r.resource }, `${r.team} ${r.resource}: demand ${r.from} \u2192 ${r.demand} (${r.queued} queued)`)),
          ),
    );
  }
  const queuedBox = el('input', {
    type: 'checkbox',
    id: 'queued-demand',
    onchange: () => {
      fromQueued = queuedBox.checked;
      lastEdited = queuedBox;
      recompute();
    },
  });

  root.append(
    el('h1', {}, 'What-if'),
    planStatusBanner(list, base.id),
    el('p', { class: 'muted' }, `Starting from plan ${base.id} (${base.cycle}) on snapshot ${base.snapshot.id}. Changes are planned at once and stored only when saved, as a new draft plan: saving changes neither the cycle\u2019s plan nor the quotas in force.`),
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
          el('h2', {}, 'Queued demand'),
          el(
            'p',
            { class: 'small-text' },
            el('label', { for: 'queued-demand', class: 'inline' }, queuedBox, ' Raise each team\u2019s demand to what its pods request, running and queued, where some of its pods are not scheduled yet'),
          ),
          el('p', { class: 'muted small-text' }, 'Queued: pods of the team\u2019s namespaces not on a node yet (Pending), in snapshot ' + base.snapshot.id + '. Unlimited demands stay unlimited; your own edits win.'),
          queuedNote,
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
      el('section', { class: 'panel', 'aria-label': 'Result' }, el('h2', {}, 'Result'), status, staleNote, result),
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
