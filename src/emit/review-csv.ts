/** The review's per-team figures as RFC 4180 CSV, one row per team and resource, proposals joined in. */
import type { ReviewJson } from './review-json.js';

const COLUMNS = [
  'cycle', 'team', 'leaf', 'resource', 'flavors', 'quota', 'guarantee', 'demand', 'average', 'average_exact', 'p95', 'peak',
  'average_of_quota', 'peak_of_quota', 'hours_above_quota', 'used_unit_hours', 'granted_unit_hours', 'gpu_per_unit',
  'used_gpu_hours', 'granted_gpu_hours', 'next_quota', 'next_demand', 'proposals', 'proposed_demand', 'reasons',
  'team_requested_gpu_hours', 'team_granted_gpu_hours', 'team_busy_gpu_hours', 'team_allocated_gpu_hours', 'team_busy_of_granted',
  'team_busy_of_requested', 'measured_note', 'team_memory_average_mib', 'team_memory_peak_mib', 'measured_warnings',
] as const;

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  // Team names come from the teams file; keep a spreadsheet from reading one as a formula (CSV injection).
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function reviewCsv(review: ReviewJson): string {
  const lines = [COLUMNS.join(',')];
  for (const t of review.teams) {
    const proposals = review.proposals.filter((p) => p.team === t.team && p.resource === t.resource);
    const measured = review.measured.teams.find((m) => m.team === t.team);
    const values: (string | number | boolean | null)[] = [
      review.cycle.name, t.team, t.leaf, t.resource, t.flavors.join(' '), t.quota, t.guarantee, t.demand, t.average, t.averageExact,
      t.p95, t.peak, t.averageOfQuota, t.peakOfQuota, t.hoursAboveQuota, t.usedUnitHours, t.grantedUnitHours, t.gpuEquivalent,
      t.usedGpuHours, t.grantedGpuHours, t.nextQuota, t.nextDemand,
      proposals.map((p) => p.kind).join(' '),
      proposals.find((p) => p.proposedDemand !== null)?.proposedDemand ?? null,
      proposals.map((p) => p.reason).join('; '),
      // Measured use is per team (all its GPUs), repeated on each of its rows; the note says why it is empty.
      measured?.requestedGpuHours ?? null, measured?.grantedGpuHours ?? null, measured?.busyGpuHours ?? null, measured?.allocatedGpuHours ?? null,
      measured?.busyOfGranted ?? null, measured?.busyOfRequested ?? null, review.measured.note,
      measured?.memoryAverageMib ?? null, measured?.memoryPeakMib ?? null,
      // Prometheus's warnings (partial data) are the whole report's: repeated on every row so no reader misses them.
      review.measured.warnings.join('; ') || null,
    ];
    lines.push(values.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
