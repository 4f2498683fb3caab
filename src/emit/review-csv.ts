/**
 * The review's per-team figures as RFC 4180 CSV, one row per team and resource, proposals joined in; then, when the
 * cycle's last snapshot had DRA objects, one row per DeviceClass and model (`record` = `dra`).
 */
import type { ReviewJson } from './review-json.js';
import { transitionalPoolsText } from './review-markdown.js';

const COLUMNS = [
  'cycle', 'team', 'leaf', 'resource', 'flavors', 'quota', 'guarantee', 'demand', 'average', 'average_exact', 'p95', 'peak',
  'average_of_quota', 'peak_of_quota', 'hours_above_quota', 'used_unit_hours', 'granted_unit_hours', 'gpu_per_unit',
  'used_gpu_hours', 'granted_gpu_hours', 'next_quota', 'next_demand', 'proposals', 'proposed_demand', 'reasons',
  // DRA rows (one per DeviceClass and model, after the team rows, only when the cluster had DRA) fill these; team rows leave them empty.
  'record', 'dra_device_class', 'dra_extended_resource', 'dra_model', 'dra_devices', 'dra_physical_gpus', 'dra_allocated', 'dra_quota_key',
  'dra_partitionable', 'dra_selectors_unsupported', 'dra_physical_gpus_all_classes', 'dra_transitional_pools',
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
      'team', null, null, null, null, null, null, null, null, null, null, null,
      // Measured use is per team (all its GPUs), repeated on each of its rows; the note says why it is empty.
      measured?.requestedGpuHours ?? null, measured?.grantedGpuHours ?? null, measured?.busyGpuHours ?? null, measured?.allocatedGpuHours ?? null,
      measured?.busyOfGranted ?? null, measured?.busyOfRequested ?? null, review.measured.note,
      measured?.memoryAverageMib ?? null, measured?.memoryPeakMib ?? null,
      // Prometheus's warnings (partial data) are the whole report's: repeated on every row so no reader misses them.
      review.measured.warnings.join('; ') || null,
    ];
    lines.push(values.map(csvCell).join(','));
  }
  const dra = review.dra;
  const TEAM_COLUMNS = COLUMNS.indexOf('record') - 1;
  const MEASURED_COLUMNS = COLUMNS.length - COLUMNS.indexOf('dra_transitional_pools') - 1;
  for (const c of dra?.classes ?? []) {
    const values: (string | number | boolean | null)[] = [
      review.cycle.name,
      ...new Array<null>(TEAM_COLUMNS).fill(null),
      'dra', c.deviceClass, c.extendedResourceName, c.model, c.devices, c.physicalGpus, c.allocated, c.quotaKey, c.partitionable, c.unsupported,
      dra?.physicalGpus ?? null, transitionalPoolsText(dra?.transitionalPools ?? []) || null,
      ...new Array<null>(MEASURED_COLUMNS).fill(null),
    ];
    lines.push(values.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
