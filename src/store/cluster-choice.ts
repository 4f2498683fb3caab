/**
 * Which stored cluster a name (or no name) means: the one rule of `--cluster`, for both stores. Each store reads
 * its cluster rows (id and name, sorted by name) and asks `chooseCluster`.
 */
import { NotFoundError, ValidationError } from '../errors.js';

export interface ClusterRow {
  id: number;
  name: string;
}

/**
 * The cluster named (a NotFoundError listing the known names when there is none), or without a name the only
 * one (a ValidationError naming the choices when there are several, or none). `rows` are sorted by name.
 */
export function chooseCluster(rows: readonly ClusterRow[], name?: string): ClusterRow {
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
