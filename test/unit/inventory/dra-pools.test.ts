import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryFromDumpFile } from '../../../src/collect/dump.js';
import { physicalDevices, readPools } from '../../../src/inventory/dra/pools.js';
import type { ResourceSliceFacts } from '../../../src/inventory/dra/types.js';

const fixture = new URL('../../fixtures/dra/nvidia-cluster.json', import.meta.url).pathname;

async function slices(): Promise<ResourceSliceFacts[]> {
  const inventory = await inventoryFromDumpFile(fixture);
  return inventory.resourceSlices ?? [];
}

describe('DRA resource pools', () => {
  it('uses a pool only when every slice of its highest generation is present; an older generation is stale', async () => {
    const { complete, warnings } = readPools(await slices());
    assert.deepEqual(
      complete.map((pool) => [pool.driver, pool.name, pool.generation, pool.slices.map((s) => s.name)]),
      [
        ['gpu.nvidia.com', 'dra-h100-0', 1, ['dra-h100-0-gpu.nvidia.com-abcde']],
        ['gpu.nvidia.com', 'dra-h100-1', 3, ['dra-h100-1-gpu.nvidia.com-counters', 'dra-h100-1-gpu.nvidia.com-devices']],
      ],
    );
    assert.deepEqual(warnings, [
      'resource pool gpu.nvidia.com/dra-h100-2: 1 of 2 slice(s) of generation 2 published; its devices are not counted until the driver has published them all (transitional)',
    ]);
  });

  it('counts a whole-GPU pool one physical GPU per device', async () => {
    const [whole] = readPools(await slices()).complete;
    assert.ok(whole !== undefined);
    assert.equal(physicalDevices(whole), 2);
  });

  it('counts a dynamic-MIG GPU once, though it publishes the GPU and three MIG placements on one counter set', async () => {
    const dynamic = readPools(await slices()).complete[1];
    assert.ok(dynamic !== undefined);
    assert.equal(dynamic.slices.flatMap((s) => s.devices).length, 4);
    assert.equal(physicalDevices(dynamic), 1);
  });

  it('joins MIG devices to their GPU by parentUUID when no counters are published (static MIG)', async () => {
    const [whole] = readPools(await slices()).complete;
    assert.ok(whole !== undefined);
    const [slice] = whole.slices;
    assert.ok(slice !== undefined);
    const gpu0 = slice.devices[0];
    assert.ok(gpu0 !== undefined);
    const mig = (name: string, parent: string): ResourceSliceFacts['devices'][number] => ({
      ...gpu0,
      name,
      attributes: { type: { string: 'mig' }, parentUUID: { string: parent }, profile: { string: '3g.40gb' } },
    });
    // gpu-1 split into two MIG devices (it is no longer published whole), plus one MIG device of gpu-0.
    const staticMig = {
      ...whole,
      slices: [{ ...slice, devices: [gpu0, mig('gpu-1-mig-3g40gb-0', 'GPU-4d1d7a54-0000-0000-0000-000000000001'), mig('gpu-1-mig-3g40gb-1', 'GPU-4d1d7a54-0000-0000-0000-000000000001'), mig('gpu-0-mig-1g10gb-0', 'GPU-4d1d7a54-0000-0000-0000-000000000000')] }],
    };
    assert.equal(physicalDevices(staticMig), 2);
  });
});
