/**
 * Writes an emitted tree (and the PR body) under `--out`, all or nothing:
 * 1. every path is built by resolveOutPath and inspected without following links (inspect.ts): a link, a file
 *    where a folder belongs or a folder where a file belongs stops everything (exit 2);
 * 2. the tree's marker (tree-marker.ts) must name this cluster and layout, or be absent: another cluster's or
 *    layout's tree in the same folder is a ConflictError (exit 4);
 * 3. files the plan no longer has are removed only when the marker was already this tree's, and only files that
 *    an exact parse shows to be this tree's objects at their own path (tree-ownership.ts);
 * 4. the writes and removals are one transaction (transaction.ts): object files, then kustomization.yaml, then
 *    removals, so that a kustomization on disk never lists a missing file.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConflictError, InternalError, ValidationError } from '../errors.js';
import type { EmittedFile } from '../emit/tree.js';
import { parseTreeMarker } from '../emit/tree-marker.js';
import { isTreeObjectFile } from '../emit/tree-ownership.js';
import { TREE_MARKER_FILE, treeRoot, underRoot, type Layout } from '../emit/tree-paths.js';
import { codeOf, filesystemError, inspectBelow, lstatOrNull, readRegularFile, type PathState } from './inspect.js';
import { resolveOutPath } from './out-path.js';
import { commitFiles, type PlannedRemoval, type PlannedWrite } from './transaction.js';

export interface ExtraFile {
  /** As the user gave it (relative to the working directory, or absolute). */
  path: string;
  content: string;
  /** The flag that named it, for messages: `--pr-body`. */
  field: string;
}

export interface WriteTreeInput {
  /** `--out` as given. */
  out: string;
  /** From buildTree: paths relative to `out`, the marker among them. */
  files: readonly EmittedFile[];
  layout: Layout;
  cluster: string;
  /** Written in the same transaction, outside the tree's rules (the user named the file). */
  extra?: readonly ExtraFile[];
}

export interface WriteTreeResult {
  written: string[];
  unchanged: number;
  removed: string[];
  /** Files that look like this tree's but were found in a folder without a marker: left for the user to check. */
  kept: string[];
}

/** Files bigger than this are never one of quotaplan's objects and are not parsed. */
const maxObjectBytes = 1024 * 1024;

/** How deep below its root a layout puts files (`namespaces/<ns>/resourcequota.yaml`). */
const maxDepth: Record<Layout, number> = { gitops: 3, flat: 1 };

export function writeTree(input: WriteTreeInput): WriteTreeResult {
  const out = outFolder(input.out);
  const writes: PlannedWrite[] = [];
  let unchanged = 0;
  const inTree = new Set<string>();
  let marker: PathState = { kind: 'absent' };
  const markerPath = underRoot(treeRoot(input.layout, input.cluster), TREE_MARKER_FILE);
  for (const file of input.files) {
    const path = resolveOutPath({ out: out.path, path: file.path });
    inTree.add(path);
    const state = out.exists ? inspectBelow({ root: out.path, path: file.path, field: '--out' }) : ({ kind: 'absent' } as const);
    if (file.path === markerPath) marker = state;
    const previous = state.kind === 'file' ? { content: state.content, mode: state.mode } : null;
    if (previous !== null && previous.content.equals(Buffer.from(file.content, 'utf8'))) unchanged += 1;
    else writes.push({ path, content: file.content, previous });
  }
  if (!inTree.has(resolveOutPath({ out: out.path, path: markerPath }))) {
    throw new InternalError(`writeTree: the tree has no ${markerPath}`);
  }

  const root = treeRoot(input.layout, input.cluster);
  const ownTree = checkMarker(marker, { path: join(out.path, markerPath), cluster: input.cluster, layout: input.layout });
  const removals: PlannedRemoval[] = [];
  const kept: string[] = [];
  if (out.exists) {
    for (const candidate of yamlFilesBelow(out.path, root, maxDepth[input.layout])) {
      const path = join(out.path, candidate);
      if (inTree.has(path)) continue;
      const state = readRegularFile(path, '--out', maxObjectBytes);
      if (state.content.length >= maxObjectBytes) continue;
      if (!isTreeObjectFile({ text: state.content.toString('utf8'), path: candidate, layout: input.layout, cluster: input.cluster })) continue;
      if (ownTree) removals.push({ path, previous: { content: state.content, mode: state.mode } });
      else kept.push(path);
    }
  }

  for (const extra of input.extra ?? []) {
    const write = extraWrite(extra);
    if (inTree.has(write.path) || writes.some((w) => w.path === write.path)) {
      throw new ValidationError(`${extra.field} ${extra.path} is a file of the tree emit writes: give another path`, { field: extra.field, value: extra.path });
    }
    if (write.previous !== null && write.previous.content.equals(Buffer.from(extra.content, 'utf8'))) unchanged += 1;
    else writes.push(write);
  }

  // Objects first, then kustomization.yaml, then removals (commitFiles keeps this order): even if the process dies
  // between two renames, the kustomization on disk lists only files that exist.
  const kustomization = resolveOutPath({ out: out.path, path: underRoot(root, 'kustomization.yaml') });
  const ordered = [...writes.filter((w) => w.path !== kustomization), ...writes.filter((w) => w.path === kustomization)];
  commitFiles({ writes: ordered, removals });
  return { written: writes.map((w) => w.path), unchanged, removed: removals.map((r) => r.path), kept };
}

/** `--out` resolved: a link the user made to their own folder is followed once, here; below it, never. */
function outFolder(given: string): { path: string; exists: boolean } {
  const absolute = resolve(given);
  let stats;
  try {
    stats = statSync(absolute);
  } catch (error) {
    if (codeOf(error) !== 'ENOENT') throw filesystemError('inspect', absolute, error);
    // Created with the first file; its nearest existing ancestor must be a folder.
    const parent = nearestExisting(dirname(absolute));
    if (!statSync(parent).isDirectory()) {
      throw new ValidationError(`--out ${given}: ${parent} is a file where emit needs a folder; nothing written`, { field: '--out', value: given });
    }
    return { path: join(realpathSync(parent), absolute.slice(parent.length)), exists: false };
  }
  if (!stats.isDirectory()) throw new ValidationError(`--out ${given} is not a folder; nothing written`, { field: '--out', value: given });
  return { path: realpathSync(absolute), exists: true };
}

function nearestExisting(path: string): string {
  let current = path;
  while (lstatOrNull(current) === null && dirname(current) !== current) current = dirname(current);
  return current;
}

/**
 * true when the marker names this cluster and layout (the folder holds this tree: stale files may go), false when
 * there is none yet (first emit here: nothing is removed). Another owner is a ConflictError.
 */
function checkMarker(state: PathState, expected: { path: string; cluster: string; layout: Layout }): boolean {
  if (state.kind === 'absent') return false;
  const owner = parseTreeMarker(state.content.toString('utf8'));
  if (owner === null) {
    throw new ConflictError(
      `${expected.path} is not a marker quotaplan wrote: emit cannot tell whose tree this folder holds; nothing written (move the file, or emit to another --out)`,
    );
  }
  if (owner.cluster !== expected.cluster) {
    throw new ConflictError(
      `${dirname(expected.path)} holds the ${owner.layout} tree of cluster ${JSON.stringify(owner.cluster)}; cluster ${JSON.stringify(expected.cluster)} ` +
        `maps to the same folder: nothing written (emit one of them to another --out)`,
    );
  }
  if (owner.layout !== expected.layout) {
    throw new ConflictError(
      `${dirname(expected.path)} holds the ${owner.layout} tree of cluster ${JSON.stringify(owner.cluster)}: nothing written (give --layout ${owner.layout}, or another --out)`,
    );
  }
  return true;
}

/** `.yaml` regular files at most `depth` levels below `root` (relative to `out`); links and hidden folders are not entered. */
function yamlFilesBelow(out: string, root: string, depth: number): string[] {
  const found: string[] = [];
  const walk = (relative: string, level: number): void => {
    const folder = relative === '' ? out : join(out, relative);
    const stats = lstatOrNull(folder);
    if (stats === null || !stats.isDirectory()) return;
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      throw filesystemError('list', folder, error);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = underRoot(relative, entry.name);
      if (entry.isFile() && entry.name.endsWith('.yaml')) found.push(path);
      else if (entry.isDirectory() && level < depth) walk(path, level + 1);
    }
  };
  walk(root, 1);
  return found.sort();
}

/** The user's own file (`--pr-body`): its folder is theirs to choose, but the file itself is never a link or a folder. */
function extraWrite(extra: ExtraFile): PlannedWrite {
  const absolute = resolve(extra.path);
  const parent = nearestExisting(dirname(absolute));
  if (!statSync(parent).isDirectory()) {
    throw new ValidationError(`${extra.field} ${extra.path}: ${parent} is a file where a folder belongs; nothing written`, { field: extra.field, value: extra.path });
  }
  const path = join(realpathSync(parent), absolute.slice(parent.length));
  const stats = lstatOrNull(path);
  if (stats === null) return { path, content: extra.content, previous: null };
  if (stats.isSymbolicLink()) {
    throw new ValidationError(`${extra.field} ${extra.path} is a symbolic link: emit never writes through links; nothing written`, { field: extra.field, value: extra.path });
  }
  if (stats.isDirectory()) throw new ValidationError(`${extra.field} ${extra.path} is a folder; nothing written`, { field: extra.field, value: extra.path });
  if (!stats.isFile()) throw new ValidationError(`${extra.field} ${extra.path} is not a regular file; nothing written`, { field: extra.field, value: extra.path });
  const state = readRegularFile(path, extra.field);
  return { path, content: extra.content, previous: { content: state.content, mode: state.mode } };
}

/** Files the user named (`--pr-body` without `--out`), with the same rules and all or nothing; the paths written. */
export function writeNamedFiles(files: readonly ExtraFile[]): string[] {
  const writes = files.map(extraWrite).filter((w, i) => w.previous === null || !w.previous.content.equals(Buffer.from(files[i]!.content, 'utf8')));
  commitFiles({ writes, removals: [] });
  return writes.map((w) => w.path);
}
