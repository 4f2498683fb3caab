/**
 * `aws.amazon.com/neuron` and `aws.amazon.com/neurondevice` are two names for the same Neuron devices (the Neuron
 * device plugin advertised both up to Neuron 2.19), and `aws.amazon.com/neuroncore` counts those devices' cores:
 * every total counts the devices once.
 *
 * The node: a trn1.32xlarge as the older plugin shows it, 16 devices under each name and 32 cores.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { nodeFacts } from '../../../src/inventory/node-facts.js';
import type { NodeObject } from '../../../src/inventory/objects.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { gpuEquivalentsOf } from '../../../src/review/gpu-equivalents.js';
import { capacityView } from '../../../src/server/capacity-view.js';
import { aNode } from '../../builders/kube.js';
import { inventory, team, teamsFile } from '../../builders/teams.js';

const NEURON = 'aws.amazon.com/neuron';
const NEURONDEVICE = 'aws.amazon.com/neurondevice';
const NEURONCORE = 'aws.amazon.com/neuroncore';

function trn1(name: string, devices: { neuron: string; neurondevice: string }): NodeObject {
  return aNode(name)
    .withLabels({ 'karpenter.k8s.aws/instance-accelerator-name': 'trainium' })
    .withCapacity({ cpu: '128', [NEURON]: devices.neuron, [NEURONDEVICE]: devices.neurondevice, [NEURONCORE]: '32' })
    .parsed();
}

describe('Neuron devices advertised under two names count once', () => {
  it('physical accelerators: 16, not 32 (nor 48 with the cores)', () => {
    const { facts, warnings } = nodeFacts(trn1('trn-0', { neuron: '16', neurondevice: '16' }));
    assert.equal(facts.physicalAccelerators, 16);
    assert.deepEqual(
      facts.accelerators.map((a) => [a.resource, `${a.physical.numerator}/${a.physical.denominator}`]),
      [[NEURON, '16/1'], [NEURONCORE, '0/1'], [NEURONDEVICE, '0/1']],
    );
    assert.deepEqual(warnings, []);
  });

  it('when the two names disagree, the larger count is counted once, with a warning', () => {
    const { facts, warnings } = nodeFacts(trn1('trn-0', { neuron: '12', neurondevice: '16' }));
    assert.equal(facts.physicalAccelerators, 16);
    assert.deepEqual(warnings, [
      `node trn-0: ${NEURON} (12) and ${NEURONDEVICE} (16) are two names for the same devices but disagree; counting 16 once`,
    ]);
  });

  it('the dashboard totals: 16 GPU-equivalents of capacity, not 48', () => {
    const builder = new InventoryBuilder();
    builder.add(trn1('trn-0', { neuron: '16', neurondevice: '16' }));
    const inventoryOfNode = builder.build();
    const totals = capacityView(inventoryOfNode).totals;
    assert.deepEqual([totals.physicalAccelerators, totals.gpuEquivalent.capacity, totals.gpuEquivalent.plannable], [16, 16, 16]);
    assert.deepEqual(inventoryOfNode.warnings, [
      `${NEURONDEVICE} is another name for ${NEURON} on 1 node(s) (the Neuron device plugin advertised both up to Neuron 2.19): ` +
        `their devices are counted once; plan and quota ${NEURON}`,
    ]);
    // One unit of each is what it is: a device, a device, half a device (the review's per-unit figures).
    assert.deepEqual(
      Object.entries(gpuEquivalentsOf({ nodes: inventoryOfNode.nodes })).map(([resource, r]) => [resource, `${r.numerator}/${r.denominator}`]),
      [[NEURON, '1/1'], [NEURONCORE, '1/2'], [NEURONDEVICE, '1/1']],
    );
  });

  it('a plan dividing two names (or a name and the cores) of the same devices is refused', () => {
    const plannable = inventory({ [NEURON]: '16', [NEURONDEVICE]: '16', [NEURONCORE]: '32' });
    for (const [first, second] of [[NEURON, NEURONDEVICE], [NEURON, NEURONCORE], [NEURONCORE, NEURONDEVICE]] as const) {
      const teams = teamsFile({}, team('a').resource(first), team('b').resource(second));
      assert.throws(
        () => buildPlan({ teams, inventory: plannable }),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.message ===
            `teams.yaml: ${first} (teams[0].resources.${first}) and ${second} (teams[1].resources.${second}) count the same devices: ` +
              'dividing both would hand every device out twice; plan one of them',
      );
    }
    assert.equal(buildPlan({ teams: teamsFile({}, team('a').resource(NEURON), team('b').resource(NEURON)), inventory: plannable }).pools.length, 1);
  });
});
