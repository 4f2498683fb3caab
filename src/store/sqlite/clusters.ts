/** Clusters by name in SQLite: the rows, and the rule of ../cluster-choice.ts. */
import { asc, eq } from 'drizzle-orm';
import { chooseCluster, type ClusterRow } from '../cluster-choice.js';
import type { SqliteDatabase } from './connection.js';
import { clusters } from './schema.js';

export function lookupCluster(db: SqliteDatabase, name?: string): ClusterRow {
  return chooseCluster(db.select({ id: clusters.id, name: clusters.name }).from(clusters).orderBy(asc(clusters.name)).all(), name);
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
