/**
 * Every table of a PostgreSQL quotaplan database: the same tables, columns and indexes as the SQLite schema
 * (../sqlite/schema.ts), in PostgreSQL's types. drizzle builds a table from one dialect's column builders, so the
 * two files cannot share definitions; what they share is the names, the meaning of every column (documented there)
 * and the value encoding (../codec.ts). `npx drizzle-kit generate --config drizzle.postgres.config.ts` turns this
 * file into `migrations/postgres/`; the PostgreSQL store applies them on open.
 *
 * Ids are 64-bit identities read as JS numbers (exact to 2^53). Times are `timestamptz` with millisecond precision,
 * which is what a JS Date holds. Blob hashes and bodies are `bytea`.
 */
import { bigint, customType, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { CYCLE_STATES } from '../store.js';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const ref = (name: string) => bigint(name, { mode: 'number' });
const time = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const clusters = pgTable('clusters', {
  id: id(),
  name: text('name').notNull().unique(),
  createdAt: time('created_at').notNull(),
});

export const blobs = pgTable('blobs', {
  id: id(),
  hash: bytea('hash').notNull().unique(),
  body: bytea('body').notNull(),
});

export const snapshots = pgTable(
  'snapshots',
  {
    id: id(),
    clusterId: ref('cluster_id')
      .notNull()
      .references(() => clusters.id),
    seq: integer('seq').notNull(),
    takenAt: time('taken_at').notNull(),
    server: text('server'),
    context: text('context'),
    sourceKind: text('source_kind', { enum: ['live', 'file'] }).notNull(),
    sourceRef: text('source_ref').notNull(),
    nodesBlob: ref('nodes_blob')
      .notNull()
      .references(() => blobs.id),
    nodeUsageBlob: ref('node_usage_blob')
      .notNull()
      .references(() => blobs.id),
    quotasBlob: ref('quotas_blob')
      .notNull()
      .references(() => blobs.id),
    quotaUsageBlob: ref('quota_usage_blob')
      .notNull()
      .references(() => blobs.id),
    limitRangesBlob: ref('limit_ranges_blob')
      .notNull()
      .references(() => blobs.id),
    profilesBlob: ref('profiles_blob')
      .notNull()
      .references(() => blobs.id),
    restBlob: ref('rest_blob')
      .notNull()
      .references(() => blobs.id),
    /** The fleet view's figures of the snapshot (src/fleet/fleet-view.ts ClusterFigures), kept when it is saved; null for a snapshot saved before. */
    figuresBlob: ref('figures_blob').references(() => blobs.id),
    nodeCount: integer('node_count').notNull(),
    namespaceCount: integer('namespace_count').notNull(),
    podCount: integer('pod_count').notNull(),
    warningCount: integer('warning_count').notNull(),
  },
  (t) => [uniqueIndex('snapshots_cluster_seq').on(t.clusterId, t.seq), index('snapshots_cluster_taken_at').on(t.clusterId, t.takenAt)],
);

export const namespaceUsage = pgTable(
  'namespace_usage',
  {
    id: id(),
    clusterId: ref('cluster_id')
      .notNull()
      .references(() => clusters.id),
    namespace: text('namespace').notNull(),
    firstSeq: integer('first_seq').notNull(),
    lastSeq: integer('last_seq').notNull(),
    factsBlob: ref('facts_blob')
      .notNull()
      .references(() => blobs.id),
    requests: text('requests').notNull(),
    pods: integer('pods').notNull(),
  },
  (t) => [index('namespace_usage_cluster_last').on(t.clusterId, t.lastSeq)],
);

export const capacityPoints = pgTable(
  'capacity_points',
  {
    snapshotId: ref('snapshot_id')
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

export const plans = pgTable(
  'plans',
  {
    id: id(),
    clusterId: ref('cluster_id')
      .notNull()
      .references(() => clusters.id),
    cycle: text('cycle').notNull(),
    snapshotId: ref('snapshot_id').references(() => snapshots.id),
    teamsYaml: text('teams_yaml').notNull(),
    planJson: text('plan_json').notNull(),
    createdAt: time('created_at').notNull(),
  },
  (t) => [index('plans_cluster_cycle').on(t.clusterId, t.cycle)],
);

export const cycles = pgTable(
  'cycles',
  {
    id: id(),
    clusterId: ref('cluster_id')
      .notNull()
      .references(() => clusters.id),
    name: text('name').notNull(),
    state: text('state', { enum: CYCLE_STATES }).notNull(),
    planId: ref('plan_id').references(() => plans.id),
    startsAt: time('starts_at'),
    endsAt: time('ends_at'),
    createdAt: time('created_at').notNull(),
    approvedBy: text('approved_by'),
    approvedAt: time('approved_at'),
    approvalNote: text('approval_note'),
  },
  (t) => [uniqueIndex('cycles_cluster_name').on(t.clusterId, t.name)],
);

export const cycleEvents = pgTable(
  'cycle_events',
  {
    id: id(),
    cycleId: ref('cycle_id')
      .notNull()
      .references(() => cycles.id),
    fromState: text('from_state', { enum: CYCLE_STATES }),
    toState: text('to_state', { enum: CYCLE_STATES }).notNull(),
    actor: text('actor'),
    at: time('at').notNull(),
    note: text('note'),
  },
  (t) => [index('cycle_events_cycle').on(t.cycleId)],
);
