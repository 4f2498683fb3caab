/**
 * The command line: every command is registered here. Commands throw the typed errors of src/errors.ts;
 * main() turns them into a message on stderr and an exit code, and only src/cli.ts sets it on the process.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeOf, ValidationError } from './errors.js';
import { commandCatalog, commandNamed } from './commands/catalog.js';
import { VERSION } from './version.js';
import { escapeTerminalText } from './terminal-text.js';

export interface ProgramOptions {
  /** How the user called the program, for usage lines and messages: `quotaplan`, or `kubectl quotaplan` as a plugin. */
  name?: string;
}

/**
 * The program for `argv`: the command it runs is loaded (with everything it imports); every other command is only
 * its name and description, enough for `quotaplan --help` and for commander to say which commands exist.
 */
export async function buildProgram(argv: readonly string[], options: ProgramOptions = {}): Promise<Command> {
  const program = new Command(options.name ?? 'quotaplan')
    .description('Cluster capacity and GPU quota planner for Kubernetes')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  const wanted = commandNamed(argv);
  for (const entry of commandCatalog) {
    const command = entry === wanted ? await entry.load() : new Command(entry.name);
    program.addCommand(command.description(entry.description));
  }
  return program;
}

export async function main(argv: string[], options: ProgramOptions = {}): Promise<number> {
  const name = options.name ?? 'quotaplan';
  try {
    const program = await buildProgram(argv, { name });
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: ${escapeTerminalText(message, { newlines: 'keep' })}\n`);
    if (!(error instanceof ValidationError) && exitCodeOf(error) === 70 && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    }
    return exitCodeOf(error);
  }
}

