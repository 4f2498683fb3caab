/** Text tables: left-aligned columns separated by two spaces, every cell escaped (cells come from clusters), no trailing spaces. */
import { escapeTerminalText } from '../terminal-text.js';

export function alignColumns(rows: readonly (readonly string[])[]): string {
  const escaped = rows.map((row) => row.map((value) => escapeTerminalText(value)));
  const widths: number[] = [];
  for (const row of escaped) row.forEach((value, i) => (widths[i] = Math.max(widths[i] ?? 0, value.length)));
  return escaped.map((row) => `${row.map((value, i) => (i === row.length - 1 ? value : value.padEnd(widths[i] ?? 0))).join('  ').trimEnd()}\n`).join('');
}
