#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, so the installed CLI and the sources are the same code.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
