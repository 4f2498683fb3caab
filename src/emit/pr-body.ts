/**
 * The pull-request body for a quota change set: what a reviewer needs to approve the tree. Per team and key:
 * current hard -> new hard, the change, current use; then everything flagged; then the plan's own warnings; and,
 * for a cluster with DRA, per accelerator resource the device plugins' plannable capacity beside the DRA devices
 * counted in it, then the DRA capacity by DeviceClass.
 */
import { classDevicesKey } from '../inventory/dra/claim-use.js';
import { isAcceleratorResource } from '../inventory/accelerators.js';
import { isPlannable } from '../inventory/node-facts.js';
import { addQuantities, formatQuantity, quantityFromUnits, subtractQuantities, ZERO_QUANTITY, type Quantity } from '../quantity.js';
import type { KeyChange, NamespaceChange, QuotaChangeSet, TeamKeyChange } from './changes.js';
import type { Flag, FlagKind } from './flag.js';
import type { TargetOutput } from './targets/target.js';
import type { DraCapacity } from '../inventory/dra/types.js';
import type { ClusterInventory } from '../inventory/types.js';
import type { ResourceList } from '../resources.js';
import { compareText } from '../text-order.js';
import { escapeTerminalText } from '../terminal-text.js';
import { markdownCode, markdownText } from './markdown-text.js';

const flagTitles: Record<FlagKind, string> = {
  'use-above-quota': 'Use above the new quota',
  'unenforced-key': 'Keys that are not enforced',
  'other-quota-limits': 'Another quota is lower',
  'flavor-not-enforceable': 'Per-model quotas a ResourceQuota cannot enforce',
  'profile-not-found': 'Profiles not found',
  'namespace-not-found': 'Namespaces not found',
  'team-without-namespaces': 'Teams without namespaces',
  'existing-limit-range': 'Existing LimitRange defaults',
  'zero-share': 'Namespaces that get none of a resource',
  'synonym-key': 'Kept keys that limit the same requests',
  'scheduler-cannot-express': 'Quotas a scheduler cannot express as planned',
  'flavor-without-node-label': 'GPU models without a node label',
};

const flagOrder: FlagKind[] = [
  'use-above-quota',
  'unenforced-key',
  'other-quota-limits',
  'synonym-key',
  'zero-share',
  'flavor-not-enforceable',
  'namespace-not-found',
  'profile-not-found',
  'team-without-namespaces',
  'existing-limit-range',
  'scheduler-cannot-express',
  'flavor-without-node-label',
];

/**
 * `kueue`, `kai`, `volcano`: the objects of those targets, each listed in its own section beside the figure in force
 * now, read from `inForce` (the snapshot's Kueue ClusterQueues and Cohorts, KAI Scheduler Queues, Volcano Queues);
 * `flags`: every written target's flags, with the others. `dra`: the inventory's
 * DRA capacity (docs/inventory.md), shown in its own section when it has a DeviceClass; `capacity`: the inventory's
 * nodes, whose device-plugin capacity that section shows beside the DRA devices. `depth`: how many levels
 * below the top the body's headings start (the fleet's PR body holds each cluster's one level down).
 */
export interface PrBodyOptions {
  kueue?: TargetOutput;
  kai?: TargetOutput;
  volcano?: TargetOutput;
  flags?: readonly Flag[];
  inForce?: SchedulersInForce;
  dra?: DraCapacity;
  capacity?: Pick<ClusterInventory, 'nodes'>;
  depth?: number;
}

export function renderPrBody(changes: QuotaChangeSet, options: PrBodyOptions = {}): string {
  const lines: string[] = [];
  const h = (level: number): string => '#'.repeat(level + (options.depth ?? 0));
  const namespaces = changes.teams.flatMap((t) => t.namespaces);
  const counts = countChanges(namespaces);
  lines.push(`${h(1)} Quotas for ${markdownText(changes.cycle)} (plan ${markdownText(changes.planId)}, cluster ${markdownText(changes.cluster)})`, '');
  lines.push(
    `${changes.teams.length} ${plural(changes.teams.length, 'team')}, ${namespaces.length} ` +
      `${plural(namespaces.length, 'namespace')}: ${counts.raised} raised, ${counts.lowered} lowered, ` +
      `${counts.added} new, ${counts.unchanged} unchanged ${plural(counts.unchanged, 'key')}.`,
    '',
  );

  const flags = prBodyFlags(changes, options);
  lines.push(`${h(2)} Flags`, '');
  if (flags.length === 0) lines.push('None.', '');
  for (const kind of flagOrder) {
    const ofKind = flags.filter((f) => f.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(`${h(3)} ${flagTitles[kind]} (${ofKind.length})`, '');
    for (const flag of ofKind) lines.push(`- ${markdownText(flag.message)}`);
    lines.push('');
  }

  lines.push(`${h(2)} Plan warnings`, '');
  if (changes.planWarnings.length === 0) lines.push('None.', '');
  else lines.push(...changes.planWarnings.map((w) => `- ${markdownText(w)}`), '');

  if (options.dra !== undefined && options.dra.classes.length > 0) lines.push(...draSection(options.dra, options.capacity, h(2), h(3)));
  if (options.kueue !== undefined) lines.push(...kueueSection(options.kueue, options.inForce ?? {}, h(2)));
  if (options.kai !== undefined) lines.push(...kaiSection(options.kai, options.inForce ?? {}, h(2)));
  if (options.volcano !== undefined) lines.push(...volcanoSection(options.volcano, options.inForce ?? {}, h(2)));

  lines.push(`${h(2)} Changes by team`, '');
  for (const team of changes.teams) {
    lines.push(`${h(3)} ${markdownText(team.team)}`, '');
    if (team.namespaces.length === 0) {
      lines.push('No namespace: nothing written.', '');
      continue;
    }
    lines.push(`Namespaces: ${team.namespaces.map(describeTarget).join(', ')}`, '');
    lines.push('| Key | Current hard | New hard | Change | Current use |', '|---|---:|---:|---:|---:|');
    for (const key of team.keys) lines.push(keyRow(key.key, key, overQuota(key)));
    lines.push('');
    if (team.namespaces.length > 1) {
      lines.push('Split across namespaces:', '');
      lines.push('| Namespace | Key | Current hard | New hard | Change | Current use |', '|---|---|---:|---:|---:|---:|');
      for (const ns of team.namespaces) {
        for (const key of ns.keys) lines.push(`| ${markdownText(ns.namespace)} ${keyRow(key.key, key, overQuota(key))}`);
      }
      lines.push('');
    }
    const preserved = team.namespaces.filter((ns) => Object.keys(ns.preserved).length > 0);
    for (const ns of preserved) {
      const kept = Object.entries(ns.preserved).map(([k, q]) => markdownCode(`${k}: ${formatQuantity(q)}`));
      lines.push(`Kept as they are in ${markdownText(ns.namespace)}: ${kept.join(', ')}`, '');
    }
  }
  return escapeTerminalText(`${lines.join('\n').trimEnd()}\n`, { newlines: 'keep' });
}

/** Every flag a body lists: the change set's, then the written targets' (or the Kueue target's). */
export function prBodyFlags(changes: QuotaChangeSet, options: PrBodyOptions): Flag[] {
  return [...changes.teams.flatMap((t) => t.flags), ...(options.flags ?? options.kueue?.flags ?? [])];
}

/**
 * Accelerator capacity with DRA: per resource the plan divides, the device plugins' part (allocatable of plannable
 * nodes) beside the DRA devices counted in it (a class's `inPlannable`, under its extended resource name or
 * `<class>.deviceclass.resource.k8s.io/devices`), and their sum; then the DRA capacity per DeviceClass, labelled as DRA.
 */
function draSection(dra: DraCapacity, capacity: Pick<ClusterInventory, 'nodes'> | undefined, heading: string, subheading: string): string[] {
  const lines = [`${heading} Accelerator capacity: device plugins and DRA`, ''];
  if (capacity !== undefined) {
    const plugins = new Map<string, Quantity>();
    for (const node of capacity.nodes.filter(isPlannable)) {
      for (const [resource, quantity] of Object.entries(node.allocatable)) {
        if (isAcceleratorResource(resource)) plugins.set(resource, addQuantities(plugins.get(resource) ?? ZERO_QUANTITY, quantity));
      }
    }
    const draDevices = new Map<string, bigint>();
    for (const c of dra.classes) {
      const key = c.extendedResourceName ?? classDevicesKey(c.name);
      draDevices.set(key, (draDevices.get(key) ?? 0n) + BigInt(c.inPlannable));
    }
    lines.push(
      'What the plan divides, per resource: the device plugins\' capacity (allocatable of ready, schedulable, non-transitional nodes) ' +
        'and the DRA devices counted in it (under the class\'s extended resource name on nodes without a device plugin for it, else as ' +
        '`<class>.deviceclass.resource.k8s.io/devices`).',
      '',
      '| Resource | Device plugins | DRA devices | Plannable |',
      '|---|---:|---:|---:|',
    );
    for (const resource of [...new Set([...plugins.keys(), ...draDevices.keys()])].sort(compareText)) {
      const plugin = plugins.get(resource);
      const devices = draDevices.get(resource);
      const total = addQuantities(plugin ?? ZERO_QUANTITY, quantityFromUnits(devices ?? 0n));
      lines.push(
        `| ${markdownCode(resource, { inTable: true })} | ${plugin === undefined ? '-' : formatQuantity(plugin)} | ${devices === undefined ? '-' : devices} | ${formatQuantity(total)} |`,
      );
    }
    lines.push('');
  }
  lines.push(`${subheading} DRA capacity (ResourceSlices, by DeviceClass)`, '');
  lines.push(
    'Devices the DRA drivers publish, beside the device-plugin capacity. *In plannable*: devices the plan divided, under the ' +
      'extended resource name (on nodes without a device plugin for it) or as `<class>.deviceclass.resource.k8s.io/devices`.',
    '',
  );
  lines.push('| DeviceClass | Extended resource | Devices | Physical | Not plannable | In plannable |', '|---|---|---:|---:|---:|---:|');
  for (const c of dra.classes) {
    const devices = c.unsupported ? 'unsupported' : `${c.devices}${c.partitionable ? ' (at most)' : ''}`;
    const extended = c.extendedResourceName === null ? '-' : markdownCode(c.extendedResourceName, { inTable: true });
    lines.push(`| ${markdownCode(c.name, { inTable: true })} | ${extended} | ${devices} | ${c.physical} | ${c.unplannable} | ${c.inPlannable} |`);
  }
  lines.push('');
  return lines;
}

interface KueueGroup {
  flavors: { name: string; resources: { name: string; nominalQuota: string; borrowingLimit?: string; lendingLimit?: string }[] }[];
}

/** The nominal quota in force now (from the snapshot's Kueue objects), '-' where the object or entry is new. */
function nominalInForce(inForce: SchedulersInForce, kind: string, name: string, flavor: string, resource: string): string {
  const objects = kind === 'Cohort' ? (inForce.kueueCohorts ?? []) : (inForce.kueueClusterQueues ?? []);
  const quota = objects.find((o) => o.name === name)?.quotas.find((q) => q.flavor === flavor && q.resource === resource);
  return quota === undefined ? '-' : formatQuantity(quota.nominalQuota);
}

/** The schedulers' objects of the snapshot: the figures in force now. */
export type SchedulersInForce = Pick<ClusterInventory, 'kueueCohorts' | 'kueueClusterQueues' | 'kaiQueues' | 'volcanoQueues'>;

function kueueSection(kueue: TargetOutput, inForce: SchedulersInForce, heading: string): string[] {
  const lines = [`${heading} Kueue`, ''];
  const flavors = kueue.manifests.filter((m) => m.kind === 'ResourceFlavor');
  lines.push(`ResourceFlavors: ${flavors.map((m) => markdownCode(m.name)).join(', ') || 'none'}`, '');
  lines.push(
    '*Now*: the `nominalQuota` of that flavor and resource in the Cohort or ClusterQueue of the same name (`kueue.x-k8s.io/v1beta2`) ' +
      'in the snapshot; `-` where the object or the entry is new.',
    '',
  );
  lines.push(
    '| Object | Cohort | Flavor | Resource | Nominal quota now | Nominal quota | Borrowing limit | Lending limit |',
    '|---|---|---|---|---:|---:|---:|---:|',
  );
  for (const m of kueue.manifests.filter((x) => x.kind === 'Cohort' || x.kind === 'ClusterQueue')) {
    const spec = m.object.spec as { cohortName?: string; parentName?: string; resourceGroups?: KueueGroup[] };
    const cohort = spec.cohortName ?? spec.parentName ?? '-';
    for (const group of spec.resourceGroups ?? []) {
      for (const flavor of group.flavors) {
        for (const r of flavor.resources) {
          const now = nominalInForce(inForce, m.kind, m.name, flavor.name, r.name);
          lines.push(`| ${m.kind} ${markdownText(m.name)} | ${markdownText(cohort)} | ${markdownText(flavor.name)} | ${markdownCode(r.name, { inTable: true })} | ${now} | ${r.nominalQuota} | ${r.borrowingLimit ?? '-'} | ${r.lendingLimit ?? '-'} |`);
        }
      }
    }
  }
  lines.push('');
  return lines;
}

type KaiFigures = Record<string, { quota: number; limit: number; overQuotaWeight: number }>;

/** KAI's numbers as its API has them (float64: GPUs, millicores, 10^6 bytes); -1 is "none". */
const kaiText = (n: number | undefined): string => (n === undefined ? '-' : n === -1 ? 'unlimited' : String(n));

function kaiSection(kai: TargetOutput, inForce: SchedulersInForce, heading: string): string[] {
  const lines = [`${heading} KAI Scheduler`, ''];
  lines.push(
    '*Now*: `spec.resources.<resource>` of the KAI Scheduler Queue of the same name (`scheduling.run.ai/v2`) in the snapshot; ' +
      '`-` where the queue is new. GPUs, millicores and megabytes (10^6 bytes); -1 (unlimited) is KAI\'s "no quota" or "no limit".',
    '',
  );
  lines.push(
    '| Queue | Parent | Resource | Quota now | Quota | Limit now | Limit | Over-quota weight now | Over-quota weight |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const m of kai.manifests) {
    const spec = m.object.spec as { parentQueue?: string; resources?: KaiFigures };
    const now = (inForce.kaiQueues ?? []).find((q) => q.name === m.name);
    for (const [resource, figures] of Object.entries(spec.resources ?? {})) {
      const current = now?.resources.find((r) => r.resource === resource);
      lines.push(
        `| ${markdownText(m.name)} | ${markdownText(spec.parentQueue ?? '-')} | ${markdownCode(resource, { inTable: true })} | ` +
          `${kaiText(current?.quota)} | ${kaiText(figures.quota)} | ${kaiText(current?.limit)} | ${kaiText(figures.limit)} | ` +
          `${current === undefined ? '-' : String(current.overQuotaWeight)} | ${String(figures.overQuotaWeight)} |`,
      );
    }
  }
  lines.push('');
  return lines;
}

function volcanoSection(volcano: TargetOutput, inForce: SchedulersInForce, heading: string): string[] {
  const lines = [`${heading} Volcano`, ''];
  lines.push(
    '*Now*: `spec.deserved`, `spec.guarantee.resource` and `spec.capability` of the Volcano Queue of the same name ' +
      '(`scheduling.volcano.sh/v1beta1`) in the snapshot; `-` where the queue or the figure is new.',
    '',
  );
  lines.push(
    '| Queue | Parent | Resource | Deserved now | Deserved | Guarantee now | Guarantee | Capability now | Capability |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const m of volcano.manifests) {
    const spec = m.object.spec as { parent?: string; deserved?: Record<string, string>; guarantee?: { resource?: Record<string, string> }; capability?: Record<string, string> };
    const now = (inForce.volcanoQueues ?? []).find((q) => q.name === m.name);
    const resources = [...new Set([...Object.keys(spec.deserved ?? {}), ...Object.keys(spec.guarantee?.resource ?? {}), ...Object.keys(spec.capability ?? {})])].sort(compareText);
    const current = (list: ResourceList | undefined, resource: string): string => {
      const q = list?.[resource];
      return q === undefined ? '-' : formatQuantity(q);
    };
    for (const resource of resources) {
      lines.push(
        `| ${markdownText(m.name)} | ${markdownText(spec.parent ?? '-')} | ${markdownCode(resource, { inTable: true })} | ` +
          `${current(now?.deserved, resource)} | ${spec.deserved?.[resource] ?? '-'} | ${current(now?.guarantee, resource)} | ${spec.guarantee?.resource?.[resource] ?? '-'} | ` +
          `${current(now?.capability, resource)} | ${spec.capability?.[resource] ?? '-'} |`,
      );
    }
  }
  lines.push('');
  return lines;
}

function describeTarget(ns: NamespaceChange): string {
  const what = ns.target.kind === 'Profile' ? `Profile ${markdownText(ns.target.name)}` : `ResourceQuota ${markdownText(ns.target.name)}`;
  return `${markdownCode(ns.namespace)} (${what}${ns.target.exists ? '' : ', new'})`;
}

function keyRow(key: string, change: KeyChange | TeamKeyChange, over: boolean): string {
  const previous = change.previous === null ? '-' : formatQuantity(change.previous);
  const used = change.used === null ? '-' : `${formatQuantity(change.used)}${over ? ' **over**' : ''}`;
  return `| ${markdownCode(key, { inTable: true })} | ${previous} | ${formatQuantity(change.next)} | ${changeText(change.previous, change.next)} | ${used} |`;
}

function changeText(previous: Quantity | null, next: Quantity): string {
  if (previous === null) return 'new';
  const delta = subtractQuantities(next, previous);
  if (delta.nanos === 0n) return '0';
  const text = formatQuantity({ nanos: delta.nanos, format: next.format });
  return delta.nanos > 0n ? `+${text}` : text;
}

function overQuota(change: KeyChange | TeamKeyChange): boolean {
  return change.used !== null && change.used.nanos > change.next.nanos;
}

/** How many keys of these namespaces are raised, lowered, new and unchanged (the body's first line; the fleet's table). */
export function countChanges(namespaces: readonly NamespaceChange[]): { raised: number; lowered: number; added: number; unchanged: number } {
  const counts = { raised: 0, lowered: 0, added: 0, unchanged: 0 };
  for (const ns of namespaces) {
    for (const key of ns.keys) {
      if (key.previous === null) counts.added += 1;
      else if (key.next.nanos > key.previous.nanos) counts.raised += 1;
      else if (key.next.nanos < key.previous.nanos) counts.lowered += 1;
      else counts.unchanged += 1;
    }
  }
  return counts;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
