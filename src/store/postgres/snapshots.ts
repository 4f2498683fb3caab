/**
 * Snapshots in PostgreSQL: the same structure and rules as ../sqlite/snapshots.ts (keyed sets of content-addressed
 * blobs, usage intervals, capacity rows; a snapshot taken before the cluster's newest is put in its place and the
 * later ones move up a seq), written with batched statements: each statement is a round trip to the server.
 * `saveSnapshot` runs inside the caller's write transaction, which holds the store's write lock (pg-store.ts).
 */
import { and, asc, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { InternalError, NotFoundError, ValidationError } from '../../errors.js';
import type { ClusterInventory, NamespaceFacts, NodeFacts, ResourceQuotaFacts } from '../../inventory/types.js';
import type { ResourceList } from '../../resources.js';
import { capacityRows, sortedList } from '../capacity-rows.js';
import { decodeValue, encodeValue } from '../codec.js';
import type { SaveSnapshotInput, SnapshotListVersion, SnapshotSummary } from '../store.js';
import { PgBlobReader, PgBlobWriter, type BlobMemo } from './blobs.js';
import { ensureCluster, lookupCluster } from './clusters.js';
import type { Db } from './connection.js';
import { readKeyedSet, writeKeyedSet } from './keyed-set.js';
import { capacityPoints, clusters, namespaceUsage, snapshots } from './schema.js';
import { compareText } from '../../text-order.js';

type RestOfInventory = Omit<ClusterInventory, 'nodes' | 'namespaces' | 'resourceQuotas' | 'limitRanges' | 'profiles'>;

interface StoredRest {
  rest: RestOfInventory;
  namespaceOrder: string[] | null;
}

interface NodeUsage {
  requested: NodeFacts['requested'];
  pods: NodeFacts['pods'];
}

interface QuotaUsage {
  used: ResourceQuotaFacts['used'];
}

const quotaKey = (item: { namespace: string; name: string }): string => `${item.namespace}\u0000${item.name}`;

/** Rows per INSERT: 8 columns each, well under PostgreSQL's 65,535 parameters. */
const ROWS = 1000;

/** Writes one snapshot inside a write transaction; `memo` is the blob ids the store's last committed write knew. */
export async function saveSnapshot(db: Db, input: SaveSnapshotInput, memo: BlobMemo): Promise<{ summary: SnapshotSummary; known: BlobMemo }> {
  const name = input.cluster.name;
  if (name.trim() === '') throw new ValidationError('the cluster name is empty', { field: 'cluster', value: name });
  if (Number.isNaN(input.takenAt.getTime())) throw new ValidationError('the snapshot time is not a valid date', { field: 'takenAt' });
  const year = input.takenAt.getUTCFullYear();
  if (year < 1 || year > 9999) throw new ValidationError(`the snapshot time ${input.takenAt.toISOString()} is outside the years 1 to 9999`, { field: 'takenAt' });
  const namespaceNames = input.inventory.namespaces.map((ns) => ns.name);
  if (new Set(namespaceNames).size !== namespaceNames.length) throw new InternalError('the inventory lists a namespace twice');
  const writer = new PgBlobWriter(db, memo);
  const reader = new PgBlobReader(db);
  const cluster = await ensureCluster(db, name, input.takenAt);
  const [newest] = await db.select().from(snapshots).where(eq(snapshots.clusterId, cluster.id)).orderBy(desc(snapshots.seq)).limit(1);
  const appended = newest === undefined || newest.takenAt.getTime() <= input.takenAt.getTime();
  const before = appended
    ? newest
    : (
        await db
          .select()
          .from(snapshots)
          .where(and(eq(snapshots.clusterId, cluster.id), lte(snapshots.takenAt, input.takenAt)))
          .orderBy(desc(snapshots.seq))
          .limit(1)
      )[0];
  const seq = (before?.seq ?? 0) + 1;
  const previous = before ?? (await db.select().from(snapshots).where(and(eq(snapshots.clusterId, cluster.id), eq(snapshots.seq, seq))))[0];
  if (!appended) await makeRoomAt(db, cluster.id, seq);

  const inventory = input.inventory;
  const nodesBlob = await writeKeyedSet(writer, reader, {
    items: inventory.nodes,
    keyOf: (node) => node.name,
    storedValue: (node) => ({ ...node, requested: null, pods: null }),
    previousRoot: previous?.nodesBlob ?? null,
  });
  const nodeUsageBlob = await writeKeyedSet(writer, reader, {
    items: inventory.nodes,
    keyOf: (node) => node.name,
    storedValue: (node): NodeUsage => ({ requested: node.requested, pods: node.pods }),
    previousRoot: previous?.nodeUsageBlob ?? null,
  });
  const quotasBlob = await writeKeyedSet<ResourceQuotaFacts>(writer, reader, {
    items: inventory.resourceQuotas,
    keyOf: quotaKey,
    storedValue: (quota) => ({ ...quota, used: null }),
    previousRoot: previous?.quotasBlob ?? null,
  });
  const quotaUsageBlob = await writeKeyedSet<ResourceQuotaFacts>(writer, reader, {
    items: inventory.resourceQuotas,
    keyOf: quotaKey,
    storedValue: (quota): QuotaUsage => ({ used: quota.used }),
    previousRoot: previous?.quotaUsageBlob ?? null,
  });
  const limitRangesBlob = await writeKeyedSet(writer, reader, { items: inventory.limitRanges, keyOf: quotaKey, previousRoot: previous?.limitRangesBlob ?? null });
  const profilesBlob = await writeKeyedSet(writer, reader, { items: inventory.profiles, keyOf: (profile) => profile.name, previousRoot: previous?.profilesBlob ?? null });
  const { nodes, namespaces, resourceQuotas: _quotas, limitRanges: _limitRanges, profiles: _profiles, ...rest } = inventory;
  const ascending = namespaceNames.every((ns, i) => i === 0 || (namespaceNames[i - 1] as string) < ns);
  const restBlob = await writer.putValue({ rest, namespaceOrder: ascending ? null : namespaceNames } satisfies StoredRest);

  const [snapshot] = await db
    .insert(snapshots)
    .values({
      clusterId: cluster.id,
      seq,
      takenAt: input.takenAt,
      server: input.cluster.server ?? null,
      context: input.cluster.context ?? null,
      sourceKind: input.source.kind,
      sourceRef: input.source.ref,
      nodesBlob,
      nodeUsageBlob,
      quotasBlob,
      quotaUsageBlob,
      limitRangesBlob,
      profilesBlob,
      restBlob,
      nodeCount: nodes.length,
      namespaceCount: namespaces.length,
      podCount: namespaces.reduce((sum, ns) => sum + ns.pods, 0),
      warningCount: inventory.warnings.length,
    })
    .returning();
  if (snapshot === undefined) throw new InternalError('the snapshot insert returned no row');

  const usage = await usageRowsOf(writer, namespaces);
  if (appended) await appendNamespaceUsage(db, { clusterId: cluster.id, seq, previousSeq: newest?.seq ?? null, usage });
  else await insertNamespaceUsage(db, { clusterId: cluster.id, seq, usage });
  const rows = capacityRows(inventory).map((row) => ({ snapshotId: snapshot.id, ...row }));
  if (rows.length > 0) await db.insert(capacityPoints).values(rows);
  return { summary: toSummary(snapshot, name), known: writer.known };
}

async function makeRoomAt(db: Db, clusterId: number, seq: number): Promise<void> {
  // Through negative seqs, so the unique (cluster, seq) index never sees two rows with one seq mid-update.
  await db
    .update(snapshots)
    .set({ seq: sql`-(${snapshots.seq} + 1)` })
    .where(and(eq(snapshots.clusterId, clusterId), gte(snapshots.seq, seq)));
  await db
    .update(snapshots)
    .set({ seq: sql`-${snapshots.seq}` })
    .where(and(eq(snapshots.clusterId, clusterId), lt(snapshots.seq, 0)));
  await db
    .update(namespaceUsage)
    .set({ firstSeq: sql`${namespaceUsage.firstSeq} + 1`, lastSeq: sql`${namespaceUsage.lastSeq} + 1` })
    .where(and(eq(namespaceUsage.clusterId, clusterId), gte(namespaceUsage.firstSeq, seq)));
}

interface UsageRow {
  factsBlob: number;
  requests: string;
  pods: number;
}

/** Each namespace's usage row, its facts blobs stored in one batch. */
async function usageRowsOf(writer: PgBlobWriter, namespaces: readonly NamespaceFacts[]): Promise<Map<string, UsageRow>> {
  const facts = await writer.putValues(namespaces.map((ns) => ({ ...ns, requests: null, pods: null })));
  return new Map(namespaces.map((ns, i) => [ns.name, { factsBlob: facts[i] as number, requests: encodeValue(sortedList(ns.requests)), pods: ns.pods }]));
}

const sameUsage = (a: UsageRow, b: UsageRow): boolean => a.factsBlob === b.factsBlob && a.requests === b.requests && a.pods === b.pods;

const usageColumns = {
  id: namespaceUsage.id,
  namespace: namespaceUsage.namespace,
  firstSeq: namespaceUsage.firstSeq,
  lastSeq: namespaceUsage.lastSeq,
  factsBlob: namespaceUsage.factsBlob,
  requests: namespaceUsage.requests,
  pods: namespaceUsage.pods,
};

async function appendNamespaceUsage(db: Db, options: { clusterId: number; seq: number; previousSeq: number | null; usage: Map<string, UsageRow> }): Promise<void> {
  const open = new Map<string, { id: number } & UsageRow>();
  if (options.previousSeq !== null) {
    const rows = await db
      .select(usageColumns)
      .from(namespaceUsage)
      .where(and(eq(namespaceUsage.clusterId, options.clusterId), eq(namespaceUsage.lastSeq, options.previousSeq)));
    for (const row of rows) open.set(row.namespace, row);
  }
  const extended: number[] = [];
  const started: (typeof namespaceUsage.$inferInsert)[] = [];
  for (const [namespace, usage] of options.usage) {
    const row = open.get(namespace);
    if (row !== undefined && sameUsage(row, usage)) extended.push(row.id);
    else started.push({ clusterId: options.clusterId, namespace, firstSeq: options.seq, lastSeq: options.seq, ...usage });
  }
  for (let i = 0; i < extended.length; i += ROWS * 8) {
    await db
      .update(namespaceUsage)
      .set({ lastSeq: options.seq })
      .where(inArray(namespaceUsage.id, extended.slice(i, i + ROWS * 8)));
  }
  for (let i = 0; i < started.length; i += ROWS) await db.insert(namespaceUsage).values(started.slice(i, i + ROWS));
}

/** ../sqlite/snapshots.ts insertNamespaceUsage: the usage of a snapshot put at `seq` in the middle of the history. */
async function insertNamespaceUsage(db: Db, options: { clusterId: number; seq: number; usage: Map<string, UsageRow> }): Promise<void> {
  const { clusterId, seq, usage: wanted } = options;
  const spanning = await db
    .select(usageColumns)
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, clusterId), lt(namespaceUsage.firstSeq, seq), gte(namespaceUsage.lastSeq, seq)));
  const covered = new Set<string>();
  for (const row of spanning) {
    const usage = wanted.get(row.namespace);
    if (usage !== undefined && sameUsage(row, usage)) {
      await db.update(namespaceUsage).set({ lastSeq: row.lastSeq + 1 }).where(eq(namespaceUsage.id, row.id));
      covered.add(row.namespace);
      continue;
    }
    await db.update(namespaceUsage).set({ lastSeq: seq - 1 }).where(eq(namespaceUsage.id, row.id));
    const { id: _id, ...rest } = row;
    await db.insert(namespaceUsage).values({ ...rest, clusterId, firstSeq: seq + 1, lastSeq: row.lastSeq + 1 });
  }
  const neighbours = await db
    .select(usageColumns)
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, clusterId), sql`(${namespaceUsage.lastSeq} = ${seq - 1} OR ${namespaceUsage.firstSeq} = ${seq + 1})`));
  const endingBefore = new Map(neighbours.filter((row) => row.lastSeq === seq - 1).map((row) => [row.namespace, row]));
  const startingAfter = new Map(neighbours.filter((row) => row.firstSeq === seq + 1).map((row) => [row.namespace, row]));
  for (const [namespace, usage] of wanted) {
    if (covered.has(namespace)) continue;
    const earlier = endingBefore.get(namespace);
    const later = startingAfter.get(namespace);
    const joinsEarlier = earlier !== undefined && sameUsage(earlier, usage);
    const joinsLater = later !== undefined && sameUsage(later, usage);
    if (joinsEarlier && joinsLater) {
      await db.update(namespaceUsage).set({ lastSeq: later.lastSeq }).where(eq(namespaceUsage.id, earlier.id));
      await db.delete(namespaceUsage).where(eq(namespaceUsage.id, later.id));
    } else if (joinsEarlier) {
      await db.update(namespaceUsage).set({ lastSeq: seq }).where(eq(namespaceUsage.id, earlier.id));
    } else if (joinsLater) {
      await db.update(namespaceUsage).set({ firstSeq: seq }).where(eq(namespaceUsage.id, later.id));
    } else {
      await db.insert(namespaceUsage).values({ clusterId, namespace, firstSeq: seq, lastSeq: seq, ...usage });
    }
  }
}

export async function loadInventory(db: Db, snapshotId: number): Promise<ClusterInventory> {
  const [snapshot] = await db.select().from(snapshots).where(eq(snapshots.id, snapshotId));
  if (snapshot === undefined) throw new NotFoundError(`no snapshot ${snapshotId} in the database`, { field: 'snapshot', value: snapshotId });
  const reader = new PgBlobReader(db);
  const usage = (await readKeyedSet(reader, snapshot.nodeUsageBlob)) as NodeUsage[];
  const nodes = ((await readKeyedSet(reader, snapshot.nodesBlob)) as NodeFacts[]).map((node, i) => {
    const nodeUsage = usage[i];
    if (nodeUsage === undefined) throw new InternalError(`snapshot ${snapshotId}: node usage is missing for ${node.name}`);
    node.requested = nodeUsage.requested;
    node.pods = nodeUsage.pods;
    return node;
  });
  const stored = (await reader.getValue(snapshot.restBlob)) as StoredRest;
  const rows = await db
    .select({ namespace: namespaceUsage.namespace, factsBlob: namespaceUsage.factsBlob, requests: namespaceUsage.requests, pods: namespaceUsage.pods })
    .from(namespaceUsage)
    .where(and(eq(namespaceUsage.clusterId, snapshot.clusterId), lte(namespaceUsage.firstSeq, snapshot.seq), gte(namespaceUsage.lastSeq, snapshot.seq)));
  await reader.load(rows.map((row) => row.factsBlob));
  const byName = new Map(rows.map((row) => [row.namespace, row]));
  const order = stored.namespaceOrder ?? [...byName.keys()].sort(compareText);
  const namespaces = order.map((name) => {
    const row = byName.get(name);
    if (row === undefined) throw new InternalError(`snapshot ${snapshotId}: namespace ${name} is missing`);
    const ns = reader.loaded(row.factsBlob) as NamespaceFacts;
    ns.requests = decodeValue(row.requests) as ResourceList;
    ns.pods = row.pods;
    return ns;
  });
  const quotaUsage = (await readKeyedSet(reader, snapshot.quotaUsageBlob)) as QuotaUsage[];
  const resourceQuotas = ((await readKeyedSet(reader, snapshot.quotasBlob)) as ResourceQuotaFacts[]).map((quota, i) => {
    const used = quotaUsage[i];
    if (used === undefined) throw new InternalError(`snapshot ${snapshotId}: usage is missing for quota ${quota.namespace}/${quota.name}`);
    quota.used = used.used;
    return quota;
  });
  return {
    nodes,
    namespaces,
    resourceQuotas,
    limitRanges: (await readKeyedSet(reader, snapshot.limitRangesBlob)) as ClusterInventory['limitRanges'],
    profiles: (await readKeyedSet(reader, snapshot.profilesBlob)) as ClusterInventory['profiles'],
    ...stored.rest,
  };
}

type SnapshotRow = typeof snapshots.$inferSelect;

function toSummary(row: SnapshotRow, cluster: string): SnapshotSummary {
  return {
    id: row.id,
    cluster,
    seq: row.seq,
    takenAt: row.takenAt,
    server: row.server,
    context: row.context,
    source: { kind: row.sourceKind, ref: row.sourceRef },
    nodes: row.nodeCount,
    namespaces: row.namespaceCount,
    pods: row.podCount,
    warnings: row.warningCount,
  };
}

export async function listSnapshots(db: Db, options: { cluster?: string } = {}): Promise<SnapshotSummary[]> {
  const clusterFilter = options.cluster === undefined ? undefined : eq(snapshots.clusterId, (await lookupCluster(db, options.cluster)).id);
  const rows = await db
    .select({ snapshot: snapshots, cluster: clusters.name })
    .from(snapshots)
    .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
    .where(clusterFilter)
    .orderBy(asc(clusters.name), asc(snapshots.seq));
  return rows.map((row) => toSummary(row.snapshot, row.cluster));
}

export async function snapshotListVersion(db: Db, options: { cluster?: string } = {}): Promise<SnapshotListVersion> {
  const where = options.cluster === undefined ? undefined : eq(snapshots.clusterId, (await lookupCluster(db, options.cluster)).id);
  const [row] = await db
    .select({ count: sql<number>`count(*)::int`, newest: sql<string | null>`max(${snapshots.id})` })
    .from(snapshots)
    .where(where);
  return { count: row?.count ?? 0, newestId: row?.newest == null ? null : Number(row.newest) };
}

export async function getSnapshot(db: Db, id: number): Promise<SnapshotSummary> {
  const [row] = await db
    .select({ snapshot: snapshots, cluster: clusters.name })
    .from(snapshots)
    .innerJoin(clusters, eq(clusters.id, snapshots.clusterId))
    .where(eq(snapshots.id, id));
  if (row === undefined) throw new NotFoundError(`no snapshot ${id} in the database`, { field: 'snapshot', value: id });
  return toSummary(row.snapshot, row.cluster);
}

export async function resolveSnapshot(db: Db, options: { ref: string | number; cluster?: string }): Promise<SnapshotSummary> {
  if (options.ref === 'latest') {
    const cluster = await lookupCluster(db, options.cluster);
    const [row] = await db.select().from(snapshots).where(eq(snapshots.clusterId, cluster.id)).orderBy(desc(snapshots.seq)).limit(1);
    if (row === undefined) throw new ValidationError(`cluster ${cluster.name} has no snapshots`, { field: 'snapshot', value: 'latest' });
    return toSummary(row, cluster.name);
  }
  const text = String(options.ref);
  if (!/^[1-9][0-9]*$/.test(text)) {
    throw new ValidationError(`--snapshot must be a snapshot id or "latest", got ${JSON.stringify(text)}`, { field: 'snapshot', value: text });
  }
  // Past 2^53 an id is not a number exactly; none that large exists.
  if (!Number.isSafeInteger(Number(text))) throw new NotFoundError(`no snapshot ${text} in the database`, { field: 'snapshot', value: text });
  const summary = await getSnapshot(db, Number(text));
  if (options.cluster !== undefined && summary.cluster !== options.cluster) {
    throw new ValidationError(`snapshot ${text} belongs to cluster ${summary.cluster}, not ${options.cluster}`, { field: 'snapshot', value: text });
  }
  return summary;
}
