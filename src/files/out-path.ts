/**
 * The one way to build a path under an output folder (`emit --out DIR`). Names from a cluster, a dump or a teams
 * file end up in file names; whatever validation they met where they entered, a path built here never leaves the
 * folder: every segment must be a safe file name, and the joined path must still be inside the folder.
 */
import { isAbsolute, join, relative, sep } from 'node:path';
import { ValidationError } from '../errors.js';

/** Longest file name most filesystems take (NAME_MAX on Linux, macOS; ext4, APFS, XFS). */
const maxFileNameBytes = 255;

/**
 * The POSIX portable file name characters (letters, digits, `.`, `_`, `-`), not starting with `.` (no `.`, `..`,
 * hidden files, `.git`) or `-` (never read as an option by the tools that process the tree), at most 255 bytes.
 * Every valid Kubernetes object name (DNS-1123 subdomain or label) passes.
 */
export function isSafeFileName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name) && Buffer.byteLength(name) <= maxFileNameBytes;
}

/** Why `isSafeFileName` refuses a name, for messages. */
export const SAFE_FILE_NAME_RULE =
  'letters, digits, ".", "_" and "-" only, not starting with "." or "-", at most 255 bytes';

export interface OutPathInput {
  /** The output folder, absolute. */
  out: string;
  /** A path relative to it, `/`-separated. */
  path: string;
}

/** `out` joined with `path`; a ValidationError (exit 2) when a segment is not a safe file name or the result leaves `out`. */
export function resolveOutPath(input: OutPathInput): string {
  const { out, path } = input;
  if (!isAbsolute(out)) throw new ValidationError(`output folder ${JSON.stringify(out)} is not an absolute path`, { field: '--out', value: out });
  const segments = path.split('/');
  for (const segment of segments) {
    if (isSafeFileName(segment)) continue;
    throw new ValidationError(
      `refusing to write ${JSON.stringify(path)} under ${JSON.stringify(out)}: ${JSON.stringify(segment)} is not a safe file name (${SAFE_FILE_NAME_RULE})`,
      { field: '--out', value: path },
    );
  }
  const joined = join(out, ...segments);
  // Cannot happen after the segment check; kept so that a future change to it cannot open a way out.
  const inside = relative(out, joined);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new ValidationError(`refusing to write ${JSON.stringify(path)}: it resolves outside ${JSON.stringify(out)}`, { field: '--out', value: path });
  }
  return joined;
}
