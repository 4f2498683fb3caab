import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpFileObjects } from '../../../src/collect/dump.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { readDraCapacity } from '../../../src/inventory/dra/capacity.js';
import { draPhysicalDevices, draPlannableDevices } from '../../../src/inventory/dra/physical.js';
import { nodeSelectorMatches } from '../../../src/inventory/dra/node-selection.js';
import type { DeviceFacts, NodeSelector, ResourceSliceFacts } from '../../../src/inventory/dra/types.js';
import { inventoryFromJson, inventoryToJson } from '../../../src/inventory/json.js';
import type { ClusterInventory, Vendor } from '../../../src/inventory/types.js';
import type { KubeObject } from '../../../src/kinds/registry.js';
import { inventoryTable } from '../../../src/emit/inventory-table.js';
import { parseQuantity as q } from '../../../src/quantity.js';
import { formatResourceList } from '../../../src/resources.js';
import { aNode } from '../../builders/kube.js';

const cluster = new URL('../../fixtures/dra/nvidia-cluster.json', import.meta.url).pathname;

/** The NVIDIA-shaped fixture with its three nodes (dra-h100-0 optionally cordoned). */
async function inventory(options: { cordon?: string } = {}): Promise<ClusterInventory> {
  const b = new InventoryBuilder();
  for (const name of ['dra-h100-0', 'dra-h100-1', 'dra-h100-2']) {
    const node = aNode(name).withLabels({ 'kubernetes.io/hostname': name }).withCapacity({ cpu: '64', memory: '512Gi' });
    b.add((options.cordon === name ? node.cordoned() : node).parsed());
  }
  for await (const object of dumpFileObjects(cluster)) b.add(object);
  return b.build();
}

const device = (name: string, over: Partial<DeviceFacts> = {}): DeviceFacts => ({
  name,
  attributes: { type: { string: 'gpu' }, productName: { string: 'Example  Accelerator 9000 ' } },
  capacity: {},
  consumesCounters: [],
  allowMultipleAllocations: false,
  nodeName: null,
  nodeSelector: null,
  allNodes: false,
  taints: [],
  ...over,
});

const slice = (name: string, over: Partial<ResourceSliceFacts>): ResourceSliceFacts => ({
  name,
  driver: 'accel.example.com',
  pool: { name, generation: 1, resourceSliceCount: 1 },
  nodeName: null,
  nodeSelector: null,
  allNodes: false,
  perDeviceNodeSelection: false,
  sharedCounters: [],
  devices: [],
  ...over,
});

const rackA: NodeSelector = { nodeSelectorTerms: [{ matchExpressions: [{ key: 'rack', operator: 'In', values: ['a'] }], matchFields: [] }] };

describe('DRA capacity per DeviceClass', () => {
  it('counts the NVIDIA fixture per class and model: whole GPUs one each, a dynamic-MIG GPU once behind its three placements', async () => {
    const inv = await inventory();
    assert.deepEqual(inv.dra?.classes, [
      {
        name: 'gpu.nvidia.com',
        extendedResourceName: 'nvidia.com/gpu',
        devices: 3,
        physical: 3,
        devicesByModel: { 'NVIDIA-H100-80GB-HBM3': 3 },
        unplannable: 0,
        partitionable: false,
        unsupported: false,
        inPlannable: 3,
      },
      {
        name: 'mig.nvidia.com',
        extendedResourceName: null,
        devices: 3,
        physical: 1,
        devicesByModel: { 'NVIDIA-H100-80GB-HBM3': 3 },
        unplannable: 0,
        partitionable: true,
        unsupported: false,
        inPlannable: 3,
      },
    ]);
    assert.deepEqual(inv.warnings, [
      'resource pool gpu.nvidia.com/dra-h100-2: 1 of 2 slice(s) of generation 2 published; its devices are not counted until the driver has published them all (transitional)',
      'DeviceClass mig.nvidia.com: some of its 3 device(s) draw on one shared counter set (partitionable devices, e.g. dynamic MIG placements of one GPU): not all of them can be allocated at once, so its device count is an upper bound and a quota planned on it may not be allocatable in full',
    ]);
  });

  it('lists each device with its node, attributes, memory, physical device and classes', async () => {
    const inv = await inventory();
    assert.deepEqual(
      inv.dra?.devices.map((d) => [d.pool, d.name, d.nodes, d.type, d.profile, d.memory, d.physical, d.counterSets, d.classes, d.plannable]),
      [
        ['dra-h100-0', 'gpu-0', ['dra-h100-0'], 'gpu', null, q('80Gi'), 'gpu-0', [], ['gpu.nvidia.com'], true],
        ['dra-h100-0', 'gpu-1', ['dra-h100-0'], 'gpu', null, q('80Gi'), 'gpu-1', [], ['gpu.nvidia.com'], true],
        ['dra-h100-1', 'gpu-0', ['dra-h100-1'], 'gpu', null, q('80Gi'), 'gpu-0', ['gpu-0-counter-set'], ['gpu.nvidia.com'], true],
        ['dra-h100-1', 'gpu-0-mig-1g10gb-9-0', ['dra-h100-1'], 'mig', '1g.10gb', q('10Gi'), 'gpu-0', ['gpu-0-counter-set'], ['mig.nvidia.com'], true],
        ['dra-h100-1', 'gpu-0-mig-3g40gb-1-4', ['dra-h100-1'], 'mig', '3g.40gb', q('40Gi'), 'gpu-0', ['gpu-0-counter-set'], ['mig.nvidia.com'], true],
        ['dra-h100-1', 'gpu-0-mig-3g40gb-2-0', ['dra-h100-1'], 'mig', '3g.40gb', q('40Gi'), 'gpu-0', ['gpu-0-counter-set'], ['mig.nvidia.com'], true],
      ],
    );
    const mig = inv.dra?.devices.find((d) => d.name === 'gpu-0-mig-1g10gb-9-0');
    assert.equal(mig?.parentUUID, 'GPU-9a8b7c6d-0000-0000-0000-000000000000');
    assert.equal(mig?.productName, 'NVIDIA H100 80GB HBM3');
  });

  it('leaves out the devices of a cordoned node, as its device-plugin GPUs are', async () => {
    const inv = await inventory({ cordon: 'dra-h100-0' });
    const gpu = inv.dra?.classes.find((c) => c.name === 'gpu.nvidia.com');
    assert.deepEqual([gpu?.devices, gpu?.physical, gpu?.unplannable, gpu?.inPlannable], [1, 1, 2, 1]);
    assert.deepEqual(formatResourceList(inv.plannable)['nvidia.com/gpu'], '1');
  });

  it('round-trips through the inventory JSON and shows a DRA section in the table', async () => {
    const inv = await inventory();
    assert.deepEqual(inventoryFromJson(JSON.parse(JSON.stringify(inventoryToJson(inv)))), inv);
    const table = inventoryTable(inv);
    const section = table.slice(table.indexOf('\nDRA'), table.indexOf('\nWARNINGS'));
    assert.equal(
      section,
      [
        '',
        'DRA (ResourceSlices, by DeviceClass: plannable devices; IN-PLANNABLE: counted in PLANNABLE, under EXTENDED-RESOURCE or <class>.deviceclass.resource.k8s.io/devices)',
        'DEVICECLASS     EXTENDED-RESOURCE  MODEL                  DEVICES      PHYSICAL  NOT-PLANNABLE  IN-PLANNABLE',
        'gpu.nvidia.com  nvidia.com/gpu     NVIDIA-H100-80GB-HBM3  3            3         0              3',
        'mig.nvidia.com  -                  NVIDIA-H100-80GB-HBM3  3 (at most)  1         0              3',
        '',
      ].join('\n'),
    );
  });

  it('counts a device usable from many nodes once, follows per-device node selection, and leaves out tainted devices', () => {
    const noPlugin = (): boolean => false;
    const nodes = [
      { name: 'n1', labels: { rack: 'a' }, plannable: true, serves: noPlugin },
      { name: 'n2', labels: { rack: 'a' }, plannable: true, serves: noPlugin },
      { name: 'n3', labels: { rack: 'b' }, plannable: true, serves: noPlugin },
    ];
    const read = readDraCapacity({
      classes: [{ name: 'accel', selectors: ["device.driver == 'accel.example.com'"], extendedResourceName: null }],
      slices: [
        slice('fabric', { nodeSelector: rackA, devices: [device('a0'), device('a1', { taints: [{ key: 'health', value: 'xid', effect: 'NoExecute' }] })] }),
        slice('shared', { allNodes: true, devices: [device('s0')] }),
        slice('mixed', { perDeviceNodeSelection: true, devices: [device('m0', { nodeName: 'n3' }), device('m1', { nodeName: 'gone' }), device('m2', { nodeSelector: rackA })] }),
      ],
      claims: [],
      nodes,
    });
    assert.deepEqual(
      read.capacity.devices.map((d) => [d.pool, d.name, d.nodes, d.model, d.plannable]),
      [
        ['fabric', 'a0', ['n1', 'n2'], 'Example-Accelerator-9000', true],
        ['fabric', 'a1', ['n1', 'n2'], 'Example-Accelerator-9000', false],
        ['mixed', 'm0', ['n3'], 'Example-Accelerator-9000', true],
        ['mixed', 'm1', ['gone'], 'Example-Accelerator-9000', false],
        ['mixed', 'm2', ['n1', 'n2'], 'Example-Accelerator-9000', true],
        ['shared', 's0', ['n1', 'n2', 'n3'], 'Example-Accelerator-9000', true],
      ],
    );
    const [accel] = read.capacity.classes;
    assert.deepEqual([accel?.devices, accel?.physical, accel?.unplannable], [4, 4, 2]);
    assert.deepEqual(read.warnings, ['node gone: 1 DRA device(s) published for a node not in the inventory; not counted']);
  });
});

describe('DRA devices under an extendedResourceName beside device plugins (KEP-5004)', () => {
  it('adds a DRA-only node\'s GPUs to plannable nvidia.com/gpu and its model flavor, once, and a class without an extended resource name under its quota key', async () => {
    const inv = await inventory();
    assert.deepEqual(formatResourceList(inv.plannable), {
      cpu: '192',
      memory: '1536Gi',
      'nvidia.com/gpu': '3',
      // mig.nvidia.com has no extended resource name: plannable as the quota key that counts its devices
      'mig.nvidia.com.deviceclass.resource.k8s.io/devices': '3',
    });
    assert.deepEqual(formatResourceList(inv.plannableByFlavor['nvidia.com/gpu'] ?? {}), { 'NVIDIA-H100-80GB-HBM3': '3' });
    assert.deepEqual(formatResourceList(inv.plannableByFlavor['mig.nvidia.com.deviceclass.resource.k8s.io/devices'] ?? {}), { 'NVIDIA-H100-80GB-HBM3': '3' });
  });

  it('follows the scheduler per node: where a device plugin advertises nvidia.com/gpu, the DRA devices there are not counted again', async () => {
    const b = new InventoryBuilder();
    // dra-h100-0 runs the device plugin too (2 GPUs in allocatable): the same two GPUs the DRA driver publishes.
    b.add(aNode('dra-h100-0').withLabels({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3', 'nvidia.com/gpu.count': '2' }).withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '2' }).parsed());
    b.add(aNode('dra-h100-1').withCapacity({ cpu: '64', memory: '512Gi' }).parsed());
    // A device-plugin node without DRA.
    b.add(aNode('a100-0').withLabels({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB', 'nvidia.com/gpu.count': '4' }).withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '4' }).parsed());
    for await (const object of dumpFileObjects(cluster)) b.add(object);
    const inv = b.build();
    // 2 (plugin, dra-h100-0) + 4 (plugin, a100-0) + 1 (DRA, dra-h100-1's whole GPU)
    assert.equal(formatResourceList(inv.plannable)['nvidia.com/gpu'], '7');
    assert.deepEqual(formatResourceList(inv.plannableByFlavor['nvidia.com/gpu'] ?? {}), { 'NVIDIA-A100-SXM4-80GB': '4', 'NVIDIA-H100-80GB-HBM3': '3' });
    assert.equal(inv.dra?.classes.find((c) => c.name === 'gpu.nvidia.com')?.inPlannable, 1);
    assert.ok(
      inv.warnings.includes(
        'nvidia.com/gpu: 1 node(s) have it from a device plugin and DRA devices of DeviceClass gpu.nvidia.com too; the scheduler uses the device plugin there, so those DRA devices are not counted for it',
      ),
    );
  });

  it('counts nothing for an extended resource two classes claim, with a warning', () => {
    const nodes = [{ name: 'n1', labels: {}, plannable: true, serves: (): boolean => false }];
    const read = readDraCapacity({
      classes: [
        { name: 'accel-a', selectors: [], extendedResourceName: 'example.com/accel' },
        { name: 'accel-b', selectors: [], extendedResourceName: 'example.com/accel' },
      ],
      slices: [slice('n1', { nodeName: 'n1', devices: [device('d0')] })],
      claims: [],
      nodes,
    });
    assert.deepEqual(read.plannable, {});
    assert.deepEqual(read.warnings, [
      'example.com/accel is the extendedResourceName of 2 DeviceClasses (accel-a, accel-b); the scheduler uses the newest, which quotaplan cannot tell: their DRA devices are not counted for it',
    ]);
  });
});

describe('DRA node selectors (as the scheduler matches a NodeSelector)', () => {
  const node = { name: 'n1', labels: { rack: 'a', gpus: '8' } };
  const term = (matchExpressions: NodeSelector['nodeSelectorTerms'][number]['matchExpressions'], matchFields: NodeSelector['nodeSelectorTerms'][number]['matchFields'] = []): NodeSelector => ({
    nodeSelectorTerms: [{ matchExpressions, matchFields }],
  });
  it('matches In, NotIn, Exists, DoesNotExist, Gt and Lt on labels and metadata.name in matchFields', () => {
    const cases: [NodeSelector, boolean][] = [
      [term([{ key: 'rack', operator: 'In', values: ['a', 'b'] }]), true],
      [term([{ key: 'rack', operator: 'NotIn', values: ['a'] }]), false],
      [term([{ key: 'zone', operator: 'NotIn', values: ['a'] }]), true],
      [term([{ key: 'rack', operator: 'Exists', values: [] }]), true],
      [term([{ key: 'rack', operator: 'DoesNotExist', values: [] }]), false],
      [term([{ key: 'gpus', operator: 'Gt', values: ['4'] }]), true],
      [term([{ key: 'gpus', operator: 'Lt', values: ['4'] }]), false],
      [term([{ key: 'rack', operator: 'Gt', values: ['4'] }]), false],
      [term([], [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]), true],
      [term([{ key: 'rack', operator: 'In', values: ['a'] }], [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }]), false],
      [term([]), false],
      [{ nodeSelectorTerms: [] }, false],
      [{ nodeSelectorTerms: [{ matchExpressions: [{ key: 'rack', operator: 'In', values: ['z'] }], matchFields: [] }, { matchExpressions: [{ key: 'rack', operator: 'In', values: ['a'] }], matchFields: [] }] }, true],
    ];
    assert.deepEqual(
      cases.map(([selector]) => nodeSelectorMatches(selector, node)),
      cases.map(([, expected]) => expected),
    );
  });
});

describe("GPUs a vendor's device plugin and its DRA driver both publish for one node: counted once, from the device plugin", () => {
  /** The NVIDIA fixture's objects, gpu.nvidia.com's extendedResourceName removed when `withoutExtendedResourceName`. */
  async function fixtureObjects(withoutExtendedResourceName: boolean): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for await (const object of dumpFileObjects(cluster)) {
      if (withoutExtendedResourceName && object.kind === 'DeviceClass' && object.metadata.name === 'gpu.nvidia.com') {
        out.push({ ...object, spec: { ...object.spec, extendedResourceName: null } });
      } else out.push(object);
    }
    return out;
  }
  const h100 = { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' };

  it('a class without an extendedResourceName: the node running the device plugin too adds its GPUs once, with a warning naming it', async () => {
    const b = new InventoryBuilder();
    // dra-h100-0 runs NVIDIA's device plugin (2 GPUs) and its DRA driver (the same 2 GPUs as gpu-0 and gpu-1).
    b.add(aNode('dra-h100-0').withLabels({ ...h100, 'nvidia.com/gpu.count': '2' }).withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '2' }).parsed());
    b.add(aNode('dra-h100-1').withCapacity({ cpu: '64', memory: '512Gi' }).parsed());
    for (const object of await fixtureObjects(true)) b.add(object);
    const inv = b.build();
    // nvidia.com/gpu: the device plugin's 2; gpu.nvidia.com's devices: only dra-h100-1's GPU (before: 3, the 2 again).
    assert.equal(formatResourceList(inv.plannable)['nvidia.com/gpu'], '2');
    assert.equal(formatResourceList(inv.plannable)['gpu.nvidia.com.deviceclass.resource.k8s.io/devices'], '1');
    const gpu = inv.dra?.classes.find((c) => c.name === 'gpu.nvidia.com');
    assert.deepEqual([gpu?.devices, gpu?.inPlannable], [3, 1]);
    assert.deepEqual(
      inv.dra?.devices.filter((d) => d.alsoByDevicePlugin).map((d) => `${d.pool}/${d.name}`),
      ['dra-h100-0/gpu-0', 'dra-h100-0/gpu-1'],
    );
    // Physical GPUs: the nodes' own figures (2) plus the DRA GPUs no node figure counts (dra-h100-1's 1): 3 GPUs.
    const physical = draPhysicalDevices(inv);
    assert.deepEqual(physical.map((p) => [p.pool, p.name, p.countedByDevicePlugin]), [
      ['dra-h100-0', 'gpu-0', true],
      ['dra-h100-0', 'gpu-1', true],
      ['dra-h100-1', 'gpu-0', false],
    ]);
    assert.equal(inv.nodes.reduce((sum, n) => sum + n.physicalAccelerators, 0) + physical.filter((p) => !p.countedByDevicePlugin).length, 3);
    // The devices the review and dashboard add to plannable are the ones inPlannable counts.
    assert.deepEqual([...draPlannableDevices(inv)].map(([resource, devices]) => [resource, devices.map((d) => `${d.pool}/${d.name}`)]), [
      ['gpu.nvidia.com.deviceclass.resource.k8s.io/devices', ['dra-h100-1/gpu-0']],
      ['mig.nvidia.com.deviceclass.resource.k8s.io/devices', ['dra-h100-1/gpu-0-mig-1g10gb-9-0', 'dra-h100-1/gpu-0-mig-3g40gb-1-4', 'dra-h100-1/gpu-0-mig-3g40gb-2-0']],
    ]);
    assert.deepEqual(
      inv.warnings.filter((w) => w.includes('device plugin')),
      [
        'node dra-h100-0: its device plugin advertises nvidia.com/gpu and the DRA driver gpu.nvidia.com publishes 2 physical GPU(s) for it too: ' +
          'the same GPUs twice, which the two would allocate without knowing of each other (run one of them per node); ' +
          'counted once, from the device plugin: the DRA devices only such nodes can use are left out of plannable and the physical GPU totals',
      ],
    );
    // Kept through the inventory JSON (and false when read from one written before).
    const json = inventoryToJson(inv) as { dra: { devices: Record<string, unknown>[] } };
    assert.deepEqual(inventoryFromJson(JSON.parse(JSON.stringify(json))).dra, inv.dra);
    for (const d of json.dra.devices) delete d.alsoByDevicePlugin;
    assert.deepEqual(inventoryFromJson(JSON.parse(JSON.stringify(json))).dra?.devices.map((d) => d.alsoByDevicePlugin), [false, false, false, false, false, false]);
  });

  it('a MIG device plugin beside the DRA driver: its dynamic-MIG GPU counts in neither nvidia.com/gpu nor mig.nvidia.com (KEP-5004 alone would count it: the node has no nvidia.com/gpu)', async () => {
    const b = new InventoryBuilder();
    b.add(aNode('dra-h100-0').withCapacity({ cpu: '64', memory: '512Gi' }).parsed());
    // dra-h100-1's GPU in MIG (mixed strategy) through the device plugin; the DRA driver publishes it and its placements.
    b.add(
      aNode('dra-h100-1')
        .withLabels({ ...h100, 'nvidia.com/gpu.count': '1', 'nvidia.com/mig.strategy': 'mixed', 'nvidia.com/mig-1g.10gb.count': '7' })
        .withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/mig-1g.10gb': '7' })
        .parsed(),
    );
    for (const object of await fixtureObjects(false)) b.add(object);
    const inv = b.build();
    assert.equal(formatResourceList(inv.plannable)['nvidia.com/gpu'], '2');
    assert.equal(formatResourceList(inv.plannable)['mig.nvidia.com.deviceclass.resource.k8s.io/devices'], undefined);
    assert.deepEqual(inv.dra?.classes.map((c) => [c.name, c.devices, c.inPlannable]), [
      ['gpu.nvidia.com', 3, 2],
      ['mig.nvidia.com', 3, 0],
    ]);
    assert.deepEqual(draPhysicalDevices(inv).map((p) => [p.pool, p.name, p.countedByDevicePlugin]), [
      ['dra-h100-0', 'gpu-0', false],
      ['dra-h100-0', 'gpu-1', false],
      ['dra-h100-1', 'gpu-0', true],
    ]);
    assert.ok(inv.warnings.some((w) => w.startsWith('node dra-h100-1: its device plugin advertises nvidia.com/mig-1g.10gb and the DRA driver gpu.nvidia.com publishes 1 physical GPU(s) for it too')));
  });

  it("matches a driver to its vendor's device plugin only: AMD's, not another vendor's nor an unknown driver's", () => {
    const node = (resource: string, vendor: Vendor) => ({ name: 'n1', labels: {}, plannable: true, serves: (): boolean => false, accelerators: [{ resource, vendor, capacity: q('1') }] });
    const read = (driver: string, resource: string, vendor: Vendor) =>
      readDraCapacity({
        classes: [{ name: 'accel', selectors: [], extendedResourceName: null }],
        slices: [slice('n1', { driver, nodeName: 'n1', devices: [device('d0')] })],
        claims: [],
        nodes: [node(resource, vendor)],
      });
    const amd = read('gpu.amd.com', 'amd.com/gpu', 'amd');
    assert.deepEqual([amd.plannable, amd.capacity.devices.map((d) => d.alsoByDevicePlugin)], [{}, [true]]);
    assert.equal(amd.warnings.length, 1);
    assert.match(amd.warnings[0] ?? '', /^node n1: its device plugin advertises amd\.com\/gpu and the DRA driver gpu\.amd\.com publishes 1 physical GPU\(s\)/);
    for (const [driver, resource, vendor] of [
      ['gpu.amd.com', 'nvidia.com/gpu', 'nvidia'],
      ['accel.example.com', 'example.com/gpu', 'other'],
    ] as const) {
      const other = read(driver, resource, vendor);
      assert.deepEqual([other.plannable, other.capacity.devices.map((d) => d.alsoByDevicePlugin), other.warnings], [
        { 'accel.deviceclass.resource.k8s.io/devices': { 'Example-Accelerator-9000': 1 } },
        [false],
        [],
      ]);
    }
  });
});
