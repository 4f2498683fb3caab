/**
 * What quotaplan will expand of the YAML it reads (teams files, dumps): aliases that expand past MAX_ALIAS_COUNT
 * nodes are refused as bad input (a "billion laughs" file would otherwise exhaust memory and crash).
 */

/** How many nodes YAML aliases may expand to in one document (yaml's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

/** The message for a YAML document whose aliases expand too far (`error`: what yaml's toJS threw). */
export function aliasProblem(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `YAML aliases expand past ${MAX_ALIAS_COUNT} nodes (${reason.replace(/\s+/g, ' ')}); write the values out instead of aliasing them`;
}
