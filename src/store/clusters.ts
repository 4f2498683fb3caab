/** Clusters by name: every repository function names its cluster the way the `--cluster` flag does. */
import { asc, eq } from 'drizzle-orm';
import { ValidationError } from '../errors.js';
import type { StoreDatabase } from './open.js';
import { clusters } from './schema.js';

export interface ClusterRow {
  id: number;
  name: string;
}

export function findCluster(db: StoreDatabase, name: string): ClusterRow | undefined {
  return db.select({ id: clusters.id, name: clusters.name }).from(clusters).where(eq(clusters.name, name)).get();
}

/** The cluster of that name; a ValidationError listing the known names when there is none. */
export function requireCluster(db: StoreDatabase, name: string): ClusterRow {
  const found = findCluster(db, name);
  if (found !== undefined) return found;
  const known = listClusterNames(db);
  throw new ValidationError(
    `no cluster ${JSON.stringify(name)} in the database (known: ${known.length === 0 ? 'none' : known.join(', ')})`,
    { field: 'cluster', value: name },
  );
}

export function ensureCluster(db: StoreDatabase, name: string, createdAt: Date): ClusterRow {
  const found = findCluster(db, name);
  if (found !== undefined) return found;
  return db.insert(clusters).values({ name, createdAt }).returning({ id: clusters.id, name: clusters.name }).get();
}

export function listClusterNames(db: StoreDatabase): string[] {
  return db
    .select({ name: clusters.name })
    .from(clusters)
    .orderBy(asc(clusters.name))
    .all()
    .map((row) => row.name);
}

/**
 * The cluster a command means when `--cluster` was not given and the database is the only hint: the only cluster,
 * or a ValidationError naming the choices.
 */
export function soleCluster(db: StoreDatabase): ClusterRow {
  const rows = db.select({ id: clusters.id, name: clusters.name }).from(clusters).orderBy(asc(clusters.name)).all();
  if (rows.length === 1) return rows[0] as ClusterRow;
  if (rows.length === 0) throw new ValidationError('the database has no snapshots yet: run `quotaplan collect` first');
  throw new ValidationError(
    `the database holds several clusters (${rows.map((row) => row.name).join(', ')}): choose one with --cluster`,
    { field: 'cluster' },
  );
}
