// Tables of numbers, and the same numbers as CSV. Every chart on the dashboard is backed by one of these.
import { download, el } from './dom.js';

/**
 * columns: [{ key, label, numeric?, format?(value, row) }]; rows: plain objects.
 * Returns a <table> with a caption, header cells with scope, and right-aligned numbers.
 */
export function dataTable({ caption, columns, rows, className = 'data', rowClass }) {
  return el(
    'table',
    { class: className },
    caption ? el('caption', {}, caption) : null,
    el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col', class: column.numeric ? 'num' : column.className ?? null }, column.label)))),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          { class: rowClass ? rowClass(row) : null },
          columns.map((column, index) => {
            const value = row[column.key];
            const text = column.format ? column.format(value, row) : value ?? '';
            // A quantity shown in readable units keeps its exact canonical text on hover (and in the CSV).
            const exact = typeof value === 'string' && typeof text === 'string' && text !== value && column.numeric ? value : null;
            return el(index === 0 ? 'th' : 'td', { scope: index === 0 ? 'row' : null, class: column.numeric ? 'num' : column.className ?? null, title: exact }, text);
          }),
        ),
      ),
    ),
  );
}

function csvCell(value, numeric) {
  if (value === undefined || value === null) return '';
  let text = String(value);
  // Cluster strings opened in a spreadsheet must not become formulas (CSV injection).
  if (!numeric && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV of the rows, header from the column labels (or keys). */
export function toCsv(columns, rows) {
  const lines = [columns.map((column) => csvCell(column.csv ?? column.key, false)).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(row[column.key], column.numeric)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function csvButton(filename, columns, rows, label = 'Download CSV') {
  return el('button', { type: 'button', class: 'small', 'data-csv': filename, onclick: () => download(filename, toCsv(columns, rows), 'text/csv') }, label);
}

/**
 * The box a wide table scrolls in (not the page): focusable and named after the table, so keyboard users can
 * scroll it too (axe `scrollable-region-focusable`).
 */
export function scrollBox(label, ...children) {
  return el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': label }, ...children);
}

/** A table with its CSV download button. */
export function tableBlock({ caption, columns, rows, filename, rowClass }) {
  return el('div', { class: 'table-block' }, scrollBox(caption, dataTable({ caption, columns, rows, rowClass })), csvButton(filename, columns, rows));
}
