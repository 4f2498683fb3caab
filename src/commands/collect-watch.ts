/**
 * `quotaplan collect --watch --every DURATION`: follows the cluster (collect/watch.ts) and stores a snapshot at once,
 * then every DURATION, each in one transaction (collect.ts's saveCollected into one store kept open for the whole watch, handed in as a SnapshotWriter). SIGTERM or SIGINT ends it: a snapshot being written
 * is finished (its transaction commits or rolls back whole), none is started, and the command returns (exit 0).
 * Each snapshot line states the process's RSS and heap; the run ends (stopped or failed) with a line of their peaks.
 */
import type { Compression, WireEncoding } from '../collect/live.js';
import { ValidationError } from '../errors.js';
import type { ClusterInventory } from '../inventory/types.js';
import type { SnapshotSummary } from '../store/store.js';
import { escapeTerminalText } from '../terminal-text.js';

/** The flags of `collect` that `--watch` reads (collect.ts's CollectFlags). */
export interface WatchFlags {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  every?: string;
  pageSize?: number;
  takenAt?: string;
  encoding?: WireEncoding;
  compress?: Compression;
}

/** How a snapshot is stored and described: collect.ts's saveCollected and describeSnapshot (one transaction each). */
export interface SnapshotWriter {
  save(snapshot: { inventory: ClusterInventory; server: string; context: string; takenAt: Date }): Promise<SnapshotSummary>;
  describe(summary: SnapshotSummary): string;
}

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** `--every`: a whole number of seconds, minutes or hours (`30s`, `15m`, `1h`), at least one second. */
export function parseEvery(text: string): number {
  const match = /^([1-9]\d{0,6})(s|m|h)$/.exec(text);
  if (match === null) {
    throw new ValidationError(`--every must be a whole number of seconds, minutes or hours, e.g. 30s, 15m, 1h; got ${JSON.stringify(text)}`, {
      field: '--every',
      value: text,
    });
  }
  return Number(match[1]) * (units[match[2] as string] as number);
}

/** Resolves on the first SIGINT or SIGTERM. */
function shutdownSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** The process's memory, in bytes. */
export interface MemoryUse {
  /** Resident set size now. */
  rss: number;
  /** V8 heap in use now. */
  heapUsed: number;
  /** The kernel's high-water mark of the resident set since the process started (getrusage ru_maxrss). */
  maxRss: number;
}

/** This process's memory (process.memoryUsage, process.resourceUsage's maxRSS in KiB). */
export function processMemory(): MemoryUse {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, maxRss: process.resourceUsage().maxRSS * 1024 };
}

/** `123.4 MiB`: memory for a person reading a log (bytes are not a Kubernetes quantity). */
export function formatMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export interface WatchRun {
  /** Resolves when the collection should end (SIGTERM/SIGINT in the CLI). */
  stop?: Promise<void>;
  /** A line per stored snapshot (stdout in the CLI). */
  out?: (line: string) => void;
  /** Warnings, re-lists and resumed watches (stderr in the CLI). */
  err?: (line: string) => void;
  now?: () => Date;
  /** The memory stated on each snapshot line and, as the peak, at the end (processMemory in the CLI). */
  memory?: () => MemoryUse;
}

export async function runCollectWatch(flags: WatchFlags, writer: SnapshotWriter, run: WatchRun = {}): Promise<void> {
  if (flags.every === undefined) throw new ValidationError('--watch needs --every DURATION (e.g. --every 1h)', { field: '--every' });
  if (flags.pageSize !== undefined) throw new ValidationError('--page-size cannot be used with --watch (a watch starts from one streamed LIST)', { field: '--page-size' });
  if (flags.takenAt !== undefined) throw new ValidationError('--taken-at cannot be used with --watch (each snapshot is taken when it is written)', { field: '--taken-at' });
  const everyMs = parseEvery(flags.every);
  const out = run.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const err = run.err ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const now = run.now ?? (() => new Date());
  const stop = run.stop ?? shutdownSignal();
  const memory = run.memory ?? processMemory;
  let snapshots = 0;
  /** The largest heap in use seen (after the first lists, and at each snapshot). */
  let peakHeap = 0;
  let stopped = false;
  void stop.then(() => (stopped = true));

  const [{ loadClusterTarget }, { WatchCollector }] = await Promise.all([import('../collect/kubeconfig.js'), import('../collect/watch.js')]);
  const target = loadClusterTarget({ kubeconfig: flags.kubeconfig, context: flags.context, inCluster: flags.inCluster });
  const collector = new WatchCollector({
    target,
    encoding: flags.encoding,
    compression: flags.compress,
    log: (line) => err(escapeTerminalText(line)),
  });
  /** Waits `ms`, or less when stopped; true when stopped. */
  const pause = async (ms: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stop, collector.failed, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
    return stopped;
  };
  try {
    const started = collector.start();
    // Stopped during the first lists: their outcome no longer matters.
    started.catch(() => undefined);
    await Promise.race([started, stop]);
    if (stopped) return;
    peakHeap = Math.max(peakHeap, memory().heapUsed);
    let warnings = '';
    let next = now().getTime();
    for (;;) {
      const inventory = await Promise.race([collector.snapshot(), stop.then(() => undefined)]);
      if (inventory === undefined) return;
      const takenAt = now();
      const summary = await writer.save({ inventory, server: target.server, context: target.context, takenAt });
      snapshots++;
      // Each snapshot line states the memory the collector holds then: an operator sees it stay flat (or not).
      const use = memory();
      peakHeap = Math.max(peakHeap, use.heapUsed);
      out(`${escapeTerminalText(writer.describe(summary))}; memory: rss ${formatMiB(use.rss)}, heap ${formatMiB(use.heapUsed)}`);
      // The same warnings every interval say nothing new: printed when they change.
      const current = inventory.warnings.join('\n');
      if (current !== warnings) for (const warning of inventory.warnings) err(`warning: ${escapeTerminalText(warning)}`);
      warnings = current;
      // Fixed rate from the first snapshot; an interval that a slow snapshot overran is skipped, not caught up.
      next += everyMs;
      while (next <= now().getTime()) next += everyMs;
      if (await pause(next - now().getTime())) return;
    }
  } finally {
    await collector.stop();
    const end = memory();
    err(
      `collect --watch: ended after ${snapshots} snapshot${snapshots === 1 ? '' : 's'}; peak memory: rss ${formatMiB(Math.max(end.maxRss, end.rss))} ` +
        `(the kernel's high-water mark), heap ${formatMiB(Math.max(peakHeap, end.heapUsed))} (the most seen at a snapshot)`,
    );
  }
}
