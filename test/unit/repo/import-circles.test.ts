/**
 * src/ has no import circle, type-only imports included: shared types live below the modules that use them
 * (docs/architecture.md). dpdm reads the graph; a circle anywhere fails here, with no list of exceptions.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Circles among the files a glob names, each as repository-relative paths in import order. */
async function importCircles(glob: string): Promise<{ files: string[]; circles: string[][] }> {
  const tree = await parseDependencyTree(glob, {
    context: REPO_ROOT,
    cwd: REPO_ROOT,
    tsconfig: `${REPO_ROOT}tsconfig.json`,
    transform: false,
    skipDynamicImports: false,
  });
  return { files: Object.keys(tree).sort(), circles: parseCircular(tree) };
}

describe('import circles', () => {
  it('src/ has none, and every src/ module was read', async () => {
    const { files, circles } = await importCircles('src/**/*.ts');
    const onDisk = readdirSync(`${REPO_ROOT}src`, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `src/${file}`)
      .sort();
    assert.deepEqual(
      files.filter((file) => file.startsWith('src/')),
      onDisk,
    );
    assert.deepEqual(circles, []);
  });

  it('a circle made only of type imports is found', async () => {
    const { circles } = await importCircles('test/fixtures/import-circle/*.ts');
    assert.deepEqual(circles, [['test/fixtures/import-circle/hen.ts', 'test/fixtures/import-circle/egg.ts']]);
  });
});
