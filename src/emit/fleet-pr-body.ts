/**
 * The pull-request body of `quotaplan fleet emit`: one table of every cluster's tree (its plan, cycle, and how many
 * keys are raised, lowered, new and unchanged), then each cluster's own body (pr-body.ts: per team and key the hard
 * in force now -> the new one, the change, current use, flags, plan warnings, Kueue's and DRA's figures), one
 * heading level down. Names from the store are escaped as in every body.
 */
import { escapeTerminalText } from '../terminal-text.js';
import type { QuotaChangeSet } from './change-set.js';
import { markdownCode, markdownText } from './markdown-text.js';
import { countChanges, prBodyFlags, renderPrBody, type PrBodyOptions } from './pr-body.js';
import { pathSegment } from './tree-paths.js';

export interface FleetBodyCluster {
  changes: QuotaChangeSet;
  options: PrBodyOptions;
}

/** `clusters` in the order their sections are shown (by cluster name). */
export function renderFleetPrBody(clusters: readonly FleetBodyCluster[]): string {
  const lines = [`# Fleet quotas: ${clusters.length} ${clusters.length === 1 ? 'cluster' : 'clusters'}`, ''];
  lines.push("Each cluster's latest plan, written as its own tree below this folder. Keys per cluster:", '');
  lines.push('| Cluster | Tree | Plan | Cycle | Teams | Namespaces | Raised | Lowered | New | Unchanged | Flags |', '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const { changes, options } of clusters) {
    const namespaces = changes.teams.flatMap((team) => team.namespaces);
    const counts = countChanges(namespaces);
    const tree = markdownCode(`clusters/${pathSegment(changes.cluster)}/`, { inTable: true });
    lines.push(
      `| ${markdownText(changes.cluster)} | ${tree} | ${markdownText(changes.planId)} | ${markdownText(changes.cycle)} | ${changes.teams.length} | ${namespaces.length} | ` +
        `${counts.raised} | ${counts.lowered} | ${counts.added} | ${counts.unchanged} | ${prBodyFlags(changes, options).length} |`,
    );
  }
  lines.push('');
  const sections = clusters.map(({ changes, options }) => renderPrBody(changes, { ...options, depth: 1 }));
  return escapeTerminalText(`${[lines.join('\n'), ...sections].join('\n').trimEnd()}\n`, { newlines: 'keep' });
}

/** Where `fleet emit` writes the body: the root of `--out`, beside `clusters/`. */
export const fleetPrBodyFile = 'quotaplan-pr-body.md';
