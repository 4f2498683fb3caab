// chart.js figures. Each chart comes with the table of its numbers and a CSV download, so everything drawn can
// also be read, copied and checked. chart.js is loaded as a classic script (window.Chart), served from node_modules.
import { el } from './dom.js';
import { csvButton, dataTable, scrollBox } from './table.js';

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563', '#65a30d', '#9333ea'];

export function colour(index) {
  return PALETTE[index % PALETTE.length];
}

/**
 * chartFigure({ id, title, description, config, table: { columns, rows }, filename })
 * config is a chart.js config; it is created once the canvas is in the document (call figure.draw()).
 */
export function chartFigure({ id, title, description, config, table, filename, height = 280 }) {
  const canvas = el('canvas', { id: `${id}-canvas`, role: 'img', 'aria-label': `${title}. The numbers are in the table below.`, 'data-chart': id });
  const box = el('div', { class: 'chart-box', 'data-height': String(height) }, canvas);
  box.style.height = `${height}px`;
  const details = el(
    'details',
    { class: 'numbers' },
    el('summary', {}, `Numbers: ${title}`),
    scrollBox(`Numbers: ${title}`, dataTable({ caption: title, columns: table.columns, rows: table.rows })),
  );
  const figure = el(
    'figure',
    { class: 'chart', id, 'data-figure': id },
    el('figcaption', {}, el('span', { class: 'figure-title' }, title), csvButton(filename, table.columns, table.rows)),
    description ? el('p', { class: 'muted small-text' }, description) : null,
    box,
    details,
  );
  figure.draw = () => {
    const existing = window.Chart.getChart(canvas);
    if (existing) existing.destroy();
    return new window.Chart(canvas, {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...(config.options ?? {}) },
    });
  };
  return figure;
}

/** Draws every chart figure inside a node (after it has been attached to the document). */
export function drawCharts(root) {
  for (const figure of root.querySelectorAll('figure.chart')) figure.draw?.();
}
