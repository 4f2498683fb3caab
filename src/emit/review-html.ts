/**
 * The review as one self-contained HTML file for the meeting: the Markdown's content plus charts drawn as inline
 * SVG (no script, no network: it opens offline, from a mail attachment too). Every chart has its numbers in a
 * table. All text, including names from the cluster and the teams file, is escaped.
 */
import { parseQuantity } from '../quantity.js';
import { quantityTextInText } from '../review/decimal.js';
import {
  cycleLine,
  draDevicesText,
  DRA_NOTE,
  memoryText,
  mixedNote,
  noCoverage,
  QUOTAS_IN_FORCE_HEADER,
  QUOTAS_IN_FORCE_NUMERIC,
  quotaInForceCells,
  quotasInForceIntro,
  snapshotCount,
  transitionalPoolsText,
} from './review-markdown.js';
import type { ReviewJson, TeamUseJson } from './review-json.js';
import { escapeHtml, horizontalBars, PALETTE, stepLines } from './review-svg.js';

type Cell = string | number | null;

function table(caption: string, header: readonly string[], rows: readonly Cell[][], numeric: readonly boolean[] = []): string {
  const th = header.map((h, i) => `<th scope="col"${numeric[i] ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row
          .map((value, i) => {
            const text = value === null || value === '' ? '–' : String(value);
            return i === 0 ? `<th scope="row">${escapeHtml(text)}</th>` : `<td${numeric[i] ? ' class="num"' : ''}>${escapeHtml(text)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<div class="scroll"><table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Drawing value of a quantity or decimal text. */
function drawn(text: string | null): number | null {
  if (text === null) return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return Number(parseQuantity(text).nanos) / 1e9;
}

const time = (iso: string | null): string => (iso === null ? '?' : `${iso.slice(0, 16).replace('T', ' ')} UTC`);
const teamLabel = (t: TeamUseJson): string => `${t.team}${t.flavors.length > 0 ? ` [${t.flavors.join(', ')}]` : ''}`;

function useCharts(review: ReviewJson): string {
  const resources = [...new Set(review.teams.filter((t) => t.gpuEquivalent !== null).map((t) => t.resource))];
  return resources
    .map((resource) => {
      const rows = review.teams.filter((t) => t.resource === resource && t.leaf);
      const title = `Use vs quota: ${resource}`;
      return (
        `<figure class="chart" data-chart="use-${escapeHtml(resource)}"><figcaption>${escapeHtml(title)}</figcaption>` +
        horizontalBars({
          title,
          unit: `${resource} (units)`,
          categories: rows.map(teamLabel),
          series: [
            { label: 'Quota', colour: PALETTE[0] as string, values: rows.map((t) => drawn(t.quota)) },
            { label: 'Average', colour: PALETTE[1] as string, values: rows.map((t) => drawn(t.average)) },
            { label: 'p95', colour: PALETTE[2] as string, values: rows.map((t) => drawn(t.p95)) },
            { label: 'Peak', colour: PALETTE[3] as string, values: rows.map((t) => drawn(t.peak)) },
            ...(review.next ? [{ label: `Quota ${review.next.cycle.name}`, colour: PALETTE[5] as string, values: rows.map((t) => drawn(t.nextQuota)) }] : []),
          ],
        }) +
        `</figure>`
      );
    })
    .join('');
}

function gpuHoursChart(review: ReviewJson): string {
  const perTeam = new Map<string, { used: number; granted: number }>();
  for (const t of review.teams) {
    if (!t.leaf || t.usedGpuHours === null || t.grantedGpuHours === null) continue;
    const entry = perTeam.get(t.team) ?? { used: 0, granted: 0 };
    entry.used += Number(t.usedGpuHours);
    entry.granted += Number(t.grantedGpuHours);
    perTeam.set(t.team, entry);
  }
  if (perTeam.size === 0) return '';
  const teams = [...perTeam.keys()];
  const title = 'GPU-hours used vs granted per team (GPU-equivalents, all accelerator resources)';
  return (
    `<figure class="chart" data-chart="gpu-hours"><figcaption>${escapeHtml(title)}</figcaption>` +
    horizontalBars({
      title,
      unit: 'GPU-hours',
      categories: teams,
      series: [
        { label: 'Granted', colour: PALETTE[0] as string, values: teams.map((team) => perTeam.get(team)?.granted ?? null) },
        { label: 'Used', colour: PALETTE[1] as string, values: teams.map((team) => perTeam.get(team)?.used ?? null) },
      ],
    }) +
    `</figure>`
  );
}

function capacityChart(review: ReviewJson): string {
  const traces = review.capacityTrace.filter((trace) => trace.points.length > 1);
  const first = traces[0];
  if (first === undefined) return '';
  const perUnit = new Map(review.capacity.map((c) => [c.resource, c.gpuEquivalent === null ? 0 : Number(c.gpuEquivalent)]));
  const times = first.points.map((p) => Date.parse(p.at));
  const total = (pick: 'plannable' | 'requested'): number[] =>
    times.map((_, i) => traces.reduce((sum, trace) => sum + (drawn(trace.points[i]?.[pick] ?? '0') ?? 0) * (perUnit.get(trace.resource) ?? 0), 0));
  const title = `Accelerator capacity over ${review.cycle.name} (GPU-equivalents)`;
  return (
    `<figure class="chart" data-chart="capacity"><figcaption>${escapeHtml(title)}</figcaption>` +
    stepLines({
      title,
      unit: 'GPU-equivalents',
      times,
      series: [
        { label: 'Plannable', colour: PALETTE[1] as string, values: total('plannable') },
        { label: 'Requested', colour: PALETTE[3] as string, values: total('requested') },
      ],
    }) +
    `</figure>`
  );
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}caption{text-align:left;font-weight:600;padding:4px 0;color:#374151}
th,td{border:1px solid #e5e7eb;padding:3px 8px;text-align:left;vertical-align:top}thead th{background:#f3f4f6}
.num{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto}.muted{color:#6b7280}
figure.chart{margin:12px 0;border:1px solid #e5e7eb;border-radius:6px;padding:8px;overflow-x:auto}figcaption{font-weight:600;margin-bottom:4px}
svg .grid{stroke:#e5e7eb}svg .tick{font-size:11px;fill:#6b7280}svg .label{font-size:12px;fill:#111827}svg .legend{font-size:12px;fill:#374151}
.kind{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600}
.lower-demand,.low-measured-use{background:#dbeafe;color:#1e40af}.gap{background:#fef3c7;padding:2px 6px;border-radius:4px}.needs-more{background:#fef3c7;color:#92400e}.over-quota,.use-above-new-quota,.use-above-quota,.alabama-paradox{background:#fee2e2;color:#991b1b}
code{background:#f3f4f6;padding:1px 4px;border-radius:3px}
`;

/** Measured use: per team GPU-hours granted, requested and busy, gaps, idle devices; or why there are none. */
function measuredHtml(review: ReviewJson): string {
  const m = review.measured;
  if (!m.available) return `<p class="gap">${escapeHtml(m.note ?? 'no measured use')}.</p>`;
  const s = m.source;
  const head =
    `<p>From ${escapeHtml(s?.url ?? '?')}${s?.selector ? ` <code>{${escapeHtml(s.selector)}}</code>` : ''}, labels ${escapeHtml(`${s?.namespaceLabel ?? '?'}/${s?.podLabel ?? '?'}`)}, ` +
    `steps of ${s?.stepSeconds ?? '?'} s: ${escapeHtml(time(m.from))} to ${escapeHtml(time(m.to))}, ${escapeHtml(m.measuredHours ?? '?')} h with samples.</p>` +
    (m.gaps.length === 0
      ? ''
      : `<p class="gap">No samples for ${escapeHtml(m.gapHours ?? '?')} h (${m.gaps.map((g) => `${escapeHtml(time(g.from))} to ${escapeHtml(time(g.to))}`).join(', ')}): not counted as idle or busy.</p>`) +
    m.warnings.map((w) => `<p class="gap">Prometheus warning: ${escapeHtml(w)}</p>`).join('');
  const teams = table(
    'GPU-hours per team: granted, requested, measured',
    ['Team', 'GPU-hours granted', 'GPU-hours requested', 'GPU-hours allocated (measured)', 'GPU-hours busy', 'Busy % granted', 'Busy % requested', 'Busy % allocated', 'GPU memory used, MiB per device (average)', 'GPU memory used, MiB (peak)'],
    m.teams.map((t) => [`${t.team}${t.leaf ? '' : ' (all sub-teams)'}`, t.grantedGpuHours, t.requestedGpuHours, t.allocatedGpuHours, t.busyGpuHours, t.busyOfGranted, t.busyOfRequested, t.busyOfAllocated, t.memoryAverageMib, t.memoryPeakMib]),
    [false, true, true, true, true, true, true, true, true, true],
  );
  const unowned =
    m.unowned.length === 0
      ? ''
      : `<p>Namespaces no team owns: ${m.unowned.map((n) => `${escapeHtml(n.namespace)} (${escapeHtml(n.busyGpuHours)} busy of ${escapeHtml(n.allocatedGpuHours)} GPU-hours${escapeHtml(memoryText(n))})`).join(', ')}.</p>`;
  const idle =
    m.idle.length === 0
      ? '<p>No idle GPUs.</p>'
      : table(
          `Idle GPUs (below ${s?.idleBelow ?? '?'} activity for at least ${s?.idleForHours ?? '?'} h)`,
          ['Team', 'Namespace', 'Pod', 'GPU model', 'MIG profile', 'Node', 'Device', 'Hours idle', 'Memory used while idle, MiB (average)', 'Memory used while idle, MiB (peak)'],
          m.idle.map((d) => [d.team ?? '(no team)', d.namespace, d.pod, d.model, d.profile, d.host, d.device, d.idleHours, d.idleMemoryAverageMib, d.idleMemoryPeakMib]),
          [false, false, false, false, false, false, false, true, true, true],
        );
  return `${head}${teams}<p class="muted">Granted and requested: NVIDIA resources only, over the snapshots' window. Busy: engine-active time, MIG instances by their share of a GPU. Memory: DCGM_FI_DEV_FB_USED, MiB in use per device held, and the highest sample of one device.</p>${unowned}${idle}`;
}

/** ResourceQuotas and the schedulers' quotas in force at the cycle's last snapshot. */
function quotasInForceHtml(review: ReviewJson): string {
  const quotas = review.quotasInForce;
  if (quotas === null) return '<h2>Quotas in force</h2>\n<p>No snapshot in this cycle: nothing to show.</p>';
  const intro = quotasInForceIntro(quotas);
  const body =
    quotas.rows.length === 0
      ? '<p>None: no ResourceQuota, Kueue, KAI Scheduler or Volcano quota in that snapshot.</p>'
      : table('Quotas in force per object and resource', QUOTAS_IN_FORCE_HEADER, quotas.rows.map(quotaInForceCells), QUOTAS_IN_FORCE_NUMERIC);
  return `<h2>${escapeHtml(intro.title)}</h2>\n<p class="muted">${escapeHtml(intro.note)}</p>\n${body}`;
}

/** The DRA section: per DeviceClass and model, physical GPUs, transitional pools; nothing without DRA. */
function draHtml(review: ReviewJson): string {
  const dra = review.dra;
  if (dra === null) return '';
  const rows = table(
    'DRA devices (ResourceSlices) by DeviceClass and model',
    ['DeviceClass', 'Model', 'Devices', 'Physical GPUs', 'Allocated (claims)', 'Quota key'],
    dra.classes.map((c) => [c.deviceClass, c.model, draDevicesText(c), c.physicalGpus, c.allocated, c.quotaKey]),
    [false, false, true, true, true, false],
  );
  const pools =
    dra.transitionalPools.length === 0
      ? 'Transitional pools: none.'
      : `Transitional pools, not counted until their driver has published every slice: ${transitionalPoolsText(dra.transitionalPools)}.`;
  return (
    `<h2>DRA devices (ResourceSlices), by DeviceClass</h2>\n${rows}\n` +
    `<p>Physical GPUs behind all DeviceClasses, each counted once: ${dra.physicalGpus}.</p>\n<p>${escapeHtml(pools)}</p>\n<p class="muted">${escapeHtml(DRA_NOTE)}</p>\n`
  );
}

export function reviewHtml(review: ReviewJson): string {
  const c = review.coverage;
  const summary = [
    `<li>Cycle: ${escapeHtml(cycleLine(review.cycle))}</li>`,
    review.previous ? `<li>Previous cycle: ${escapeHtml(`${review.previous.cycle} (plan ${review.previous.planId})`)}</li>` : '',
    `<li>Next cycle: ${escapeHtml(review.next ? cycleLine(review.next.cycle) : 'none started yet')}</li>`,
    c
      ? `<li>Use measured from ${escapeHtml(time(c.from))} to ${escapeHtml(time(c.to))}: ${escapeHtml(c.hours)} h${c.cycleHours ? ` of ${escapeHtml(c.cycleHours)} h` : ''}, ${snapshotCount(c.snapshots)}; each snapshot's requests hold until the next one.</li>`
      : `<li>${escapeHtml(noCoverage(review.snapshotsInCycle))}</li>`,
    `<li>Rules: average below ${escapeHtml(review.rules.underUseAverageBelow)} of quota → propose demand = ${escapeHtml(review.rules.proposeFrom)} rounded up; peak above ${escapeHtml(review.rules.needsMorePeakAbove)} → flag for more; requests above quota → over-quota; measured busy below ${escapeHtml(review.rules.measuredBusyBelow)} of GPU-hours granted → propose a cut.</li>`,
  ].join('');
  const capacity = table(
    'Capacity (plannable) per resource',
    ['Resource', 'GPU per unit', `Plan ${review.previous?.cycle ?? '(previous)'}`, `Plan ${review.cycle.name}`, 'At cycle start', 'At end of data', `Plan ${review.next?.cycle.name ?? '(next)'}`],
    [
      ...review.capacity.map((r) => [r.resource, r.gpuEquivalent, ...[r.previousPlan, r.thisPlan, r.atStart, r.atEnd, r.nextPlan].map((v) => quantityTextInText(r.resource, v))]),
      ['GPU-equivalents', '', review.capacityGpus.previousPlan, review.capacityGpus.thisPlan, review.capacityGpus.atStart, review.capacityGpus.atEnd, review.capacityGpus.nextPlan],
    ],
    [false, true, true, true, true, true, true],
  );
  const use = table(
    'Use vs quota per team and resource',
    ['Team', 'Resource', 'Quota', 'Demand', 'Average', 'p95', 'Peak', 'Avg % quota', 'Peak % quota', 'h above quota', 'Next quota'],
    review.teams.map((t) => [`${teamLabel(t)}${t.leaf ? '' : ' (all sub-teams)'}`, t.resource, quantityTextInText(t.resource, t.quota), quantityTextInText(t.resource, t.demand ?? 'unlimited'), t.average, quantityTextInText(t.resource, t.p95), quantityTextInText(t.resource, t.peak), t.averageOfQuota, t.peakOfQuota, t.hoursAboveQuota, quantityTextInText(t.resource, t.nextQuota)]),
    [false, false, true, true, true, true, true, true, true, true, true],
  );
  const gpuRows = review.teams.filter((t) => t.gpuEquivalent !== null);
  const gpuTable = table(
    'GPU-hours used vs granted (granted = quota x hours measured)',
    ['Team', 'Resource', 'GPU per unit', 'Unit-hours used', 'Unit-hours granted', 'GPU-hours used', 'GPU-hours granted'],
    gpuRows.map((t) => [teamLabel(t), t.resource, t.gpuEquivalent, t.usedUnitHours, t.grantedUnitHours, t.usedGpuHours, t.grantedGpuHours]),
    [false, false, true, true, true, true, true],
  );
  const proposals =
    review.proposals.length === 0
      ? '<p>None: every team used its quota within the rules.</p>'
      : `<ul>${review.proposals
          .map(
            (p) =>
              `<li><span class="kind ${escapeHtml(p.kind)}">${escapeHtml(p.kind)}</span> <strong>${escapeHtml(p.team)}</strong> ${escapeHtml(p.resource)}` +
              (p.proposedDemand ? `: demand ${escapeHtml(quantityTextInText(p.resource, p.demand ?? 'unlimited'))} → <strong>${escapeHtml(quantityTextInText(p.resource, p.proposedDemand))}</strong>` : '') +
              ((p.kind === 'lower-demand' || p.kind === 'low-measured-use') && review.next ? ` <span class="muted">(next draft demand: ${escapeHtml(p.nextDemand ?? 'unlimited')})</span>` : '') +
              `<br><span class="muted">${escapeHtml(p.reason)}</span></li>`,
          )
          .join('')}</ul>`;
  const warnings =
    review.warnings.length === 0
      ? `<p>${review.next ? 'None.' : 'No next plan to check.'}</p>`
      : `<ul>${review.warnings.map((w) => `<li><span class="kind ${escapeHtml(w.kind)}">${escapeHtml(w.kind)}</span> ${escapeHtml(w.message)}</li>`).join('')}</ul>`;
  const title = `Allocation review: ${review.cycle.name} (cluster ${review.cluster})`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<ul>${summary}</ul>
<h2>Capacity change since the last cycle</h2>
${capacityChart(review)}
${capacity}
${draHtml(review)}<h2>Use vs quota per team</h2>
${useCharts(review)}
${use}
${quotasInForceHtml(review)}
<h2>GPU-hours used vs granted</h2>
${gpuHoursChart(review)}
${gpuTable}
<p class="muted">MIG slices and shared (time-sliced / MPS) replicas count as their fraction of one physical GPU.</p>
${review.mixedGpuEquivalents.length > 0 ? `<p class="muted">${escapeHtml(mixedNote(review.mixedGpuEquivalents))}</p>` : ''}
<h2>Measured GPU use (dcgm-exporter)</h2>
${measuredHtml(review)}
<h2>Proposed changes (${review.proposals.length})</h2>
${proposals}
<h2>Warnings (${review.warnings.length})</h2>
${warnings}
</body>
</html>
`;
}
