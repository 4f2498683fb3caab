/**
 * `quotaplan cycle list|start|plan|submit|approve`: the allocation cycle's lifecycle, draft -> in-review ->
 * approved. The rules (forward only, an approved cycle and its plan are final, a new cycle starts from the approved
 * one) are in src/review/lifecycle.ts; refusals are ConflictErrors (exit 4).
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { cycleToJson } from '../emit/review-json.js';
import { ExternalError, ValidationError } from '../errors.js';
import { approveCycle, setPlanOfCycle, startCycle, submitCycle } from '../review/cycle-store.js';
import { withStore as withOpenStore } from '../store/open.js';
import type { Cycle, Store } from '../store/store.js';
import { busyTimeoutFromEnvironment, dbOption, outputOption } from './options.js';

interface CommonFlags {
  cycle: string;
  cluster?: string;
  db: string;
  by?: string;
  note?: string;
  plan?: number;
}

function parsePlanId(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError('expected a plan id (a positive integer)');
  return Number(value);
}

function parseTime(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected a date such as 2027-01-01 or 2027-01-01T00:00:00Z');
  return date;
}

/** Who acts: --by, else the login name, for the audit trail. */
function actorOf(flags: { by?: string }): string {
  return flags.by ?? process.env.USER ?? process.env.USERNAME ?? 'unknown';
}

function withStore<T>(file: string, use: (store: Store) => Promise<T>): Promise<T> {
  return withOpenStore({ file, create: false, ...busyTimeoutFromEnvironment() }, use);
}

function sub(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .option('--cluster <name>', "the cluster's name in the database (default: the only one)")
    .addOption(dbOption())
    .showHelpAfterError()
    .exitOverride();
}

const planOption = (text: string): Option => new Option('--plan <id>', text).argParser(parsePlanId);

function describe(cycle: Cycle): string {
  const approval = cycle.state === 'approved' ? ` by ${cycle.approvedBy ?? '?'} at ${cycle.approvedAt?.toISOString() ?? '?'}` : '';
  return `cycle ${cycle.name} (cluster ${cycle.cluster}) is ${cycle.state}${approval}, plan ${cycle.planId ?? 'none'}`;
}

export function cycleCommand(): Command {
  const command = new Command('cycle').showHelpAfterError().exitOverride();

  command.addCommand(
    sub('list', 'list the cycles, oldest first')
      .addOption(outputOption(['table', 'json'], 'table'))
      .action(async (flags: { cluster?: string; db: string; output: 'table' | 'json' }) => {
        process.stdout.write(
          await withStore(flags.db, async (store) => {
            const cycles = await store.listCycles(flags.cluster === undefined ? {} : { cluster: flags.cluster });
            if (flags.output === 'json') {
              const listed = await Promise.all(cycles.map(async (c) => ({ cluster: c.cluster, ...cycleToJson(c, await store.listCycleEvents(c.id)) })));
              return `${JSON.stringify(listed, null, 2)}\n`;
            }
            return cyclesTable(cycles);
          }),
        );
      }),
  );

  command.addCommand(
    sub('start', "start a draft cycle; its teams file starts from the latest approved cycle's, when there is one")
      .requiredOption('--cycle <name>', 'the new cycle, e.g. 2027-Q1 (a calendar quarter sets the dates)')
      .addOption(planOption('a stored plan made for this cycle'))
      .option('--starts <date>', 'start (default: from a YYYY-Qn name)', parseTime)
      .option('--ends <date>', 'end, exclusive (default: from a YYYY-Qn name)', parseTime)
      .option('--by <who>', 'who starts it (default: $USER)')
      .option('--teams-out <file>', 'write the approved cycle\u2019s teams file, renamed to this cycle, here')
      .action(async (flags: CommonFlags & { starts?: Date; ends?: Date; teamsOut?: string }) => {
        const started = await withStore(flags.db, (store) =>
          startCycle(store, { cluster: flags.cluster, name: flags.cycle, at: new Date(), actor: actorOf(flags), planId: flags.plan, startsAt: flags.starts, endsAt: flags.ends }),
        );
        process.stdout.write(`${describe(started.cycle)}\n`);
        if (started.basedOn === null) return;
        process.stdout.write(`starts from approved cycle ${started.basedOn.cycle} (plan ${started.basedOn.planId ?? 'none'})\n`);
        if (flags.teamsOut !== undefined && started.basedOn.teamsYaml !== null) {
          try {
            writeFileSync(flags.teamsOut, started.basedOn.teamsYaml);
          } catch (error) {
            throw new ExternalError(`cannot write ${flags.teamsOut}: ${(error as Error).message}`, { cause: error });
          }
          process.stdout.write(`wrote its teams file to ${flags.teamsOut}: edit it, then quotaplan plan --teams ${flags.teamsOut} --save and quotaplan cycle submit --cycle ${flags.cycle} --plan ID\n`);
        }
      }),
  );

  command.addCommand(
    sub('plan', 'point a draft or in-review cycle at another stored plan (refused once approved)')
      .requiredOption('--cycle <name>', 'the cycle')
      .addOption(planOption('the stored plan (made for this cycle)').makeOptionMandatory())
      .option('--by <who>', 'who changes it (default: $USER)')
      .option('--note <text>', 'why')
      .action(async (flags: CommonFlags) => {
        const cycle = await withStore(flags.db, (store) =>
          setPlanOfCycle(store, { cluster: flags.cluster, cycle: flags.cycle, planId: flags.plan as number, at: new Date(), actor: actorOf(flags), note: flags.note ?? null }),
        );
        process.stdout.write(`${describe(cycle)}\n`);
      }),
  );

  command.addCommand(
    sub('submit', 'submit a draft cycle for review (draft -> in-review)')
      .requiredOption('--cycle <name>', 'the cycle')
      .addOption(planOption('set this plan first'))
      .option('--by <who>', 'who submits (default: $USER)')
      .option('--note <text>', 'a note for the record')
      .action(async (flags: CommonFlags) => {
        const cycle = await withStore(flags.db, (store) =>
          submitCycle(store, { cluster: flags.cluster, cycle: flags.cycle, planId: flags.plan, at: new Date(), actor: actorOf(flags), note: flags.note ?? null }),
        );
        process.stdout.write(`${describe(cycle)}\n`);
      }),
  );

  command.addCommand(
    sub('approve', 'approve a cycle under review (in-review -> approved); final')
      .requiredOption('--cycle <name>', 'the cycle')
      .requiredOption('--by <who>', 'who approves')
      .option('--note <text>', 'the decision, for the record')
      .addOption(planOption('the plan that was reviewed: refused if the cycle now points at another'))
      .action(async (flags: CommonFlags & { by: string }) => {
        if (flags.by.trim() === '') throw new ValidationError('--by is empty: an approval names who approves', { field: '--by', value: flags.by });
        const cycle = await withStore(flags.db, (store) =>
          approveCycle(store, { cluster: flags.cluster, cycle: flags.cycle, expectedPlanId: flags.plan, at: new Date(), actor: flags.by, note: flags.note ?? null }),
        );
        process.stdout.write(`${describe(cycle)}\n`);
      }),
  );
  return command;
}

function cyclesTable(cycles: readonly Cycle[]): string {
  const header = ['CLUSTER', 'CYCLE', 'STATE', 'PLAN', 'STARTS', 'ENDS', 'APPROVED BY', 'APPROVED AT', 'NOTE'];
  const rows = cycles.map((c) => [
    c.cluster,
    c.name,
    c.state,
    c.planId === null ? '-' : String(c.planId),
    c.startsAt?.toISOString().slice(0, 10) ?? '-',
    c.endsAt?.toISOString().slice(0, 10) ?? '-',
    c.approvedBy ?? '-',
    c.approvedAt?.toISOString().slice(0, 16).replace('T', ' ') ?? '-',
    c.approvalNote ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  return [header, ...rows].map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] as number))).join('  ')).join('\n') + '\n';
}
