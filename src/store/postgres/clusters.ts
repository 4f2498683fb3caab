/** Clusters by name in PostgreSQL: the rows, and the rule of ../cluster-choice.ts. */
import { asc, eq } from 'drizzle-orm';
import { chooseCluster, type ClusterRow } from '../cluster-choice.js';
import type { Db } from './connection.js';
import { clusters } from './schema.js';

export async function lookupCluster(db: Db, name?: string): Promise<ClusterRow> {
  return chooseCluster(await db.select({ id: clusters.id, name: clusters.name }).from(clusters).orderBy(asc(clusters.name)), name);
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
