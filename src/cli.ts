#!/usr/bin/env node
// Entry point: `quotaplan ...`. Everything else is in program.ts so tests can build the program without exiting.
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
