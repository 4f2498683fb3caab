/**
 * A kind quotaplan does not read, declared the way docs/architecture.md ("Adding a kind") says, to show that one
 * module is all a kind needs: listed, validated, granted in RBAC, kept by the inventories and stored. PriorityClass
 * (scheduling.k8s.io/v1, cluster-scoped) because every API server has two: kube-apiserver creates
 * system-cluster-critical and system-node-critical at start (its scheduling bootstrap post-start hook).
 */
import { z } from 'zod';
import { objectKind } from '../../src/kinds/kind.js';
import { kindRegistry, objectKinds } from '../../src/kinds/registry.js';
import { metadata } from '../../src/inventory/objects.js';

const priorityClassSchema = z.object({
  kind: z.literal('PriorityClass'),
  metadata,
  value: z.number().int(),
  globalDefault: z.boolean().optional(),
});

export interface PriorityClassFacts {
  name: string;
  value: number;
  globalDefault: boolean;
}

export const priorityClassKind = objectKind<z.output<typeof priorityClassSchema>, PriorityClassFacts>({
  kind: 'PriorityClass',
  list: { apiVersion: 'scheduling.k8s.io/v1', group: 'scheduling.k8s.io', resource: 'priorityclasses', namespaced: false },
  protobuf: null,
  schema: priorityClassSchema,
  inventory: {
    key: (priorityClass) => priorityClass.metadata.name,
    facts: (priorityClass) => ({ name: priorityClass.metadata.name, value: priorityClass.value, globalDefault: priorityClass.globalDefault ?? false }),
    field: 'priorityClasses',
    warnings: (facts) => (facts.globalDefault ? [`priorityclass ${facts.name}: the default for pods that name none`] : []),
  },
});

/** quotaplan's kinds and PriorityClass. */
export const withPriorityClasses = kindRegistry([...objectKinds, priorityClassKind]);
