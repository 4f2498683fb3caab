#!/usr/bin/env node
// Runs the built CLI (dist/, made by `npm run build`, which `npm ci`, `npm install` and `npm pack` run through
// `prepare`). Also installed as `kubectl-quotaplan`, so that kubectl finds it as the plugin `kubectl quotaplan`.
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
