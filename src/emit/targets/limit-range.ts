/** Target LimitRange: the LimitRange beside a namespace's quota (what it holds: src/emit/limit-range.ts). */
import { formatList, metadataFor } from './object-metadata.js';
import type { EmitTarget, Manifest, EmittedKind } from './target.js';

const kind: EmittedKind = { kind: 'LimitRange', apiVersion: 'v1', resource: 'limitranges', namespaced: true, order: 4 };

export const limitRangeTarget: EmitTarget = {
  name: 'LimitRange',
  choice: 'resourcequota',
  kinds: [kind],
  emit: ({ changes }) => {
    const manifests: Manifest[] = [];
    for (const team of changes.teams) {
      for (const ns of team.namespaces) {
        const lr = ns.limitRange;
        if (lr === null) continue;
        const limits: Record<string, unknown>[] = [];
        if (Object.keys(lr.maxPerPod).length > 0) limits.push({ type: 'Pod', max: formatList(lr.maxPerPod) });
        const container: Record<string, unknown> = { type: 'Container' };
        if (Object.keys(lr.maxPerContainer).length > 0) container.max = formatList(lr.maxPerContainer);
        if (Object.keys(lr.defaultLimit).length > 0) container.default = formatList(lr.defaultLimit);
        if (Object.keys(lr.defaultRequest).length > 0) container.defaultRequest = formatList(lr.defaultRequest);
        if (Object.keys(container).length > 1) limits.push(container);
        manifests.push({
          kind: 'LimitRange',
          name: lr.name,
          namespace: ns.namespace,
          team: ns.team,
          object: {
            apiVersion: kind.apiVersion,
            kind: 'LimitRange',
            metadata: { name: lr.name, namespace: ns.namespace, ...metadataFor(changes, ns.team) },
            spec: { limits },
          },
        });
      }
    }
    return { manifests, flags: [] };
  },
};
