/**
 * The review's per-team figures as RFC 4180 CSV, one row per team and resource, proposals joined in; then, when the
 * cycle's last snapshot had DRA objects, one row per DeviceClass and model (`record` = `dra`); then one row per
 * object and resource of the quotas in force at that snapshot (`record` = `in-force`).
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
  // Quotas in force (ResourceQuotas and the schedulers' queues at the cycle's last snapshot): one row per object and resource.
  'in_force_snapshot', 'in_force_taken_at', 'in_force_enforced_by', 'in_force_object', 'in_force_parent', 'in_force_flavor', 'in_force_resource',
  'in_force_guarantee', 'in_force_quota', 'in_force_limit', 'in_force_weight', 'in_force_in_use', 'in_force_pending',
  'team_requested_gpu_hours', 'team_granted_gpu_hours', 'team_busy_gpu_hours', 'team_allocated_gpu_hours', 'team_busy_of_granted',
  'team_busy_of_requested', 'measured_note', 'team_memory_average_mib', 'team_memory_peak_mib', 'measured_warnings',
] as const;

const IN_FORCE_COLUMNS = COLUMNS.indexOf('in_force_pending') - COLUMNS.indexOf('in_force_snapshot') + 1;

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
      ...new Array<null>(IN_FORCE_COLUMNS).fill(null),
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
  const MEASURED_COLUMNS = COLUMNS.length - COLUMNS.indexOf('in_force_pending') - 1;
  for (const c of dra?.classes ?? []) {
    const values: (string | number | boolean | null)[] = [
      review.cycle.name,
      ...new Array<null>(TEAM_COLUMNS).fill(null),
      'dra', c.deviceClass, c.extendedResourceName, c.model, c.devices, c.physicalGpus, c.allocated, c.quotaKey, c.partitionable, c.unsupported,
      dra?.physicalGpus ?? null, transitionalPoolsText(dra?.transitionalPools ?? []) || null,
      ...new Array<null>(IN_FORCE_COLUMNS).fill(null),
      ...new Array<null>(MEASURED_COLUMNS).fill(null),
    ];
    lines.push(values.map(csvCell).join(','));
  }
  const quotas = review.quotasInForce;
  const DRA_COLUMNS = COLUMNS.indexOf('in_force_snapshot') - COLUMNS.indexOf('record') - 1;
  for (const q of quotas?.rows ?? []) {
    const values: (string | number | boolean | null)[] = [
      review.cycle.name,
      ...new Array<null>(TEAM_COLUMNS).fill(null),
      'in-force',
      ...new Array<null>(DRA_COLUMNS).fill(null),
      quotas?.snapshot ?? null, quotas?.takenAt ?? null, q.enforcer, q.object, q.parent, q.flavor, q.resource, q.guarantee, q.quota, q.limit, q.weight, q.inUse, q.pending,
      // The report-wide measured-use note and Prometheus warnings are on every row, as on the team rows.
      ...new Array<null>(MEASURED_COLUMNS - 4).fill(null), review.measured.note, null, null, review.measured.warnings.join('; ') || null,
    ];
    lines.push(values.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
