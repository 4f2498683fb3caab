/**
 * A mixed cluster for the DRA review and capacity tests: a device-plugin node (a100-0, 4 x nvidia.com/gpu, pool
 * `plugin`) and the NVIDIA-shaped DRA fixture (pool `dra`: dra-h100-0 with 2 whole GPUs, both allocated to vision's
 * claim; dra-h100-1 with one dynamic-MIG GPU publishing itself and 3 MIG placements; dra-h100-2 a pool in
 * transition), its productName made hostile so that every format's escaping shows.
 */
import { readFileSync } from 'node:fs';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import { parseObject } from '../../../src/kinds/parse.js';
import { aNamespace, aNode, gfd } from '../../builders/kube.js';

export const FIXTURE = new URL('../../fixtures/dra/nvidia-cluster.json', import.meta.url).pathname;
export const PRODUCT = '=1+2 <b>|*H100*|</b>, "q"';
/** productName with its spaces as `-`. */
export const MODEL = '=1+2-<b>|*H100*|</b>,-"q"';
export const MIG_KEY = 'mig.nvidia.com.deviceclass.resource.k8s.io/devices';

export function mixedInventory(): ClusterInventory {
  const b = new InventoryBuilder();
  b.add(
    aNode('a100-0')
      .withLabels({ ...gfd('NVIDIA-A100-SXM4-80GB', 4), 'karpenter.sh/nodepool': 'plugin' })
      .withCapacity({ cpu: '64', memory: '512Gi', pods: '110', 'nvidia.com/gpu': '4' })
      .parsed(),
  );
  for (const name of ['dra-h100-0', 'dra-h100-1', 'dra-h100-2']) {
    b.add(aNode(name).withLabels({ 'kubernetes.io/hostname': name, 'karpenter.sh/nodepool': 'dra' }).withCapacity({ cpu: '64', memory: '512Gi', pods: '110' }).parsed());
  }
  for (const ns of ['vision', 'research']) b.add(parseObject(aNamespace(ns)));
  const text = readFileSync(FIXTURE, 'utf8').replaceAll('"NVIDIA H100 80GB HBM3"', JSON.stringify(PRODUCT));
  for (const item of (JSON.parse(text) as { items: unknown[] }).items) b.add(parseObject(item));
  return b.build();
}
