#!/usr/bin/env node
// Entry point: `quotaplan ...`. Everything else is in program.ts so tests can build the program without exiting.
import { main } from './program.js';

// `quotaplan ... | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
