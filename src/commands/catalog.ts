/**
 * Every command's name and description, and how to load it. A command's module (and what it imports: the store,
 * the Kubernetes client, the HTTP server) is loaded only when that command runs, so `--version`, `--help` and a
 * command that never talks to a cluster do not pay for the client's hundreds of modules at startup.
 */
import type { Command } from 'commander';

export interface CommandEntry {
  readonly name: string;
  /** One line for `quotaplan --help`; also the loaded command's own description. */
  readonly description: string;
  readonly load: () => Promise<Command>;
}

export const commandCatalog: readonly CommandEntry[] = [
  {
    name: 'collect',
    description: 'read a cluster (live, or a kubectl dump with --from-file) and store a snapshot of it',
    load: async () => (await import('./collect.js')).collectCommand(),
  },
  { name: 'snapshots', description: 'list the stored snapshots', load: async () => (await import('./snapshots.js')).snapshotsCommand() },
  {
    name: 'fleet',
    description: 'accelerator capacity and use across every stored cluster: per cluster, per model, in total',
    load: async () => (await import('./fleet.js')).fleetCommand(),
  },
  {
    name: 'inventory',
    description: 'show nodes, accelerators, namespace requests and plannable capacity',
    load: async () => (await import('./inventory.js')).inventoryCommand(),
  },
  {
    name: 'plan',
    description: 'divide plannable capacity among the teams of a teams file into quotas',
    load: async () => (await import('./plan.js')).planCommand(),
  },
  {
    name: 'rbac',
    description: 'print the ClusterRole and ClusterRoleBinding quotaplan needs (read-only for collect; --watch for collect --watch; --write for apply)',
    load: async () => (await import('./rbac.js')).rbacCommand(),
  },
  {
    name: 'emit',
    description: 'write the quota patches of a plan: a GitOps tree, a PR body, or YAML for kubectl apply',
    load: async () => (await import('./emit.js')).emitCommand(),
  },
  {
    name: 'apply',
    description: "server-side apply a plan's quotas (dry run and diff first; --yes to apply)",
    load: async () => (await import('./apply.js')).applyCommand(),
  },
  {
    name: 'serve',
    description: 'serve the dashboard and its JSON API over a database',
    load: async () => (await import('./serve.js')).serveCommand(),
  },
  {
    name: 'demo',
    description: 'seed a database with the bundled demo cluster and serve the dashboard on it',
    load: async () => (await import('./demo.js')).demoCommand(),
  },
  {
    name: 'review',
    description: 'the quarterly allocation review of a cycle: use vs quota from snapshot history, proposed changes, warnings',
    load: async () => (await import('./review.js')).reviewCommand(),
  },
  {
    name: 'migrate',
    description: 'create the database if it is missing and bring its schema up to date',
    load: async () => (await import('./migrate.js')).migrateCommand(),
  },
  {
    name: 'db',
    description: 'copy a history between databases (a SQLite file into a shared PostgreSQL one)',
    load: async () => (await import('./db.js')).dbCommand(),
  },
  {
    name: 'cycle',
    description: 'allocation cycles: list, start, set the plan, submit for review, approve',
    load: async () => (await import('./cycle.js')).cycleCommand(),
  },
];

/**
 * The command `argv` runs, if any: its first word that is not an option (`quotaplan collect ...`), or the word
 * after `help` (`quotaplan help collect`). The program has no options of its own that take a value, so the first
 * such word is the command.
 */
export function commandNamed(argv: readonly string[]): CommandEntry | undefined {
  const words = argv.filter((word) => !word.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return commandCatalog.find((entry) => entry.name === name);
}
