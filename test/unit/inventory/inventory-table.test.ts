import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryTable } from '../../../src/emit/inventory-table.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { aNode, aPod } from '../../builders/kube.js';

describe('inventoryTable', () => {
  it('prints one row per pool, model and resource, then plannable capacity and warnings', () => {
    const b = new InventoryBuilder();
    const h100 = { 'cloud.google.com/gke-nodepool': 'h100', 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3', 'nvidia.com/gpu.count': '8' };
    b.add(aNode('h100-0').withLabels(h100).withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '8' }).parsed());
    b.add(aNode('h100-1').withLabels(h100).withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '8' }).cordoned().parsed());
    b.add(aNode('cpu-0').withCapacity({ cpu: '16', memory: '64Gi' }).parsed());
    b.add(aPod('a', 'train').onNode('h100-0').container({ cpu: '10', 'nvidia.com/gpu': '3' }).parsed());
    b.add(aPod('kube-system', 'dns').onNode('cpu-0').container({ cpu: '500m', memory: '1Gi' }).parsed());
    // Expected by hand: the H100 group has 16 GPUs allocatable of which 8 plannable (h100-1 is cordoned),
    // 3 requested, 13 free; the pool-less CPU node has 16 cpu - 500m = 15500m free; plannable cpu 16 + 64 = 80.
    assert.equal(
      inventoryTable(b.build()),
      [
        'NODES',
        'POOL  MODEL                  NODES  PLANNABLE  PHYSICAL  RESOURCE        ALLOCATABLE  REQUESTED  FREE    PLANNABLE-ALLOC',
        '-     -                      1      1          0         cpu             16           500m       15500m  16',
        '                                                         memory          64Gi         1Gi        63Gi    64Gi',
        'h100  NVIDIA-H100-80GB-HBM3  2      1          16        nvidia.com/gpu  16           3          13      8',
        '',
        'PLANNABLE (ready, schedulable, non-transitional nodes)',
        'RESOURCE        MODEL  PLANNABLE',
        'cpu                    80',
        'memory                 576Gi',
        'nvidia.com/gpu         8',
        '',
        'WARNINGS',
        '- node h100-1: cordoned; its capacity is not plannable',
        '',
      ].join('\n'),
    );
  });

  it('prints memory in binary units, marks rounded values with ~ and says so under the tables', () => {
    const b = new InventoryBuilder();
    b.add(aNode('cpu-0').withCapacity({ cpu: '64', memory: '519659388Ki' }).parsed());
    b.add(aNode('cpu-1').withCapacity({ cpu: '64', memory: '519659388Ki' }).parsed());
    b.add(aPod('a', 'job').onNode('cpu-0').container({ cpu: '1', memory: '1536Mi' }).parsed());
    // By hand: 2 x 519659388Ki = 1039318776Ki = 991.17...Gi; minus 1536Mi (1572864Ki) = 1037745912Ki = 989.67...Gi.
    assert.equal(
      inventoryTable(b.build()),
      [
        'NODES',
        'POOL  MODEL  NODES  PLANNABLE  PHYSICAL  RESOURCE  ALLOCATABLE  REQUESTED  FREE      PLANNABLE-ALLOC',
        '-     -      2      2          0         cpu       128          1          127       128',
        '                                         memory    ~991.2Gi     1536Mi     ~989.7Gi  ~991.2Gi',
        '',
        'PLANNABLE (ready, schedulable, non-transitional nodes)',
        'RESOURCE  MODEL  PLANNABLE',
        'cpu              128',
        'memory           ~991.2Gi',
        '',
        '~ rounded to a tenth of the unit shown; -o json prints exact values',
        '',
      ].join('\n'),
    );
  });
});
