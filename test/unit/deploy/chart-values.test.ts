/** The chart's README documents every value of values.yaml, and only values that exist. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';

const chart = new URL('../../../deploy/helm/quotaplan/', import.meta.url);

/** Every path of `values`: objects and their leaves (`collector`, `collector.schedule`, ...). */
function pathsOf(values: Record<string, unknown>, prefix = ''): { all: Set<string>; leaves: string[] } {
  const all = new Set<string>();
  const leaves: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const path = `${prefix}${key}`;
    all.add(path);
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      const inner = pathsOf(value as Record<string, unknown>, `${path}.`);
      for (const p of inner.all) all.add(p);
      leaves.push(...inner.leaves);
    } else {
      leaves.push(path);
    }
  }
  return { all, leaves };
}

test('the README values table names existing values and covers every value of values.yaml', () => {
  const values = parse(readFileSync(new URL('values.yaml', chart), 'utf8')) as Record<string, unknown>;
  const readme = readFileSync(new URL('README.md', chart), 'utf8');
  const documented = [...readme.matchAll(/^\| `([A-Za-z.]+)` \|/gm)].map((match) => match[1]!);
  const { all, leaves } = pathsOf(values);
  assert.deepEqual(documented.filter((path) => !all.has(path)), [], 'documented values that values.yaml does not have');
  const covered = (leaf: string): boolean => documented.some((path) => leaf === path || leaf.startsWith(`${path}.`));
  assert.deepEqual(leaves.filter((leaf) => !covered(leaf)), [], 'values that the README does not document');
});
