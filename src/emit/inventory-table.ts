/**
 * The inventory for people: one row per pool, model and accelerator resource (cpu and memory for pools
 * without accelerators), then plannable capacity per resource and per model, then DRA capacity per DeviceClass
 * and model (when the cluster has DRA objects), then warnings.
 */
import { formatBytesReadably, formatQuantity, subtractQuantities, ZERO_QUANTITY, type Quantity } from '../quantity.js';
import { addInto, isByteResource, sortedNames, type ResourceList } from '../resources.js';
import { isPlannable } from '../inventory/node-facts.js';
import type { ClusterInventory, NodeFacts } from '../inventory/types.js';
import { compareText } from '../text-order.js';
import { escapeTerminalText } from '../terminal-text.js';
import { schedulerQuotaRows } from './scheduler-quotas-table.js';

const NONE = '-';

interface Group {
  pool: string;
  model: string;
  nodes: NodeFacts[];
}

/** The note under a table that shows a rounded value. */
const ROUNDED_NOTE = '~ rounded to a tenth of the unit shown; -o json prints exact values';

export function inventoryTable(inv: ClusterInventory): string {
  const shown = { rounded: false };
  const schedulers = schedulerQuotaRows(inv);
  const sections = [
    nodeGroupsTable(inv.nodes, shown),
    plannableTable(inv, shown),
    draTable(inv),
    shown.rounded ? `\n${ROUNDED_NOTE}\n` : '',
    schedulers.length === 0 ? '' : `\nSCHEDULER QUOTAS (in force in Kueue, KAI Scheduler, Volcano)\n${align(schedulers)}`,
    warningsBlock(inv.warnings),
  ];
  return sections.join('');
}

/**
 * Per pool and model: nodes (and how many are plannable), physical accelerators, and per resource the
 * allocatable and requested over all the group's nodes, free = allocatable - requested, and the plannable part.
 */
function nodeGroupsTable(nodes: NodeFacts[], shown: { rounded: boolean }): string {
  const q = cellOf(shown);
  const rows: string[][] = [['POOL', 'MODEL', 'NODES', 'PLANNABLE', 'PHYSICAL', 'RESOURCE', 'ALLOCATABLE', 'REQUESTED', 'FREE', 'PLANNABLE-ALLOC']];
  for (const group of groupsOf(nodes)) {
    const allocatable: ResourceList = {};
    const requested: ResourceList = {};
    const plannable: ResourceList = {};
    const acceleratorNames = new Set<string>();
    for (const n of group.nodes) {
      addInto(allocatable, n.allocatable);
      addInto(requested, n.requested);
      if (isPlannable(n)) addInto(plannable, n.allocatable);
      for (const a of n.accelerators) acceleratorNames.add(a.resource);
    }
    const resources = acceleratorNames.size > 0 ? [...acceleratorNames].sort() : ['cpu', 'memory'];
    const physical = group.nodes.reduce((sum, n) => sum + n.physicalAccelerators, 0);
    const plannableNodes = group.nodes.filter(isPlannable).length;
    resources.forEach((resource, i) => {
      const alloc = allocatable[resource] ?? ZERO_QUANTITY;
      const req = requested[resource] ?? ZERO_QUANTITY;
      const head = i === 0 ? [group.pool, group.model, String(group.nodes.length), String(plannableNodes), String(physical)] : ['', '', '', '', ''];
      rows.push([...head, resource, q(resource, alloc), q(resource, req), q(resource, subtractQuantities(alloc, req)), q(resource, plannable[resource] ?? ZERO_QUANTITY)]);
    });
  }
  return `NODES\n${align(rows)}`;
}

function plannableTable(inv: ClusterInventory, shown: { rounded: boolean }): string {
  const q = cellOf(shown);
  const rows: string[][] = [['RESOURCE', 'MODEL', 'PLANNABLE']];
  for (const resource of sortedNames(inv.plannable)) {
    rows.push([resource, '', q(resource, inv.plannable[resource] as Quantity)]);
    const byModel = inv.plannableByFlavor[resource];
    if (byModel === undefined) continue;
    const models = sortedNames(byModel);
    if (models.length < 2) continue;
    for (const model of models) rows.push(['', model, q(resource, byModel[model] as Quantity)]);
  }
  return `\nPLANNABLE (ready, schedulable, non-transitional nodes)\n${align(rows)}`;
}

/**
 * DRA (ResourceSlices, by DeviceClass): per class its plannable devices, the physical devices behind them, the
 * devices it selects that are not plannable, and how many are in PLANNABLE (under its extended resource name on
 * nodes without a device plugin for it, KEP-5004; else as `<class>.deviceclass.resource.k8s.io/devices`); per
 * model when there are two or more.
 */
function draTable(inv: ClusterInventory): string {
  if (inv.dra === undefined) return '';
  const rows: string[][] = [['DEVICECLASS', 'EXTENDED-RESOURCE', 'MODEL', 'DEVICES', 'PHYSICAL', 'NOT-PLANNABLE', 'IN-PLANNABLE']];
  for (const c of inv.dra.classes) {
    const devices = c.unsupported ? 'unsupported' : `${c.devices}${c.partitionable ? ' (at most)' : ''}`;
    const models = Object.keys(c.devicesByModel);
    const model = models.length === 1 ? (models[0] as string) : '';
    rows.push([c.name, c.extendedResourceName ?? NONE, model, devices, String(c.physical), String(c.unplannable), String(c.inPlannable)]);
    if (models.length < 2) continue;
    for (const m of models) rows.push(['', '', m, String(c.devicesByModel[m]), '', '', '']);
  }
  return `\nDRA (ResourceSlices, by DeviceClass: plannable devices; IN-PLANNABLE: counted in PLANNABLE, under EXTENDED-RESOURCE or <class>.deviceclass.resource.k8s.io/devices)\n${align(rows)}`;
}

function warningsBlock(warnings: string[]): string {
  if (warnings.length === 0) return '';
  return `\nWARNINGS\n${warnings.map((w) => `- ${escapeTerminalText(w)}\n`).join('')}`;
}

function groupsOf(nodes: NodeFacts[]): Group[] {
  const groups = new Map<string, Group>();
  for (const n of nodes) {
    const pool = n.pool ?? NONE;
    const model = n.model ?? NONE;
    const key = `${pool}\u0000${model}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { pool, model, nodes: [] };
      groups.set(key, group);
    }
    group.nodes.push(n);
  }
  return [...groups.values()].sort((a, b) => compareText(a.pool, b.pool) || compareText(a.model, b.model));
}

/** Memory and storage in binary units (exact where exact, else `~` and noted under the tables); the rest as is. */
function cellOf(shown: { rounded: boolean }): (resource: string, value: Quantity) => string {
  return (resource, value) => {
    if (!isByteResource(resource)) return formatQuantity(value);
    const readable = formatBytesReadably(value);
    shown.rounded ||= readable.rounded;
    return readable.text;
  };
}

/** Left-aligned columns separated by two spaces; no trailing spaces. */
function align(rows: string[][]): string {
  const widths: number[] = [];
  rows = rows.map((row) => row.map((cell) => escapeTerminalText(cell)));
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()}\n`).join('');
}


