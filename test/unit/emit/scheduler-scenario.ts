/**
 * A nested plan for the scheduler targets (Kueue, KAI, Volcano), with guarantees, caps and weights:
 * - ml (weight 2) holds memory itself (its sub-team does not name it) and caps cpu at 40;
 *   - ml/cv (weight 3, namespaces cv and cv-eval): cpu 16 (guarantee 8, cap 24), H100 6 (cap 8), H200 2 (guarantee 2);
 * - data (weight 1, from the default);
 *   - data/etl (weight 0.5, namespace etl): cpu 32.
 */
import { parseQuantity } from '../../../src/quantity.js';
import { rational, type Rational } from '../../../src/rational.js';
import { buildQuotaChanges, type PlanAllocationInput } from '../../../src/emit/changes.js';
import { allocation, inventory, namespace, node, plan } from './builders.js';

/** An allocation with the planner's effective bounds (and whether it is terminal). */
export function bounded(
  base: PlanAllocationInput,
  bounds: { guarantee?: string; cap?: string; terminal?: boolean },
): PlanAllocationInput {
  return {
    ...base,
    guarantee: parseQuantity(bounds.guarantee ?? '0'),
    cap: bounds.cap === undefined ? null : parseQuantity(bounds.cap),
    terminal: bounds.terminal ?? true,
  };
}

export const H100 = 'NVIDIA-H100-80GB-HBM3';
export const H200 = 'NVIDIA-H200';

export const nestedPlan = plan([
  bounded(allocation('data', 'cpu', '32'), { terminal: false }),
  bounded(allocation('data/etl', 'cpu', '32'), {}),
  bounded(allocation('ml', 'cpu', '16'), { guarantee: '8', cap: '40', terminal: false }),
  bounded(allocation('ml', 'memory', '512Gi'), {}),
  bounded(allocation('ml', 'nvidia.com/gpu', '6', H100), { cap: '8', terminal: false }),
  bounded(allocation('ml', 'nvidia.com/gpu', '2', H200), { guarantee: '2', terminal: false }),
  bounded(allocation('ml/cv', 'cpu', '16'), { guarantee: '8', cap: '24' }),
  bounded(allocation('ml/cv', 'nvidia.com/gpu', '6', H100), { cap: '8' }),
  bounded(allocation('ml/cv', 'nvidia.com/gpu', '2', H200), { guarantee: '2' }),
]);

export const nestedInventory = inventory({
  nodes: [node('h100-0', H100, { 'nvidia.com/gpu.product': H100 }), node('h200-0', H200, { 'nvidia.com/gpu.product': H200 })],
  namespaces: [namespace('cv'), namespace('cv-eval'), namespace('etl')],
});

export const nestedWeights = new Map<string, Rational>([
  ['ml', rational(2n)],
  ['ml/cv', rational(3n)],
  ['data/etl', rational(1n, 2n)],
]);

export const nestedChanges = buildQuotaChanges({
  plan: nestedPlan,
  teams: [
    { team: 'ml/cv', namespaces: ['cv', 'cv-eval'] },
    { team: 'data/etl', namespaces: ['etl'] },
  ],
  inventory: nestedInventory,
  options: { cluster: 'prod', planId: '3' },
});

export const nestedInput = { plan: nestedPlan, changes: nestedChanges, inventory: nestedInventory, weights: nestedWeights };
