/**
 * Printers of a Plan for people (table) and for files (YAML). Both read the same value as planToJson; the
 * YAML is that JSON document in YAML syntax, so the two never disagree.
 */
import { stringify } from 'yaml';
import { formatQuantity, subtractQuantities } from '../quantity.js';
import type { Plan } from '../plan/plan.js';
import { planToJson } from '../plan/plan-json.js';

export function planYaml(plan: Plan): string {
  return stringify(planToJson(plan), { lineWidth: 0 });
}

export function planTable(plan: Plan): string {
  const lines: string[] = [];
  lines.push(`Plan for cycle ${plan.cycle} (policy ${plan.policy}, surplus ${plan.surplus})`, '');
  lines.push(
    ...table(
      ['RESOURCE', 'FLAVOR', 'CAPACITY', 'RESERVE', 'DIVIDED', 'UNALLOCATED', 'GRANULARITY'],
      plan.pools.map((pool) => {
        const dividable = subtractQuantities(pool.capacity, pool.reserve);
        return [
          pool.resource,
          pool.flavor ?? '-',
          formatQuantity(pool.capacity),
          formatQuantity(pool.reserve),
          formatQuantity(subtractQuantities(dividable, pool.unallocated)),
          formatQuantity(pool.unallocated),
          formatQuantity(pool.granularity),
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
        formatQuantity(a.quota),
        a.used === null ? '?' : formatQuantity(a.used),
        formatQuantity(a.guarantee),
        a.demand === null ? 'any' : formatQuantity(a.demand),
        a.cap === null ? 'none' : formatQuantity(a.cap),
        a.binding,
      ]),
    ),
  );
  if (plan.warnings.length > 0) {
    lines.push('', `Warnings (${plan.warnings.length}):`);
    for (const warning of plan.warnings) lines.push(`  [${warning.kind}] ${warning.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const render = (row: string[]): string =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)];
}
