/**
 * The one order of names: by UTF-16 code unit, what `<` on strings compares. Kubernetes names are ASCII, so this
 * is also Go's `sort.Strings` order (what kubectl prints). Never `localeCompare`: a locale would change the output.
 */

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entries (`Object.entries`, a Map's) by key. */
export function compareKeys(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return compareText(a[0], b[0]);
}
