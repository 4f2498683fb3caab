/**
 * Builds the CLI that `bin/quotaplan.js` runs and the package ships: src/ bundled by esbuild into dist/.
 *
 *   npm run build                  (also run by `npm ci` / `npm install` through `prepare`, and by `npm pack`)
 *   node --import tsx scripts/build.ts --if-stale   only when dist/ was built from other sources (the tests)
 *
 * Why a bundle and not tsc's one file per module: Node's ESM loader pays per module (resolve, read, compile), and
 * @kubernetes/client-node alone is 800+ modules; docs/benchmarks.md has both measured. Code splitting keeps each
 * command's code (src/commands/catalog.ts loads it with import()) in chunks of its own, so `--version` loads one
 * small file and only `collect` and `apply` load the Kubernetes client. Every output file sits at the top of dist/,
 * which src/package-files.ts relies on to find migrations/, web/ and the .proto files.
 *
 * better-sqlite3 stays outside the bundle (a native module found by its own package at run time), as does chart.js
 * (the dashboard serves its file from node_modules): both are the package's only runtime dependencies.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildInputsHash, distDir, readBuildStamp, repoRoot, type BuildStamp } from './build-inputs.js';

/** Runtime dependencies left outside the bundle; package.json's `dependencies` must list exactly these. */
export const externalPackages = ['better-sqlite3'] as const;

/**
 * Packages whose modules have no side effects when imported but do not say so (`"sideEffects": false`), so that
 * esbuild keeps only the modules whose exports are used. @kubernetes/client-node's index re-exports every generated
 * API and model (460 KB bundled) while quotaplan uses KubeConfig alone (28 KB); none of its modules is imported for
 * its side effects (checked: no bare `import './x.js'`). The collect and apply tests run this build.
 */
const sideEffectFreePackages = ['@kubernetes/client-node'];

function sideEffectFree(packages: readonly string[]): Plugin {
  const inside = (path: string): boolean => packages.some((name) => path.includes(`/node_modules/${name}/`));
  return {
    name: 'side-effect-free',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'side-effect-free' || !(packages.includes(args.path) || inside(args.importer))) return undefined;
        const resolved = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'side-effect-free' });
        if (resolved.errors.length > 0 || !inside(resolved.path)) return resolved.errors.length > 0 ? undefined : resolved;
        return { ...resolved, sideEffects: false };
      });
    },
  };
}

// CommonJS packages in an ESM bundle call require() for Node's built-ins; ESM has no require, so give each file one.
const requireShim = "import { createRequire as __quotaplanCreateRequire } from 'node:module';\nconst require = __quotaplanCreateRequire(import.meta.url);";

async function buildDist(inputs: string): Promise<void> {
  const started = Date.now();
  // Built beside dist/ and swapped in at the end: a CLI running from dist/ meanwhile keeps a complete tree.
  const next = `${distDir}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { cli: 'src/cli.ts', 'history-totals-worker': 'src/store/sqlite/history-totals-worker.ts' },
    outdir: next,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...externalPackages],
    banner: { js: requireShim },
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    plugins: [sideEffectFree(sideEffectFreePackages)],
    // node-fetch 2 (through client-node) requires Node's built-in punycode, which Node 22+ deprecates with a warning
    // on stderr at every live collection; the npm package of the same code (punycode.js 2) takes its place.
    alias: { punycode: 'punycode/' },
  });
  // esbuild's record of which source files each output holds, keyed by the output's name in dist/ (the tests read it).
  const outputs = Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, output]) => [basename(file), output]));
  writeFileSync(join(next, 'meta.json'), JSON.stringify({ inputs: result.metafile.inputs, outputs }));
  writeFileSync(join(next, 'THIRD-PARTY-NOTICES.txt'), thirdPartyNotices(result.metafile));
  const stamp: BuildStamp = { inputs };
  writeFileSync(join(next, 'build-stamp.json'), `${JSON.stringify(stamp)}\n`);

  const old = `${distDir}.old-${process.pid}`;
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(next, distDir);
  rmSync(old, { recursive: true, force: true });
  const files = readdirSync(distDir).filter((file) => file.endsWith('.js'));
  process.stderr.write(`built dist/ (${files.length} files) in ${Date.now() - started} ms\n`);
}

/** The licence of every package bundled into dist/ (the bundle drops their LICENSE files, not their terms). */
function thirdPartyNotices(metafile: Metafile): string {
  const packages = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  const sections: string[] = [];
  for (const dir of [...packages].sort()) {
    const manifest = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    const licenseFile = readdirSync(join(repoRoot, dir)).find((file) => /^(licen[cs]e|copying)(\.|$)/i.test(file));
    const text = licenseFile === undefined ? '(no licence file in the package)' : readFileSync(join(repoRoot, dir, licenseFile), 'utf8').trim();
    sections.push(`${manifest.name}@${manifest.version} (${manifest.license ?? 'no licence field'})\n\n${text}\n`);
  }
  return `quotaplan's dist/ bundles these packages:\n\n${sections.join(`\n${'-'.repeat(78)}\n\n`)}`;
}

/**
 * Test files run in parallel, each may find dist/ stale: one builds while the others wait, then find it current.
 * The lock is a folder holding the builder's pid, so a lock left by a killed build is recognised and taken over.
 */
async function withBuildLock(work: () => Promise<void>): Promise<void> {
  const lock = `${distDir}.lock`;
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderAlive(lock) || waited > 300_000) rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return true; // just created, pid not written yet
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const ifStale = process.argv.includes('--if-stale');
await withBuildLock(async () => {
  const inputs = buildInputsHash();
  if (ifStale && readBuildStamp()?.inputs === inputs) return;
  await buildDist(inputs);
});
