/**
 * `GET /api/history?cluster=&from=&to=&plan=latest`: capacity and per-team use over time from stored snapshots
 * (the History page's line charts), with the allocation cycles' boundaries. Team use groups the namespaces the way
 * the plan's teams do (leaf teams); without a stored plan, per namespace.
 * Values are numbers for drawing; every series is one value per point of `points`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { addQuantities, type Quantity } from '../../quantity.js';
import { soleCluster, requireCluster } from '../../store/clusters.js';
import { listCycles } from '../../store/cycles.js';
import { listPlans } from '../../store/plans.js';
import { capacitySeries, namespaceUsageSeries } from '../../store/series.js';
import type { AppDeps } from '../app.js';
import { loadPlan } from '../planning.js';
import { drawingNumber } from '../team-view.js';
import { clusterName, isoTime, validate } from '../validate.js';

const historyQuery = z.object({
  cluster: clusterName.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  /** At most this many points (evenly thinned); the newest is always kept. */
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

function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = (items.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => items[Math.round(i * step)] as T);
}

export function historyRoutes(deps: AppDeps): Hono {
  return new Hono().get('/', validate('query', historyQuery), (c) => {
    const query = c.req.valid('query');
    const cluster = query.cluster === undefined ? soleCluster(deps.store.db).name : requireCluster(deps.store.db, query.cluster).name;
    const from = query.from === undefined ? new Date(0) : new Date(query.from);
    const to = query.to === undefined ? new Date(8.64e15) : new Date(query.to);
    if (from > to) throw new ValidationError('from is after to', { field: 'from', value: query.from });
    const range = { cluster, from, to };

    const capacity = thin(capacitySeries(deps.store, range), query.maxPoints);
    const kept = new Set(capacity.map((point) => point.snapshotId));
    const index = new Map(capacity.map((point, i) => [point.snapshotId, i]));
    const resources = [...new Set(capacity.flatMap((point) => Object.keys(point.resources)))].sort();
    const capacityJson = resources.map((resource) => {
      const pick = (field: 'capacity' | 'allocatable' | 'requested' | 'plannable'): number[] =>
        capacity.map((point) => {
          const figures = point.resources[resource];
          return figures === undefined ? 0 : drawingNumber(figures[field]);
        });
      return { resource, capacity: pick('capacity'), allocatable: pick('allocatable'), requested: pick('requested'), plannable: pick('plannable') };
    });

    const plans = listPlans(deps.store, { cluster });
    const loaded = plans.length === 0 ? null : loadPlan(deps.store, 'latest', cluster);
    const teamOf = new Map<string, string>();
    for (const team of loaded?.plan.teams ?? []) {
      if (team.leaf) for (const namespace of team.namespaces) teamOf.set(namespace, team.team);
    }
    const sums = new Map<string, Map<string, Quantity[]>>();
    for (const point of namespaceUsageSeries(deps.store, range)) {
      if (!kept.has(point.snapshotId)) continue;
      const group = loaded === null ? point.namespace : teamOf.get(point.namespace);
      if (group === undefined) continue; // a namespace no team owns
      const at = index.get(point.snapshotId) as number;
      const byResource = sums.get(group) ?? new Map<string, Quantity[]>();
      for (const [resource, amount] of Object.entries(point.requests)) {
        const series = byResource.get(resource) ?? [];
        const existing = series[at];
        series[at] = existing === undefined ? amount : addQuantities(existing, amount);
        byResource.set(resource, series);
      }
      sums.set(group, byResource);
    }
    const usage: HistoryJson['usage'] = [];
    for (const team of [...sums.keys()].sort()) {
      for (const [resource, series] of [...(sums.get(team) ?? new Map<string, Quantity[]>()).entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        usage.push({ team, resource, used: capacity.map((_, i) => (series[i] === undefined ? 0 : drawingNumber(series[i] as Quantity))) });
      }
    }

    const cycles = listCycles(deps.store, { cluster }).map((cycle) => ({
      name: cycle.name,
      state: cycle.state,
      startsAt: cycle.startsAt?.toISOString() ?? null,
      endsAt: cycle.endsAt?.toISOString() ?? null,
    }));
    return c.json<HistoryJson>({
      cluster,
      points: capacity.map((point) => point.takenAt.toISOString()),
      snapshotIds: capacity.map((point) => point.snapshotId),
      capacity: capacityJson,
      groupedBy: loaded === null ? 'namespace' : 'team',
      planId: loaded?.stored.id ?? null,
      usage,
      cycles,
    });
  });
}
