/**
 * A second process that holds the database's write lock the way a collector saving a large snapshot does: it opens
 * the file, begins an IMMEDIATE transaction, writes a row, prints `holding` and keeps the transaction open for the
 * given milliseconds (or, with `until-told`, until a line arrives on stdin) before committing. It speaks SQLite
 * directly (not the store) so the busy-store tests can run against any version of quotaplan.
 *
 *   node test/support/hold-write-lock.ts DB MILLISECONDS|until-told      (through tsx)
 */
import Database from 'better-sqlite3';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

const [file, ms] = process.argv.slice(2);
if (file === undefined || ms === undefined) throw new Error('usage: hold-write-lock.ts DB MILLISECONDS');
const db = new Database(file);
db.exec('BEGIN IMMEDIATE');
// An unreferenced blob: a write no reader of the store notices.
db.prepare("INSERT INTO blobs (hash, body) VALUES (randomblob(16), x'00')").run();
process.stdout.write('holding\n');
if (ms === 'until-told') await once(process.stdin, 'data');
else await sleep(Number(ms));
db.exec('COMMIT');
db.close();
process.stdout.write('released\n');
