/**
 * `GET /api/history?cluster=&from=&to=&plan=latest`: capacity and per-team use over time from stored snapshots
 * (the History page's line charts), with the allocation cycles' boundaries. Team use groups the namespaces the way
 * the plan's teams do (leaf teams); without a stored plan, per namespace.
 * Values are numbers for drawing; every series is one value per point of `points`.
 */
import { eq, max } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { soleCluster, requireCluster } from '../../store/clusters.js';
import { listCycles } from '../../store/cycles.js';
import { listPlans } from '../../store/plans.js';
import { capacitySeries, namespaceUsageIntervals } from '../../store/series.js';
import { snapshots } from '../../store/schema.js';
import type { AppDeps, RouteDeps } from '../app.js';
import { loadPlan } from '../planning.js';
import { clusterName, isoTime, validate } from '../validate.js';

const historyQuery = z.object({
  cluster: clusterName.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  /**
   * At most this many points. A longer range is cut into this many buckets of consecutive snapshots; each point is
   * a bucket's newest snapshot, with the bucket's peak of every figure (so a short spike is never thinned away).
   */
  maxPoints: z.coerce.number().int().min(2).max(20_000).default(3000),
});

export interface HistoryJson {
  cluster: string;
  /** Snapshot times, ISO 8601, oldest first. */
  points: string[];
  snapshotIds: number[];
  capacity: Array<{ resource: string; capacity: number[]; allocatable: number[]; requested: number[]; plannable: number[] }>;
  /** `team` is a leaf team path, or a namespace name when `groupedBy` is `namespace`. */
  groupedBy: 'team' | 'namespace';
  planId: number | null;
  usage: Array<{ team: string; resource: string; used: number[] }>;
  cycles: Array<{ name: string; state: string; startsAt: string | null; endsAt: string | null }>;
}

/**
 * Positions [from, to) of `count` snapshots cut into at most `max` buckets of consecutive snapshots, as even as
 * possible. With `count <= max` every snapshot is its own bucket.
 */
export function buckets(count: number, max: number): Array<{ from: number; to: number }> {
  const size = Math.min(count, max);
  return Array.from({ length: size }, (_, b) => ({ from: Math.floor((b * count) / size), to: Math.floor(((b + 1) * count) / size) }));
}

/** Per bucket, the largest of `values` (nanos; `undefined` counts as zero). */
function peaks(values: ReadonlyArray<bigint | undefined>, cuts: ReadonlyArray<{ from: number; to: number }>): number[] {
  return cuts.map(({ from, to }) => {
    let peak = values[from] ?? 0n;
    for (let i = from + 1; i < to; i += 1) {
      const value = values[i] ?? 0n;
      if (value > peak) peak = value;
    }
    return Number(peak) / 1e9; // drawingNumber of the peak
  });
}

type CapacityField = 'capacity' | 'allocatable' | 'requested' | 'plannable';
const CAPACITY_FIELDS: readonly CapacityField[] = ['capacity', 'allocatable', 'requested', 'plannable'];

/** Everything but the cycles: derived from stored snapshots and one stored plan, neither of which changes. */
function historyBody(deps: AppDeps, range: { cluster: string; from: Date; to: Date }, maxPoints: number, planId: number | null): Omit<HistoryJson, 'cycles'> {
  const loaded = planId === null ? null : loadPlan(deps.store, String(planId), range.cluster);
  const teamOf = new Map<string, string>();
  for (const team of loaded?.plan.teams ?? []) {
    if (team.leaf) for (const namespace of team.namespaces) teamOf.set(namespace, team.team);
  }
  const { points, intervals } = namespaceUsageIntervals(deps.store, range);
  const cuts = buckets(points.length, maxPoints);
  const kept = cuts.map(({ to }) => points[to - 1] as { snapshotId: number; takenAt: Date });

  const capacity = capacitySeries(deps.store, range);
  const resources = [...new Set(capacity.flatMap((point) => Object.keys(point.resources)))].sort();
  const capacityJson = resources.map((resource) => {
    const figures = capacity.map((point) => point.resources[resource]);
    const [capacityPeaks, allocatable, requested, plannable] = CAPACITY_FIELDS.map((field) =>
      peaks(
        figures.map((f) => f?.[field].nanos),
        cuts,
      ),
    ) as [number[], number[], number[], number[]];
    return { resource, capacity: capacityPeaks, allocatable, requested, plannable };
  });

  // Each group's total per snapshot, from the intervals' starts and ends (a running sum), exact in nanos.
  const changes = new Map<string, Map<string, bigint[]>>();
  for (const interval of intervals) {
    const group = loaded === null ? interval.namespace : teamOf.get(interval.namespace);
    if (group === undefined) continue; // a namespace no team owns
    let byResource = changes.get(group);
    if (byResource === undefined) changes.set(group, (byResource = new Map()));
    for (const [resource, amount] of Object.entries(interval.requests)) {
      let series = byResource.get(resource);
      if (series === undefined) byResource.set(resource, (series = new Array<bigint>(points.length + 1).fill(0n)));
      series[interval.start] = (series[interval.start] as bigint) + amount.nanos;
      series[interval.end] = (series[interval.end] as bigint) - amount.nanos;
    }
  }
  const usage: HistoryJson['usage'] = [];
  for (const team of [...changes.keys()].sort()) {
    const byResource = changes.get(team) as Map<string, bigint[]>;
    for (const resource of [...byResource.keys()].sort()) {
      const series = byResource.get(resource) as bigint[];
      let total = 0n;
      for (let i = 0; i < points.length; i += 1) series[i] = total += series[i] as bigint;
      usage.push({ team, resource, used: peaks(series, cuts) });
    }
  }
  return {
    cluster: range.cluster,
    points: kept.map((point) => point.takenAt.toISOString()),
    snapshotIds: kept.map((point) => point.snapshotId),
    capacity: capacityJson,
    groupedBy: loaded === null ? 'namespace' : 'team',
    planId: loaded?.stored.id ?? null,
    usage,
  };
}

export function historyRoutes(deps: RouteDeps): Hono {
  return new Hono().get('/', validate('query', historyQuery), (c) => {
    const query = c.req.valid('query');
    const cluster = query.cluster === undefined ? soleCluster(deps.store.db).name : requireCluster(deps.store.db, query.cluster).name;
    const from = query.from === undefined ? new Date(0) : new Date(query.from);
    const to = query.to === undefined ? new Date(8.64e15) : new Date(query.to);
    if (from > to) throw new ValidationError('from is after to', { field: 'from', value: query.from });
    const range = { cluster, from, to };

    // Snapshots are only appended and plans never change: the newest snapshot and plan ids name what the body is made of.
    const planId = listPlans(deps.store, { cluster }).at(-1)?.id ?? null;
    const clusterId = requireCluster(deps.store.db, cluster).id;
    const newest = deps.store.db.select({ id: max(snapshots.id) }).from(snapshots).where(eq(snapshots.clusterId, clusterId)).get()?.id ?? null;
    const key = `history:${JSON.stringify([cluster, from.getTime(), to.getTime(), query.maxPoints, newest, planId])}`;
    const body = deps.views.json(key, () => historyBody(deps, range, query.maxPoints, planId));

    // Cycles change state at any time (the Review page): read every time, added as the last field.
    const cycles = listCycles(deps.store, { cluster }).map((cycle) => ({
      name: cycle.name,
      state: cycle.state,
      startsAt: cycle.startsAt?.toISOString() ?? null,
      endsAt: cycle.endsAt?.toISOString() ?? null,
    }));
    return c.body(`${body.slice(0, -1)},"cycles":${JSON.stringify(cycles)}}`, 200, { 'Content-Type': 'application/json' });
  });
}
