/** `GET /api/snapshots`: the stored snapshots, oldest first (`?cluster=` to pick one cluster). */
import { Hono } from 'hono';
import { z } from 'zod';
import { listSnapshots, type SnapshotSummary } from '../../store/snapshots.js';
import type { AppDeps } from '../app.js';
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

export function snapshotRoutes(deps: AppDeps): Hono {
  return new Hono().get('/', validate('query', z.object({ cluster: clusterName.optional() })), (c) => {
    const { cluster } = c.req.valid('query');
    const list = listSnapshots(deps.store, cluster === undefined ? {} : { cluster });
    return c.json({ snapshots: list.map(snapshotToJson) });
  });
}
