/**
 * What the Capacity page shows, derived from one ClusterInventory: accelerators per pool, model and resource
 * (physical devices, capacity, allocatable, requested, free, unhealthy), both in the resource's own units (MIG
 * slices, time-sliced replicas, partitions) and as GPU-equivalents; and the nodes that need attention.
 * Pure: the route loads the inventory and passes it in.
 */
import { countedByAnother } from '../inventory/same-devices.js';
import { ONE, ZERO, add, rational, subtract, toRoundedNumber, type Rational } from '../rational.js';
import { draPhysicalDevices, type DraPhysicalDevice } from '../inventory/dra/physical.js';
import { isPlannable } from '../inventory/node-facts.js';
import type { AcceleratorFacts, ClusterInventory, NodeFacts, } from '../inventory/types.js';
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  subtractQuantities,
  ZERO_QUANTITY,
  type Quantity,
} from '../quantity.js';
import { formatResourceList } from '../resources.js';
import { classDevicesKey } from '../inventory/dra/claim-use.js';
import { compareKeys, compareText } from '../text-order.js';
import { quotasInForce, type QuotaInForce } from '../inventory/schedulers/in-force.js';

export interface GpuEquivalents {
  capacity: number;
  allocatable: number;
  requested: number;
  free: number;
  plannable: number;
}

/** One accelerator resource of one model in one pool. Quantities are canonical strings in the resource's unit. */
export interface AcceleratorGroupJson {
  pool: string;
  model: string;
  resource: string;
  vendor: string;
  sharing: string;
  migProfile: string | null;
  unit: string;
  replicas: number;
  nodes: number;
  /** Physical devices these units stand for (a JSON number: may be fractional for partly MIG-ed GPUs). */
  physical: number;
  capacity: string;
  allocatable: string;
  requested: string;
  /** allocatable - requested on ready, schedulable, non-transitional nodes (never below zero per node). */
  free: string;
  /** Allocatable of ready, schedulable, non-transitional nodes: what the planner divides. */
  plannable: string;
  /** capacity - allocatable: devices the plugin reports but does not offer (failed GPUs). */
  unhealthy: string;
  /** GPU-equivalents of one unit (1 whole GPU, 3/7 for a 3g MIG slice, 1/4 for a 4-way time-slice replica). */
  gpuEquivalentPerUnit: number;
  gpuEquivalent: GpuEquivalents;
}

/** A node a planner should look at: not ready, cordoned, transitional, failed devices or stale zero resources. */
export interface NodeAttentionJson {
  name: string;
  pool: string;
  model: string | null;
  ready: boolean;
  schedulable: boolean;
  transitional: boolean;
  transitionalReasons: string[];
  physicalAccelerators: number;
  unhealthy: Record<string, string>;
  staleZeroResources: string[];
  /** Human-readable reasons, in a fixed order. */
  reasons: string[];
}

/** Every node pool (CPU pools too): how many nodes, how many can be planned on, what they carry. */
export interface PoolJson {
  pool: string;
  nodes: number;
  plannableNodes: number;
  /** Accelerator models in the pool, sorted; empty for CPU pools. */
  models: string[];
  physicalAccelerators: number;
  cpu: string;
  memory: string;
}

export interface CapacityJson {
  totals: {
    nodes: number;
    plannableNodes: number;
    acceleratorNodes: number;
    physicalAccelerators: number;
    gpuEquivalent: GpuEquivalents;
  };
  /** Sorted by pool, model, resource. */
  groups: AcceleratorGroupJson[];
  /** Non-accelerator resources of the whole cluster (cpu, memory, ...): capacity, allocatable, requested, plannable. */
  resources: Array<{ resource: string; capacity: string; allocatable: string; requested: string; plannable: string }>;
  /** Sorted by pool name. */
  pools: PoolJson[];
  /** Sorted by name. */
  attention: NodeAttentionJson[];
  /** DRA devices per DeviceClass (sorted by class; empty without DRA objects), labelled as DRA on the page. */
  dra: DraClassJson[];
  plannable: Record<string, string>;
  /** ResourceQuotas and the batch schedulers' quotas (Kueue, KAI Scheduler, Volcano) in force in the snapshot. */
  quotasInForce: QuotaInForce[];
  warnings: string[];
}

/** One DeviceClass's DRA capacity (docs/inventory.md): plannable devices, per model, and what is in `plannable`. */
export interface DraClassJson {
  deviceClass: string;
  extendedResourceName: string | null;
  /** The `plannable` key its devices are counted under: the extended resource name, else `<class>.deviceclass.resource.k8s.io/devices`. */
  plannableAs: string;
  devices: number;
  physical: number;
  devicesByModel: Record<string, number>;
  unplannable: number;
  inPlannable: number;
  /** Devices share counters: `devices` is an upper bound. */
  partitionable: boolean;
  /** Its selectors cannot be evaluated: no device is counted. */
  unsupported: boolean;
}

const NO_POOL = '(no pool)';
const NO_MODEL = '(unknown model)';

interface GroupTotals {
  facts: AcceleratorFacts;
  pool: string;
  model: string;
  nodes: number;
  physical: Rational;
  capacity: Quantity;
  allocatable: Quantity;
  requested: Quantity;
  free: Quantity;
  plannable: Quantity;
}

/** Quantity of whole units times a unit's GPU-equivalent, as an exact ratio. */
function gpuEquivalentOf(amount: Quantity, perUnit: Rational): Rational {
  return rational(amount.nanos * perUnit.numerator, 1_000_000_000n * perUnit.denominator);
}

function positive(q: Quantity): Quantity {
  return q.nanos < 0n ? ZERO_QUANTITY : q;
}


export function capacityView(inventory: ClusterInventory): CapacityJson {
  const groups = new Map<string, GroupTotals>();
  let physicalTotal = 0;
  let acceleratorNodes = 0;
  const equivalents = { capacity: ZERO, allocatable: ZERO, requested: ZERO, free: ZERO, plannable: ZERO };
  for (const node of inventory.nodes) {
    physicalTotal += node.physicalAccelerators;
    if (node.accelerators.length > 0) acceleratorNodes += 1;
    const plannable = isPlannable(node);
    // Devices another resource of the node already counts (a Neuron alias, NeuronCores beside devices) are not added twice.
    const countedElsewhere = countedByAnother(node.accelerators);
    for (const accelerator of node.accelerators) {
      const pool = node.pool ?? NO_POOL;
      const model = accelerator.model ?? NO_MODEL;
      const key = `${pool}\u0000${model}\u0000${accelerator.resource}`;
      const requested = node.requested[accelerator.resource] ?? ZERO_QUANTITY;
      const free = plannable ? positive(subtractQuantities(accelerator.allocatable, requested)) : ZERO_QUANTITY;
      const planned = plannable ? accelerator.allocatable : ZERO_QUANTITY;
      const group = groups.get(key);
      if (group === undefined) {
        groups.set(key, {
          facts: accelerator,
          pool,
          model,
          nodes: 1,
          physical: accelerator.physical,
          capacity: accelerator.capacity,
          allocatable: accelerator.allocatable,
          requested,
          free,
          plannable: planned,
        });
      } else {
        group.nodes += 1;
        group.physical = add(group.physical, accelerator.physical);
        group.capacity = addQuantities(group.capacity, accelerator.capacity);
        group.allocatable = addQuantities(group.allocatable, accelerator.allocatable);
        group.requested = addQuantities(group.requested, requested);
        group.free = addQuantities(group.free, free);
        group.plannable = addQuantities(group.plannable, planned);
      }
      if (countedElsewhere.has(accelerator.resource)) continue;
      const perUnit = accelerator.gpuEquivalent;
      equivalents.capacity = add(equivalents.capacity, gpuEquivalentOf(accelerator.capacity, perUnit));
      equivalents.allocatable = add(equivalents.allocatable, gpuEquivalentOf(accelerator.allocatable, perUnit));
      equivalents.requested = add(equivalents.requested, gpuEquivalentOf(requested, perUnit));
      equivalents.free = add(equivalents.free, gpuEquivalentOf(free, perUnit));
      equivalents.plannable = add(equivalents.plannable, gpuEquivalentOf(planned, perUnit));
    }
  }
  // DRA GPUs (dra/physical.ts): each physical GPU once, whatever it publishes; those a device plugin serves on
  // their node (KEP-5004) are already in the node's figures above.
  const draNodes = new Set<string>();
  for (const gpu of draPhysicalDevices(inventory)) {
    if (gpu.countedByDevicePlugin) continue;
    physicalTotal += 1;
    for (const node of gpu.nodes) draNodes.add(node);
    equivalents.capacity = add(equivalents.capacity, ONE);
    if (gpu.allocatable) equivalents.allocatable = add(equivalents.allocatable, ONE);
    equivalents.requested = add(equivalents.requested, gpu.allocated);
    if (gpu.plannable) {
      equivalents.plannable = add(equivalents.plannable, ONE);
      equivalents.free = add(equivalents.free, subtract(ONE, gpu.allocated));
    }
  }
  acceleratorNodes += inventory.nodes.filter((node) => node.accelerators.length === 0 && draNodes.has(node.name)).length;
  const groupList = [...groups.values()]
    .sort((a, b) => compareText(a.pool, b.pool) || compareText(a.model, b.model) || compareText(a.facts.resource, b.facts.resource))
    .map((group): AcceleratorGroupJson => {
      const perUnit = group.facts.gpuEquivalent;
      const number = (q: Quantity): number => toRoundedNumber(gpuEquivalentOf(q, perUnit));
      return {
        pool: group.pool,
        model: group.model,
        resource: group.facts.resource,
        vendor: group.facts.vendor,
        sharing: group.facts.sharing,
        migProfile: group.facts.migProfile,
        unit: group.facts.unit,
        replicas: group.facts.replicas,
        nodes: group.nodes,
        physical: toRoundedNumber(group.physical),
        capacity: formatQuantity(group.capacity),
        allocatable: formatQuantity(group.allocatable),
        requested: formatQuantity(group.requested),
        free: formatQuantity(group.free),
        plannable: formatQuantity(group.plannable),
        unhealthy: formatQuantity(positive(subtractQuantities(group.capacity, group.allocatable))),
        gpuEquivalentPerUnit: toRoundedNumber(perUnit),
        gpuEquivalent: {
          capacity: number(group.capacity),
          allocatable: number(group.allocatable),
          requested: number(group.requested),
          free: number(group.free),
          plannable: number(group.plannable),
        },
      };
    });
  return {
    totals: {
      nodes: inventory.nodes.length,
      plannableNodes: inventory.nodes.filter(isPlannable).length,
      acceleratorNodes,
      physicalAccelerators: physicalTotal,
      gpuEquivalent: {
        capacity: toRoundedNumber(equivalents.capacity),
        allocatable: toRoundedNumber(equivalents.allocatable),
        requested: toRoundedNumber(equivalents.requested),
        free: toRoundedNumber(equivalents.free),
        plannable: toRoundedNumber(equivalents.plannable),
      },
    },
    groups: groupList,
    resources: otherResources(inventory),
    pools: poolsOf(inventory, draPhysicalDevices(inventory)),
    attention: inventory.nodes.filter(needsAttention).map(attentionOf),
    dra: draClassesOf(inventory),
    plannable: formatResourceList(inventory.plannable),
    quotasInForce: quotasInForce(inventory),
    warnings: inventory.warnings,
  };
}

function draClassesOf(inventory: ClusterInventory): DraClassJson[] {
  return (inventory.dra?.classes ?? []).map((c) => ({
    deviceClass: c.name,
    extendedResourceName: c.extendedResourceName,
    plannableAs: c.extendedResourceName ?? classDevicesKey(c.name),
    devices: c.devices,
    physical: c.physical,
    devicesByModel: { ...c.devicesByModel },
    unplannable: c.unplannable,
    inPlannable: c.inPlannable,
    partitionable: c.partitionable,
    unsupported: c.unsupported,
  }));
}

function otherResources(inventory: ClusterInventory): CapacityJson['resources'] {
  // Accelerators, and what DRA adds to plannable (shown in the DRA table), are not "other" resources.
  const accelerators = new Set([
    ...inventory.nodes.flatMap((node) => node.accelerators.map((a) => a.resource)),
    ...draClassesOf(inventory).map((c) => c.plannableAs),
  ]);
  const totals = new Map<string, { capacity: Quantity; allocatable: Quantity; requested: Quantity; plannable: Quantity }>();
  const add = (resource: string, field: 'capacity' | 'allocatable' | 'requested' | 'plannable', amount: Quantity): void => {
    if (accelerators.has(resource)) return;
    const entry = totals.get(resource) ?? { capacity: ZERO_QUANTITY, allocatable: ZERO_QUANTITY, requested: ZERO_QUANTITY, plannable: ZERO_QUANTITY };
    entry[field] = addQuantities(entry[field], amount);
    totals.set(resource, entry);
  };
  for (const node of inventory.nodes) {
    for (const [resource, amount] of Object.entries(node.capacity)) add(resource, 'capacity', amount);
    for (const [resource, amount] of Object.entries(node.allocatable)) add(resource, 'allocatable', amount);
    for (const [resource, amount] of Object.entries(node.requested)) add(resource, 'requested', amount);
  }
  for (const [resource, amount] of Object.entries(inventory.plannable)) add(resource, 'plannable', amount);
  return [...totals.entries()]
    .sort(compareKeys)
    .map(([resource, entry]) => ({
      resource,
      capacity: formatQuantity(entry.capacity),
      allocatable: formatQuantity(entry.allocatable),
      requested: formatQuantity(entry.requested),
      plannable: formatQuantity(entry.plannable),
    }));
}

/** Node pools; a DRA GPU not counted by a device plugin adds to the pool of the (first) node it is used from. */
function poolsOf(inventory: ClusterInventory, draGpus: readonly DraPhysicalDevice[]): PoolJson[] {
  const draByNode = new Map<string, number>();
  const draModels = new Map<string, Set<string>>();
  for (const gpu of draGpus) {
    const node = gpu.nodes[0];
    if (gpu.countedByDevicePlugin || node === undefined) continue;
    draByNode.set(node, (draByNode.get(node) ?? 0) + 1);
    if (gpu.model !== null) draModels.set(node, (draModels.get(node) ?? new Set<string>()).add(gpu.model));
  }
  const pools = new Map<string, { nodes: NodeFacts[] }>();
  for (const node of inventory.nodes) {
    const pool = node.pool ?? NO_POOL;
    const entry = pools.get(pool) ?? { nodes: [] };
    entry.nodes.push(node);
    pools.set(pool, entry);
  }
  return [...pools.entries()]
    .sort(compareKeys)
    .map(([pool, { nodes }]): PoolJson => {
      let cpu: Quantity = ZERO_QUANTITY;
      let memory: Quantity = ZERO_QUANTITY;
      for (const node of nodes) {
        if (node.allocatable.cpu !== undefined) cpu = addQuantities(cpu, node.allocatable.cpu);
        if (node.allocatable.memory !== undefined) memory = addQuantities(memory, node.allocatable.memory);
      }
      return {
        pool,
        nodes: nodes.length,
        plannableNodes: nodes.filter(isPlannable).length,
        models: [
          ...new Set([...nodes.map((node) => node.model).filter((model): model is string => model !== null), ...nodes.flatMap((node) => [...(draModels.get(node.name) ?? [])])]),
        ].sort(compareText),
        physicalAccelerators: nodes.reduce((sum, node) => sum + node.physicalAccelerators + (draByNode.get(node.name) ?? 0), 0),
        cpu: formatQuantity(cpu),
        memory: formatQuantity(memory),
      };
    });
}

function needsAttention(node: NodeFacts): boolean {
  return (
    !node.ready ||
    !node.schedulable ||
    node.transitional ||
    Object.values(node.unhealthy).some((q) => compareQuantities(q, ZERO_QUANTITY) > 0) ||
    node.staleZeroResources.length > 0
  );
}

function attentionOf(node: NodeFacts): NodeAttentionJson {
  const reasons: string[] = [];
  if (!node.ready) reasons.push('not ready');
  if (!node.schedulable) reasons.push('cordoned');
  for (const reason of node.transitionalReasons) reasons.push(`transitional: ${reason}`);
  if (node.transitional && node.transitionalReasons.length === 0) reasons.push('transitional');
  for (const [resource, amount] of Object.entries(node.unhealthy)) {
    if (compareQuantities(amount, ZERO_QUANTITY) > 0) reasons.push(`${formatQuantity(amount)} unhealthy ${resource}`);
  }
  for (const resource of node.staleZeroResources) reasons.push(`${resource} reported as 0`);
  return {
    name: node.name,
    pool: node.pool ?? NO_POOL,
    model: node.model,
    ready: node.ready,
    schedulable: node.schedulable,
    transitional: node.transitional,
    transitionalReasons: [...node.transitionalReasons],
    physicalAccelerators: node.physicalAccelerators,
    unhealthy: formatResourceList(node.unhealthy),
    staleZeroResources: [...node.staleZeroResources],
    reasons,
  };
}
