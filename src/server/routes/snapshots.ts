/**
 * `GET /api/snapshots`: the stored snapshots, oldest first (`?cluster=` to pick one cluster). A year of hourly
 * snapshots is 8,760 rows (1.5 MB of JSON): the body is kept until a snapshot is added (snapshots are never removed
 * or changed, so their count and newest id name the list, whether a new one is the newest or was taken earlier).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { SnapshotSummary } from '../../store/store.js';
import type { RouteDeps } from '../deps.js';
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
  return new Hono().get('/', validate('query', z.object({ cluster: clusterName.optional() })), async (c) => {
    const { cluster } = c.req.valid('query');
    const only = cluster === undefined ? {} : { cluster };
    const stored = await deps.store.snapshotListVersion(only);
    const key = `snapshots:${JSON.stringify([cluster ?? null, stored.count, stored.newestId])}`;
    const view = await deps.views.json(key, async () => ({ snapshots: (await deps.store.listSnapshots(only)).map(snapshotToJson) }));
    return viewResponse(c, view);
  });
}
