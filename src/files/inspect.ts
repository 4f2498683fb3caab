/**
 * What is at a path below a folder, found without following any symbolic link: `emit` never writes through a link
 * planted in its tree (a repository can carry symlinks), so a link anywhere below the output folder, a file where
 * a folder belongs, or a folder where a file belongs is refused (ValidationError, exit 2) before anything is written.
 * Files are read with O_NOFOLLOW, so a link that appears after the check is not read through either.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { ExternalError, ValidationError } from '../errors.js';

export type PathState =
  | { kind: 'absent' }
  /** A regular file: its bytes and permission bits. */
  | { kind: 'file'; content: Buffer; mode: number };

export interface InspectInput {
  /** A real folder (no link in it), absolute. */
  root: string;
  /** Relative to it, `/`-separated, already checked by resolveOutPath. */
  path: string;
  /** Names the flag in messages: `--out`. */
  field: string;
}

/** The state of `root/path`; a ValidationError for a link, or a file/folder where the other belongs. */
export function inspectBelow(input: InspectInput): PathState {
  const segments = input.path.split('/');
  let current = input.root;
  for (let i = 0; i < segments.length; i++) {
    current = join(current, segments[i]!);
    const stats = lstatOrNull(current);
    if (stats === null) return { kind: 'absent' };
    const last = i === segments.length - 1;
    if (stats.isSymbolicLink()) {
      throw new ValidationError(
        `${current} is a symbolic link: emit never writes through links below ${input.field} (remove the link, or emit to another folder); nothing written`,
        { field: input.field, value: current },
      );
    }
    if (!last && !stats.isDirectory()) {
      throw new ValidationError(`${current} is a file where emit needs a folder: nothing written`, { field: input.field, value: current });
    }
    if (last && stats.isDirectory()) {
      throw new ValidationError(`${current} is a folder where emit writes a file: nothing written`, { field: input.field, value: current });
    }
    if (last && !stats.isFile()) {
      throw new ValidationError(`${current} is not a regular file (a device, socket or pipe): nothing written`, { field: input.field, value: current });
    }
  }
  return readRegularFile(current, input.field);
}

/** lstat, or null when nothing is there; any other failure names the path (exit 3). */
export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return null;
    throw filesystemError('inspect', path, error);
  }
}

/** A regular file's bytes, opened without following a link; `maxBytes` bounds what is read. */
export function readRegularFile(path: string, field: string, maxBytes = Number.POSITIVE_INFINITY): PathState & { kind: 'file' } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (codeOf(error) === 'ELOOP') {
      throw new ValidationError(`${path} is a symbolic link: emit never reads or writes through links; nothing written`, { field, value: path });
    }
    throw filesystemError('read', path, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new ValidationError(`${path} is not a regular file: nothing written`, { field, value: path });
    const size = Math.min(stats.size, maxBytes);
    const content = Buffer.alloc(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(fd, content, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return { kind: 'file', content: content.subarray(0, offset), mode: stats.mode & 0o7777 };
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw filesystemError('read', path, error);
  } finally {
    closeSync(fd);
  }
}

/** The errno code of a Node filesystem error (`ENOENT`, `EACCES`, ...), or undefined. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A filesystem failure as an ExternalError (exit 3) naming the operation, the path and the errno. */
export function filesystemError(operation: string, path: string, error: unknown, after = ''): ExternalError {
  const code = codeOf(error) ?? 'error';
  const reason = error instanceof Error ? error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '') : String(error);
  return new ExternalError(`cannot ${operation} ${path}: ${code} (${reason})${after}`, { cause: error });
}
