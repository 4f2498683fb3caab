/**
 * Connecting to a PostgreSQL quotaplan database: a node-postgres pool, drizzle over it, and the migrations in
 * `migrations/postgres/` (generated from schema.ts by drizzle-kit), applied on open under a session advisory lock
 * so that several collectors opening a new database at once do not create its tables twice.
 */
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { ExternalError } from '../../errors.js';
import { packageFile } from '../../package-files.js';
import * as schema from './schema.js';

/** The pool, or a transaction on one of its clients: what every repository function takes. */
export type Db = PgDatabase<NodePgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;

export const MIGRATIONS_FOLDER = packageFile('migrations/postgres');

/** Advisory lock keys (64-bit, chosen once): one for migrating, one for the write path (pg-store.ts). */
export const MIGRATE_LOCK = 7_119_001;
export const WRITE_LOCK = 7_119_002;
/** The first half of every cluster's lock key (two 32-bit halves: a space of its own), the name's hash the second. */
export const CLUSTER_LOCKS = 7_119;

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(an unreadable URL)';
  }
}

export interface PgConnection {
  readonly location: string;
  readonly pool: pg.Pool;
  readonly db: NodePgDatabase<typeof schema>;
}

export async function openPgConnection(options: { url: string; migrate: boolean }): Promise<PgConnection> {
  const location = redactUrl(options.url);
  const pool = new pg.Pool({ connectionString: options.url, max: 8 });
  // An idle client that loses its server (a restart) must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  const db = drizzle({ client: pool, schema });
  try {
    const client = await pool.connect();
    try {
      if (options.migrate) {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
        try {
          await migrate(drizzle({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]);
        }
      }
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new ExternalError(`cannot open database ${location}: ${(error as Error).message}`, { cause: error });
  }
  return { location, pool, db };
}
