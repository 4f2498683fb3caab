// Loader hooks of record-modules.mjs.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
  if (!file) throw new Error('record-modules: set QUOTAPLAN_RECORD_MODULES to the file to write');
}

export async function load(url, context, nextLoad) {
  appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
