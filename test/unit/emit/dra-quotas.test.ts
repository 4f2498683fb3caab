/**
 * A DRA cluster planned and emitted: the NVIDIA-shaped fixture (whole GPUs through DRA on dra-h100-0, a dynamic-MIG
 * GPU on dra-h100-1) beside a device-plugin node with 4 A100s. `nvidia.com/gpu` = 4 (device plugin) + 3 (DRA, the
 * class gpu.nvidia.com's extendedResourceName) and is quota'd as `requests.nvidia.com/gpu`; the MIG class has no
 * extended resource name and is planned and quota'd as `mig.nvidia.com.deviceclass.resource.k8s.io/devices`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { dumpFileObjects } from '../../../src/collect/dump.js';
import { buildQuotaChanges } from '../../../src/emit/changes.js';
import { targetsFromTeamsFile } from '../../../src/emit/inputs.js';
import { buildManifests } from '../../../src/emit/manifests.js';
import { renderPrBody } from '../../../src/emit/pr-body.js';
import { toMultiDocument } from '../../../src/emit/tree.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import type { ClusterInventory } from '../../../src/inventory/types.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { formatQuantity, ZERO_QUANTITY } from '../../../src/quantity.js';
import { capacityView } from '../../../src/server/capacity-view.js';
import { aNamespaceObject, aNode } from '../../builders/kube.js';

const fixture = new URL('../../fixtures/dra/nvidia-cluster.json', import.meta.url).pathname;
const MIG = 'mig.nvidia.com.deviceclass.resource.k8s.io/devices';

async function cluster(): Promise<ClusterInventory> {
  const b = new InventoryBuilder();
  b.add(aNode('dra-h100-0').withCapacity({ cpu: '64', memory: '512Gi' }).parsed());
  b.add(aNode('dra-h100-1').withCapacity({ cpu: '64', memory: '512Gi' }).parsed());
  b.add(aNode('a100-0').withLabels({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB', 'nvidia.com/gpu.count': '4' }).withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '4' }).parsed());
  b.add(aNamespaceObject('vision'));
  b.add(aNamespaceObject('research'));
  for await (const object of dumpFileObjects(fixture)) b.add(object);
  return b.build();
}

const teamsYaml = `cycle: q
teams:
  - name: vision
    namespaces: [vision]
    resources:
      nvidia.com/gpu: { guarantee: 4 }
      ${MIG}: { guarantee: 1 }
  - name: research
    namespaces: [research]
    resources:
      nvidia.com/gpu: { guarantee: 3 }
      ${MIG}: { guarantee: 2 }
`;

describe('a DRA cluster planned and emitted', () => {
  it('plans nvidia.com/gpu over device-plugin and DRA GPUs, and the MIG class under its quota key', async () => {
    const inventory = await cluster();
    const plan = buildPlan({ teams: parseTeamsFile(teamsYaml, 'teams.yaml'), inventory });
    assert.deepEqual(
      plan.allocations.map((a) => [a.team, a.resource, formatQuantity(a.quota)]),
      [
        ['research', MIG, '2'],
        ['research', 'nvidia.com/gpu', '3'],
        ['vision', MIG, '1'],
        ['vision', 'nvidia.com/gpu', '4'],
      ],
    );
  });

  it('writes requests.nvidia.com/gpu and <class>.deviceclass.resource.k8s.io/devices into the ResourceQuotas', async () => {
    const inventory = await cluster();
    const plan = buildPlan({ teams: parseTeamsFile(teamsYaml, 'teams.yaml'), inventory });
    const changes = buildQuotaChanges({ plan, teams: targetsFromTeamsFile(parseTeamsFile(teamsYaml, 'teams.yaml')), inventory, options: { cluster: 'dra', planId: '1' } });
    const documents = parseAllDocuments(toMultiDocument(buildManifests({ changes, plan, inventory, mode: 'full' }))).map(
      (d) => d.toJS() as { kind: string; metadata: { namespace: string }; spec: { hard: Record<string, string> } },
    );
    const hard = (namespace: string): Record<string, string> | undefined =>
      documents.find((d) => d.kind === 'ResourceQuota' && d.metadata.namespace === namespace)?.spec.hard;
    assert.deepEqual(hard('vision'), { [MIG]: '1', 'requests.nvidia.com/gpu': '4' });
    assert.deepEqual(hard('research'), { [MIG]: '2', 'requests.nvidia.com/gpu': '3' });
  });

  it('the PR body shows the device-plugin capacity beside the DRA devices per resource, then the DRA capacity by DeviceClass, labelled', async () => {
    const inventory = await cluster();
    const plan = buildPlan({ teams: parseTeamsFile(teamsYaml, 'teams.yaml'), inventory });
    const changes = buildQuotaChanges({ plan, teams: targetsFromTeamsFile(parseTeamsFile(teamsYaml, 'teams.yaml')), inventory, options: { cluster: 'dra', planId: '1' } });
    assert.ok(inventory.dra !== undefined);
    const body = renderPrBody(changes, { dra: inventory.dra, capacity: inventory });
    assert.equal(
      body.slice(body.indexOf('## Accelerator capacity'), body.indexOf('## Changes by team')),
      [
        '## Accelerator capacity: device plugins and DRA',
        '',
        'What the plan divides, per resource: the device plugins\' capacity (allocatable of ready, schedulable, non-transitional nodes) ' +
          'and the DRA devices counted in it (under the class\'s extended resource name on nodes without a device plugin for it, else as ' +
          '`<class>.deviceclass.resource.k8s.io/devices`).',
        '',
        '| Resource | Device plugins | DRA devices | Plannable |',
        '|---|---:|---:|---:|',
        // The MIG class has no extended resource name: dra-h100-1's 3 placements under its own key, no device plugin.
        `| \`${MIG}\` | - | 3 | 3 |`,
        // a100-0's 4 from its device plugin; dra-h100-0's 2 GPUs and dra-h100-1's 1 through gpu.nvidia.com's extendedResourceName.
        '| `nvidia.com/gpu` | 4 | 3 | 7 |',
        '',
        '### DRA capacity (ResourceSlices, by DeviceClass)',
        '',
        'Devices the DRA drivers publish, beside the device-plugin capacity. *In plannable*: devices the plan divided, under the ' +
          'extended resource name (on nodes without a device plugin for it) or as `<class>.deviceclass.resource.k8s.io/devices`.',
        '',
        '| DeviceClass | Extended resource | Devices | Physical | Not plannable | In plannable |',
        '|---|---|---:|---:|---:|---:|',
        '| `gpu.nvidia.com` | `nvidia.com/gpu` | 3 | 3 | 0 | 3 |',
        '| `mig.nvidia.com` | - | 3 (at most) | 1 | 0 | 3 |',
        '',
        '',
      ].join('\n'),
    );
    // The sum is what the plan divided.
    assert.deepEqual([formatQuantity(inventory.plannable['nvidia.com/gpu'] ?? ZERO_QUANTITY), formatQuantity(inventory.plannable[MIG] ?? ZERO_QUANTITY)], ['7', '3']);
    assert.equal(renderPrBody(changes).includes('## Accelerator capacity'), false);
  });

  it("the dashboard's capacity view lists DRA devices by DeviceClass, labelled, and not among the other resources", async () => {
    const view = capacityView(await cluster());
    assert.deepEqual(view.dra, [
      {
        deviceClass: 'gpu.nvidia.com',
        extendedResourceName: 'nvidia.com/gpu',
        plannableAs: 'nvidia.com/gpu',
        devices: 3,
        physical: 3,
        devicesByModel: { 'NVIDIA-H100-80GB-HBM3': 3 },
        unplannable: 0,
        inPlannable: 3,
        partitionable: false,
        unsupported: false,
      },
      {
        deviceClass: 'mig.nvidia.com',
        extendedResourceName: null,
        plannableAs: MIG,
        devices: 3,
        physical: 1,
        devicesByModel: { 'NVIDIA-H100-80GB-HBM3': 3 },
        unplannable: 0,
        inPlannable: 3,
        partitionable: true,
        unsupported: false,
      },
    ]);
    assert.deepEqual(view.resources.map((r) => r.resource), ['cpu', 'memory']);
    assert.equal(view.plannable['nvidia.com/gpu'], '7');
  });
});
