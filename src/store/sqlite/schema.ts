/**
 * Every table of the quotaplan database. `npx drizzle-kit generate` turns this file into `migrations/`;
 * `openStore()` applies them on open. See docs/store.md for why the snapshot is split the way it is.
 */
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CYCLE_STATES } from '../store.js';

/** One row per cluster the database knows, by the name given with `--cluster` (or its default). */
export const clusters = sqliteTable('clusters', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Content-addressed storage: a value (node facts, a quota, a bucket of references, ...) is stored once under
 * the SHA-256 of its encoding, however many snapshots refer to it. `body` is deflated JSON.
 */
export const blobs = sqliteTable('blobs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  hash: blob('hash', { mode: 'buffer' }).notNull().unique(),
  body: blob('body', { mode: 'buffer' }).notNull(),
});

/**
 * A snapshot: one collection of one cluster at `taken_at`. The node, quota, limit range and profile sets are
 * roots of content-addressed trees in `blobs` (an unchanged set costs one reference); `rest_blob` holds every
 * other inventory field. `seq` orders a cluster's snapshots (1, 2, ...) and is what usage intervals refer to.
 */
export const snapshots = sqliteTable(
  'snapshots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    seq: integer('seq').notNull(),
    takenAt: integer('taken_at', { mode: 'timestamp_ms' }).notNull(),
    server: text('server'),
    context: text('context'),
    /** `live` or `file`, and what was read: the context name or the dump's path. */
    sourceKind: text('source_kind', { enum: ['live', 'file'] }).notNull(),
    sourceRef: text('source_ref').notNull(),
    nodesBlob: integer('nodes_blob')
      .notNull()
      .references(() => blobs.id),
    nodeUsageBlob: integer('node_usage_blob')
      .notNull()
      .references(() => blobs.id),
    quotasBlob: integer('quotas_blob')
      .notNull()
      .references(() => blobs.id),
    quotaUsageBlob: integer('quota_usage_blob')
      .notNull()
      .references(() => blobs.id),
    limitRangesBlob: integer('limit_ranges_blob')
      .notNull()
      .references(() => blobs.id),
    profilesBlob: integer('profiles_blob')
      .notNull()
      .references(() => blobs.id),
    restBlob: integer('rest_blob')
      .notNull()
      .references(() => blobs.id),
    /** The fleet view's figures of the snapshot (src/fleet/fleet-view.ts ClusterFigures), kept when it is saved; null for a snapshot saved before. */
    figuresBlob: integer('figures_blob').references(() => blobs.id),
    nodeCount: integer('node_count').notNull(),
    namespaceCount: integer('namespace_count').notNull(),
    podCount: integer('pod_count').notNull(),
    warningCount: integer('warning_count').notNull(),
  },
  (t) => [
    uniqueIndex('snapshots_cluster_seq').on(t.clusterId, t.seq),
    index('snapshots_cluster_taken_at').on(t.clusterId, t.takenAt),
  ],
);

/**
 * Per-namespace requests and pod counts as intervals of unchanged values: the row holds from snapshot `first_seq`
 * to `last_seq` of its cluster. A snapshot where a namespace is unchanged only moves `last_seq`. `requests` is the
 * resource list in the store's codec (`{"cpu":{"~q":"500m"}}`, keys sorted); `facts_blob` holds the namespace's
 * other fields (labels), shared by every row while they do not change. This is the History time series.
 */
export const namespaceUsage = sqliteTable(
  'namespace_usage',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    namespace: text('namespace').notNull(),
    firstSeq: integer('first_seq').notNull(),
    lastSeq: integer('last_seq').notNull(),
    factsBlob: integer('facts_blob')
      .notNull()
      .references(() => blobs.id),
    requests: text('requests').notNull(),
    pods: integer('pods').notNull(),
  },
  (t) => [index('namespace_usage_cluster_last').on(t.clusterId, t.lastSeq)],
);

/**
 * Cluster totals per snapshot and resource (canonical quantity strings): the capacity time series.
 * A handful of rows per snapshot.
 */
export const capacityPoints = sqliteTable(
  'capacity_points',
  {
    snapshotId: integer('snapshot_id')
      .notNull()
      .references(() => snapshots.id),
    resource: text('resource').notNull(),
    capacity: text('capacity').notNull(),
    allocatable: text('allocatable').notNull(),
    requested: text('requested').notNull(),
    plannable: text('plannable').notNull(),
  },
  (t) => [uniqueIndex('capacity_points_snapshot_resource').on(t.snapshotId, t.resource)],
);

/** A stored plan: the teams file it came from, verbatim, and the plan value as JSON. */
export const plans = sqliteTable(
  'plans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    cycle: text('cycle').notNull(),
    snapshotId: integer('snapshot_id').references(() => snapshots.id),
    teamsYaml: text('teams_yaml').notNull(),
    planJson: text('plan_json').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('plans_cluster_cycle').on(t.clusterId, t.cycle)],
);

const cycleStates = CYCLE_STATES;

/**
 * An allocation cycle (e.g. `2026-Q4`) of one cluster and where it stands. The rules of moving between states
 * belong to the review feature; the table only records them.
 */
export const cycles = sqliteTable(
  'cycles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    name: text('name').notNull(),
    state: text('state', { enum: cycleStates }).notNull(),
    planId: integer('plan_id').references(() => plans.id),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    approvedBy: text('approved_by'),
    approvedAt: integer('approved_at', { mode: 'timestamp_ms' }),
    approvalNote: text('approval_note'),
  },
  (t) => [uniqueIndex('cycles_cluster_name').on(t.clusterId, t.name)],
);

/** Every state change of a cycle, who made it and why: the review's audit trail. */
export const cycleEvents = sqliteTable(
  'cycle_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cycleId: integer('cycle_id')
      .notNull()
      .references(() => cycles.id),
    fromState: text('from_state', { enum: cycleStates }),
    toState: text('to_state', { enum: cycleStates }).notNull(),
    actor: text('actor'),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    note: text('note'),
  },
  (t) => [index('cycle_events_cycle').on(t.cycleId)],
);
