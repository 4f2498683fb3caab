/**
 * `GET /api/snapshots`: the stored snapshots, oldest first (`?cluster=` to pick one cluster). A year of hourly
 * snapshots is 8,760 rows (1.5 MB of JSON): the body is kept until a snapshot is added (snapshots are only appended,
 * so their count and newest id name the list).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { count, eq, max } from 'drizzle-orm';
import { requireCluster } from '../../store/clusters.js';
import { snapshots } from '../../store/schema.js';
import { listSnapshots, type SnapshotSummary } from '../../store/snapshots.js';
import type { RouteDeps } from '../app.js';
import { viewResponse } from '../view-cache.js';
import { clusterName, validate } from '../validate.js';

export interface SnapshotJson {
  id: number;
  cluster: string;
  seq: number;
  takenAt: string;
  source: { kind: string; ref: string };
  nodes: number;
  namespaces: number;
  pods: number;
  warnings: number;
}

export function snapshotToJson(summary: SnapshotSummary): SnapshotJson {
  return {
    id: summary.id,
    cluster: summary.cluster,
    seq: summary.seq,
    takenAt: summary.takenAt.toISOString(),
    source: { kind: summary.source.kind, ref: summary.source.ref },
    nodes: summary.nodes,
    namespaces: summary.namespaces,
    pods: summary.pods,
    warnings: summary.warnings,
  };
}

export function snapshotRoutes(deps: RouteDeps): Hono {
  return new Hono().get('/', validate('query', z.object({ cluster: clusterName.optional() })), (c) => {
    const { cluster } = c.req.valid('query');
    const where = cluster === undefined ? undefined : eq(snapshots.clusterId, requireCluster(deps.store.db, cluster).id);
    const stored = deps.store.db.select({ count: count(), newest: max(snapshots.id) }).from(snapshots).where(where).get();
    const key = `snapshots:${JSON.stringify([cluster ?? null, stored?.count ?? 0, stored?.newest ?? null])}`;
    const view = deps.views.json(key, () => ({
      snapshots: listSnapshots(deps.store, cluster === undefined ? {} : { cluster }).map(snapshotToJson),
    }));
    return viewResponse(c, view);
  });
}
