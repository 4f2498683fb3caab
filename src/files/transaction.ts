/**
 * Writes and removes a set of files all or nothing. Every new content is first written to a temporary file beside
 * its target (created with O_EXCL|O_NOFOLLOW, synced), missing folders are created, and only when all of that
 * succeeded are the temporary files renamed over their targets and the removals done. A rename replaces a link
 * rather than following it, and a temporary file in the target's own folder never crosses filesystems. If any
 * step fails, every file already replaced or removed gets its previous bytes back, temporary files and created
 * folders go, and the failure is an ExternalError (exit 3) naming the path.
 * What this cannot do: make several renames one atomic step. A crash (kill -9, power loss) during the final renames
 * can leave some files new and some old, never a half-written file; running the same emit again completes it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { codeOf, filesystemError, lstatOrNull } from './inspect.js';

export interface PlannedWrite {
  /** Absolute. Its folders are real folders (checked by the caller) or absent. */
  path: string;
  content: string;
  /** The bytes and mode there now, restored on failure; null when the file does not exist. */
  previous: { content: Buffer; mode: number } | null;
}

export interface PlannedRemoval {
  path: string;
  previous: { content: Buffer; mode: number };
}

export interface FileTransaction {
  /** Renamed into place in this order, then the removals in theirs. */
  writes: readonly PlannedWrite[];
  removals: readonly PlannedRemoval[];
}

/** Temporary files are hidden and say whose they are, should a crash leave one behind. */
const temporaryPrefix = '.quotaplan-';

export function commitFiles(transaction: FileTransaction): void {
  const createdFolders: string[] = [];
  const staged: { write: PlannedWrite; temporary: string }[] = [];
  const done: { path: string; previous: PlannedWrite['previous'] }[] = [];
  let step = 'write';
  let stepPath = '';
  try {
    for (const write of transaction.writes) {
      stepPath = dirname(write.path);
      step = 'create the folder';
      createFolders(dirname(write.path), createdFolders);
      stepPath = write.path;
      step = 'write';
      const temporary = writeTemporary(write.path, write.content, write.previous?.mode);
      staged.push({ write, temporary });
    }
    for (const { write, temporary } of staged) {
      stepPath = write.path;
      step = 'replace';
      renameSync(temporary, write.path);
      done.push({ path: write.path, previous: write.previous });
    }
    for (const removal of transaction.removals) {
      stepPath = removal.path;
      step = 'remove';
      unlinkSync(removal.path);
      done.push({ path: removal.path, previous: removal.previous });
    }
  } catch (error) {
    const unrestored = rollBack({ done, staged, createdFolders });
    const after =
      unrestored.length === 0
        ? '; nothing was changed (every file written so far has its previous content back)'
        : `; could not restore ${unrestored.join(', ')}: check them by hand`;
    throw filesystemError(step, stepPath, error, after);
  }
}

/** Creates `folder` and its missing parents one by one, recording each so a rollback can remove it. */
function createFolders(folder: string, created: string[]): void {
  const missing: string[] = [];
  let current = folder;
  while (lstatOrNull(current) === null) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const path of missing.reverse()) {
    mkdirSync(path);
    created.push(path);
  }
}

/** A new hidden file beside `target` holding `content`, synced to disk; its path. */
function writeTemporary(target: string, content: string | Buffer, mode: number | undefined): string {
  const temporary = join(dirname(target), `${temporaryPrefix}${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  try {
    if (mode !== undefined) fchmodSync(fd, mode);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  return temporary;
}

/** Puts back every replaced or removed file, removes temporary files and created folders; the paths it could not restore. */
function rollBack(state: {
  done: { path: string; previous: PlannedWrite['previous'] }[];
  staged: { temporary: string }[];
  createdFolders: string[];
}): string[] {
  const unrestored: string[] = [];
  for (const { path, previous } of [...state.done].reverse()) {
    try {
      if (previous === null) unlinkSync(path);
      else renameSync(writeTemporary(path, previous.content, previous.mode), path);
    } catch {
      unrestored.push(path);
    }
  }
  for (const { temporary } of state.staged) {
    try {
      unlinkSync(temporary);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') unrestored.push(temporary);
    }
  }
  for (const folder of [...state.createdFolders].reverse()) {
    try {
      rmdirSync(folder);
    } catch {
      unrestored.push(`${folder}/`);
    }
  }
  return unrestored;
}
