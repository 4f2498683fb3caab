/**
 * The parts of the schedulers' quota objects quotaplan reads, validated at the edge with zod (field names from
 * Kueue v0.17.0 apis/kueue/v1beta2, KAI Scheduler pkg/apis/scheduling/v2, Volcano pkg/apis/scheduling/v1beta1);
 * quantities parsed once. Everything else is dropped on parse.
 */
import { z } from 'zod';
import { ZERO_QUANTITY } from '../../quantity.js';
import { kubeName, metadata, quantity } from '../objects.js';
import type { KaiResourceFacts, KueueQuotaFacts, KueueUsageFacts } from './types.js';

const resourceName = kubeName('qualified-name');
const objectName = kubeName('dns1123-subdomain');
const resourceList = z
  .record(resourceName, quantity)
  .nullish()
  .transform((v) => v ?? {});
const count = z
  .number()
  .int()
  .nonnegative()
  .nullish()
  .transform((v) => v ?? 0);

const resourceGroups = z
  .array(
    z.object({
      flavors: z.array(
        z.object({
          name: objectName,
          resources: z.array(
            z.object({ name: resourceName, nominalQuota: quantity, borrowingLimit: quantity.nullish(), lendingLimit: quantity.nullish() }),
          ),
        }),
      ),
    }),
  )
  .nullish()
  .transform((groups): KueueQuotaFacts[] =>
    (groups ?? []).flatMap((group) =>
      group.flavors.flatMap((flavor) =>
        flavor.resources.map((r) => ({
          flavor: flavor.name,
          resource: r.name,
          nominalQuota: r.nominalQuota,
          borrowingLimit: r.borrowingLimit ?? null,
          lendingLimit: r.lendingLimit ?? null,
        })),
      ),
    ),
  );

const fairSharing = z
  .object({ weight: quantity.nullish() })
  .nullish()
  .transform((v) => v?.weight ?? null);

/** Optional: items of a raw List answer carry no apiVersion of their own. */
function apiVersionOf(group: string): z.ZodOptional<z.ZodString> {
  return z
    .string()
    .refine((v) => v.startsWith(`${group}/`), `must be ${group}/*`)
    .optional();
}

export const clusterQueueSchema = z.object({
  apiVersion: apiVersionOf('kueue.x-k8s.io'),
  kind: z.literal('ClusterQueue'),
  metadata,
  spec: z.object({ cohortName: objectName.nullish(), fairSharing, resourceGroups }),
  status: z
    .object({
      flavorsUsage: z
        .array(z.object({ name: objectName, resources: z.array(z.object({ name: resourceName, total: quantity.nullish(), borrowed: quantity.nullish() })).nullish() }))
        .nullish(),
      pendingWorkloads: count,
      admittedWorkloads: count,
    })
    .nullish(),
});

export const cohortSchema = z.object({
  apiVersion: apiVersionOf('kueue.x-k8s.io'),
  kind: z.literal('Cohort'),
  metadata,
  spec: z
    .object({ parentName: objectName.nullish(), fairSharing, resourceGroups })
    .nullish()
    .transform((v) => v ?? { parentName: null, fairSharing: null, resourceGroups: [] }),
});

export const resourceFlavorSchema = z.object({
  apiVersion: apiVersionOf('kueue.x-k8s.io'),
  kind: z.literal('ResourceFlavor'),
  metadata,
  spec: z
    .object({ nodeLabels: z.record(z.string(), z.string()).nullish() })
    .nullish()
    .transform((v) => ({ nodeLabels: v?.nodeLabels ?? {} })),
});

const kaiResource = z
  .object({ quota: z.number().nullish(), limit: z.number().nullish(), overQuotaWeight: z.number().nullish() })
  .nullish();

/** KAI Scheduler's Queue; its registry kind is `KaiQueue` (Volcano's is `Queue` too). */
export const kaiQueueSchema = z.object({
  apiVersion: apiVersionOf('scheduling.run.ai'),
  kind: z.literal('Queue').transform(() => 'KaiQueue' as const),
  metadata,
  spec: z
    .object({
      parentQueue: z.string().nullish(),
      resources: z.object({ cpu: kaiResource, gpu: kaiResource, memory: kaiResource }).nullish(),
    })
    .nullish()
    .transform((spec) => ({
      parentQueue: spec?.parentQueue ?? null,
      resources: (['cpu', 'gpu', 'memory'] as const).flatMap((resource): KaiResourceFacts[] => {
        const r = spec?.resources?.[resource];
        // KAI's fields have no omitempty: an absent one is 0 (resources.go).
        return r === null || r === undefined ? [] : [{ resource, quota: r.quota ?? 0, limit: r.limit ?? 0, overQuotaWeight: r.overQuotaWeight ?? 0 }];
      }),
    })),
  status: z.object({ allocated: resourceList }).nullish(),
});

/** Volcano's Queue; its registry kind is `VolcanoQueue`. */
export const volcanoQueueSchema = z.object({
  apiVersion: apiVersionOf('scheduling.volcano.sh'),
  kind: z.literal('Queue').transform(() => 'VolcanoQueue' as const),
  metadata,
  spec: z
    .object({
      parent: z.string().nullish(),
      weight: z.number().int().nullish(),
      deserved: resourceList,
      guarantee: z.object({ resource: resourceList }).nullish(),
      capability: resourceList,
    })
    .nullish(),
  status: z.object({ allocated: resourceList }).nullish(),
});

export type ClusterQueueObject = z.output<typeof clusterQueueSchema>;
export type CohortObject = z.output<typeof cohortSchema>;
export type ResourceFlavorObject = z.output<typeof resourceFlavorSchema>;
export type KaiQueueObject = z.output<typeof kaiQueueSchema>;
export type VolcanoQueueObject = z.output<typeof volcanoQueueSchema>;

/** A ClusterQueue's status.flavorsUsage, one row per (flavor, resource). */
export function usageOf(object: ClusterQueueObject): KueueUsageFacts[] {
  return (object.status?.flavorsUsage ?? []).flatMap((flavor) =>
    (flavor.resources ?? []).map((r) => ({
      flavor: flavor.name,
      resource: r.name,
      total: r.total ?? ZERO_QUANTITY,
      borrowed: r.borrowed ?? ZERO_QUANTITY,
    })),
  );
}
