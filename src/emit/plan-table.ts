/**
 * Printers of a Plan for people (table) and for files (YAML). Both read the same value as planToJson; the
 * YAML is that JSON document in YAML syntax, so the two never disagree.
 */
import { stringify } from 'yaml';
import { formatBytesReadably, formatQuantity, subtractQuantities, type Quantity } from '../quantity.js';
import type { Plan } from '../plan/plan.js';
import { planToJson } from '../plan/plan-json.js';
import { isByteResource } from '../resources.js';
import { escapeTerminalText } from '../terminal-text.js';

export function planYaml(plan: Plan): string {
  return stringify(planToJson(plan), { lineWidth: 0 });
}

/** The note under a table that shows a rounded value. */
export const ROUNDED_NOTE = '~ rounded to a tenth of the unit shown; -o json and -o yaml print exact values';

export function planTable(plan: Plan): string {
  let rounded = false;
  // Memory and storage in binary units (exact where exact); every other resource as formatQuantity prints it.
  const cell = (resource: string, q: Quantity): string => {
    if (!isByteResource(resource)) return formatQuantity(q);
    const readable = formatBytesReadably(q);
    rounded ||= readable.rounded;
    return readable.text;
  };
  const lines: string[] = [];
  lines.push(`Plan for cycle ${escapeTerminalText(plan.cycle)} (policy ${plan.policy}, surplus ${plan.surplus})`, '');
  lines.push(
    ...table(
      ['RESOURCE', 'FLAVOR', 'CAPACITY', 'RESERVE', 'DIVIDED', 'UNALLOCATED', 'GRANULARITY'],
      plan.pools.map((pool) => {
        const dividable = subtractQuantities(pool.capacity, pool.reserve);
        return [
          pool.resource,
          pool.flavor ?? '-',
          cell(pool.resource, pool.capacity),
          cell(pool.resource, pool.reserve),
          cell(pool.resource, subtractQuantities(dividable, pool.unallocated)),
          cell(pool.resource, pool.unallocated),
          cell(pool.resource, pool.granularity),
        ];
      }),
    ),
    '',
  );
  lines.push(
    ...table(
      ['TEAM', 'RESOURCE', 'FLAVOR', 'QUOTA', 'USED', 'GUARANTEE', 'DEMAND', 'CAP', 'BOUND BY'],
      plan.allocations.map((a) => [
        a.team,
        a.resource,
        a.flavor ?? '-',
        cell(a.resource, a.quota),
        a.used === null ? '?' : cell(a.resource, a.used),
        cell(a.resource, a.guarantee),
        a.demand === null ? 'any' : cell(a.resource, a.demand),
        a.cap === null ? 'none' : cell(a.resource, a.cap),
        a.binding,
      ]),
    ),
  );
  if (rounded) lines.push('', ROUNDED_NOTE);
  if (plan.warnings.length > 0) {
    lines.push('', `Warnings (${plan.warnings.length}):`);
    for (const warning of plan.warnings) lines.push(`  [${warning.kind}] ${escapeTerminalText(warning.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

function table(header: string[], cells: string[][]): string[] {
  const rows = cells.map((row) => row.map((cell) => escapeTerminalText(cell)));
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const render = (row: string[]): string =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)];
}
