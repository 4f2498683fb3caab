/** Clusters by name (the PostgreSQL twin of ../sqlite/clusters.ts: the same lookup and messages). */
import { asc, eq } from 'drizzle-orm';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Db } from './connection.js';
import { clusters } from './schema.js';

export interface ClusterRow {
  id: number;
  name: string;
}

export async function lookupCluster(db: Db, name?: string): Promise<ClusterRow> {
  const rows = await db.select({ id: clusters.id, name: clusters.name }).from(clusters).orderBy(asc(clusters.name));
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
  throw new ValidationError(`the database holds several clusters (${rows.map((row) => row.name).join(', ')}): choose one with --cluster`, {
    field: 'cluster',
  });
}

export async function ensureCluster(db: Db, name: string, createdAt: Date): Promise<ClusterRow> {
  const [found] = await db.select({ id: clusters.id, name: clusters.name }).from(clusters).where(eq(clusters.name, name));
  if (found !== undefined) return found;
  const [row] = await db.insert(clusters).values({ name, createdAt }).returning({ id: clusters.id, name: clusters.name });
  return row as ClusterRow;
}

export async function listClusterNames(db: Db): Promise<string[]> {
  const rows = await db.select({ name: clusters.name }).from(clusters).orderBy(asc(clusters.name));
  return rows.map((row) => row.name);
}
