/**
 * The review as Markdown, to paste into a PR or a wiki page: the same numbers as the JSON form it reads. Every
 * string from the cluster, the teams file, Prometheus or a person (cluster name, approver, note, teams, flavors,
 * namespaces, pods, nodes, warnings) goes through markdownText (or markdownCode inside backticks).
 */
import { markdownCode, markdownText } from './markdown-text.js';
import { quantityTextInText } from '../review/decimal.js';
import type { CycleJson, ReviewJson, TeamUseJson } from './review-json.js';

/** A table cell: inert text (markdownText: pipes, markup and newlines escaped), empty shown as a dash. */
function cell(text: string | number | null | undefined): string {
  if (text === null || text === undefined || text === '') return '–';
  return markdownText(String(text));
}

function table(header: readonly string[], rows: readonly (string | number | null)[][], numeric: readonly boolean[] = []): string {
  const align = header.map((_, i) => (numeric[i] ? '---:' : '---'));
  return [`| ${header.map(cell).join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

const day = (iso: string | null): string => (iso === null ? '?' : iso.slice(0, 10));
const time = (iso: string | null): string => (iso === null ? '?' : `${iso.slice(0, 16).replace('T', ' ')} UTC`);

/** The cycle in words; `text` escapes its names, approver and note for the format (identity: plain text). */
export function cycleLine(cycle: CycleJson, text: (value: string) => string = (value) => value): string {
  const approval =
    cycle.state === 'approved'
      ? `approved by ${text(cycle.approvedBy ?? '?')} on ${time(cycle.approvedAt)}${cycle.approvalNote ? ` ("${text(cycle.approvalNote)}")` : ''}`
      : cycle.state;
  return `${text(cycle.name)} (${day(cycle.startsAt)} to ${day(cycle.endsAt)}), plan ${cycle.planId ?? 'none'}, ${approval}`;
}

function teamLabel(row: Pick<TeamUseJson, 'team' | 'leaf' | 'flavors'>): string {
  return `${row.team}${row.leaf ? '' : ' (all sub-teams)'}${row.flavors.length > 0 ? ` [${row.flavors.join(', ')}]` : ''}`;
}

/** `1 snapshot`, `3 snapshots`. */
export function snapshotCount(count: number): string {
  return `${count} snapshot${count === 1 ? '' : 's'}`;
}

/** Why a review has no use to show, and what to do about it. */
export function noCoverage(snapshotsInCycle: number): string {
  return snapshotsInCycle === 0
    ? 'No snapshot taken in this cycle yet: no use to review (run quotaplan collect while it runs).'
    : `Only ${snapshotCount(snapshotsInCycle)} in this cycle so far: use over time needs a second one (run quotaplan collect again later).`;
}

export function reviewMarkdown(review: ReviewJson): string {
  const lines: string[] = [];
  lines.push(`# Allocation review: ${markdownText(review.cycle.name)} (cluster ${markdownText(review.cluster)})`, '');
  lines.push(`- Cycle: ${cycleLine(review.cycle, markdownText)}`);
  if (review.previous) lines.push(`- Previous cycle: ${markdownText(review.previous.cycle)} (plan ${review.previous.planId})`);
  lines.push(review.next ? `- Next cycle: ${cycleLine(review.next.cycle, markdownText)}` : '- Next cycle: none started yet (`quotaplan cycle start --cycle NAME`)');
  if (review.coverage) {
    const c = review.coverage;
    lines.push(
      `- Use measured from ${time(c.from)} to ${time(c.to)}: ${c.hours} h${c.cycleHours ? ` of the cycle's ${c.cycleHours} h` : ''}, ${snapshotCount(c.snapshots)} ` +
        `(each snapshot's requests hold until the next one)`,
    );
  } else {
    lines.push(`- ${noCoverage(review.snapshotsInCycle)}`);
  }
  lines.push(
    `- Rules: average below ${review.rules.underUseAverageBelow} of quota -> propose demand = ${review.rules.proposeFrom} rounded up; ` +
      `peak above ${review.rules.needsMorePeakAbove} of quota -> flag for more; requests above quota -> over-quota; ` +
      `measured busy below ${review.rules.measuredBusyBelow} of the GPU-hours granted -> propose a cut`,
    '',
  );

  lines.push('## Capacity change since the last cycle', '');
  lines.push(
    table(
      ['Resource', 'GPU per unit', `Plan ${review.previous?.cycle ?? '(previous)'}`, `Plan ${review.cycle.name}`, 'At cycle start', 'At end of data', `Plan ${review.next?.cycle.name ?? '(next)'}`],
      [
        ...review.capacity.map((c) => [c.resource, c.gpuEquivalent, ...[c.previousPlan, c.thisPlan, c.atStart, c.atEnd, c.nextPlan].map((v) => quantityTextInText(c.resource, v))]),
        ['GPU-equivalents', '', review.capacityGpus.previousPlan, review.capacityGpus.thisPlan, review.capacityGpus.atStart, review.capacityGpus.atEnd, review.capacityGpus.nextPlan],
      ],
      [false, true, true, true, true, true, true],
    ),
    '',
    'Plan columns: plannable capacity each plan divided (allocatable of ready, schedulable, non-transitional nodes).',
    '',
  );
  lines.push(...draMarkdown(review));

  lines.push('## Use vs quota per team', '');
  lines.push(
    table(
      ['Team', 'Resource', 'Quota', 'Demand', 'Average', 'p95', 'Peak', 'Avg % quota', 'Peak % quota', 'h above quota', `Next quota`],
      review.teams.map((t) => [teamLabel(t), t.resource, quantityTextInText(t.resource, t.quota), quantityTextInText(t.resource, t.demand ?? 'unlimited'), t.average, quantityTextInText(t.resource, t.p95), quantityTextInText(t.resource, t.peak), t.averageOfQuota, t.peakOfQuota, t.hoursAboveQuota, quantityTextInText(t.resource, t.nextQuota)]),
      [false, false, true, true, true, true, true, true, true, true, true],
    ),
    '',
  );

  lines.push(...quotasInForceMarkdown(review), '');

  const gpuRows = review.teams.filter((t) => t.gpuEquivalent !== null);
  if (gpuRows.length > 0) {
    lines.push('## GPU-hours used vs granted', '');
    lines.push(
      table(
        ['Team', 'Resource', 'GPU per unit', 'Unit-hours used', 'Unit-hours granted', 'GPU-hours used', 'GPU-hours granted'],
        gpuRows.map((t) => [teamLabel(t), t.resource, t.gpuEquivalent, t.usedUnitHours, t.grantedUnitHours, t.usedGpuHours, t.grantedGpuHours]),
        [false, false, true, true, true, true, true],
      ),
      '',
      'Granted = quota x hours measured. MIG slices and shared (time-sliced / MPS) replicas count as their fraction of one physical GPU.',
      '',
    );
    if (review.mixedGpuEquivalents.length > 0) lines.push(mixedNote(review.mixedGpuEquivalents.map(markdownText)), '');
  }

  lines.push(...measuredMarkdown(review), '');

  lines.push(`## Proposed changes (${review.proposals.length})`, '');
  if (review.proposals.length === 0) lines.push('None: every team used its quota within the rules.');
  for (const p of review.proposals) {
    const change =
      p.kind === 'lower-demand' || p.kind === 'low-measured-use'
        ? `demand ${cell(quantityTextInText(p.resource, p.demand ?? 'unlimited'))} -> **${cell(quantityTextInText(p.resource, p.proposedDemand))}**`
        : p.kind === 'needs-more'
          ? 'flag: needs more'
          : '**over quota**';
    const next = (p.kind === 'lower-demand' || p.kind === 'low-measured-use') && review.next ? ` (next draft demand: ${cell(p.nextDemand ?? 'unlimited')})` : '';
    lines.push(`- **${cell(p.team)}** ${cell(p.resource)}: ${change}${next}. ${markdownText(p.reason)}`);
  }
  lines.push('');

  lines.push(`## Warnings (${review.warnings.length})`, '');
  if (review.warnings.length === 0) lines.push(review.next ? 'None.' : 'No next plan to check.');
  for (const w of review.warnings) lines.push(`- ${markdownCode(w.kind)}: ${markdownText(w.message)}`);
  lines.push('');

  if (review.next && review.next.cycle.state !== 'approved') {
    const name = review.next.cycle.name;
    lines.push('## Decision', '');
    lines.push(
      review.next.cycle.state === 'draft'
        ? `Submit ${markdownText(name)} for review: ${markdownCode(`quotaplan cycle submit --cycle ${name}${review.next.planId === null ? ' --plan ID' : ''}`)}`
        : `Approve ${markdownText(name)}: ${markdownCode(`quotaplan cycle approve --cycle ${name} --plan ${review.next.planId ?? 'ID'} --by WHO --note TEXT`)}`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

export const QUOTAS_IN_FORCE_HEADER = ['Enforced by', 'Object', 'Namespace / parent', 'Flavor', 'Resource', 'Guarantee', 'Quota', 'Limit', 'Weight', 'In use', 'Pending'];
export const QUOTAS_IN_FORCE_NUMERIC = [false, false, false, false, false, true, true, true, true, true, true];

/** The section's title and what its columns mean, for the Markdown and HTML forms. */
export function quotasInForceIntro(quotas: NonNullable<ReviewJson['quotasInForce']>): { title: string; note: string } {
  return {
    title: `Quotas in force (snapshot ${quotas.snapshot}, ${time(quotas.takenAt)})`,
    note:
      'What enforced the quotas as the cycle ends: ResourceQuotas (hard as admission enforces it, and used) beside the batch schedulers\' ' +
      'quota objects. Kueue: guarantee = nominal quota - lending limit, limit = nominal quota + borrowing limit, in use and pending from the ' +
      'ClusterQueue\'s status; KAI Scheduler: quota, limit and overQuotaWeight (-1: unlimited); Volcano: guarantee, deserved, capability, ' +
      'weight, allocated.',
  };
}

/** The row's cells, in QUOTAS_IN_FORCE_HEADER's order. */
export function quotaInForceCells(row: NonNullable<ReviewJson['quotasInForce']>['rows'][number]): (string | number | null)[] {
  return [ENFORCERS[row.enforcer], row.object, row.parent, row.flavor, row.resource, row.guarantee, row.quota, row.limit, row.weight, row.inUse, row.pending];
}

const ENFORCERS: Record<NonNullable<ReviewJson['quotasInForce']>['rows'][number]['enforcer'], string> = {
  resourcequota: 'ResourceQuota',
  kueue: 'Kueue',
  kai: 'KAI Scheduler',
  volcano: 'Volcano',
};

function quotasInForceMarkdown(review: ReviewJson): string[] {
  const quotas = review.quotasInForce;
  if (quotas === null) return ['## Quotas in force', '', 'No snapshot in this cycle: nothing to show.'];
  const intro = quotasInForceIntro(quotas);
  return [
    `## ${intro.title}`,
    '',
    intro.note,
    '',
    quotas.rows.length === 0 ? 'None: no ResourceQuota, Kueue, KAI Scheduler or Volcano quota in that snapshot.' : table(QUOTAS_IN_FORCE_HEADER, quotas.rows.map(quotaInForceCells), QUOTAS_IN_FORCE_NUMERIC),
  ];
}

/** `3`, or `3 (at most)` for a class whose devices share counters. */
export function draDevicesText(row: { devices: number; partitionable: boolean; unsupported: boolean }): string {
  if (row.unsupported) return `${row.devices} (selectors not evaluated)`;
  return row.partitionable ? `${row.devices} (at most)` : String(row.devices);
}

/** The transitional pools in words: `gpu.nvidia.com/node-2 (generation 2: 1 of 2 slices)`; `text` escapes names. */
export function transitionalPoolsText(pools: NonNullable<ReviewJson['dra']>['transitionalPools'], text: (value: string) => string = (value) => value): string {
  return pools.map((p) => `${text(`${p.driver}/${p.pool}`)} (generation ${p.generation}: ${p.published} of ${p.expected} slices)`).join(', ');
}

/** The note under the DRA table: what the columns count. */
export const DRA_NOTE =
  'DRA: devices DRA drivers publish in ResourceSlices, at the cycle\'s last snapshot, beside the device-plugin capacity above. Devices: plannable devices the class selects ' +
  '(a node that is ready, schedulable and not transitional; no NoSchedule/NoExecute taint). Physical GPUs: the GPUs behind them, a dynamic-MIG GPU once however many placements it publishes. ' +
  'Allocated: devices allocated to ResourceClaims (admin access left out). Quota key: the ResourceQuota key that limits them.';

/** The DRA section: per DeviceClass and model, physical GPUs, transitional pools; nothing without DRA. */
function draMarkdown(review: ReviewJson): string[] {
  const dra = review.dra;
  if (dra === null) return [];
  return [
    '## DRA devices (ResourceSlices), by DeviceClass',
    '',
    table(
      ['DeviceClass', 'Model', 'Devices', 'Physical GPUs', 'Allocated (claims)', 'Quota key'],
      dra.classes.map((c) => [c.deviceClass, c.model, draDevicesText(c), c.physicalGpus, c.allocated, c.quotaKey]),
      [false, false, true, true, true, false],
    ),
    '',
    `Physical GPUs behind all DeviceClasses, each counted once: ${dra.physicalGpus}.`,
    '',
    dra.transitionalPools.length === 0
      ? 'Transitional pools: none.'
      : `Transitional pools, not counted until their driver has published every slice: ${transitionalPoolsText(dra.transitionalPools, markdownText)}.`,
    '',
    DRA_NOTE,
    '',
  ];
}

/** `, memory 512.0 MiB per device, peak 1024 MiB` (nothing without memory samples). */
export function memoryText(n: { memoryAverageMib: string | null; memoryPeakMib: string | null }): string {
  return n.memoryAverageMib === null ? '' : `, memory ${n.memoryAverageMib} MiB per device, peak ${n.memoryPeakMib ?? '?'} MiB`;
}

/** The measured-use section: per team GPU-hours granted, requested and busy, gaps, idle devices; or why there are none. */
function measuredMarkdown(review: ReviewJson): string[] {
  const m = review.measured;
  const lines = ['## Measured GPU use (dcgm-exporter)', ''];
  if (!m.available) return [...lines, `${markdownText(m.note ?? 'no measured use')}.`];
  const s = m.source;
  lines.push(
    `From ${markdownText(s?.url ?? '?')}${s?.selector ? ` ${markdownCode(`{${s.selector}}`)}` : ''}, labels ${markdownText(`${s?.namespaceLabel ?? '?'}/${s?.podLabel ?? '?'}`)}, in steps of ${s?.stepSeconds ?? '?'} s: ` +
      `${time(m.from)} to ${time(m.to)}, ${m.measuredHours} h with samples` +
      (m.gaps.length === 0 ? '.' : `; **no samples for ${m.gapHours} h** (${m.gaps.map((g) => `${time(g.from)} to ${time(g.to)}`).join(', ')}): not counted as idle or busy.`),
    '',
  );
  for (const warning of m.warnings) lines.push(`- Prometheus warning: ${cell(warning)}`);
  if (m.warnings.length > 0) lines.push('');
  lines.push(
    table(
      ['Team', 'GPU-hours granted', 'GPU-hours requested', 'GPU-hours allocated (measured)', 'GPU-hours busy', 'Busy % granted', 'Busy % requested', 'Busy % allocated', 'GPU memory used, MiB per device (average)', 'GPU memory used, MiB (peak)'],
      m.teams.map((t) => [`${t.team}${t.leaf ? '' : ' (all sub-teams)'}`, t.grantedGpuHours, t.requestedGpuHours, t.allocatedGpuHours, t.busyGpuHours, t.busyOfGranted, t.busyOfRequested, t.busyOfAllocated, t.memoryAverageMib, t.memoryPeakMib]),
      [false, true, true, true, true, true, true, true, true, true],
    ),
    '',
    'Granted and requested: NVIDIA resources only (what dcgm-exporter measures), over the snapshots\' window. Busy: engine-active time ' +
      '(DCGM_FI_PROF_GR_ENGINE_ACTIVE, else DCGM_FI_DEV_GPU_UTIL), MIG instances by their share of a GPU. Percentages compare busy GPUs per measured hour with granted (requested) GPUs per covered hour. ' +
      'Memory: DCGM_FI_DEV_FB_USED, MiB in use on each device held (GPU or MIG instance), averaged over the device-hours with samples; peak: the highest sample of one device.',
    '',
  );
  if (m.unowned.length > 0) {
    lines.push(`Namespaces no team owns: ${m.unowned.map((n) => `${cell(n.namespace)} (${n.busyGpuHours} busy of ${n.allocatedGpuHours} GPU-hours${memoryText(n)})`).join(', ')}.`, '');
  }
  lines.push(`### Idle GPUs (below ${s?.idleBelow ?? '?'} activity for at least ${s?.idleForHours ?? '?'} h): ${m.idle.length}`, '');
  if (m.idle.length > 0) {
    lines.push(
      table(
        ['Team', 'Namespace', 'Pod', 'GPU model', 'MIG profile', 'Node', 'Device', 'Hours idle', 'Memory used while idle, MiB (average)', 'Memory used while idle, MiB (peak)'],
        m.idle.map((d) => [d.team ?? '(no team)', d.namespace, d.pod, d.model, d.profile, d.host, d.device, d.idleHours, d.idleMemoryAverageMib, d.idleMemoryPeakMib]),
        [false, false, false, false, false, false, false, true, true, true],
      ),
    );
  } else {
    lines.push('None.');
  }
  return lines;
}

/** Why some GPU-hours are estimates. */
export function mixedNote(resources: readonly string[]): string {
  return (
    `${resources.join(', ')}: one unit is a different share of a GPU on different nodes (e.g. whole GPUs and MIG single-strategy slices under the same name), ` +
    `and a namespace's requests do not say which nodes they landed on; GPU per unit is the capacity-weighted average, so these GPU-hours are estimates (unit-hours are exact).`
  );
}
