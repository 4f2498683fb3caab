/**
 * Measured GPU use in the review: what dcgm-exporter's series (read from Prometheus by src/collect/prometheus/)
 * say each team's GPUs did, beside what its quota granted and its pods requested. Pure: the reading happens before.
 *
 * Namespaces map to teams exactly as requests do: through the cycle's plan (`plan.teams[].namespaces`, resolved by
 * src/plan/namespace-owners.ts when the plan was made; a parent team has its leaves' namespaces). A namespace with
 * measured use that no team owns is listed as unowned, never dropped.
 *
 * Granted and requested GPU-hours are over the review's window (snapshots), busy GPU-hours over the measured
 * window (whole Prometheus steps with samples). The ratios compare rates so that the two windows need not be the
 * same length: busy / granted = (busy GPU-hours / measured hours) / (granted GPU-hours / covered hours).
 */
import type { IdleDevice, MeasuredUse, MemoryUse, NamespaceMeasured } from '../collect/prometheus/dcgm.js';
import type { Plan } from '../plan/plan.js';
import { add, compare, divide, multiply, ZERO, type Rational } from '../rational.js';
import { compareText } from '../text-order.js';
import { hoursOf } from './figures.js';

/** How the measured use was asked for: shown in every report so a reader knows what the figures mean. */
export interface MeasuredSource {
  url: string;
  selector: string;
  namespaceLabel: string;
  podLabel: string;
  stepSeconds: number;
  idleBelow: Rational;
  idleForHours: Rational;
}

/** What the review was given: nothing, a Prometheus that had no DCGM series, or the measured use. */
export type MeasuredInput =
  | { kind: 'not-given' }
  | { kind: 'no-series'; source: MeasuredSource; reason: string }
  | { kind: 'measured'; source: MeasuredSource; use: MeasuredUse };

export interface TeamMeasured {
  team: string;
  leaf: boolean;
  /** GPU-equivalent hours of the team's accelerator quotas over the review window. */
  grantedGpuHours: Rational;
  /** GPU-equivalent hours its pods requested (sample-and-hold over the snapshots). */
  requestedGpuHours: Rational;
  /** Engine-active GPU-hours measured. */
  busyGpuHours: Rational;
  /** GPU-hours a pod of the team held a device, as measured. */
  allocatedGpuHours: Rational;
  /** Rates compared: busy per measured hour over granted (or requested) per covered hour; null when the latter is 0. */
  busyOfGranted: Rational | null;
  busyOfRequested: Rational | null;
  /** Busy over allocated, both measured. */
  busyOfAllocated: Rational | null;
  /** GPU memory in use (MiB) per device held, averaged over the device-hours measured; null without memory samples. */
  memoryAverageMib: Rational | null;
  /** The most memory (MiB) one of its devices used; null without memory samples. */
  memoryPeakMib: Rational | null;
}

export type MeasuredReview =
  | { kind: 'none'; reason: string; source: MeasuredSource | null }
  | {
      kind: 'measured';
      source: MeasuredSource;
      from: Date;
      to: Date;
      measuredHours: Rational;
      gaps: { from: Date; to: Date }[];
      warnings: string[];
      /** Sorted by team. */
      teams: TeamMeasured[];
      /** Namespaces with measured use that no team of the plan owns. */
      unowned: NamespaceMeasured[];
      /** Idle devices with the team owning their namespace (null when none does). */
      idle: (IdleDevice & { team: string | null })[];
    };

/** Per team, GPU-hours granted and requested, from the review's per-resource rows. */
export interface TeamGpuHours {
  team: string;
  leaf: boolean;
  grantedGpuHours: Rational;
  requestedGpuHours: Rational;
}



export const NOT_GIVEN = 'no measured use (no --prometheus given)';

export function measuredReview(options: { input: MeasuredInput; plan: Plan; gpuHours: readonly TeamGpuHours[]; coveredMs: bigint | null }): MeasuredReview {
  const { input } = options;
  if (input.kind === 'not-given') return { kind: 'none', reason: NOT_GIVEN, source: null };
  if (input.kind === 'no-series') return { kind: 'none', reason: `no measured use: ${input.reason}`, source: input.source };
  const use = input.use;
  const byNamespace = new Map(use.namespaces.map((n) => [n.namespace, n]));
  const owner = new Map<string, string>();
  for (const team of options.plan.teams) if (team.leaf) for (const ns of team.namespaces) owner.set(ns, team.team);
  const coveredHours = options.coveredMs === null || options.coveredMs === 0n ? null : hoursOf(options.coveredMs);
  const rate = (hours: Rational, over: Rational | null): Rational | null => (over === null || over.numerator === 0n ? null : divide(hours, over));
  const ratio = (a: Rational | null, b: Rational | null): Rational | null => (a === null || b === null || b.numerator === 0n ? null : divide(a, b));

  const gpuHours = new Map(options.gpuHours.map((row) => [row.team, row]));
  const teams: TeamMeasured[] = [...options.plan.teams]
    .sort((a, b) => compareText(a.team, b.team))
    .map((team) => {
      let busy: Rational = ZERO;
      let allocated: Rational = ZERO;
      const measuredNamespaces: NamespaceMeasured[] = [];
      for (const ns of team.namespaces) {
        const measured = byNamespace.get(ns);
        if (measured === undefined) continue;
        busy = add(busy, measured.busyGpuHours);
        allocated = add(allocated, measured.allocatedGpuHours);
        measuredNamespaces.push(measured);
      }
      const memory = memoryOf(measuredNamespaces.map((n) => n.memory));
      const granted = gpuHours.get(team.team)?.grantedGpuHours ?? ZERO;
      const requested = gpuHours.get(team.team)?.requestedGpuHours ?? ZERO;
      const busyRate = rate(busy, use.measuredHours);
      return {
        team: team.team,
        leaf: team.leaf,
        grantedGpuHours: granted,
        requestedGpuHours: requested,
        busyGpuHours: busy,
        allocatedGpuHours: allocated,
        busyOfGranted: ratio(busyRate, rate(granted, coveredHours)),
        busyOfRequested: ratio(busyRate, rate(requested, coveredHours)),
        busyOfAllocated: ratio(busy, allocated),
        memoryAverageMib: memory.averageMib,
        memoryPeakMib: memory.peakMib,
      };
    });
  return {
    kind: 'measured',
    source: input.source,
    from: use.from,
    to: use.to,
    measuredHours: use.measuredHours,
    gaps: use.gaps,
    warnings: use.warnings,
    teams,
    unowned: use.namespaces.filter((n) => !owner.has(n.namespace)),
    idle: use.idle.map((device) => ({ ...device, team: owner.get(device.namespace) ?? null })),
  };
}

/** Memory of several namespaces together: the average per device over all their device-hours, the highest peak. */
export function memoryOf(parts: readonly MemoryUse[]): { averageMib: Rational | null; peakMib: Rational | null } {
  let mibHours: Rational = ZERO;
  let deviceHours: Rational = ZERO;
  let peakMib: Rational | null = null;
  for (const part of parts) {
    mibHours = add(mibHours, part.mibHours);
    deviceHours = add(deviceHours, part.deviceHours);
    if (part.peakMib !== null && (peakMib === null || compare(part.peakMib, peakMib) > 0)) peakMib = part.peakMib;
  }
  return { averageMib: deviceHours.numerator === 0n ? null : divide(mibHours, deviceHours), peakMib };
}

/**
 * Team GPU-hours from per-resource rows: each NVIDIA accelerator resource's unit-hours x its GPU-equivalent. Only
 * `nvidia.com/` resources: dcgm-exporter measures NVIDIA GPUs, so an AMD quota must not read as unused.
 */
export function teamGpuHours(rows: readonly { team: string; leaf: boolean; resource: string; gpuEquivalent: Rational | null; grantedUnitHours: Rational; usedUnitHours: Rational }[]): TeamGpuHours[] {
  const result = new Map<string, TeamGpuHours>();
  for (const row of rows) {
    let entry = result.get(row.team);
    if (entry === undefined) result.set(row.team, (entry = { team: row.team, leaf: row.leaf, grantedGpuHours: ZERO, requestedGpuHours: ZERO }));
    if (row.gpuEquivalent === null || !row.resource.startsWith('nvidia.com/')) continue;
    entry.grantedGpuHours = add(entry.grantedGpuHours, multiply(row.grantedUnitHours, row.gpuEquivalent));
    entry.requestedGpuHours = add(entry.requestedGpuHours, multiply(row.usedUnitHours, row.gpuEquivalent));
  }
  return [...result.values()];
}
