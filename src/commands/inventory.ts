/**
 * `quotaplan inventory --from-file DUMP | --snapshot ID|latest [-o table|json]`: what the cluster has, per node, namespace, pool and
 * model, and what is plannable. Reading, building and printing stay separate: the source gives a
 * ClusterInventory, the printers read that one value.
 */
import { Command, Option } from 'commander';
import { inventoryFromDumpFile } from '../collect/dump.js';
import { inventoryTable } from '../emit/inventory-table.js';
import { ValidationError } from '../errors.js';
import { inventoryToJson } from '../inventory/json.js';
import type { ClusterInventory } from '../inventory/types.js';
import { withStore } from '../store/open.js';
import { dbOption, outputOption } from './options.js';
import { escapeTerminalText } from '../terminal-text.js';

export interface InventoryFlags {
  fromFile?: string;
  snapshot?: string;
  cluster?: string;
  db?: string;
  output: 'table' | 'json';
}

export function inventoryCommand(): Command {
  return new Command('inventory')
    .option('--from-file <dump>', 'a `kubectl get nodes,namespaces,pods,resourcequotas,limitranges -A -o json|yaml` dump')
    .addOption(new Option('--snapshot <id|latest>', 'a stored snapshot (see `quotaplan snapshots`)').conflicts('fromFile'))
    .option('--cluster <name>', 'with --snapshot latest: which cluster (needed when the database holds several)')
    .addOption(dbOption())
    .addOption(outputOption(['table', 'json'], 'table'))
    // addCommand does not copy the program's settings: without these a bad flag would exit 1 from commander.
    .showHelpAfterError()
    .exitOverride()
    .action(async (flags: InventoryFlags) => {
      const inventory = await loadInventory(flags);
      process.stdout.write(renderInventory(inventory, flags.output));
    });
}

/** Where the inventory comes from: a dump file or a stored snapshot, either way the same ClusterInventory. */
export async function loadInventory(flags: InventoryFlags): Promise<ClusterInventory> {
  if (flags.fromFile !== undefined) return inventoryFromDumpFile(flags.fromFile);
  if (flags.snapshot !== undefined) {
    const ref = flags.snapshot;
    const cluster = flags.cluster === undefined ? {} : { cluster: flags.cluster };
    return withStore({ file: flags.db ?? 'quotaplan.db', create: false }, async (store) => store.loadInventory((await store.resolveSnapshot({ ref, ...cluster })).id));
  }
  throw new ValidationError('inventory: give --from-file <dump> or --snapshot <id|latest>', { field: '--from-file' });
}

export function renderInventory(inventory: ClusterInventory, output: InventoryFlags['output']): string {
  // JSON escapes control characters itself; the rest (C1, bidi) become \uNNNN escapes, which JSON reads back the same.
  return output === 'json' ? escapeTerminalText(`${JSON.stringify(inventoryToJson(inventory), null, 2)}\n`, { newlines: 'keep' }) : inventoryTable(inventory);
}
