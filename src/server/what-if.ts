/**
 * What-if: a teams file and an inventory changed the way the dashboard asks (a team's demand, guarantee, cap or
 * weight; hypothetical nodes added or removed), planned with the same pure planner, never stored. Saving the
 * result is `POST /api/plans` with the same body.
 *
 * Team edits go through the YAML document (comments and layout of the rest of the file survive), then through the
 * teams-file parser again, so an edit is checked exactly like a file. Node edits change plannable capacity by
 * whole copies of an existing node's allocatable: "+4 nodes like h100-0" adds 4 x its allocatable to every
 * resource and to its accelerators' flavors.
 */
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { isDns1123Subdomain, isQualifiedName } from '../kube-names.js';
import { isPlannable } from '../inventory/node-facts.js';
import type { AcceleratorFacts, ClusterInventory, NodeFacts, ResourceListByFlavor } from '../inventory/types.js';
import { UNKNOWN_MODEL } from '../inventory/types.js';
import { addQuantities, formatQuantity, multiplyQuantity, parseQuantity } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { compareKeys } from '../text-order.js';

const quantityText = z
  .string()
  .max(40)
  .refine((text) => {
    try {
      return parseQuantity(text).nanos >= 0n;
    } catch {
      return false;
    }
  }, 'expected a non-negative quantity such as "8", "500m" or "32Gi"');

export const teamChangeSchema = z.strictObject({
  /** Team path: `platform/fraud`. */
  team: z.string().min(1).max(500),
  resource: z.string().refine(isQualifiedName, 'expected a resource name (a Kubernetes qualified name such as "nvidia.com/gpu")').optional(),
  flavor: z.string().min(1).max(253).optional(),
  /** A quantity, or null to remove the bound (unlimited demand, no guarantee, no cap). */
  demand: quantityText.nullable().optional(),
  guarantee: quantityText.nullable().optional(),
  cap: quantityText.nullable().optional(),
  // A weight of 0 would leave a team out of the sharing altogether: the teams file refuses it, and so does this.
  weight: z
    .number()
    .positive({ error: 'a weight must be above 0 (teams share by weight; to give a team no more than its guarantee, set its demand to the guarantee)' })
    .max(1_000_000)
    .optional(),
});

export const nodeChangeSchema = z.strictObject({
  /** An existing node whose allocatable each hypothetical node copies. */
  like: z.string().refine(isDns1123Subdomain, 'expected a node name (a lowercase RFC 1123 subdomain)'),
  /** Nodes to add (positive) or remove (negative). */
  count: z.number().int().min(-10_000).max(10_000).refine((n) => n !== 0, 'expected a non-zero count'),
});

export type TeamChange = z.infer<typeof teamChangeSchema>;
export type NodeChange = z.infer<typeof nodeChangeSchema>;

/** Walks `platform/fraud` down the document's `teams` sequences; the YAML path of that team. */
function teamPath(document: Document, team: string, field: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const name of team.split('/')) {
    const list = document.getIn([...path, 'teams']);
    if (!isSeq(list)) throw new ValidationError(`no team ${team} in the teams file`, { field, value: team });
    const index = list.items.findIndex((item) => isMap(item) && item.get('name') === name);
    if (index < 0) throw new ValidationError(`no team ${team} in the teams file`, { field, value: team });
    path.push('teams', index);
  }
  return path;
}

/** The teams file text with the changes applied. Comments and the rest of the file are kept. */
export function applyTeamChanges(teamsYaml: string, changes: readonly TeamChange[]): string {
  if (changes.length === 0) return teamsYaml;
  const document = parseDocument(teamsYaml);
  if (document.errors.length > 0) throw new ValidationError(`the teams file is not valid YAML: ${document.errors[0]?.message ?? ''}`, { field: 'teamsYaml' });
  changes.forEach((change, index) => {
    const at = `changes[${index}]`;
    const path = teamPath(document, change.team, `${at}.team`);
    if (change.weight !== undefined) document.setIn([...path, 'weight'], change.weight);
    const bounds = (['demand', 'guarantee', 'cap'] as const).filter((field) => change[field] !== undefined);
    if (bounds.length === 0) return;
    if (change.resource === undefined) {
      throw new ValidationError(`${at}.resource: name the resource whose ${bounds.join(', ')} changes`, { field: `${at}.resource` });
    }
    const resourcePath = [...path, 'resources', change.resource, ...(change.flavor === undefined ? [] : ['flavors', change.flavor])];
    for (const field of bounds) {
      const value = change[field];
      if (value === null) {
        if (document.hasIn([...resourcePath, field])) document.deleteIn([...resourcePath, field]);
      } else {
        document.setIn([...resourcePath, field], value);
      }
    }
  });
  return document.toString({ lineWidth: 0 });
}

function addList(target: ResourceList, list: ResourceList, times: bigint): void {
  for (const [resource, amount] of Object.entries(list)) {
    const delta = multiplyQuantity(amount, times);
    const existing = target[resource];
    target[resource] = existing === undefined ? delta : addQuantities(existing, delta);
  }
}

/** The inventory with plannable capacity changed by whole copies of existing nodes. */
export function applyNodeChanges(inventory: ClusterInventory, changes: readonly NodeChange[]): ClusterInventory {
  if (changes.length === 0) return inventory;
  const byName = new Map(inventory.nodes.map((node) => [node.name, node]));
  const plannable: ResourceList = { ...inventory.plannable };
  const flavors: ResourceListByFlavor = Object.fromEntries(Object.entries(inventory.plannableByFlavor).map(([r, byModel]) => [r, { ...byModel }]));
  changes.forEach((change, index) => {
    const node = byName.get(change.like);
    if (node === undefined) throw new ValidationError(`nodes[${index}].like: no node ${change.like} in the snapshot`, { field: `nodes[${index}].like`, value: change.like });
    const times = BigInt(change.count);
    addList(plannable, node.allocatable, times);
    for (const accelerator of node.accelerators) {
      const byModel = (flavors[accelerator.resource] ??= {});
      const model = accelerator.model ?? UNKNOWN_MODEL;
      const delta = multiplyQuantity(accelerator.allocatable, times);
      const existing = byModel[model];
      byModel[model] = existing === undefined ? delta : addQuantities(existing, delta);
    }
  });
  for (const [resource, amount] of Object.entries(plannable)) {
    if (amount.nanos < 0n) {
      throw new ValidationError(`nodes: removing these nodes leaves ${formatQuantity(amount)} ${resource}, below zero`, { field: 'nodes' });
    }
  }
  return { ...inventory, plannable: sortedList(plannable), plannableByFlavor: flavors };
}

function sortedList(list: ResourceList): ResourceList {
  return Object.fromEntries(Object.entries(list).sort(compareKeys));
}

/**
 * What one unit of an accelerator resource is, in words: a MIG slice (under the single strategy a slice is still
 * called `nvidia.com/gpu`), a shared replica, or the device.
 */
function unitOf(accelerator: AcceleratorFacts): string {
  switch (accelerator.unit) {
    case 'mig-slice':
      return `${accelerator.resource} (MIG ${accelerator.migProfile ?? ''} slices)`.replace('MIG  ', 'MIG ');
    case 'replica':
      return `${accelerator.resource} (shared: ${accelerator.replicas} replicas per GPU)`;
    case 'partition':
      return `${accelerator.resource} (partitions)`;
    case 'core':
      return `${accelerator.resource} (cores)`;
    default:
      return accelerator.resource;
  }
}

/** A node to copy in a what-if, one per pool and model: the first plannable node of that shape (by name). */
export interface NodeShapeJson {
  node: string;
  pool: string | null;
  model: string | null;
  nodes: number;
  /** Accelerator allocatable of one such node, e.g. `{ "nvidia.com/gpu": "8" }`. */
  accelerators: Record<string, string>;
  cpu: string | null;
  memory: string | null;
  /** `8x nvidia.com/gpu NVIDIA-H100-80GB-HBM3 (pool h100)` */
  label: string;
}

export function nodeShapes(inventory: ClusterInventory): NodeShapeJson[] {
  const shapes = new Map<string, { first: NodeFacts; nodes: number }>();
  for (const node of inventory.nodes) {
    const key = `${node.pool ?? ''}\u0000${node.model ?? ''}`;
    const entry = shapes.get(key);
    if (entry === undefined) shapes.set(key, { first: node, nodes: 1 });
    else {
      entry.nodes += 1;
      if (!isPlannable(entry.first) && isPlannable(node)) entry.first = node;
    }
  }
  return [...shapes.values()].map(({ first, nodes }): NodeShapeJson => {
    const accelerators: Record<string, string> = {};
    const parts: string[] = [];
    for (const accelerator of first.accelerators) {
      if (accelerator.allocatable.nanos <= 0n) continue;
      const amount = formatQuantity(accelerator.allocatable);
      accelerators[accelerator.resource] = amount;
      parts.push(`${amount}x ${unitOf(accelerator)}`);
    }
    const what = parts.length === 0 ? 'CPU node' : parts.join(' + ');
    const cpu = first.allocatable.cpu;
    const memory = first.allocatable.memory;
    return {
      node: first.name,
      pool: first.pool,
      model: first.model,
      nodes,
      accelerators,
      cpu: cpu === undefined ? null : formatQuantity(cpu),
      memory: memory === undefined ? null : formatQuantity(memory),
      label: `${what}${first.model === null ? '' : ` ${first.model}`}${first.pool === null ? '' : ` (pool ${first.pool})`}`,
    };
  });
}

