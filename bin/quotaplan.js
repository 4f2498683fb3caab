#!/usr/bin/env node
// Runs the built CLI (dist/, made by `npm run build`, which `npm ci`, `npm install` and `npm pack` run through
// `prepare`). Also installed as `kubectl-quotaplan`, so that kubectl finds it as the plugin `kubectl quotaplan`.
import module from 'node:module';

// Node 22.1+ keeps the compiled bundle on disk between runs (in the OS temp folder): most of a short command's
// startup is compiling dist/. Node 20 has no such cache; the call is skipped there.
module.enableCompileCache?.();

try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('quotaplan: the CLI is not built (no dist/cli.js): run `npm run build` in the checkout\n');
    process.exitCode = 70;
  } else {
    throw error;
  }
}
