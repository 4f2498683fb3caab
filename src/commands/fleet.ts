/**
 * `quotaplan fleet [show] | plan | emit`: many clusters in one store (docs/fleet.md).
 * - `fleet [-o table|json]`: accelerator capacity and use of every cluster's newest snapshot, per cluster, per
 *   model and in total;
 * - `fleet plan --teams F [--save]`: the fleet teams file divided among clusters and each cluster planned on its
 *   newest snapshot; `--save` stores every cluster's plan in one transaction (all or none);
 * - `fleet emit --out DIR`: each cluster's latest plan (of `--cycle`) as its own GitOps tree, `DIR/clusters/<name>/`,
 *   and the PR body of them all, `DIR/quotaplan-pr-body.md`.
 */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { buildQuotaChanges } from '../emit/changes.js';
import type { EmitOptions } from '../emit/emit-options.js';
import { fleetPlanTable } from '../emit/fleet-plan-table.js';
import { fleetTable } from '../emit/fleet-table.js';
import { fleetPrBodyFile, renderFleetPrBody, type FleetBodyCluster } from '../emit/fleet-pr-body.js';
import { targetsFromTeamsFile, teamWeights } from '../emit/inputs.js';
import { emitTargets, inEmitOrder } from '../emit/manifests.js';
import type { TargetChoice } from '../emit/targets/target.js';
import { buildTree } from '../emit/tree.js';
import { pathSegment } from '../emit/tree-paths.js';
import { ValidationError } from '../errors.js';
import { fleetPlanToJson } from '../fleet/fleet-plan-json.js';
import { buildFleetPlan, type FleetPlan } from '../fleet/fleet-plan.js';
import { fleetViewToJson } from '../fleet/fleet-json.js';
import { readClusterPart, readFleetView } from '../fleet/read-fleet.js';
import { writeTree, type ExtraFile } from '../files/write-tree.js';
import { planFromJson, planToJson } from '../plan/plan-json.js';
import { parseTeamsFile } from '../plan/teams-file.js';
import { parseQuantity } from '../quantity.js';
import { withStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { escapeTerminalText } from '../terminal-text.js';
import { compareText } from '../text-order.js';
import { busyTimeoutFromEnvironment, dbOption, outputOption } from './options.js';
import { prBodyOptions } from './emit.js';
import { previousPlan, readTeamsText } from './plan.js';

export interface FleetFlags {
  output: 'table' | 'json';
  db: string;
}

export interface FleetPlanFlags extends FleetFlags {
  teams: string;
  save?: boolean;
  strict?: boolean;
}

export interface FleetEmitFlags {
  out: string;
  db: string;
  cycle?: string;
  target: TargetChoice | 'all';
}

const settle = (command: Command): Command =>
  // addCommand does not copy the program's settings: without these a bad flag would exit 1 from commander.
  command.showHelpAfterError().exitOverride();

export function fleetCommand(): Command {
  const show = settle(new Command('show').description('capacity and use across clusters (the default)'))
    .addOption(outputOption(['table', 'json'], 'table'))
    .addOption(dbOption())
    .action(async (flags: FleetFlags) => {
      process.stdout.write(await runFleet(flags));
    });
  const plan = settle(new Command('plan').description('divide a fleet teams file among clusters and plan each'))
    .requiredOption('--teams <file>', 'the fleet teams file (YAML, docs/fleet.md)')
    .option('--save', "store every cluster's plan (all or none); without it nothing is written", false)
    .option('--strict', 'refuse a plan naming a resource or GPU model a cluster has none of')
    .addOption(outputOption(['table', 'json'], 'table'))
    .addOption(dbOption())
    .action(async (flags: FleetPlanFlags) => {
      const { plan: fleetPlan, stored } = await runFleetPlan(flags, { now: new Date() });
      process.stdout.write(renderFleetPlan(fleetPlan, flags.output));
      if (stored.length > 0) {
        const list = stored.map((entry) => `${entry.cluster} ${entry.id}`).join(', ');
        process.stderr.write(escapeTerminalText(`stored plans (cycle ${fleetPlan.cycle}): ${list}\n`, { newlines: 'keep' }));
      } else if (flags.output === 'table') {
        process.stderr.write('not stored: add --save to store every cluster\'s plan for emit, apply and cycles\n');
      }
    });
  const emit = settle(new Command('emit').description("write each cluster's latest plan as its own GitOps tree"))
    .requiredOption('--out <dir>', 'folder to write the trees into: one clusters/<name>/ per cluster')
    .option('--cycle <name>', "each cluster's latest plan of this cycle (default: its latest plan)")
    .addOption(new Option('--target <target>', 'what to write (as `quotaplan emit --target`)').choices(['resourcequota', 'kueue', 'all']).default('resourcequota'))
    .addOption(dbOption())
    .action(async (flags: FleetEmitFlags) => {
      for (const line of await runFleetEmit(flags)) process.stderr.write(`${escapeTerminalText(line)}\n`);
    });
  return settle(new Command('fleet')).addCommand(show, { isDefault: true }).addCommand(plan).addCommand(emit);
}

export async function runFleet(flags: FleetFlags): Promise<string> {
  const view = await withStore({ file: flags.db, create: false }, async (store) => readFleetView(await store.newestSnapshots(), (snapshot) => readClusterPart(store, snapshot)));
  if (flags.output === 'table') return fleetTable(view);
  // JSON escapes control characters itself; the rest (C1, bidi) become \uNNNN escapes, which JSON reads back the same.
  return escapeTerminalText(`${JSON.stringify(fleetViewToJson(view), null, 2)}\n`, { newlines: 'keep' });
}

export function renderFleetPlan(plan: FleetPlan, output: FleetFlags['output']): string {
  if (output === 'table') return fleetPlanTable(plan);
  return escapeTerminalText(`${JSON.stringify(fleetPlanToJson(plan), null, 2)}\n`, { newlines: 'keep' });
}

/** Reads every cluster's newest snapshot and previous plan, plans the fleet and, with `--save`, stores every plan in one write. */
export async function runFleetPlan(flags: FleetPlanFlags, clock: { now: Date }): Promise<{ plan: FleetPlan; stored: Array<{ cluster: string; id: number }> }> {
  const text = await readTeamsText(flags.teams);
  return withStore({ file: flags.db, create: false, ...busyTimeoutFromEnvironment() }, async (store) => {
    const snapshots = await store.newestSnapshots();
    if (snapshots.length === 0) throw new ValidationError('the database has no snapshots yet: run `quotaplan collect` for each cluster first', { field: '--db' });
    const clusters: Parameters<typeof buildFleetPlan>[0]['clusters'][number][] = [];
    for (const snapshot of snapshots) {
      clusters.push({ cluster: snapshot.cluster, snapshotId: snapshot.id, inventory: await store.loadInventory(snapshot.id), previous: await previousPlan(store, snapshot.cluster) });
    }
    const plan = buildFleetPlan({ text, file: flags.teams, clusters, strict: flags.strict === true });
    if (flags.save !== true) return { plan, stored: [] };
    const stored = await store.write(async (tx) => {
      const ids: Array<{ cluster: string; id: number }> = [];
      for (const member of plan.clusters) {
        const saved = await tx.savePlan({
          cluster: member.cluster,
          cycle: member.plan.cycle,
          snapshotId: member.snapshotId,
          teamsYaml: member.teamsYaml,
          plan: planToJson(member.plan),
          createdAt: clock.now,
        });
        ids.push({ cluster: member.cluster, id: saved.id });
      }
      return ids;
    });
    return { plan, stored };
  });
}

/**
 * Each cluster's latest stored plan (of `--cycle`) emitted into `out/clusters/<name>/`. Every tree is built, and
 * the cluster names checked as folder names, before anything is written: two clusters whose names become the same
 * folder (the gitops layout keeps letters, digits, `.`, `_` and `-`; compared ignoring case, as some file systems
 * do) are refused. Each tree is then written all or nothing (files/write-tree.ts).
 */
export async function runFleetEmit(flags: FleetEmitFlags): Promise<string[]> {
  const trees = await withStore({ file: flags.db, create: false }, async (store) => {
    const built: Array<{ cluster: string; planId: number; files: ReturnType<typeof buildTree>; body: FleetBodyCluster }> = [];
    for (const cluster of await store.listClusterNames()) {
      const planRef = await latestPlanOf(store, cluster, flags.cycle);
      if (planRef === null) continue;
      const stored = await store.getPlan(planRef);
      if (stored.snapshotId === null) {
        throw new ValidationError(`plan ${stored.id} of cluster ${cluster} was made from a dump that was not stored: emit it alone with \`quotaplan emit --from-file\``, {
          field: '--db',
          value: stored.id,
        });
      }
      const inventory = await store.loadInventory(stored.snapshotId);
      const plan = planFromJson(stored.plan, `plan ${stored.id}`);
      const teams = parseTeamsFile(stored.teamsYaml, `teams file of plan ${stored.id}`);
      const options: EmitOptions = {
        cluster,
        planId: String(stored.id),
        defaultRequests: { cpu: parseQuantity('100m'), memory: parseQuantity('128Mi') },
      };
      const changes = buildQuotaChanges({ plan, teams: targetsFromTeamsFile(teams), inventory, options });
      const outputs = emitTargets({ changes, plan, inventory, weights: teamWeights(teams), mode: 'full' }, flags.target);
      const manifests = inEmitOrder([...outputs.values()].flatMap((output) => output.manifests));
      built.push({ cluster, planId: stored.id, files: buildTree(changes, 'gitops', manifests), body: { changes, options: prBodyOptions(outputs, inventory) } });
    }
    return built;
  });
  if (trees.length === 0) {
    throw new ValidationError(`no cluster has a stored plan${flags.cycle === undefined ? '' : ` of cycle ${flags.cycle}`}: run \`quotaplan fleet plan --save\` first`, { field: '--db' });
  }
  const folders = new Map<string, string>();
  for (const { cluster } of trees) {
    const folder = pathSegment(cluster).toLowerCase();
    const other = folders.get(folder);
    if (other !== undefined) {
      throw new ValidationError(
        `clusters ${JSON.stringify(other)} and ${JSON.stringify(cluster)} would share the folder clusters/${pathSegment(cluster)}: rename one (collect --cluster) before emitting the fleet; nothing written`,
        { field: '--out', value: cluster },
      );
    }
    folders.set(folder, cluster);
  }
  const sorted = [...trees].sort((a, b) => compareText(a.cluster, b.cluster));
  const bodyPath = join(flags.out, fleetPrBodyFile);
  // The body goes with the last tree: written only when every tree before it was.
  const body: ExtraFile = { path: bodyPath, field: '--out', content: renderFleetPrBody(sorted.map((tree) => tree.body)) };
  const lines: string[] = [];
  for (const [i, tree] of sorted.entries()) {
    const result = writeTree({ out: flags.out, files: tree.files, layout: 'gitops', cluster: tree.cluster, extra: i === sorted.length - 1 ? [body] : [] });
    lines.push(
      `fleet emit: cluster ${tree.cluster} (plan ${tree.planId}): ${result.written.length} written, ${result.unchanged} unchanged, ${result.removed.length} removed in ${flags.out}/clusters/${pathSegment(tree.cluster)}`,
    );
  }
  lines.push(`fleet emit: PR body of ${sorted.length} ${sorted.length === 1 ? 'cluster' : 'clusters'} in ${bodyPath}`);
  return lines;
}

async function latestPlanOf(store: Store, cluster: string, cycle: string | undefined): Promise<number | null> {
  const plans = await store.listPlans(cycle === undefined ? { cluster } : { cluster, cycle });
  return plans.at(-1)?.id ?? null;
}
