/**
 * Inline SVG charts for the HTML review, so the report is one file that works offline with no script. Values are
 * JS numbers here: drawing positions only, read from the exact figures' decimal text; the numbers themselves are
 * printed in the tables under each chart.
 */

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

export const PALETTE = ['#9ca3af', '#2563eb', '#f59e0b', '#dc2626', '#16a34a', '#7c3aed', '#0891b2', '#db2777'];

export interface BarSeries {
  label: string;
  colour: string;
  /** One value per category; null = not drawn. */
  values: (number | null)[];
}

/** A round axis maximum at or above `max`: 1, 2, 2.5, 5 x 10^k. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

const fmt = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, ''));

function legend(series: readonly { label: string; colour: string }[], x: number, y: number): string {
  let offset = x;
  return series
    .map((s) => {
      const item = `<rect x="${offset}" y="${y - 9}" width="10" height="10" fill="${s.colour}"/><text x="${offset + 14}" y="${y}" class="legend">${escapeHtml(s.label)}</text>`;
      offset += 24 + s.label.length * 6.5;
      return item;
    })
    .join('');
}

/** Horizontal grouped bars: one group per category (team), one bar per series. */
export function horizontalBars(options: { title: string; categories: readonly string[]; series: readonly BarSeries[]; unit: string }): string {
  const { categories, series } = options;
  const labelWidth = Math.min(260, 40 + Math.max(0, ...categories.map((c) => c.length)) * 7);
  const barHeight = 10;
  const groupHeight = series.length * barHeight + 12;
  const width = 860;
  const plotWidth = width - labelWidth - 70;
  const top = 34;
  const height = top + categories.length * groupHeight + 46;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const x = (value: number): number => labelWidth + (value / max) * plotWidth;
  const parts: string[] = [];
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = (max * tick) / 4;
    parts.push(
      `<line x1="${x(value)}" y1="${top - 4}" x2="${x(value)}" y2="${height - 40}" class="grid"/>`,
      `<text x="${x(value)}" y="${height - 26}" text-anchor="middle" class="tick">${fmt(value)}</text>`,
    );
  }
  categories.forEach((category, i) => {
    const groupTop = top + i * groupHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${groupTop + (series.length * barHeight) / 2 + 4}" text-anchor="end" class="label">${escapeHtml(category)}</text>`);
    series.forEach((s, j) => {
      const value = s.values[i];
      if (value === null || value === undefined) return;
      const y = groupTop + j * barHeight;
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${Math.max(0.5, x(value) - labelWidth)}" height="${barHeight - 2}" fill="${s.colour}"><title>${escapeHtml(`${category} · ${s.label}: ${fmt(value)} ${options.unit}`)}</title></rect>`,
      );
    });
  });
  parts.push(`<text x="${labelWidth + plotWidth / 2}" y="${height - 10}" text-anchor="middle" class="tick">${escapeHtml(options.unit)}</text>`);
  parts.push(legend(series, labelWidth, 18));
  return svg(options.title, width, height, parts);
}

export interface LineSeries {
  label: string;
  colour: string;
  values: number[];
  dashed?: boolean;
}

/** Step lines over time (each value holds until the next point, as the review weighs them). */
export function stepLines(options: { title: string; times: readonly number[]; series: readonly LineSeries[]; unit: string }): string {
  const width = 860;
  const height = 300;
  const left = 60;
  const right = 50;
  const top = 44;
  const bottom = 40;
  const { times } = options;
  const t0 = times[0] ?? 0;
  const t1 = times[times.length - 1] ?? 1;
  const span = t1 - t0 || 1;
  const max = niceMax(Math.max(0, ...options.series.flatMap((s) => s.values)));
  const x = (t: number): number => left + ((t - t0) / span) * (width - left - right);
  const y = (v: number): number => top + (1 - v / max) * (height - top - bottom);
  const parts: string[] = [];
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = (max * tick) / 4;
    parts.push(`<line x1="${left}" y1="${y(value)}" x2="${width - right}" y2="${y(value)}" class="grid"/>`, `<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end" class="tick">${fmt(value)}</text>`);
  }
  for (let tick = 0; tick <= 6; tick += 1) {
    const t = t0 + (span * tick) / 6;
    parts.push(`<text x="${x(t)}" y="${height - bottom + 16}" text-anchor="middle" class="tick">${new Date(t).toISOString().slice(0, 10)}</text>`);
  }
  for (const s of options.series) {
    let d = '';
    s.values.forEach((value, i) => {
      const t = times[i] as number;
      d += i === 0 ? `M${x(t).toFixed(1)},${y(value).toFixed(1)}` : `H${x(t).toFixed(1)}V${y(value).toFixed(1)}`;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>`);
  }
  parts.push(`<text x="${left}" y="${top - 12}" text-anchor="middle" class="tick">${escapeHtml(options.unit)}</text>`);
  parts.push(legend(options.series, left + 80, 16));
  return svg(options.title, width, height, parts);
}

function svg(title: string, width: number, height: number, parts: readonly string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}. The numbers are in the table below.">` +
    `<title>${escapeHtml(title)}</title>${parts.join('')}</svg>`
  );
}
