/**
 * Every emit target, and what is known of each kind they write. `emit` writes the targets of its `--target`
 * choice, `apply` those of `resourcequota`; the change set asks the quota holders among them which object carries
 * each namespace's quota; the tree's paths, the tree's ownership check and apply's API paths read
 * the kinds from here.
 */
import { kaiTarget } from './kai.js';
import { kueueTarget } from './kueue.js';
import { limitRangeTarget } from './limit-range.js';
import { profileTarget } from './profile.js';
import { resourceQuotaTarget } from './resource-quota.js';
import { volcanoTarget } from './volcano.js';
import type { QuotaHolder } from '../change-set.js';
import type { EmitTarget, ManifestKind, EmittedKind, TargetChoice } from './target.js';

export const EMIT_TARGETS: readonly EmitTarget[] = [resourceQuotaTarget, profileTarget, limitRangeTarget, kueueTarget, kaiTarget, volcanoTarget];

/** The targets that can carry a namespace's quota, in the order the change set asks them (changes.ts). */
export const QUOTA_HOLDERS: readonly QuotaHolder[] = EMIT_TARGETS.flatMap((target) => (target.quotaHolder === undefined ? [] : [target.quotaHolder])).sort(
  (a, b) => a.precedence - b.precedence,
);

/** Every kind the targets write. */
export const EMIT_KINDS: readonly EmittedKind[] = EMIT_TARGETS.flatMap((target) => target.kinds);
const kindByName = new Map<string, EmittedKind>(EMIT_KINDS.map((k) => [k.kind, k]));

/** What is known of a kind quotaplan writes. */
export function emittedKindOf(kind: ManifestKind): EmittedKind {
  return kindByName.get(kind) as EmittedKind;
}

export function targetsOf(choice: TargetChoice | 'all'): EmitTarget[] {
  return EMIT_TARGETS.filter((target) => choice === 'all' || target.choice === choice);
}

/** The kind quotaplan writes with this API version and API kind (`scheduling.run.ai/v2` `Queue`: KaiQueue), or undefined. */
export function emittedKindOfObject(apiVersion: string, apiKind: string): EmittedKind | undefined {
  return EMIT_KINDS.find((k) => k.apiVersion === apiVersion && (k.apiKind ?? k.kind) === apiKind);
}
