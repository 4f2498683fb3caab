/**
 * `quotaplan plan --teams F [--snapshot ID|latest | --from-file DUMP] [--cluster C] [--save] [-o table|json|yaml]
 * [--db F]`: divide the plannable capacity among the teams and print the plan. Looking is free: the plan is stored
 * (becoming `latest` for `emit`, `apply` and cycles) only with --save. Reading (teams file, inventory, previous
 * plan), planning (pure) and printing stay separate. An infeasible plan (ConflictError) stores nothing.
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { inventoryFromDumpFile } from '../collect/dump.js';
import { planTable, planYaml } from '../emit/plan-table.js';
import { ValidationError } from '../errors.js';
import type { ClusterInventory } from '../inventory/types.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan } from '../plan/plan.js';
import { planFromJson, planToJson, planToJsonText } from '../plan/plan-json.js';
import { parseTeamsFile } from '../plan/teams-file.js';
import { withStore as withOpenStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { dumpClusterName } from './collect.js';
import { busyTimeoutFromEnvironment, dbOption, outputOption } from './options.js';
import { escapeTerminalText } from '../terminal-text.js';

export type PlanOutput = 'table' | 'json' | 'yaml';

export interface PlanFlags {
  teams: string;
  snapshot?: string;
  fromFile?: string;
  cluster?: string;
  db: string;
  /** Store the plan (it becomes the cluster's `latest`); without it nothing is written. */
  save?: boolean;
  output: PlanOutput;
  /** Refuse a plan naming a resource or GPU model the cluster has none of (unknown-resource, unknown-flavor). */
  strict?: boolean;
}

export interface PlanRun {
  plan: Plan;
  /** The stored plan's id; null when not stored. */
  planId: number | null;
  cluster: string | null;
}

export function planCommand(): Command {
  const command = new Command('plan')
    .requiredOption('--teams <file>', 'the teams file (YAML, see docs/planning.md)')
    .addOption(new Option('--snapshot <id|latest>', 'plan on a stored snapshot (default: latest)').conflicts('fromFile'))
    .option('--from-file <dump>', 'plan on a `kubectl get ... -o json|yaml` dump instead of a stored snapshot')
    .option('--cluster <name>', "the cluster's name in the database (default: the snapshot's, or the dump file's base name)")
    .option('--save', 'store the plan (it becomes `latest` for emit, apply and cycles); without it nothing is written', false)
    .option('--strict', 'refuse (exit 2, nothing stored) a plan naming a resource or GPU model the cluster has none of, instead of warning')
    .addOption(dbOption())
    .addOption(outputOption(['table', 'json', 'yaml'], 'table'))
    .showHelpAfterError()
    .exitOverride();
  return command.action(async (options: PlanFlags) => {
    const run = await runPlan(options, { now: new Date() });
    process.stdout.write(renderPlan(run.plan, options.output));
    if (run.planId !== null) process.stderr.write(escapeTerminalText(`stored plan ${run.planId} (cluster ${run.cluster}, cycle ${run.plan.cycle})\n`, { newlines: 'keep' }));
    else if (options.output === 'table') process.stderr.write('not stored: add --save to store it for emit, apply and cycles\n');
  });
}

export function renderPlan(plan: Plan, output: PlanOutput): string {
  // The table escapes each cell; JSON and YAML keep their own escapes, and what they leave raw becomes \uNNNN.
  if (output === 'json') return escapeTerminalText(planToJsonText(plan), { newlines: 'keep' });
  if (output === 'yaml') return escapeTerminalText(planYaml(plan), { newlines: 'keep' });
  return planTable(plan);
}

/** Reads, plans and, with `flags.save`, stores; `clock.now` stamps the stored plan. */
export async function runPlan(flags: PlanFlags, clock: { now: Date }): Promise<PlanRun> {
  const teamsYaml = await readTeamsText(flags.teams);
  const teams = parseTeamsFile(teamsYaml, flags.teams);
  const strict = flags.strict === true;

  if (flags.fromFile !== undefined) {
    const inventory = await inventoryFromDumpFile(flags.fromFile);
    if (flags.save !== true) return { plan: buildPlan({ teams, inventory, strict }), planId: null, cluster: null };
    const cluster = flags.cluster ?? dumpClusterName(flags.fromFile);
    return withStore(flags.db, true, (store) => planAndStore({ store, cluster, snapshotId: null, inventory, teams, teamsYaml, now: clock.now, strict }));
  }

  return withStore(flags.db, false, async (store) => {
    const ref = flags.snapshot ?? 'latest';
    const snapshot = await store.resolveSnapshot(flags.cluster === undefined ? { ref } : { ref, cluster: flags.cluster });
    const inventory = await store.loadInventory(snapshot.id);
    if (flags.save !== true) {
      const previous = await previousPlan(store, snapshot.cluster);
      return { plan: buildPlan({ teams, inventory, previous, strict }), planId: null, cluster: snapshot.cluster };
    }
    return planAndStore({ store, cluster: snapshot.cluster, snapshotId: snapshot.id, inventory, teams, teamsYaml, now: clock.now, strict });
  });
}

async function planAndStore(options: {
  store: Store;
  cluster: string;
  snapshotId: number | null;
  inventory: ClusterInventory;
  teams: ReturnType<typeof parseTeamsFile>;
  teamsYaml: string;
  now: Date;
  strict: boolean;
}): Promise<PlanRun> {
  const previous = await previousPlan(options.store, options.cluster);
  // buildPlan throws before anything is written: an infeasible plan, or one --strict refuses, stores nothing.
  const plan = buildPlan({ teams: options.teams, inventory: options.inventory, previous, strict: options.strict });
  const stored = await options.store.savePlan({
    cluster: options.cluster,
    cycle: plan.cycle,
    snapshotId: options.snapshotId,
    teamsYaml: options.teamsYaml,
    plan: planToJson(plan),
    createdAt: options.now,
  });
  return { plan, planId: stored.id, cluster: options.cluster };
}

/** The cluster's most recent stored plan, the baseline of the Alabama-paradox warning; null when none. */
export async function previousPlan(store: Store, cluster: string): Promise<Plan | null> {
  if (!(await store.listClusterNames()).includes(cluster)) return null;
  const latest = (await store.listPlans({ cluster })).at(-1);
  if (latest === undefined) return null;
  const stored = await store.getPlan(latest.id);
  return planFromJson(stored.plan, `stored plan ${stored.id}`);
}

function withStore<T>(file: string, create: boolean, use: (store: Store) => Promise<T>): Promise<T> {
  return withOpenStore({ file, create, ...busyTimeoutFromEnvironment() }, use);
}

export async function readTeamsText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new ValidationError(`${file}: cannot read teams file: ${reason}`, { file, field: '--teams' }, { cause: error });
  }
}
