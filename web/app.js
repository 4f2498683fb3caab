// The dashboard shell: navigation, hash routing (#/capacity, #/plan?id=3), the token dialog, error display.
import { getCluster, getJson, getToken, setCluster, setToken } from './lib/api.js';
import { drawCharts } from './lib/charts.js';
import { el, replace, toast } from './lib/dom.js';
import { pages } from './pages/index.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;
let meta = null;
let firstRoute = true;

function parseHash() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [id, query = ''] = hash.split('?');
  return { id: id || pages[0].id, params: new URLSearchParams(query) };
}

function renderNav(activeId) {
  replace(
    nav,
    pages.map((page) =>
      el('li', {}, el('a', { href: `#/${page.id}`, 'aria-current': page.id === activeId ? 'page' : null, 'data-page': page.id }, page.title)),
    ),
  );
}

function showError(error) {
  replace(
    main,
    el('h1', {}, 'Something went wrong'),
    el('p', { class: 'error', role: 'alert' }, error.message ?? String(error)),
    error.field ? el('p', { class: 'muted' }, `Field: ${error.field}`) : null,
    error.status === 401 ? el('p', {}, 'Set the server\u2019s token with the Token button (top right), then reload.') : null,
  );
}

async function route() {
  const routedHash = location.hash;
  // A control that changed the page (a select that navigates) gets focus back in the new content.
  const focusedId = main.contains(document.activeElement) && document.activeElement !== main ? document.activeElement.id : '';
  const { id, params } = parseHash();
  const page = pages.find((candidate) => candidate.id === id);
  renderNav(page?.id);
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  if (!page) {
    replace(main, el('h1', {}, 'Not found'), el('p', {}, `There is no page "${id}".`));
    main.dataset.rendered = routedHash;
    return;
  }
  document.title = `${page.title} · quotaplan`;
  main.dataset.page = page.id;
  main.dataset.rendered = '';
  replace(main, el('h1', {}, page.title), el('p', { class: 'muted' }, 'Loading…'));
  try {
    meta ??= await getJson('/api/meta');
    const module = await page.load();
    const container = el('div', { class: 'page' });
    cleanup = (await module.render(container, { params, meta, navigate })) ?? null;
    replace(main, container);
    // Charts need their canvas in the document to measure it.
    drawCharts(container);
  } catch (error) {
    showError(error);
  } finally {
    // The end-to-end tests wait for this: the page for this hash has finished rendering (or failed).
    main.dataset.rendered = routedHash || '#/';
  }
  // After moving between pages, put keyboard focus at the new content (not on the first load: the skip link and
  // the navigation come first there).
  const again = focusedId ? document.getElementById(focusedId) : null;
  if (again && main.contains(again)) again.focus({ preventScroll: true });
  else if (!firstRoute && (document.activeElement === document.body || document.activeElement?.closest('#nav'))) main.focus({ preventScroll: true });
  firstRoute = false;
}

/** The skip link moves focus to the page's content; it is not a route (`#main` would be read as a page name). */
function setupSkipLink() {
  document.querySelector('a.skip')?.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus({ preventScroll: true });
    main.scrollIntoView({ block: 'start' });
  });
}

const WALKING_KEYS = new Set(['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageDown', 'PageUp']);

/**
 * Select boxes commit on Enter, on leaving the box, or on a choice from the opened list, never while the keyboard
 * walks the options. Chromium on Linux and Windows fires `change` at every ArrowDown on a closed select, so a page
 * that navigates or recomputes on `change` would act on each option passed (a keyboard user could never reach the
 * third). While walking, `change` is held back here (capture phase, before the page's own listener); Enter or
 * leaving sends one `change` if the value moved, Escape puts the value back.
 */
function setupSelectCommit() {
  const walking = new WeakMap(); // select -> its value before the walk
  let committing = null;
  const commit = (select) => {
    if (!walking.has(select)) return;
    const before = walking.get(select);
    walking.delete(select);
    if (select.value === before) return;
    committing = select;
    try {
      select.dispatchEvent(new Event('change', { bubbles: true }));
    } finally {
      committing = null;
    }
  };
  document.addEventListener(
    'keydown',
    (event) => {
      const select = event.target;
      if (!(select instanceof HTMLSelectElement) || event.altKey || event.ctrlKey || event.metaKey) return;
      const typeAhead = event.key.length === 1 && event.key !== ' ';
      if (WALKING_KEYS.has(event.key) || typeAhead) {
        if (!walking.has(select)) walking.set(select, select.value);
      } else if (event.key === 'Enter') {
        commit(select);
      } else if (event.key === 'Escape' && walking.has(select)) {
        select.value = walking.get(select);
        walking.delete(select);
      }
    },
    true,
  );
  document.addEventListener(
    'change',
    (event) => {
      if (event.target instanceof HTMLSelectElement && walking.has(event.target) && committing !== event.target) event.stopImmediatePropagation();
    },
    true,
  );
  document.addEventListener('focusout', (event) => {
    if (event.target instanceof HTMLSelectElement) commit(event.target);
  }, true);
}

/** Goes to a page with query parameters (`navigate('plan', { id: 3 })`). */
export function navigate(id, params = {}) {
  const query = new URLSearchParams(params).toString();
  location.hash = `#/${id}${query ? `?${query}` : ''}`;
}

function setupTokenDialog() {
  const button = document.getElementById('token-button');
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  const label = () => {
    button.textContent = getToken() ? 'Token ✓' : 'Token';
  };
  label();
  button.addEventListener('click', () => {
    input.value = getToken();
    dialog.showModal();
  });
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'save') setToken(input.value.trim());
    if (dialog.returnValue === 'clear') setToken('');
    input.value = '';
    label();
    if (dialog.returnValue === 'save' || dialog.returnValue === 'clear') toast(getToken() ? 'Token saved for this tab.' : 'Token forgotten.');
  });
}

async function showCluster() {
  try {
    meta ??= await getJson('/api/meta');
    const target = document.getElementById('cluster');
    if (meta.clusters.length > 1) {
      // Several clusters in one database: the pages show the one picked here (kept for this tab).
      if (!meta.clusters.includes(getCluster())) setCluster(meta.clusters[0]);
      const select = el(
        'select',
        { id: 'cluster-select', 'aria-label': 'Cluster', onchange: () => { setCluster(select.value); route(); } },
        meta.clusters.map((name) => el('option', { value: name, selected: name === getCluster() }, name)),
      );
      replace(target, select);
    } else {
      setCluster('');
      target.textContent = meta.cluster ? `cluster ${meta.cluster}` : meta.readersNeedAuth ? 'token needed to read' : 'no snapshot yet';
    }
  } catch {
    // The page itself reports the error.
  }
}

setupTokenDialog();
setupSkipLink();
setupSelectCommit();
window.addEventListener('hashchange', route);
window.addEventListener('load', async () => {
  await showCluster();
  route();
});
