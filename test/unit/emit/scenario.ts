/**
 * The golden scenario: four leaf teams covering every kind of namespace emitting handles.
 * - platform/fraud: two namespaces, an existing `gpu-quota` (with keys quotaplan does not manage) in one, split by use;
 * - research/alice: a Kubeflow Profile (kf-resource-quota exists and must not be touched);
 * - ml/nlp: GPU quota lowered below current use, an unenforced `limits.nvidia.com/gpu` key, per-pod maxima;
 * - ml/vision: GPUs planned per model (H100 + A100) under one resource name, and a team with no namespace (ml/ghost).
 */
import type { TeamTarget } from '../../../src/emit/changes.js';
import { allocation, inventory, list, namespace, plan, profile, quota } from './builders.js';

export const scenarioPlan = plan(
  [
    allocation('ml/ghost', 'nvidia.com/gpu', '1'),
    allocation('ml/nlp', 'cpu', '32'),
    allocation('ml/nlp', 'nvidia.com/gpu', '4'),
    allocation('ml/vision', 'nvidia.com/gpu', '6', 'NVIDIA-H100-80GB-HBM3'),
    allocation('ml/vision', 'nvidia.com/gpu', '2', 'NVIDIA-A100-SXM4-80GB'),
    allocation('platform/fraud', 'cpu', '96'),
    allocation('platform/fraud', 'memory', '768Gi'),
    allocation('platform/fraud', 'nvidia.com/gpu', '12'),
    allocation('research/alice', 'amd.com/gpu', '4'),
    allocation('research/alice', 'cpu', '48'),
  ],
  ['ml/vision: nvidia.com/gpu is split by model but the models share one resource name'],
);

export const scenarioTeams: TeamTarget[] = [
  { team: 'ml/ghost', selector: { team: 'ghost' } },
  { team: 'ml/nlp', namespaces: ['nlp-train'], limitRange: { maxPerPod: list({ cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' }) } },
  { team: 'ml/vision', selector: { team: 'vision' } },
  { team: 'platform/fraud', namespaces: ['fraud-train', 'fraud-serve'] },
  { team: 'research/alice', profiles: ['alice-research'] },
];

export const scenarioInventory = inventory({
  namespaces: [
    namespace('alice-research', { 'amd.com/gpu': '2', cpu: '12', memory: '64Gi' }),
    namespace('fraud-serve', { cpu: '20', memory: '100Gi', 'nvidia.com/gpu': '2' }),
    namespace('fraud-train', { cpu: '60', memory: '412Gi', 'nvidia.com/gpu': '10' }),
    namespace('nlp-train', { cpu: '10', 'nvidia.com/gpu': '6' }),
    namespace('vision', { 'nvidia.com/gpu': '3' }, { team: 'vision' }),
  ],
  quotas: [
    quota('alice-research', 'kf-resource-quota', { 'requests.amd.com/gpu': '8', 'requests.cpu': '64', 'requests.memory': '512Gi' }),
    quota('fraud-train', 'gpu-quota', { 'requests.nvidia.com/gpu': '16', 'requests.cpu': '160', 'requests.memory': '1Ti', 'count/jobs.batch': '100' }),
    quota('nlp-train', 'gpu-quota', { 'requests.nvidia.com/gpu': '20', 'limits.nvidia.com/gpu': '20' }),
  ],
  profiles: [profile('alice-research', { 'requests.amd.com/gpu': '8', 'requests.cpu': '64', 'requests.memory': '512Gi' })],
});

export const scenarioOptions = { cluster: 'prod-eu', planId: '42' };
