// `node --import ./record-modules.mjs ...`: appends the URL of every module the ESM loader loads to the file named
// by $QUOTAPLAN_RECORD_MODULES, one per line, as it loads it (a synchronous write in the hooks thread: nothing is lost
// when the process exits right after). Plain JavaScript: it runs beside the built CLI, without tsx.
import { register } from 'node:module';

register('./record-modules-hooks.mjs', { parentURL: import.meta.url, data: { file: process.env.QUOTAPLAN_RECORD_MODULES } });
