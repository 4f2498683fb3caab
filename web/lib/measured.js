// Measured GPU use (dcgm-exporter via Prometheus) as the Review and Teams pages show it: the review JSON's
// `measured` value, or the note saying why there is none (never zeros).
import { el } from './dom.js';
import { dateTime, hoursText } from './format.js';
import { tableBlock } from './table.js';

export const MEASURED_COLUMNS = [
  { key: 'team', label: 'Team', format: (v, r) => `${v}${r.leaf ? '' : ' (all sub-teams)'}` },
  { key: 'grantedGpuHours', format: hoursText, label: 'GPU-hours granted', numeric: true },
  { key: 'requestedGpuHours', format: hoursText, label: 'GPU-hours requested', numeric: true },
  { key: 'allocatedGpuHours', format: hoursText, label: 'GPU-hours allocated (measured)', numeric: true },
  { key: 'busyGpuHours', format: hoursText, label: 'GPU-hours busy', numeric: true },
  { key: 'busyOfGranted', label: 'Busy % granted', numeric: true },
  { key: 'busyOfRequested', label: 'Busy % requested', numeric: true },
  { key: 'busyOfAllocated', label: 'Busy % allocated', numeric: true },
  { key: 'memoryAverageMib', label: 'GPU memory used, MiB per device (average)', numeric: true },
  { key: 'memoryPeakMib', label: 'GPU memory used, MiB (peak)', numeric: true },
];

const IDLE_COLUMNS = [
  { key: 'team', label: 'Team', format: (v) => v ?? '(no team)' },
  { key: 'namespace', label: 'Namespace' },
  { key: 'pod', label: 'Pod' },
  { key: 'model', label: 'GPU model' },
  { key: 'profile', label: 'MIG profile' },
  { key: 'host', label: 'Node' },
  { key: 'device', label: 'Device' },
  { key: 'idleHours', label: 'Hours idle', numeric: true, format: hoursText },
  { key: 'idleMemoryAverageMib', label: 'Memory used while idle, MiB (average)', numeric: true },
  { key: 'idleMemoryPeakMib', label: 'Memory used while idle, MiB (peak)', numeric: true },
];

/** The line under the heading: where the figures come from, the window, and any gap, in words. */
export function measuredSummary(m) {
  if (!m.available) return [el('p', { class: 'notice', id: 'measured-note' }, `${m.note}.`)];
  const s = m.source;
  const parts = [
    el(
      'p',
      { class: 'muted', id: 'measured-source' },
      `From ${s.url}${s.selector ? ` {${s.selector}}` : ''} (labels ${s.namespaceLabel}/${s.podLabel}, steps of ${s.stepSeconds} s): ${dateTime(m.from)} to ${dateTime(m.to)}, ${hoursText(m.measuredHours)} h with samples.`,
    ),
  ];
  if (m.gaps.length > 0) {
    parts.push(el('p', { class: 'notice', id: 'measured-gaps' }, `No samples for ${hoursText(m.gapHours)} h (${m.gaps.map((g) => `${dateTime(g.from)} to ${dateTime(g.to)}`).join(', ')}): not counted as idle or busy.`));
  }
  for (const warning of m.warnings) parts.push(el('p', { class: 'notice' }, `Prometheus warning: ${warning}`));
  return parts;
}

/** The Review page's section: summary, per-team table, unowned namespaces, idle GPUs. */
export function measuredSection(data) {
  const m = data.measured;
  const parts = [el('h2', {}, 'Measured GPU use (dcgm-exporter)'), ...measuredSummary(m)];
  if (!m.available) return parts;
  parts.push(tableBlock({ caption: 'GPU-hours per team: granted, requested, measured', columns: MEASURED_COLUMNS, rows: m.teams, filename: `review-${data.cycle.name}-measured.csv` }));
  if (m.unowned.length > 0) {
    parts.push(el('p', {}, `Namespaces no team owns: ${m.unowned.map((n) => `${n.namespace} (${n.busyGpuHours} busy of ${n.allocatedGpuHours} GPU-hours${n.memoryAverageMib === null ? '' : `, memory ${n.memoryAverageMib} MiB per device, peak ${n.memoryPeakMib} MiB`})`).join(', ')}.`));
  }
  parts.push(el('h3', {}, `Idle GPUs (below ${m.source.idleBelow} activity for at least ${m.source.idleForHours} h): ${m.idle.length}`));
  parts.push(
    m.idle.length === 0
      ? el('p', { class: 'muted' }, 'None.')
      : tableBlock({ caption: 'Idle GPUs', columns: IDLE_COLUMNS, rows: m.idle, filename: `review-${data.cycle.name}-idle-gpus.csv` }),
  );
  return parts;
}
