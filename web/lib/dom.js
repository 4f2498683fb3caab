// Building DOM without HTML strings. Everything shown here may come from a cluster (labels, names, annotations),
// so text only ever enters the page through text nodes and attribute values, never through innerHTML.

const SAFE_ATTRIBUTES = new Set([
  'id', 'class', 'role', 'title', 'type', 'name', 'value', 'for', 'scope', 'colspan', 'rowspan', 'tabindex',
  'min', 'max', 'step', 'placeholder', 'download', 'lang', 'open', 'disabled', 'checked', 'selected', 'hidden',
  'autocomplete', 'inputmode', 'pattern', 'required', 'width', 'height', 'list', 'rows', 'cols', 'spellcheck',
]);

/**
 * el('button', { class: 'x', onclick: fn, 'aria-label': 'Close' }, 'text', childNode, [more])
 * Strings become text nodes; `on*` keys take functions; `data-*` and `aria-*` are allowed; `href` only for
 * same-page (#...) or same-origin (/...) links and blob: URLs made by this page.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'href') {
      const text = String(value);
      if (!/^(#|\/(?!\/)|blob:)/.test(text)) throw new Error(`refusing href ${text}`);
      node.setAttribute('href', text);
    } else if (SAFE_ATTRIBUTES.has(key) || key.startsWith('data-') || key.startsWith('aria-')) {
      node.setAttribute(key, value === true ? '' : String(value));
    } else {
      throw new Error(`el(): attribute ${key} not allowed`);
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.append(child);
    else node.append(document.createTextNode(String(child)));
  }
}

/** Replaces a node's children. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A short notice in the status area (screen readers announce it). */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toast');
  if (!box) return;
  replace(box, el('div', { class: `toast ${kind}` }, message));
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.replaceChildren(), 6000);
}

/** Offers text as a file download (CSV, YAML, Markdown) without a server round trip. */
export function download(filename, text, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = el('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
