/**
 * `quotaplan snapshots [--cluster C] [-o table|json] [--db F]`: the stored snapshots, oldest first per cluster.
 */
import { Command } from 'commander';
import { withStore } from '../store/open.js';
import type { SnapshotSummary } from '../store/store.js';
import { dbOption, outputOption } from './options.js';
import { escapeTerminalText } from '../terminal-text.js';

export interface SnapshotsFlags {
  cluster?: string;
  output: 'table' | 'json';
  db: string;
}

export function snapshotsCommand(): Command {
  return new Command('snapshots')
    .option('--cluster <name>', 'only this cluster')
    .addOption(outputOption(['table', 'json'], 'table'))
    .addOption(dbOption())
    // addCommand does not copy the program's settings: without these a bad flag would exit 1 from commander.
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: SnapshotsFlags) => {
      process.stdout.write(await runSnapshots(flags));
    });
}

export async function runSnapshots(flags: SnapshotsFlags): Promise<string> {
  const list = await withStore({ file: flags.db, create: false }, (store) => store.listSnapshots(flags.cluster === undefined ? {} : { cluster: flags.cluster }));
  const text = flags.output === 'json' ? `${JSON.stringify(list.map(snapshotToJson), null, 2)}\n` : snapshotsTable(list);
  return escapeTerminalText(text, { newlines: 'keep' });
}

/** A snapshot summary as JSON, keys sorted. */
export function snapshotToJson(summary: SnapshotSummary): Record<string, unknown> {
  return {
    cluster: summary.cluster,
    context: summary.context,
    id: summary.id,
    namespaces: summary.namespaces,
    nodes: summary.nodes,
    pods: summary.pods,
    seq: summary.seq,
    server: summary.server,
    source: { kind: summary.source.kind, ref: summary.source.ref },
    takenAt: summary.takenAt.toISOString(),
    warnings: summary.warnings,
  };
}

const COLUMNS = ['ID', 'CLUSTER', 'TAKEN AT', 'SOURCE', 'NODES', 'NAMESPACES', 'PODS', 'WARNINGS'] as const;
/** Counts are right-aligned. */
const NUMERIC = new Set<string>(['ID', 'NODES', 'NAMESPACES', 'PODS', 'WARNINGS']);

export function snapshotsTable(list: readonly SnapshotSummary[]): string {
  if (list.length === 0) return 'no snapshots\n';
  const rows = list.map((s) => [
    String(s.id),
    s.cluster,
    s.takenAt.toISOString(),
    `${s.source.kind}:${s.source.ref}`,
    String(s.nodes),
    String(s.namespaces),
    String(s.pods),
    String(s.warnings),
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const width = widths[i] as number;
        return NUMERIC.has(COLUMNS[i] as string) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return `${[line(COLUMNS), ...rows.map(line)].join('\n')}\n`;
}
