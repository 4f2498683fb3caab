import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instancesPerGpu, migProfileFromResourceSuffix, parseMigProfile, totalComputeSlices } from '../../../src/inventory/mig.js';

describe('MIG profiles', () => {
  it('parses names with suffixes instead of enumerating them', () => {
    assert.deepEqual(parseMigProfile('3g.71gb'), { name: '3g.71gb', computeSlices: 3, memoryGb: 71 });
    assert.deepEqual(parseMigProfile('1g.24gb+gfx'), { name: '1g.24gb+gfx', computeSlices: 1, memoryGb: 24 });
    assert.deepEqual(parseMigProfile('1g.10gb-me'), { name: '1g.10gb-me', computeSlices: 1, memoryGb: 10 });
    assert.deepEqual([parseMigProfile('INVALID'), parseMigProfile('0g.10gb'), parseMigProfile('3g')], [null, null, null]);
  });

  it('turns the `.` the device plugin writes in resource names back into `+`', () => {
    assert.equal(migProfileFromResourceSuffix('1g.10gb.me')?.name, '1g.10gb+me');
    assert.equal(migProfileFromResourceSuffix('2g.20gb')?.name, '2g.20gb');
    assert.equal(migProfileFromResourceSuffix('bogus'), null);
  });

  it('counts 4 compute slices on A30 and RTX PRO 6000, 7 elsewhere', () => {
    assert.deepEqual(
      ['NVIDIA-A30', 'NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition', 'NVIDIA-A100-SXM4-80GB', 'NVIDIA-H200', null].map(totalComputeSlices),
      [4, 4, 7, 7, 7],
    );
  });

  // The GPU Operator's default MIG configs (domain.md section 1): max instances of one profile per GPU.
  const table: { gpu: string; product: string; memoryGb: number; profiles: Record<string, number> }[] = [
    { gpu: 'A100-40GB', product: 'NVIDIA-A100-SXM4-40GB', memoryGb: 40, profiles: { '1g.5gb': 7, '1g.5gb+me': 1, '1g.10gb': 4, '2g.10gb': 3, '3g.20gb': 2, '4g.20gb': 1, '7g.40gb': 1 } },
    { gpu: 'A100-80GB', product: 'NVIDIA-A100-SXM4-80GB', memoryGb: 80, profiles: { '1g.10gb': 7, '1g.10gb+me': 1, '1g.20gb': 4, '2g.20gb': 3, '3g.40gb': 2, '4g.40gb': 1, '7g.80gb': 1 } },
    { gpu: 'H100-80GB', product: 'NVIDIA-H100-80GB-HBM3', memoryGb: 80, profiles: { '1g.10gb': 7, '1g.10gb+me': 1, '1g.20gb': 4, '2g.20gb': 3, '3g.40gb': 2, '4g.40gb': 1, '7g.80gb': 1 } },
    { gpu: 'A30', product: 'NVIDIA-A30', memoryGb: 24, profiles: { '1g.6gb': 4, '2g.12gb': 2, '4g.24gb': 1 } },
    { gpu: 'H100 NVL 94GB', product: 'NVIDIA-H100-NVL', memoryGb: 94, profiles: { '1g.12gb': 7, '1g.24gb': 4, '2g.24gb': 3, '3g.47gb': 2, '4g.47gb': 1, '7g.94gb': 1 } },
    { gpu: 'H200 141GB', product: 'NVIDIA-H200', memoryGb: 141, profiles: { '1g.18gb': 7, '1g.35gb': 4, '2g.35gb': 3, '3g.71gb': 2, '4g.71gb': 1, '7g.141gb': 1 } },
  ];
  for (const row of table) {
    it(`fits as many instances per GPU as the GPU Operator's table says on ${row.gpu}`, () => {
      const got = Object.fromEntries(Object.keys(row.profiles).map((name) => [name, instancesPerGpu(parseMigProfile(name)!, row.product, row.memoryGb)]));
      assert.deepEqual(got, row.profiles);
    });
  }

  it('falls back to the compute bound when the GPU memory is unknown', () => {
    assert.equal(instancesPerGpu(parseMigProfile('3g.71gb')!, 'NVIDIA-H200', null), 2);
    assert.equal(instancesPerGpu(parseMigProfile('1g.35gb')!, 'NVIDIA-H200', null), 7); // the real limit is 4
  });
});
