/**
 * `quotaplan collect`: read a cluster and store one snapshot.
 *
 *   quotaplan collect --from-file DUMP [--cluster C] [--db F] [--taken-at ISO]
 *   quotaplan collect [--kubeconfig F] [--context C | --in-cluster] [--cluster C] [--db F] [--taken-at ISO] [--quiet]
 *   quotaplan collect --watch --every DURATION [--kubeconfig F] [--context C | --in-cluster] [--cluster C] [--db F]
 *     (collect-watch.ts: a snapshot at once and every DURATION, until SIGTERM)
 *
 * Both sources produce the same `CollectedCluster`, which `storeCollected` saves in one transaction. Everything
 * that can fail on bad input (flags, the dump, the kubeconfig, the API server) happens before the database is
 * opened, so a failed collection leaves the database exactly as it was, and does not create one.
 */
import { Command, Option } from 'commander';
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { inventoryFromDumpFile } from '../collect/dump.js';
import type { Compression, WireEncoding } from '../collect/live.js';
import { progressFor } from '../collect/progress.js';
import { ValidationError } from '../errors.js';
import type { ClusterInventory } from '../inventory/types.js';
import { openStore, withStore, type Store } from '../store/open.js';
import type { SnapshotSource, SnapshotSummary } from '../store/store.js';
import { busyTimeoutFromEnvironment, dbOption } from './options.js';
import { escapeTerminalText } from '../terminal-text.js';

export interface CollectFlags {
  fromFile?: string;
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  cluster?: string;
  takenAt?: string;
  db: string;
  quiet?: boolean;
  pageSize?: number;
  encoding?: WireEncoding;
  compress?: Compression;
  watch?: boolean;
  every?: string;
}

/** What a source hands to the store: live collection and dump files both produce this. */
export interface CollectedCluster {
  inventory: ClusterInventory;
  /** The cluster's name when `--cluster` is not given: the context, or the dump file's base name. */
  defaultName: string;
  server: string | null;
  context: string | null;
  source: SnapshotSource;
}

export function collectCommand(): Command {
  return new Command('collect')
    .addOption(
      new Option('--from-file <dump>', 'a `kubectl get nodes,namespaces,pods,resourcequotas,limitranges -A -o json|yaml` dump').conflicts([
        'kubeconfig',
        'context',
        'inCluster',
      ]),
    )
    .addOption(
      new Option('--in-cluster', "the pod's service account (token, CA, KUBERNETES_SERVICE_HOST/PORT), even where a kubeconfig exists").conflicts([
        'kubeconfig',
        'context',
      ]),
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('--cluster <name>', "the cluster's name in the database (default: the context, or the dump file's base name)")
    .option('--taken-at <time>', 'when the snapshot was taken, ISO 8601 with a zone (default: now)')
    .option('--quiet', 'no progress on stderr', false)
    .option('--page-size <n>', 'read each list in pages of n objects (default: one LIST each, decoded as it streams in)', parsePageSize)
    .addOption(
      new Option('--encoding <wire>', 'LIST bodies as Kubernetes protobuf (built-in kinds) or JSON only')
        .choices(['protobuf', 'json'])
        .default('protobuf'),
    )
    .addOption(
      new Option('--compress <when>', 'ask for gzip bodies: auto = unless the API server is on loopback')
        .choices(['auto', 'always', 'never'])
        .default('auto'),
    )
    .addOption(new Option('--watch', 'keep watching the cluster and store a snapshot every --every').conflicts(['fromFile']))
    .option('--every <duration>', 'with --watch: how often to store a snapshot (30s, 15m, 1h)')
    .addOption(dbOption())
    // addCommand does not copy the program's settings: without these a bad flag would exit 1 from commander.
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: CollectFlags) => {
      if (flags.watch === true) {
        const { runCollectWatch } = await import('./collect-watch.js');
        // One store for the whole watch, opened at the first snapshot (a watch that fails before it creates no
        // database): the store's memo of the last save then spares each snapshot the encoding and hashing of every
        // node, quota and namespace that did not change (sqlite/blobs.ts), which a store opened per snapshot redid.
        let store: Store | undefined;
        try {
          await runCollectWatch(flags, {
            save: async ({ inventory, server, context, takenAt }) => {
              store ??= await openStore({ file: flags.db, ...busyTimeoutFromEnvironment() });
              return saveCollected(store, { collected: { inventory, defaultName: context, server, context, source: { kind: 'live', ref: context } }, cluster: flags.cluster, takenAt });
            },
            describe: describeSnapshot,
          });
        } finally {
          await store?.close();
        }
        return;
      }
      if (flags.every !== undefined) throw new ValidationError('--every needs --watch', { field: '--every', value: flags.every });
      const summary = await runCollect(flags, { now: new Date() });
      process.stdout.write(`${escapeTerminalText(describeSnapshot(summary))}
`);
      // The count alone ("5 warnings") sends people looking; the warnings themselves are short.
      for (const warning of summary.inventoryWarnings) process.stderr.write(`warning: ${escapeTerminalText(warning)}
`);
    });
}

/** Validates the flags, reads the source, then stores: the order that keeps a failure from touching the database. */
export async function runCollect(flags: CollectFlags, clock: { now: Date }): Promise<SnapshotSummary & { inventoryWarnings: readonly string[] }> {
  const takenAt = flags.takenAt === undefined ? clock.now : parseTakenAt(flags.takenAt);
  if (flags.cluster !== undefined) validateClusterName(flags.cluster, '--cluster');
  const collected = flags.fromFile !== undefined ? await collectFromFile(flags.fromFile) : await collectFromCluster(flags);
  const summary = await storeCollected({ db: flags.db, collected, cluster: flags.cluster, takenAt });
  return { ...summary, inventoryWarnings: collected.inventory.warnings };
}

export async function collectFromFile(file: string): Promise<CollectedCluster> {
  const inventory = await inventoryFromDumpFile(file);
  return { inventory, defaultName: dumpClusterName(file), server: null, context: null, source: { kind: 'file', ref: file } };
}

async function collectFromCluster(flags: CollectFlags): Promise<CollectedCluster> {
  // Loaded here, not at the top: the Kubernetes client is most of the CLI's code, and `--from-file` (and `plan`,
  // which imports this file) never needs it.
  const [{ loadClusterTarget }, { collectLive }] = await Promise.all([import('../collect/kubeconfig.js'), import('../collect/live.js')]);
  const target = loadClusterTarget({ kubeconfig: flags.kubeconfig, context: flags.context, inCluster: flags.inCluster });
  const progress = progressFor(process.stderr, flags.quiet ?? false);
  try {
    const collection = await collectLive({
      target,
      progress,
      pageSize: flags.pageSize,
      encoding: flags.encoding,
      compression: flags.compress,
    });
    // A scheduler or Kubeflow that is not installed is not an error: tell the person watching (as the progress
    // line, only on a terminal and without --quiet) what was not there to read.
    if (collection.absent.length > 0 && flags.quiet !== true && process.stderr.isTTY) {
      process.stderr.write(`collect: not installed on this cluster, so not read: ${collection.absent.join(', ')}\n`);
    }
    return {
      inventory: collection.inventory,
      defaultName: collection.context,
      server: collection.server,
      context: collection.context,
      source: { kind: 'live', ref: collection.context },
    };
  } finally {
    progress.finish();
  }
}

export async function storeCollected(options: {
  db: string;
  collected: CollectedCluster;
  cluster: string | undefined;
  takenAt: Date;
}): Promise<SnapshotSummary> {
  clusterNameOf(options);
  return withStore({ file: options.db, ...busyTimeoutFromEnvironment() }, (store) => saveCollected(store, options));
}

/** Stores one collection in an open store (one transaction). */
async function saveCollected(store: Store, options: { collected: CollectedCluster; cluster: string | undefined; takenAt: Date }): Promise<SnapshotSummary> {
  return store.saveSnapshot({
    cluster: { name: clusterNameOf(options), server: options.collected.server, context: options.collected.context },
    takenAt: options.takenAt,
    source: options.collected.source,
    inventory: options.collected.inventory,
  });
}

/** The name the collection is stored under: `--cluster`, else the context's or the dump's (checked either way). */
function clusterNameOf(options: { collected: CollectedCluster; cluster: string | undefined }): string {
  const name = options.cluster ?? options.collected.defaultName;
  validateClusterName(name, options.cluster === undefined ? 'default cluster name' : '--cluster');
  return name;
}

function parsePageSize(text: string): number {
  if (!/^[1-9]\d{0,5}$/.test(text)) {
    throw new ValidationError(`--page-size must be a whole number from 1 to 999999, got ${JSON.stringify(text)}`, { field: '--page-size', value: text });
  }
  return Number(text);
}

/** `prod-east.json` -> `prod-east`. */
export function dumpClusterName(file: string): string {
  const base = basename(file);
  return base.slice(0, base.length - extname(base).length) || base;
}

const takenAtSchema = z.iso.datetime({ offset: true });

export function parseTakenAt(text: string): Date {
  const parsed = takenAtSchema.safeParse(text);
  const date = new Date(text);
  if (!parsed.success || Number.isNaN(date.getTime())) {
    throw new ValidationError(
      `--taken-at must be an ISO 8601 time with a zone, e.g. 2026-10-01T09:00:00Z; got ${JSON.stringify(text)}`,
      { field: '--taken-at', value: text },
    );
  }
  return date;
}

function validateClusterName(name: string, field: string): void {
  // eslint-disable-next-line no-control-regex
  if (name.trim() !== name || name === '' || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new ValidationError(`${field}: a cluster name must be non-empty, without surrounding spaces or control characters; got ${JSON.stringify(name)}`, {
      field,
      value: name,
    });
  }
}

export function describeSnapshot(summary: SnapshotSummary): string {
  return (
    `snapshot ${summary.id} of cluster ${summary.cluster} taken at ${summary.takenAt.toISOString()}: ` +
    `${summary.nodes} nodes, ${summary.namespaces} namespaces, ${summary.pods} pods, ${summary.warnings} warnings`
  );
}
