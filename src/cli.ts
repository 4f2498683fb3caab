#!/usr/bin/env node
// Entry point: `quotaplan ...`. Everything else is in program.ts so tests can build the program without exiting.
import { basename } from 'node:path';
import { main } from './program.js';

// `quotaplan ... | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// kubectl runs a plugin by its file name (`kubectl quotaplan` -> kubectl-quotaplan): say so in usage and errors.
const name = basename(process.argv[1] ?? '').startsWith('kubectl-') ? 'kubectl quotaplan' : 'quotaplan';
process.exitCode = await main(process.argv.slice(2), { name });
