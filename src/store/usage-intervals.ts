/**
 * Per-namespace usage as intervals of unchanged values (docs/store.md), the rules both stores follow when a
 * snapshot is stored: which intervals a snapshot extends, cuts or joins, and which it starts. These functions
 * decide; each store reads the rows they need and runs the edits they answer.
 */
import type { NamespaceFacts } from '../inventory/types.js';
import { sortedList } from './capacity-rows.js';
import { encodeValue } from './codec.js';

/** A namespace's usage as one interval row stores it. */
export interface UsageRow {
  factsBlob: number;
  requests: string;
  pods: number;
}

/** A stored interval: the row's id, namespace and seqs besides its usage. */
export interface StoredInterval extends UsageRow {
  id: number;
  namespace: string;
  firstSeq: number;
  lastSeq: number;
}

/** A new interval row. */
export interface NewInterval extends UsageRow {
  clusterId: number;
  namespace: string;
  firstSeq: number;
  lastSeq: number;
}

/** One change to the interval rows, in the order given. */
export type UsageEdit =
  | { kind: 'set-last'; id: number; lastSeq: number }
  | { kind: 'set-first'; id: number; firstSeq: number }
  | { kind: 'delete'; id: number }
  | { kind: 'insert'; row: NewInterval };

/** What the facts blob of a namespace holds: `requests` and `pods` stay as null keys so the field order survives. */
export function namespaceFactsValue(ns: NamespaceFacts): unknown {
  return { ...ns, requests: null, pods: null };
}

/** A namespace's requests as a row stores them: keys sorted, so equal lists are equal text. */
export function encodedRequests(ns: NamespaceFacts): string {
  return encodeValue(sortedList(ns.requests));
}

export const sameUsage = (a: UsageRow, b: UsageRow): boolean => a.factsBlob === b.factsBlob && a.requests === b.requests && a.pods === b.pods;

/**
 * A snapshot appended at `seq`: every namespace whose facts, requests and pods equal its interval open at the
 * previous seq extends it (`extended`, ids); the others start an interval (`started`).
 */
export function appendedUsage(options: {
  clusterId: number;
  seq: number;
  open: readonly StoredInterval[];
  usage: ReadonlyMap<string, UsageRow>;
}): { extended: number[]; started: NewInterval[] } {
  const open = new Map(options.open.map((row) => [row.namespace, row]));
  const extended: number[] = [];
  const started: NewInterval[] = [];
  for (const [namespace, usage] of options.usage) {
    const row = open.get(namespace);
    if (row !== undefined && sameUsage(row, usage)) extended.push(row.id);
    else started.push({ clusterId: options.clusterId, namespace, firstSeq: options.seq, lastSeq: options.seq, ...usage });
  }
  return { extended, started };
}

/**
 * A snapshot put at `seq` in the middle of the history (the later seqs and intervals starting there have moved up
 * by one, so seq is free), first step: an interval that spanned the place (first < seq <= last, now one seq
 * longer) stays whole when the snapshot holds the same usage for its namespace (`covered`), else is cut around it.
 */
export function spanningEdits(options: {
  clusterId: number;
  seq: number;
  spanning: readonly StoredInterval[];
  usage: ReadonlyMap<string, UsageRow>;
}): { edits: UsageEdit[]; covered: Set<string> } {
  const { clusterId, seq } = options;
  const edits: UsageEdit[] = [];
  const covered = new Set<string>();
  for (const row of options.spanning) {
    const usage = options.usage.get(row.namespace);
    if (usage !== undefined && sameUsage(row, usage)) {
      edits.push({ kind: 'set-last', id: row.id, lastSeq: row.lastSeq + 1 });
      covered.add(row.namespace);
      continue;
    }
    const { id, namespace, factsBlob, requests, pods } = row;
    edits.push({ kind: 'set-last', id, lastSeq: seq - 1 });
    edits.push({ kind: 'insert', row: { clusterId, namespace, factsBlob, requests, pods, firstSeq: seq + 1, lastSeq: row.lastSeq + 1 } });
  }
  return { edits, covered };
}

/**
 * Second step, after the first step's edits: each namespace not covered joins the interval ending just before
 * (`neighbours` with last = seq - 1) or starting just after (first = seq + 1) when equal (both, merging them), or
 * starts an interval of one seq.
 */
export function neighbourEdits(options: {
  clusterId: number;
  seq: number;
  neighbours: readonly StoredInterval[];
  usage: ReadonlyMap<string, UsageRow>;
  covered: ReadonlySet<string>;
}): UsageEdit[] {
  const { clusterId, seq } = options;
  const endingBefore = new Map(options.neighbours.filter((row) => row.lastSeq === seq - 1).map((row) => [row.namespace, row]));
  const startingAfter = new Map(options.neighbours.filter((row) => row.firstSeq === seq + 1).map((row) => [row.namespace, row]));
  const edits: UsageEdit[] = [];
  for (const [namespace, usage] of options.usage) {
    if (options.covered.has(namespace)) continue;
    const earlier = endingBefore.get(namespace);
    const later = startingAfter.get(namespace);
    const joinsEarlier = earlier !== undefined && sameUsage(earlier, usage);
    const joinsLater = later !== undefined && sameUsage(later, usage);
    if (joinsEarlier && joinsLater) {
      edits.push({ kind: 'set-last', id: earlier.id, lastSeq: later.lastSeq }, { kind: 'delete', id: later.id });
    } else if (joinsEarlier) {
      edits.push({ kind: 'set-last', id: earlier.id, lastSeq: seq });
    } else if (joinsLater) {
      edits.push({ kind: 'set-first', id: later.id, firstSeq: seq });
    } else {
      edits.push({ kind: 'insert', row: { clusterId, namespace, firstSeq: seq, lastSeq: seq, ...usage } });
    }
  }
  return edits;
}
