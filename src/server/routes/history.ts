/**
 * `GET /api/history?cluster=&resource=&from=&to=&maxPoints=1000`: capacity and per-team use over time from stored
 * snapshots (the History page's line charts), with the allocation cycles' boundaries. Team use groups the
 * namespaces the way the cluster's latest plan's teams do (leaf teams); without a stored plan, per namespace.
 * Values are numbers for drawing; every series is one value per point of `points`. A range longer than maxPoints
 * is cut into buckets drawn by their lowest and highest values (about one point per pixel of the chart by
 * default). With `resource`, only that resource's series (the page draws one resource at a time: a year is then
 * ~1.4 MB instead of ~5 MB); `resources` always lists every resource the cluster's nodes have had, for choosing one;
 * `stored` the span of all stored snapshots, for choosing a range.
 *
 * Cost: the per-snapshot totals are kept by the store (`store.historyTotals`: it decides how to sum without
 * blocking other requests; SQLite's first build runs in a worker thread) and extended when a snapshot arrives; the body is kept per
 * resource, range, newest snapshot, plan and cycles (view cache; cycles are read every time, they change state at
 * any time).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { CAPACITY_FIELDS, type CapacityField, type Grouping, type HistoryTotals, type SeqSeries } from '../../store/history-totals.js';
import type { HistoryTotalsView } from '../../store/store.js';
import { viewResponse } from '../view-cache.js';
import type { RouteDeps } from '../deps.js';
import { loadPlan } from '../planning.js';
import { clusterName, isoTime, validate } from '../validate.js';

const historyQuery = z.object({
  cluster: clusterName.optional(),
  /** Only this resource's series (e.g. `nvidia.com/gpu`); all of them when absent. */
  resource: z
    .string()
    .max(253)
    .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'expected a resource name such as nvidia.com/gpu')
    .optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  /**
   * At most this many points. A longer range is cut into buckets of consecutive snapshots, each drawn as two points
   * (its first and last snapshot) carrying the bucket's lowest and highest value of every figure in the order they
   * happened, so a short spike or dip is never thinned away.
   */
  maxPoints: z.coerce.number().int().min(2).max(20_000).default(1000),
});

export interface HistoryJson {
  cluster: string;
  /** How many snapshots the range holds (more than `points` when thinned). */
  snapshots: number;
  /** The first and last stored snapshot of the cluster, whatever the range (for choosing one); null without any. */
  stored: { from: string; to: string } | null;
  /** Snapshot times, ISO 8601, oldest first. */
  points: string[];
  snapshotIds: number[];
  /** Every resource in the cluster's capacity at some stored snapshot, sorted (whatever `resource` asked). */
  resources: string[];
  /** The resource asked for, or null for all. */
  resource: string | null;
  /** The asked resource's capacity figures (none when the nodes never had it), or every resource's. */
  capacity: Array<{ resource: string; capacity: number[]; allocatable: number[]; requested: number[]; plannable: number[] }>;
  /** `team` is a leaf team path, or a namespace name when `groupedBy` is `namespace`. */
  groupedBy: 'team' | 'namespace';
  planId: number | null;
  usage: Array<{ team: string; resource: string; used: number[] }>;
  cycles: Array<{ name: string; state: string; startsAt: string | null; endsAt: string | null }>;
}

/**
 * Positions [from, to) of `count` snapshots cut into buckets of one size (the last may be shorter), few enough that
 * two points per bucket fit in `max`. With `count <= max` every snapshot is its own bucket. One size matters: buckets
 * of 1 and 2 snapshots alternating (1,276 snapshots in 1,000 buckets) draw a steady series as a sawtooth.
 */
export function buckets(count: number, max: number): Array<{ from: number; to: number }> {
  const size = count <= max ? 1 : Math.ceil(count / Math.floor(max / 2));
  return Array.from({ length: Math.ceil(count / size) }, (_, b) => ({ from: b * size, to: Math.min(count, (b + 1) * size) }));
}

/** The positions drawn: a bucket's first and last snapshot (one point for a bucket of one). */
function drawnPositions(cuts: ReadonlyArray<{ from: number; to: number }>): number[] {
  return cuts.flatMap(({ from, to }) => (to - from === 1 ? [from] : [from, to - 1]));
}

/**
 * Per bucket of positions in `points`, the lowest and the highest value at those points' seqs (seqs of a range are
 * consecutive), in the order they happened: a rise stays a rise, a fall a fall, and a one-hour spike or dip is
 * never thinned away (min/max per bucket keeps the shape, M4-style, with the two points at the bucket's ends).
 */
function extremes(values: Float64Array, seqs: readonly number[], cuts: ReadonlyArray<{ from: number; to: number }>): number[] {
  return cuts.flatMap(({ from, to }) => {
    const first = (seqs[from] as number) - 1;
    const last = (seqs[to - 1] as number) - 1;
    let low = first;
    let high = first;
    for (let i = first + 1; i <= last; i += 1) {
      if ((values[i] as number) < (values[low] as number)) low = i;
      if ((values[i] as number) > (values[high] as number)) high = i;
    }
    if (to - from === 1) return [values[first] as number];
    return low <= high ? [values[low] as number, values[high] as number] : [values[high] as number, values[low] as number];
  });
}

/** Whether the series holds anywhere in seqs first..last. */
function presentIn(present: Uint8Array, first: number, last: number): boolean {
  for (let i = first - 1; i < last; i += 1) if (present[i] === 1) return true;
  return false;
}

/** Everything but the cycles, from the per-seq totals: what one stored plan and the stored snapshots give. */
function historyBody(
  totals: HistoryTotals,
  points: ReadonlyArray<{ snapshotId: number; seq: number; takenAt: Date }>,
  options: { cluster: string; maxPoints: number; planId: number | null; resource: string | null },
): Omit<HistoryJson, 'cycles' | 'stored'> {
  const { cluster, maxPoints, planId, resource } = options;
  const wanted = (name: string): boolean => resource === null || name === resource;
  const cuts = buckets(points.length, maxPoints);
  const kept = drawnPositions(cuts).map((position) => points[position] as { snapshotId: number; takenAt: Date });
  const seqs = points.map((point) => point.seq);
  const first = seqs[0] ?? 1;
  const last = seqs[seqs.length - 1] ?? 0;
  const resources = [...totals.capacity.keys()].sort();
  const capacity = resources.filter(wanted).flatMap((resource) => {
    const fields = totals.capacity.get(resource) as Record<CapacityField, Float64Array>;
    const [capacityFigures, allocatable, requested, plannable] = CAPACITY_FIELDS.map((field) => extremes(fields[field], seqs, cuts)) as [number[], number[], number[], number[]];
    return [{ resource, capacity: capacityFigures, allocatable, requested, plannable }];
  });
  const usage: HistoryJson['usage'] = [];
  for (const team of [...totals.usage.keys()].sort()) {
    const byResource = totals.usage.get(team) as Map<string, SeqSeries>;
    for (const resource of [...byResource.keys()].filter(wanted).sort()) {
      const series = byResource.get(resource) as SeqSeries;
      if (presentIn(series.present, first, last)) usage.push({ team, resource, used: extremes(series.values, seqs, cuts) });
    }
  }
  return {
    cluster,
    snapshots: points.length,
    points: kept.map((point) => point.takenAt.toISOString()),
    snapshotIds: kept.map((point) => point.snapshotId),
    resources,
    resource,
    capacity,
    groupedBy: planId === null ? 'namespace' : 'team',
    planId,
    usage,
  };
}

export function historyRoutes(deps: RouteDeps): Hono {
  // The totals of the last (cluster, plan) asked for: a plan regroups the namespaces, so another plan starts over.
  let kept: { key: string; totals: HistoryTotalsView } | null = null;
  const totalsOf = async (cluster: string, planId: number | null): Promise<HistoryTotalsView> => {
    const key = JSON.stringify([cluster, planId]);
    if (kept?.key !== key) {
      // Without a plan, per namespace; with one, per leaf team (namespaces no team owns are left out).
      let grouping: Grouping = { by: 'namespace' };
      if (planId !== null) {
        const teamOf = new Map<string, string>();
        for (const team of (await loadPlan(deps.store, String(planId), cluster)).plan.teams) {
          if (team.leaf) for (const namespace of team.namespaces) teamOf.set(namespace, team.team);
        }
        grouping = { by: 'team', teamOf };
      }
      // Another request may have made the view while this one loaded the plan.
      if (kept?.key !== key) kept = { key, totals: deps.store.historyTotals({ cluster, grouping, log: deps.log }) };
    }
    return kept.totals;
  };
  return new Hono().get('/', validate('query', historyQuery), async (c) => {
    const query = c.req.valid('query');
    const cluster = await deps.store.resolveCluster(query.cluster);
    const from = query.from === undefined ? new Date(0) : new Date(query.from);
    const to = query.to === undefined ? new Date(8.64e15) : new Date(query.to);
    if (from > to) throw new ValidationError('from is after to', { field: 'from', value: query.from });
    const range = { cluster, from, to };

    // Snapshots are only appended and plans never change: the newest snapshot and plan ids name what the body is made of.
    const planId = (await deps.store.listPlans({ cluster })).at(-1)?.id ?? null;
    // The first request after start (or a new plan) waits for the build; other routes are answered meanwhile.
    const totals = await (await totalsOf(cluster, planId)).current();
    // Cycles change state at any time (the Review page): read every time, and part of the key.
    const cycles = (await deps.store.listCycles({ cluster })).map((cycle) => ({
      name: cycle.name,
      state: cycle.state,
      startsAt: cycle.startsAt?.toISOString() ?? null,
      endsAt: cycle.endsAt?.toISOString() ?? null,
    }));
    const resource = query.resource ?? null;
    const key = `history:${JSON.stringify([cluster, resource, from.getTime(), to.getTime(), query.maxPoints, totals.through, planId, cycles])}`;
    const view = await deps.views.json(key, async (): Promise<HistoryJson> => {
      // A snapshot saved since the totals were brought up to date waits for the next request.
      const points = (await deps.store.snapshotPoints(range)).filter((point) => point.seq <= totals.through);
      const all = query.from === undefined && query.to === undefined ? points : (await deps.store.snapshotPoints({ cluster, from: new Date(0), to: new Date(8.64e15) })).filter((point) => point.seq <= totals.through);
      const stored = all.length === 0 ? null : { from: (all[0] as { takenAt: Date }).takenAt.toISOString(), to: (all[all.length - 1] as { takenAt: Date }).takenAt.toISOString() };
      return { ...historyBody(totals, points, { cluster, maxPoints: query.maxPoints, planId, resource }), stored, cycles };
    });
    return viewResponse(c, view);
  });
}
