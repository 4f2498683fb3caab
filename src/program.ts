/**
 * The command line: every command is registered here. Commands throw the typed errors of src/errors.ts;
 * main() turns them into a message on stderr and an exit code, and only src/cli.ts sets it on the process.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeOf, ValidationError } from './errors.js';
import { collectCommand } from './commands/collect.js';
import { snapshotsCommand } from './commands/snapshots.js';
import { inventoryCommand } from './commands/inventory.js';
import { planCommand } from './commands/plan.js';
import { rbacCommand } from './commands/rbac.js';
import { emitCommand } from './commands/emit.js';
import { applyCommand } from './commands/apply.js';
import { serveCommand } from './commands/serve.js';
import { demoCommand } from './commands/demo.js';
import { reviewCommand } from './commands/review.js';
import { cycleCommand } from './commands/cycle.js';

export function buildProgram(): Command {
  const program = new Command('quotaplan')
    .description('Cluster capacity and GPU quota planner for Kubernetes')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(collectCommand());
  program.addCommand(snapshotsCommand());
  program.addCommand(inventoryCommand());
  program.addCommand(planCommand());
  program.addCommand(rbacCommand());
  program.addCommand(emitCommand());
  program.addCommand(applyCommand());
  program.addCommand(serveCommand());
  program.addCommand(demoCommand());
  program.addCommand(reviewCommand());
  program.addCommand(cycleCommand());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`quotaplan: ${message}\n`);
    if (!(error instanceof ValidationError) && exitCodeOf(error) === 70 && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    }
    return exitCodeOf(error);
  }
}

