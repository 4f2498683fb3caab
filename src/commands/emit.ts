/**
 * `quotaplan emit --plan ID|latest (--out DIR [--layout gitops|flat] | -o yaml) [--pr-body FILE] [--target T]`: the quota
 * change set of a stored plan as files a pull request can carry, or as one YAML stream for `kubectl apply -f -`.
 * Reading (store), building (src/emit, pure) and writing stay separate.
 */
import { Command, Option } from 'commander';
import { inventoryFromDumpFile } from '../collect/dump.js';
import { ValidationError } from '../errors.js';
import type { ClusterInventory } from '../inventory/types.js';
import { parseQuantity } from '../quantity.js';
import type { Plan } from '../plan/plan.js';
import type { Rational } from '../rational.js';
import { planFromJson } from '../plan/plan-json.js';
import { parseTeamsFile } from '../plan/teams-file.js';
import { buildQuotaChanges, type QuotaChangeSet } from '../emit/changes.js';
import type { EmitOptions } from '../emit/emit-options.js';
import { targetsFromTeamsFile, teamWeights } from '../emit/inputs.js';
import { emitTargets, inEmitOrder } from '../emit/manifests.js';
import { kaiTarget } from '../emit/targets/kai.js';
import { kueueTarget } from '../emit/targets/kueue.js';
import { volcanoTarget } from '../emit/targets/volcano.js';
import type { TargetChoice, TargetOutput } from '../emit/targets/target.js';
import { renderPrBody, type PrBodyOptions } from '../emit/pr-body.js';
import { buildTree, toMultiDocument, type Layout } from '../emit/tree.js';
import { writeNamedFiles, writeTree, type ExtraFile } from '../files/write-tree.js';
import { openStore } from '../store/open.js';
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

type EmitChoice = TargetChoice | 'all';

export interface EmitFlags extends ChangeSetFlags {
  target: EmitChoice;
  out?: string;
  layout: Layout;
  prBody?: string;
  output?: 'yaml';
}

export function emitCommand(): Command {
  const command = new Command('emit')
    .option('--out <dir>', 'folder to write the tree into')
    .addOption(new Option('--layout <layout>', 'file layout under --out').choices(['gitops', 'flat']).default('gitops'))
    .option('--pr-body <file>', 'write the pull-request body (Markdown) to this file')
    .addOption(new Option('-o, --output <format>', 'print every manifest to stdout').choices(['yaml']))
    .addOption(
      targetOption('what to write'),
    );
  addChangeSetOptions(command);
  return command
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: EmitFlags) => {
      if (flags.out === undefined && flags.output === undefined && flags.prBody === undefined) {
        throw new ValidationError('emit: give --out DIR, -o yaml, or --pr-body FILE', { field: '--out' });
      }
      const { changes, plan, inventory, weights } = await loadEmitInputs(flags);
      const outputs = emitTargets({ changes, plan, inventory, weights, mode: 'full' }, flags.target);
      const manifests = inEmitOrder([...outputs.values()].flatMap((output) => output.manifests));
      const prBody: ExtraFile[] =
        flags.prBody === undefined
          ? []
          : [
              {
                path: flags.prBody,
                field: '--pr-body',
                content: renderPrBody(changes, prBodyOptions(outputs, inventory)),
              },
            ];
      if (flags.out !== undefined) {
        // The tree and the PR body are written together: all of them, or none.
        const files = buildTree(changes, flags.layout, manifests);
        const result = writeTree({ out: flags.out, files, layout: flags.layout, cluster: changes.cluster, extra: prBody });
        for (const path of result.kept) {
          process.stderr.write(`emit: kept ${JSON.stringify(path)}: it looks like a file of this tree, but the folder had no quotaplan-tree.txt yet (delete it by hand if it is stale)\n`);
        }
        process.stderr.write(
          `emit: ${result.written.length} written, ${result.unchanged} unchanged, ${result.removed.length} removed in ${flags.out}\n`,
        );
      } else if (prBody.length > 0) {
        writeNamedFiles(prBody);
      }
      if (flags.output === 'yaml') process.stdout.write(toMultiDocument(manifests));
    });
}

/**
 * What the PR body shows beside the change set: the Kueue, KAI Scheduler and Volcano objects and the ones in force,
 * every target's flags, DRA capacity.
 */
export function prBodyOptions(outputs: ReadonlyMap<string, TargetOutput>, inventory: ClusterInventory): PrBodyOptions {
  const kueue = outputs.get(kueueTarget.name);
  const kai = outputs.get(kaiTarget.name);
  const volcano = outputs.get(volcanoTarget.name);
  return {
    ...(kueue === undefined ? {} : { kueue }),
    ...(kai === undefined ? {} : { kai }),
    ...(volcano === undefined ? {} : { volcano }),
    ...(inventory.dra === undefined ? {} : { dra: inventory.dra, capacity: inventory }),
    flags: [...outputs.values()].flatMap((o) => o.flags),
    inForce: inventory,
  };
}

/** `--target`: which emit targets `emit` writes and `apply` sends (docs/emit.md). */
export function targetOption(what: string): Option {
  return new Option(
    '--target <target>',
    `${what}: ResourceQuotas/Profiles/LimitRanges, Kueue ResourceFlavors/Cohorts/ClusterQueues/LocalQueues, KAI Scheduler Queues, Volcano Queues, or all of them`,
  )
    .choices(['resourcequota', 'kueue', 'kai', 'volcano', 'all'])
    .default('resourcequota');
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
export async function loadEmitInputs(
  flags: ChangeSetFlags,
): Promise<{ changes: QuotaChangeSet; plan: Plan; inventory: ClusterInventory; weights: Map<string, Rational> }> {
  const ref = parsePlanRef(flags.plan);
  const store = await openStore({ file: flags.db, create: false });
  let stored;
  let inventory: ClusterInventory;
  try {
    stored = await store.getPlan(ref, flags.cluster === undefined ? {} : { cluster: flags.cluster });
    if (flags.fromFile !== undefined) {
      inventory = await inventoryFromDumpFile(flags.fromFile);
    } else if (flags.snapshot !== undefined) {
      inventory = await store.loadInventory((await store.resolveSnapshot({ ref: flags.snapshot, cluster: stored.cluster })).id);
    } else if (stored.snapshotId !== null) {
      inventory = await store.loadInventory(stored.snapshotId);
    } else {
      throw new ValidationError(
        `plan ${stored.id} was made from a dump that was not stored: give --from-file DUMP or --snapshot ID|latest`,
        { field: '--snapshot', value: stored.id },
      );
    }
  } finally {
    await store.close();
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
  return { changes: buildQuotaChanges({ plan, teams: targetsFromTeamsFile(teams), inventory, options }), plan, inventory, weights: teamWeights(teams) };
}

function parsePlanRef(text: string): number | 'latest' {
  if (text === 'latest') return 'latest';
  if (/^[1-9]\d*$/.test(text)) return Number(text);
  throw new ValidationError(`--plan: expected a plan id or "latest" (got ${JSON.stringify(text)})`, { field: '--plan', value: text });
}
