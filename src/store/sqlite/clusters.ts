/** Clusters by name: every repository function names its cluster the way the `--cluster` flag does. */
import { asc, eq } from 'drizzle-orm';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { SqliteDatabase } from './connection.js';
import { clusters } from './schema.js';

export interface ClusterRow {
  id: number;
  name: string;
}

/**
 * The one cluster lookup: the cluster named (a NotFoundError listing the known names when there is none), or
 * without a name the only one (a ValidationError naming the choices when there are several, or none).
 */
export function lookupCluster(db: SqliteDatabase, name?: string): ClusterRow {
  const rows = db.select({ id: clusters.id, name: clusters.name }).from(clusters).orderBy(asc(clusters.name)).all();
  if (name !== undefined) {
    const found = rows.find((row) => row.name === name);
    if (found !== undefined) return found;
    throw new NotFoundError(
      `no cluster ${JSON.stringify(name)} in the database (known: ${rows.length === 0 ? 'none' : rows.map((row) => row.name).join(', ')})`,
      { field: 'cluster', value: name },
    );
  }
  if (rows.length === 1) return rows[0] as ClusterRow;
  if (rows.length === 0) throw new ValidationError('the database has no snapshots yet: run `quotaplan collect` first');
  throw new ValidationError(
    `the database holds several clusters (${rows.map((row) => row.name).join(', ')}): choose one with --cluster`,
    { field: 'cluster' },
  );
}

export function ensureCluster(db: SqliteDatabase, name: string, createdAt: Date): ClusterRow {
  const found = db.select({ id: clusters.id, name: clusters.name }).from(clusters).where(eq(clusters.name, name)).get();
  if (found !== undefined) return found;
  return db.insert(clusters).values({ name, createdAt }).returning({ id: clusters.id, name: clusters.name }).get();
}

export function listClusterNames(db: SqliteDatabase): string[] {
  return db
    .select({ name: clusters.name })
    .from(clusters)
    .orderBy(asc(clusters.name))
    .all()
    .map((row) => row.name);
}
