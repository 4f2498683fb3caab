/**
 * `quotaplan emit --plan ID|latest (--out DIR [--layout gitops|flat] | -o yaml) [--pr-body FILE] [--target T]`: the quota
 * change set of a stored plan as files a pull request can carry, or as one YAML stream for `kubectl apply -f -`.
 * Reading (store), building (src/emit, pure) and writing stay separate.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { inventoryFromDumpFile } from '../collect/dump.js';
import { ValidationError } from '../errors.js';
import type { ClusterInventory } from '../inventory/types.js';
import { parseQuantity } from '../quantity.js';
import type { Plan } from '../plan/plan.js';
import { planFromJson } from '../plan/plan-json.js';
import { parseTeamsFile } from '../plan/teams-file.js';
import { buildQuotaChanges, type EmitOptions, type QuotaChangeSet } from '../emit/changes.js';
import { targetsFromTeamsFile } from '../emit/inputs.js';
import { buildKueueObjects } from '../emit/kueue.js';
import { buildManifests, sortManifests } from '../emit/manifests.js';
import { renderPrBody } from '../emit/pr-body.js';
import { buildTree, pathSegment, toMultiDocument, type EmittedFile, type Layout } from '../emit/tree.js';
import { openStore } from '../store/open.js';
import { getPlan } from '../store/plans.js';
import { loadInventory, resolveSnapshot } from '../store/snapshots.js';
import { dbOption } from './options.js';

/** Flags shared by `emit` and `apply`: which plan, which inventory, how quotas are named. */
export interface ChangeSetFlags {
  plan: string;
  db: string;
  cluster?: string;
  snapshot?: string;
  fromFile?: string;
  quotaName?: string;
  defaultCpuRequest?: string;
  defaultMemoryRequest?: string;
}

export type EmitTarget = 'resourcequota' | 'kueue' | 'all';

export interface EmitFlags extends ChangeSetFlags {
  target: EmitTarget;
  out?: string;
  layout: Layout;
  prBody?: string;
  output?: 'yaml';
}

export function emitCommand(): Command {
  const command = new Command('emit')
    .description('write the quota patches of a plan: a GitOps tree, a PR body, or YAML for kubectl apply')
    .option('--out <dir>', 'folder to write the tree into')
    .addOption(new Option('--layout <layout>', 'file layout under --out').choices(['gitops', 'flat']).default('gitops'))
    .option('--pr-body <file>', 'write the pull-request body (Markdown) to this file')
    .addOption(new Option('-o, --output <format>', 'print every manifest to stdout').choices(['yaml']))
    .addOption(
      new Option('--target <target>', 'ResourceQuotas/Profiles/LimitRanges, Kueue ResourceFlavors/ClusterQueues/LocalQueues, or both')
        .choices(['resourcequota', 'kueue', 'all'])
        .default('resourcequota'),
    );
  addChangeSetOptions(command);
  return command
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: EmitFlags) => {
      if (flags.out === undefined && flags.output === undefined && flags.prBody === undefined) {
        throw new ValidationError('emit: give --out DIR, -o yaml, or --pr-body FILE', { field: '--out' });
      }
      const { changes, plan, inventory } = await loadEmitInputs(flags);
      const kueue = flags.target === 'resourcequota' ? undefined : buildKueueObjects({ plan, changes, inventory });
      const manifests = sortManifests([
        ...(flags.target === 'kueue' ? [] : buildManifests(changes, 'full')),
        ...(kueue?.manifests ?? []),
      ]);
      if (flags.out !== undefined) {
        const root = flags.layout === 'gitops' ? `clusters/${pathSegment(changes.cluster)}` : '';
        const written = writeTree(flags.out, buildTree(changes, flags.layout, manifests), root);
        process.stderr.write(
          `emit: ${written.written} written, ${written.unchanged} unchanged, ${written.removed} removed in ${flags.out}\n`,
        );
      }
      if (flags.prBody !== undefined) writeFileIfChanged(flags.prBody, renderPrBody(changes, kueue === undefined ? {} : { kueue }));
      if (flags.output === 'yaml') process.stdout.write(toMultiDocument(manifests));
    });
}

/** Adds the flags `emit` and `apply` share. */
export function addChangeSetOptions(command: Command): Command {
  return command
    .requiredOption('--plan <id|latest>', 'a stored plan (see `quotaplan plan`)')
    .addOption(dbOption())
    .option('--cluster <name>', 'with --plan latest: which cluster (needed when the database holds several)')
    .addOption(new Option('--snapshot <id|latest>', "current quotas and use from this snapshot instead of the plan's"))
    .addOption(new Option('--from-file <dump>', 'current quotas and use from a `kubectl get -o json` dump').conflicts('snapshot'))
    .option('--quota-name <name>', 'ResourceQuota name in plain namespaces (default: the quota already holding the keys, else quotaplan)')
    .option('--default-cpu-request <qty>', 'LimitRange defaultRequest for cpu where a quota tracks cpu', '100m')
    .option('--default-memory-request <qty>', 'LimitRange defaultRequest for memory where a quota tracks memory', '128Mi');
}

/** Reads the stored plan, its teams file and an inventory, and builds the change set. */
export async function loadQuotaChanges(flags: ChangeSetFlags): Promise<QuotaChangeSet> {
  return (await loadEmitInputs(flags)).changes;
}

/** The change set with the plan and inventory it was built from. */
export async function loadEmitInputs(flags: ChangeSetFlags): Promise<{ changes: QuotaChangeSet; plan: Plan; inventory: ClusterInventory }> {
  const ref = parsePlanRef(flags.plan);
  const store = openStore({ file: flags.db, create: false });
  let stored;
  let inventory: ClusterInventory;
  try {
    stored = getPlan(store, ref, flags.cluster === undefined ? {} : { cluster: flags.cluster });
    if (flags.fromFile !== undefined) {
      inventory = await inventoryFromDumpFile(flags.fromFile);
    } else if (flags.snapshot !== undefined) {
      inventory = loadInventory(store, resolveSnapshot(store, { ref: flags.snapshot, cluster: stored.cluster }).id);
    } else if (stored.snapshotId !== null) {
      inventory = loadInventory(store, stored.snapshotId);
    } else {
      throw new ValidationError(
        `plan ${stored.id} was made from a dump that was not stored: give --from-file DUMP or --snapshot ID|latest`,
        { field: '--snapshot', value: stored.id },
      );
    }
  } finally {
    store.close();
  }
  const plan = planFromJson(stored.plan, `plan ${stored.id}`);
  const teams = parseTeamsFile(stored.teamsYaml, `teams file of plan ${stored.id}`);
  const options: EmitOptions = {
    cluster: stored.cluster,
    planId: String(stored.id),
    defaultRequests: {
      cpu: parseQuantity(flags.defaultCpuRequest ?? '100m', { field: '--default-cpu-request' }),
      memory: parseQuantity(flags.defaultMemoryRequest ?? '128Mi', { field: '--default-memory-request' }),
    },
  };
  if (flags.quotaName !== undefined) options.quotaName = flags.quotaName;
  return { changes: buildQuotaChanges({ plan, teams: targetsFromTeamsFile(teams), inventory, options }), plan, inventory };
}

function parsePlanRef(text: string): number | 'latest' {
  if (text === 'latest') return 'latest';
  if (/^[1-9]\d*$/.test(text)) return Number(text);
  throw new ValidationError(`--plan: expected a plan id or "latest" (got ${JSON.stringify(text)})`, { field: '--plan', value: text });
}

/**
 * Writes the files, leaving identical ones untouched; removes files quotaplan wrote before under `root` that the
 * plan no longer has (only files carrying quotaplan's managed-by label, so nothing of anyone else's goes).
 */
export function writeTree(out: string, files: EmittedFile[], root: string): { written: number; unchanged: number; removed: number } {
  let written = 0;
  let unchanged = 0;
  for (const file of files) {
    if (writeFileIfChanged(join(out, file.path), file.content)) written += 1;
    else unchanged += 1;
  }
  const keep = new Set(files.map((f) => join(out, f.path)));
  let removed = 0;
  for (const path of yamlFilesUnder(join(out, root))) {
    if (keep.has(path)) continue;
    if (!readFileSync(path, 'utf8').includes('app.kubernetes.io/managed-by: quotaplan')) continue;
    rmSync(path);
    removed += 1;
  }
  return { written, unchanged, removed };
}

function writeFileIfChanged(path: string, content: string): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return true;
}

function yamlFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFilesUnder(path));
    else if (entry.name.endsWith('.yaml')) out.push(path);
  }
  return out.sort();
}
