import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dumpObjects, inventoryFromDumpFile } from '../../../src/collect/dump.js';
import { listPath, listTargetOf } from '../../../src/collect/list.js';
import { ValidationError } from '../../../src/errors.js';
import type { DeviceFacts, ResourceSliceFacts } from '../../../src/inventory/dra/types.js';
import { inventoryFromJson, inventoryToJson } from '../../../src/inventory/json.js';
import { deviceClassKind } from '../../../src/kinds/device-class.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { resourceClaimKind } from '../../../src/kinds/resource-claim.js';
import { resourceSliceKind } from '../../../src/kinds/resource-slice.js';
import { parseQuantity as q } from '../../../src/quantity.js';
import { openStore } from '../../../src/store/open.js';

/** Shaped like what the NVIDIA DRA driver (gpu.nvidia.com) publishes: whole GPUs, dynamic MIG, a pool mid-update. */
const fixture = new URL('../../fixtures/dra/nvidia-cluster.json', import.meta.url).pathname;
const raw = (): { items: Record<string, unknown>[] } => JSON.parse(readFileSync(fixture, 'utf8')) as { items: Record<string, unknown>[] };

const hopper = {
  brand: { string: 'Nvidia' },
  architecture: { string: 'Hopper' },
  cudaComputeCapability: { version: '9.0.0' },
  driverVersion: { version: '570.124.6' },
  cudaDriverVersion: { version: '12.8.0' },
  productName: { string: 'NVIDIA H100 80GB HBM3' },
};

function sliceNamed(slices: ResourceSliceFacts[] | undefined, name: string): ResourceSliceFacts {
  const slice = slices?.find((s) => s.name === name);
  assert.ok(slice !== undefined, `no slice ${name}`);
  return slice;
}

describe('DRA kinds (resource.k8s.io/v1)', () => {
  it('are listed cluster-wide from resource.k8s.io/v1 as JSON, and a server without the API has none (404)', () => {
    assert.deepEqual(
      [deviceClassKind, resourceSliceKind, resourceClaimKind].map((kind) => {
        const target = listTargetOf(kind);
        return [listPath(target), target.protobuf, target.optional];
      }),
      [
        ['/apis/resource.k8s.io/v1/deviceclasses', false, true],
        ['/apis/resource.k8s.io/v1/resourceslices', false, true],
        ['/apis/resource.k8s.io/v1/resourceclaims', false, true],
      ],
    );
  });

  it('are read from a dump into the inventory: classes, slices and claims in key order, API defaults filled in', async () => {
    const inventory = await inventoryFromDumpFile(fixture);
    assert.deepEqual(inventory.deviceClasses, [
      {
        name: 'gpu.nvidia.com',
        selectors: ["device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'gpu'"],
        extendedResourceName: 'nvidia.com/gpu',
      },
      {
        name: 'mig.nvidia.com',
        selectors: ["device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'mig'"],
        extendedResourceName: null,
      },
    ]);
    assert.deepEqual(
      inventory.resourceSlices?.map((s) => [s.name, s.pool.name, s.pool.generation, s.pool.resourceSliceCount, s.devices.length, s.sharedCounters.length]),
      [
        ['dra-h100-0-gpu.nvidia.com-abcde', 'dra-h100-0', 1, 1, 2, 0],
        ['dra-h100-1-gpu.nvidia.com-counters', 'dra-h100-1', 3, 2, 0, 1],
        ['dra-h100-1-gpu.nvidia.com-devices', 'dra-h100-1', 3, 2, 4, 0],
        ['dra-h100-2-gpu.nvidia.com-new', 'dra-h100-2', 2, 2, 1, 0],
        ['dra-h100-2-gpu.nvidia.com-old', 'dra-h100-2', 1, 1, 1, 0],
      ],
    );
    const whole = sliceNamed(inventory.resourceSlices, 'dra-h100-0-gpu.nvidia.com-abcde');
    assert.deepEqual({ ...whole, devices: whole.devices.slice(1) }, {
      name: 'dra-h100-0-gpu.nvidia.com-abcde',
      driver: 'gpu.nvidia.com',
      pool: { name: 'dra-h100-0', generation: 1, resourceSliceCount: 1 },
      nodeName: 'dra-h100-0',
      nodeSelector: null,
      allNodes: false,
      perDeviceNodeSelection: false,
      sharedCounters: [],
      devices: [
        {
          name: 'gpu-1',
          attributes: {
            type: { string: 'gpu' },
            uuid: { string: 'GPU-4d1d7a54-0000-0000-0000-000000000001' },
            ...hopper,
            index: { int: 1 },
            minor: { int: 1 },
            'resource.kubernetes.io/pciBusID': { string: '0000:19:00.0' },
          },
          capacity: { memory: q('80Gi') },
          consumesCounters: [],
          allowMultipleAllocations: false,
          nodeName: null,
          nodeSelector: null,
          allNodes: false,
          taints: [],
        } satisfies DeviceFacts,
      ],
    });
    const counters = sliceNamed(inventory.resourceSlices, 'dra-h100-1-gpu.nvidia.com-counters');
    const memorySlices = Object.fromEntries([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [`memory-slice-${i}`, q('1')]));
    assert.deepEqual(counters.sharedCounters, [{ name: 'gpu-0-counter-set', counters: { multiprocessors: q('132'), memory: q('80Gi'), ...memorySlices } }]);
    const dynamic = sliceNamed(inventory.resourceSlices, 'dra-h100-1-gpu.nvidia.com-devices');
    assert.deepEqual(
      dynamic.devices.map((d) => [d.name, d.attributes.type, d.attributes.profile ?? null, d.consumesCounters.map((c) => c.counterSet)]),
      [
        ['gpu-0', { string: 'gpu' }, null, ['gpu-0-counter-set']],
        ['gpu-0-mig-3g40gb-2-0', { string: 'mig' }, { string: '3g.40gb' }, ['gpu-0-counter-set']],
        ['gpu-0-mig-3g40gb-1-4', { string: 'mig' }, { string: '3g.40gb' }, ['gpu-0-counter-set']],
        ['gpu-0-mig-1g10gb-9-0', { string: 'mig' }, { string: '1g.10gb' }, ['gpu-0-counter-set']],
      ],
    );
    assert.deepEqual(dynamic.devices[3]?.consumesCounters, [
      { counterSet: 'gpu-0-counter-set', counters: { multiprocessors: q('16'), memory: q('10Gi'), 'memory-slice-0': q('1') } },
    ]);
    assert.deepEqual(inventory.warnings, [
      'resource pool gpu.nvidia.com/dra-h100-2: 1 of 2 slice(s) of generation 2 published; its devices are not counted until the driver has published them all (transitional)',
      // The fixture holds DRA objects only: no Node for the slices' nodes.
      'node dra-h100-0: 2 DRA device(s) published for a node not in the inventory; not counted',
      'node dra-h100-1: 4 DRA device(s) published for a node not in the inventory; not counted',
    ]);
    assert.deepEqual(inventory.resourceClaims, [
      {
        namespace: 'research',
        name: 'notebook-mig',
        extendedResourceClaimOf: null,
        extendedResourceClaimOwner: null,
        requests: [
          {
            name: 'mig',
            exactly: null,
            firstAvailable: [
              { name: 'small', deviceClassName: 'mig.nvidia.com', allocationMode: 'ExactCount', count: 1, adminAccess: false },
              { name: 'medium', deviceClassName: 'mig.nvidia.com', allocationMode: 'ExactCount', count: 2, adminAccess: false },
            ],
          },
          { name: 'all-gpus', exactly: { deviceClassName: 'gpu.nvidia.com', allocationMode: 'All', count: 0, adminAccess: true }, firstAvailable: [] },
        ],
        allocation: null,
      },
      {
        namespace: 'vision',
        name: 'trainer-0-gpus-x7k2p',
        extendedResourceClaimOf: null,
        extendedResourceClaimOwner: null,
        requests: [{ name: 'gpus', exactly: { deviceClassName: 'gpu.nvidia.com', allocationMode: 'ExactCount', count: 2, adminAccess: false }, firstAvailable: [] }],
        allocation: {
          devices: [
            { request: 'gpus', driver: 'gpu.nvidia.com', pool: 'dra-h100-0', device: 'gpu-0', adminAccess: false },
            { request: 'gpus', driver: 'gpu.nvidia.com', pool: 'dra-h100-0', device: 'gpu-1', adminAccess: false },
          ],
        },
      },
    ]);
  });

  it('are written to the inventory JSON and read back to the same value; stored in a snapshot and given back', async () => {
    const inventory = await inventoryFromDumpFile(fixture);
    const json = inventoryToJson(inventory);
    const back = inventoryFromJson(JSON.parse(JSON.stringify(json)));
    assert.deepStrictEqual(back, inventory);
    const written = json as { resourceSlices: { devices: { capacity: unknown; attributes: unknown }[] }[] };
    assert.deepEqual(written.resourceSlices[0]?.devices[0]?.capacity, { memory: '80Gi' });
    const store = await openStore({ file: ':memory:' });
    try {
      const { id } = await store.saveSnapshot({ cluster: { name: 'c' }, takenAt: new Date('2026-10-01T00:00:00Z'), source: { kind: 'file', ref: 'dra.json' }, inventory });
      assert.deepStrictEqual(await store.loadInventory(id), inventory);
    } finally {
      await store.close();
    }
  });

  it('leaves the DRA lists out of the JSON of an inventory taken before they were read, and reads it back without them', async () => {
    const { deviceClasses: _c, resourceSlices: _s, resourceClaims: _r, dra: _d, ...older } = await inventoryFromDumpFile(fixture);
    const json = inventoryToJson(older) as Record<string, unknown>;
    assert.deepEqual(['deviceClasses', 'resourceSlices', 'resourceClaims', 'dra'].filter((key) => key in json), []);
    assert.deepStrictEqual(inventoryFromJson(JSON.parse(JSON.stringify(json))), older);
  });

  it('refuses names the API server would refuse, naming the file, object, field and rule', () => {
    const [gpuClass, , wholeSlice, counterSlice, , , , claim] = raw().items;
    const cases: [Record<string, unknown> | undefined, (o: Record<string, unknown>) => void, string][] = [
      [gpuClass, (o) => ((o.metadata as { name: string }).name = 'GPU/../x'), 'DeviceClass GPU/../x (items[0]): metadata.name: must be a DNS-1123 subdomain'],
      [wholeSlice, (o) => (((o.spec as { devices: { name: string }[] }).devices[0] as { name: string }).name = 'gpu 0'), 'spec.devices[0].name: must be a DNS-1123 label'],
      [wholeSlice, (o) => ((o.spec as { driver: string }).driver = 'gpu.nvidia.com\n'), 'spec.driver: must be a DNS-1123 subdomain'],
      [wholeSlice, (o) => ((o.spec as { pool: { name: string } }).pool.name = 'a//b'), 'spec.pool.name: must be DNS-1123 subdomains separated by "/"'],
      [claim, (o) => ((o.metadata as { namespace: string }).namespace = 'Vision'), 'metadata.namespace: must be a DNS-1123 label'],
      // Counter names are DNS labels (the NVIDIA driver names them memory-slice-N); capacity names may be camelCase.
      [
        counterSlice,
        (o) => ((o.spec as { sharedCounters: { counters: Record<string, unknown> }[] }).sharedCounters[0]!.counters.memorySlice0 = { value: '1' }),
        'spec.sharedCounters[0].counters.memorySlice0: must be a DNS-1123 label',
      ],
    ];
    for (const [object, spoil, message] of cases) {
      assert.ok(object !== undefined);
      const spoiled = structuredClone(object);
      spoil(spoiled);
      assert.throws(() => parseObject(spoiled, { file: 'dra.json', position: 'items[0]' }), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.ok(error.message.startsWith('dra.json: ') && error.message.includes(message), error.message);
        return true;
      });
    }
  });

  it('refuses an attribute that sets no value or two', () => {
    const slice = raw().items[2] as { spec: { devices: { attributes: Record<string, unknown> }[] } };
    const device = slice.spec.devices[0];
    assert.ok(device !== undefined);
    device.attributes.type = { string: 'gpu', int: 1 };
    assert.throws(() => [...dumpObjects(JSON.stringify({ kind: 'List', items: [slice] }), { file: 'dra.json' })], {
      name: 'ValidationError',
      message: 'dra.json: ResourceSlice dra-h100-0-gpu.nvidia.com-abcde (items[0]): spec.devices[0].attributes.type: must set exactly one of string, int, bool, version',
    });
  });
});
